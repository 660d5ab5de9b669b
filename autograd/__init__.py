"""autograd: a Tensor with tape-based reverse-mode automatic differentiation, on numpy.

>>> import autograd as ag
>>> x = ag.tensor([[1., 2.], [3., 4.]], requires_grad=True)
>>> y = (x * x).sum()
>>> y.backward()
>>> x.grad
tensor([[2., 4.],
        [6., 8.]])
"""
from . import allocator  # noqa: F401  (tunes glibc malloc for training loops; see its docstring)
from .tensor import Tensor
from .dtypes import float32, float64, int64, bool_ as bool  # noqa: A001  (as torch.bool)
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .api import (abs, add, amax, amin, argmax, argmin, broadcast_to, cat, clamp, cos, div, elu, exp,
                        expand, flatten, leaky_relu, linear, log, log_softmax, logsumexp, matmul, max, maximum, mean, min,
                        minimum, mul, neg, pad, permute, pow, prod, relu, reshape, sigmoid, sin, softmax, softplus,
                        sqrt, squeeze, stack, std, sub, sum, tanh, to, transpose, unsqueeze, var, where)
from . import losses
from .losses import cross_entropy
from .api import (acos, acosh, allclose, asin, asinh, atan, atanh, celu, ceil, copysign, cosh, erf, exp2, expm1,
                  floor, floor_divide, fmod, gelu, hardsigmoid, hardtanh, isclose, log10, log1p, log2, logaddexp,
                  logical_and, logical_not, logical_or, logical_xor, remainder, round_ as round, rsqrt, selu, sign,
                  silu, sinh, softsign, tan, trunc, type_as)  # noqa: A004  (round as torch.round)
from .convolution import (adaptive_avg_pool2d, avg_pool1d, avg_pool2d, conv1d, conv2d, conv_transpose2d, interpolate,
                          max_pool1d, max_pool2d)
from .api import norm, std_mean, var_mean
from .scans import cummax, cummin, cumprod, cumsum, logcumsumexp
from .sorting import argsort, sort, topk
from .indexing import (chunk, diagonal, flip, gather, index_select, masked_fill, masked_select, narrow, nonzero,
                       repeat_interleave, roll, scatter, scatter_add, scatter_reduce, split, tile, tril, triu,
                       unflatten)
from .contraction import einsum
from . import registry  # noqa: F401  (attaches the ops to Tensor)
from .creation import (arange, default_generator, empty, empty_like, eye, from_numpy, full, full_like, linspace,
                       manual_seed, ones, ones_like, rand, rand_like, randint, randn, randn_like, tensor, zeros,
                       zeros_like)
from .engine import grad
from .gradcheck import GradcheckError, gradcheck
from .higher import hessian, hvp
from .graph import draw_graph
from .function import Function
from .compiler import capture_as_call, compile  # noqa: A004  (as torch.compile)

__version__ = "0.1.0"
# nn and optim look for this mark: HIPS autograd on the package index has the same import name.
__tapegrad__ = True
from .name_clash import warn_if_mixed  # noqa: E402
warn_if_mixed()
