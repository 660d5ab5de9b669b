"""The primitive ops: every gradient rule in the library lives in these files."""
from .elementwise import (Abs, Add, Cast, Clamp, Cos, Div, Elu, Exp, LeakyRelu, Log, Maximum, Minimum, Mul, Neg,
                          Pow, Relu, Sigmoid, Sin, Softplus, Sqrt, Sub, Tanh, Where)
from .linalg import Linear, Matmul
from .reduce import Amax, Amin, Prod, Sum
from .shape import Cat, Expand, Index, Pad, Permute, Reshape, ScatterIntoZeros
from .conv import Conv2d, Conv2dWeight, ConvTranspose2d, Geometry
from .pool import AvgPool2d, AvgPool2dAdjoint, MaxPool2d, MaxUnpool2d
