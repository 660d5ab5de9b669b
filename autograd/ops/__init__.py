"""The primitive ops: every gradient rule in the library lives in these files."""
from .elementwise import (Abs, Add, Cast, Clamp, Clone, Cos, Div, Elu, Exp, LeakyRelu, Log, Maximum, Minimum, Mul,
                          Neg, Pow, Relu, Sigmoid, Sin, Softplus, Sqrt, Sub, Tanh, Where)
from .linalg import Linear, Matmul
from .logic import (Equal, Greater, GreaterEqual, Less, LessEqual, LogicalAnd, LogicalNot, LogicalOr, LogicalXor,
                    NotEqual, Sign)
from .loss import SoftmaxCrossEntropy
from .reduce import All, Amax, Amin, Any, ArgMax, ArgMin, Prod, ShareOfExtremes, StableShift, Sum
from .shape import Cat, Expand, Index, Pad, Permute, Reshape, ScatterIntoZeros
