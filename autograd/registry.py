"""The registry of ops: one entry per op drives its Tensor method, its module-level function and
its tests.

Each `OpSpec` names the public function, an independent numpy reference of its forward, the
domain each tensor input is drawn from, and sample cases (input shapes plus keyword arguments).
`tests/autograd/test_ops.py` checks every entry's forward against its reference and, for the
differentiable ones, its backward against central differences in float64, over the sample cases
and (for elementwise ops) over random broadcast shapes.
"""
import itertools
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import api as fn
from . import arrays, contraction, indexing, losses, naive, naive_indexing, ops
from . import convolution as conv
from . import scans, sorting
from .tensor import Tensor

REAL, POSITIVE, NONZERO, BOOL = "real", "positive", "nonzero", "bool"


@dataclass(frozen=True)
class OpSpec:
    name: str
    function: Callable            # public function; its first argument is a tensor
    reference: Callable           # numpy forward taking arrays and the same keyword arguments
    domains: tuple = (REAL,)      # one per tensor input
    cases: tuple = ()             # (input shapes, keyword arguments) pairs
    elementwise: bool = False     # also tested over random broadcast shapes
    differentiable: bool = True
    method: bool = True           # bound as a Tensor method of the same name
    operators: tuple = ()         # dunder methods bound to `function` as well
    call: Callable = None         # how tests call it, when not as function(*tensors, **kwargs)

    @property
    def under_test(self):
        return self.call or self.function


def _axis(dim):
    return tuple(dim) if isinstance(dim, (list, tuple)) else dim


def _np_reduce(reduce):
    return lambda x, dim=None, keepdim=False: reduce(x, axis=_axis(dim), keepdims=keepdim)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _logsumexp(x, dim=None, keepdim=False):
    return np.log(np.sum(np.exp(x), axis=_axis(dim), keepdims=keepdim))


def _softmax(x, dim):
    e = np.exp(x)
    return e / e.sum(axis=dim, keepdims=True)


UNARY = (((3, 4),), ((),), ((1,),), ((2, 1, 3),))
BINARY = (((3, 4), (3, 4)), ((2, 3, 4), (4,)), ((3, 1), (1, 4)), ((), (2, 3)), ((2, 3), ()), ((1,), (3, 1)))
REDUCTION = tuple(
    (((2, 3, 4),), kwargs)
    for kwargs in ({}, {"dim": 1}, {"dim": -1, "keepdim": True}, {"dim": (0, 2)}, {"dim": (0, 2), "keepdim": True})
) + ((((),), {}), (((5,),), {"dim": 0}), (((1, 3),), {"dim": 0}),
     # enough leading rows for sums over leading dims to go through BLAS (backends.sum_leading)
     (((17, 3),), {"dim": 0}), (((4, 5, 2),), {"dim": (0, 1), "keepdim": True}))


def _unary_cases(**kwargs):
    return tuple((shapes, kwargs) for shapes in UNARY)


def _binary_cases():
    return tuple((shapes, {}) for shapes in BINARY)


def _unary(name, function, reference, domain=REAL, **kwargs):
    return OpSpec(name, function, reference, (domain,), _unary_cases(**kwargs), elementwise=True)


def _binary(name, function, reference, domains=(REAL, REAL)):
    return OpSpec(name, function, reference, domains, _binary_cases(), elementwise=True)


def _boolean(name, function, ufunc, domain=REAL):
    """A comparison or logical operator: bound as `__name__`, a boolean result, no gradient."""
    return OpSpec(name, function, ufunc, (domain, domain), _binary_cases(), elementwise=True, differentiable=False,
                  method=False, operators=(f"__{name}__",))


def _class_targets(logits):
    """Fixed class targets for a registry test of cross-entropy: row i has class i mod C."""
    rows, classes = logits.shape
    return np.arange(rows) % classes


def _cross_entropy_reference(logits, reduction="mean", label_smoothing=0.0):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    losses = -log_probs[np.arange(len(logits)), _class_targets(logits)]
    # smoothing e: (1 - e) of the loss on the target, e spread evenly over the C classes
    losses = (1 - label_smoothing) * losses - label_smoothing * log_probs.mean(axis=1)
    return {"mean": np.mean, "sum": np.sum, "none": lambda v: v}[reduction](losses)


_ALL_ANY_CASES = tuple((((2, 3),), kwargs) for kwargs in ({}, {"dim": 0}, {"dim": -1})) + ((((),), {}),)


_MASK = np.array([True, False, True])
INDEX_CASES = tuple(
    (((3, 4),), {"index": index})
    for index in (1, -1, (slice(None), 2), slice(0, 2), (None, Ellipsis, slice(1, 3)), (1, None),
                  _MASK, np.array([0, 2, 0, 0]), (np.array([0, 2, 2]), np.array([1, 1, 3])),
                  (slice(1, None), np.array([3, 0, 3])), (Ellipsis, np.array([True, False, True, True])))
) + ((((),), {"index": ()}), (((2, 3),), {"index": (Ellipsis, None)}))


SPECS = (
    # arithmetic
    _binary("add", fn.add, np.add),
    _binary("sub", fn.sub, np.subtract),
    _binary("mul", fn.mul, np.multiply),
    _binary("div", fn.div, np.divide, (REAL, NONZERO)),
    _binary("pow", fn.pow, np.power, (POSITIVE, REAL)),
    _binary("maximum", fn.maximum, np.maximum),
    _binary("minimum", fn.minimum, np.minimum),
    OpSpec("neg", fn.neg, np.negative, cases=_unary_cases(), elementwise=True, operators=("__neg__",)),
    OpSpec("matmul", fn.matmul, np.matmul, (REAL, REAL), tuple((shapes, {}) for shapes in (
        ((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)), ((2, 3, 4), (4, 5)),
        ((2, 1, 3, 4), (5, 4, 2)), ((4,), (2, 4, 3)), ((2, 3, 4), (4,)), ((1, 1), (1, 1))))),
    OpSpec("linear", fn.linear, lambda x, w, b: x @ w.T + b, (REAL, REAL, REAL), tuple((shapes, {}) for shapes in (
        ((4, 3), (5, 3), (5,)), ((3,), (5, 3), (5,)), ((2, 4, 3), (5, 3), (5,)), ((1, 1), (1, 1), (1,)))),
        method=False),
    OpSpec("linear_without_bias", fn.linear, lambda x, w: x @ w.T, (REAL, REAL),
           (((((4, 3), (5, 3)), {}), (((1, 3), (2, 3)), {}))), method=False),
    # math
    _unary("exp", fn.exp, np.exp),
    _unary("log", fn.log, np.log, POSITIVE),
    _unary("sqrt", fn.sqrt, np.sqrt, POSITIVE),
    _unary("abs", fn.abs, np.abs, NONZERO),
    _unary("sin", fn.sin, np.sin),
    _unary("cos", fn.cos, np.cos),
    _unary("tanh", fn.tanh, np.tanh),
    _unary("sigmoid", fn.sigmoid, _sigmoid),
    _unary("relu", fn.relu, lambda x: np.maximum(x, 0), NONZERO),
    OpSpec("leaky_relu", fn.leaky_relu, lambda x, negative_slope=0.01: np.where(x > 0, x, negative_slope * x),
           (NONZERO,), _unary_cases() + _unary_cases(negative_slope=0.2), elementwise=True),
    OpSpec("elu", fn.elu, lambda x, alpha=1.0: np.where(x > 0, x, alpha * (np.exp(x) - 1)),
           (NONZERO,), _unary_cases() + _unary_cases(alpha=0.5), elementwise=True),
    OpSpec("softplus", fn.softplus,
           lambda x, beta=1.0, threshold=20.0: np.where(beta * x > threshold, x, np.log1p(np.exp(beta * x)) / beta),
           (REAL,), _unary_cases() + _unary_cases(beta=2.0, threshold=1.0), elementwise=True),
    OpSpec("clamp", fn.clamp, lambda x, min=None, max=None: np.clip(x, min, max), (REAL,),
           _unary_cases(min=-0.5, max=0.5) + _unary_cases(min=0.1) + _unary_cases(max=-0.2)
           + _unary_cases(min=0.5, max=-0.5), elementwise=True),  # (min > max: every element is max)
    OpSpec("where", fn.where, lambda a, b: np.where(a > 0, a, b), (NONZERO, REAL), _binary_cases(),
           elementwise=True, method=False, call=lambda a, b: fn.where(a > 0, a, b)),
    OpSpec("clone", fn.clone, np.copy, cases=_unary_cases(), elementwise=True),
    OpSpec("to", fn.to, lambda x, dtype: x.astype(dtype), cases=tuple(
        (shapes, {"dtype": dtype}) for shapes in UNARY for dtype in (np.int64, np.bool_)), differentiable=False),
    # reductions
    OpSpec("sum", fn.sum, _np_reduce(np.sum), cases=REDUCTION),
    OpSpec("mean", fn.mean, _np_reduce(np.mean), cases=REDUCTION),
    OpSpec("prod", fn.prod, _np_reduce(np.prod), (NONZERO,), cases=REDUCTION),
    OpSpec("amax", fn.amax, _np_reduce(np.max), cases=REDUCTION),
    OpSpec("amin", fn.amin, _np_reduce(np.min), cases=REDUCTION),
    OpSpec("var", fn.var, lambda x, dim=None, keepdim=False, correction=1:
           np.var(x, axis=_axis(dim), keepdims=keepdim, ddof=correction),
           cases=REDUCTION[:5] + ((((4, 3),), {"dim": 0, "correction": 0}),)),
    OpSpec("std", fn.std, lambda x, dim=None, keepdim=False, correction=1:
           np.std(x, axis=_axis(dim), keepdims=keepdim, ddof=correction), cases=REDUCTION[:5]),
    OpSpec("logsumexp", fn.logsumexp, _logsumexp, cases=REDUCTION),
    OpSpec("softmax", fn.softmax, _softmax, cases=tuple((((2, 3, 4),), {"dim": d}) for d in (0, 1, -1))
           + ((((5,),), {"dim": 0}),)),
    OpSpec("log_softmax", fn.log_softmax, lambda x, dim: np.log(_softmax(x, dim)),
           cases=tuple((((2, 3, 4),), {"dim": d}) for d in (0, 1, -1)) + ((((5,),), {"dim": 0}),)),
    OpSpec("argmax", fn.argmax, lambda x, dim=None, keepdim=False: np.argmax(x, axis=dim, keepdims=keepdim),
           cases=((((3, 4),), {}), (((3, 4),), {"dim": 1}), (((3, 4),), {"dim": 0, "keepdim": True})),
           differentiable=False),
    OpSpec("argmin", fn.argmin, lambda x, dim=None, keepdim=False: np.argmin(x, axis=dim, keepdims=keepdim),
           cases=((((3, 4),), {}), (((3, 4),), {"dim": 1}), (((3, 4),), {"dim": 0, "keepdim": True})),
           differentiable=False),
    # shape
    OpSpec("reshape", fn.reshape, lambda x, shape: np.reshape(x, shape), call=lambda x, shape: x.reshape(shape), cases=(
        (((2, 3, 4),), {"shape": (6, 4)}), (((2, 3),), {"shape": (-1,)}), (((),), {"shape": (1, 1)}),
        (((1,),), {"shape": ()}))),
    OpSpec("flatten", fn.flatten, lambda x, start_dim=0: x.reshape(x.shape[:start_dim] + (-1,)), cases=(
        (((2, 3, 4),), {}), (((2, 3, 4),), {"start_dim": 1}), (((),), {}))),
    OpSpec("permute", fn.permute, lambda x, dims: np.transpose(x, dims), call=lambda x, dims: x.permute(*dims), cases=(
        (((2, 3, 4),), {"dims": (2, 0, 1)}), (((2, 3),), {"dims": (1, 0)}))),
    OpSpec("transpose", fn.transpose, lambda x, dim0, dim1: np.swapaxes(x, dim0, dim1), cases=(
        (((2, 3, 4),), {"dim0": 0, "dim1": 2}), (((2, 3),), {"dim0": -1, "dim1": 0}))),
    OpSpec("unsqueeze", fn.unsqueeze, lambda x, dim: np.expand_dims(x, dim), cases=(
        (((2, 3),), {"dim": 0}), (((2, 3),), {"dim": -1}), (((),), {"dim": 0}))),
    OpSpec("squeeze", fn.squeeze, lambda x, dim=None: np.squeeze(x, dim) if dim is None or x.shape[dim] == 1 else x,
           cases=((((1, 3, 1),), {}), (((1, 3, 1),), {"dim": 2}), (((2, 3),), {"dim": 0}))),
    OpSpec("broadcast_to", fn.broadcast_to, lambda x, shape: np.broadcast_to(x, shape),
           call=lambda x, shape: x.broadcast_to(shape), cases=(
        (((3, 1),), {"shape": (2, 3, 4)}), (((),), {"shape": (2, 2)}), (((4,),), {"shape": (3, 4)}))),
    OpSpec("expand", fn.expand, lambda x, sizes: np.broadcast_to(x, tuple(
        x.shape[i - len(sizes) + x.ndim] if n == -1 else n for i, n in enumerate(sizes))),
        call=lambda x, sizes: x.expand(*sizes), cases=(
        (((3, 1),), {"sizes": (2, -1, 4)}),)),
    OpSpec("getitem", fn.getitem, lambda x, index: x[index], cases=INDEX_CASES, method=False,
           operators=("__getitem__",)),
    OpSpec("cat", fn.cat, lambda *xs, dim=0: np.concatenate(xs, axis=dim), (REAL, REAL, REAL),
           cases=((((2, 3), (1, 3), (4, 3)), {}), (((2, 3), (2, 1), (2, 2)), {"dim": 1})),
           method=False, call=lambda *ts, dim=0: fn.cat(ts, dim)),
    OpSpec("stack", fn.stack, lambda *xs, dim=0: np.stack(xs, axis=dim), (REAL, REAL),
           cases=((((2, 3), (2, 3)), {}), (((2, 3), (2, 3)), {"dim": -1}), (((), ()), {})),
           method=False, call=lambda *ts, dim=0: fn.stack(ts, dim)),
    OpSpec("pad", fn.pad, lambda x, pad, value=0.0: np.pad(
        x, [(0, 0)] * (x.ndim - len(pad) // 2) + [(pad[i], pad[i + 1]) for i in range(len(pad) - 2, -1, -2)],
        constant_values=value), cases=(
        (((2, 3),), {"pad": (1, 2)}), (((2, 3, 2),), {"pad": (0, 1, 2, 0), "value": 1.5}))),
    _boolean("eq", fn.eq, np.equal),
    _boolean("ne", fn.ne, np.not_equal),
    _boolean("lt", fn.lt, np.less),
    _boolean("le", fn.le, np.less_equal),
    _boolean("gt", fn.gt, np.greater),
    _boolean("ge", fn.ge, np.greater_equal),
    _boolean("and", fn.and_, np.logical_and, BOOL),
    _boolean("or", fn.or_, np.logical_or, BOOL),
    _boolean("xor", fn.xor, np.logical_xor, BOOL),
    OpSpec("invert", fn.invert, np.logical_not, (BOOL,), _unary_cases(), elementwise=True, differentiable=False,
           method=False, operators=("__invert__",)),
    OpSpec("all", fn.all_, lambda x, dim=None: np.all(x, axis=dim), (BOOL,), _ALL_ANY_CASES, differentiable=False),
    OpSpec("any", fn.any_, lambda x, dim=None: np.any(x, axis=dim), (BOOL,), _ALL_ANY_CASES, differentiable=False),
    # values that only backward passes use: no public name
    OpSpec("share_of_extremes", lambda x, axis, largest: ops.ShareOfExtremes.apply(x, axis=axis, largest=largest),
           arrays.share_of_extremes, cases=tuple((((2, 3),), {"axis": axis, "largest": largest})
                                                for axis in (None, (1,)) for largest in (True, False)),
           differentiable=False, method=False),
    # losses
    OpSpec("cross_entropy", losses.cross_entropy, _cross_entropy_reference,
           cases=tuple((((rows, classes),), {"reduction": reduction})
                       for rows, classes in ((5, 3), (1, 4)) for reduction in ("mean", "sum", "none")),
           method=False, call=lambda x, reduction: losses.cross_entropy(x, Tensor(_class_targets(x)), reduction=reduction)),
    # with options, a composition whose targets are checked by an op (ops.ClassIndices)
    OpSpec("cross_entropy_smoothed", losses.cross_entropy, _cross_entropy_reference,
           cases=tuple((((rows, classes),), {"reduction": reduction, "label_smoothing": 0.2})
                       for rows, classes in ((5, 3), (1, 4)) for reduction in ("mean", "none")),
           method=False, call=lambda x, **kwargs: losses.cross_entropy(x, Tensor(_class_targets(x)), **kwargs)),
)



def _conv_grid():
    """conv2d's cases: a grid of stride, padding, dilation and groups, with and without bias."""
    cases = []
    for stride, padding, dilation, groups in itertools.product((1, 2), (0, 1, "same"), (1, 2), (1, 2)):
        if padding == "same" and stride != 1:
            continue
        shapes = ((2, 4, 6, 5), (4, 4 // groups, 3, 2)) + (((4,),) if (stride + dilation + groups) % 2 else ())
        cases.append((shapes, {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}))
    cases += [(((1, 1, 1, 1), (1, 1, 1, 1), (1,)), {}), (((1, 2, 1, 4), (3, 2, 1, 2)), {"stride": (1, 2)}),
              (((2, 3, 5, 4), (3, 1, 2, 3), (3,)), {"padding": (1, 0), "dilation": (2, 1), "groups": 3})]
    return tuple(cases)


def _pool_grid(dilations):
    """Pooling cases: kernel, stride, padding, dilation and ceil_mode over a 7 x 6 input."""
    cases = []
    for kernel, stride, padding, dilation, ceil_mode in itertools.product(
            (2, (3, 2)), (None, 2, (1, 3)), (0, 1), dilations, (False, True)):
        cases.append((((2, 3, 7, 6),), {"kernel_size": kernel, "stride": stride, "padding": padding,
                                         "ceil_mode": ceil_mode} | ({"dilation": dilation} if dilation > 1 else {})))
    return tuple(cases) + ((((1, 1, 1, 1),), {"kernel_size": 1}),)


def _max_pool1d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return naive.max_pool2d(x[:, :, None], (1, kernel_size), (1, stride or kernel_size), (0, padding),
                            (1, dilation), ceil_mode)[:, :, 0]


def _avg_pool1d(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    return naive.avg_pool2d(x[:, :, None], (1, kernel_size), (1, stride or kernel_size), (0, padding), ceil_mode,
                            count_include_pad)[:, :, 0]


# convolution and pooling
SPECS += (
    OpSpec("conv2d", conv.conv2d, naive.conv2d, (REAL, REAL, REAL), _conv_grid(), method=False),
    OpSpec("conv1d", conv.conv1d, naive.conv1d, (REAL, REAL, REAL), (
        (((2, 4, 7), (4, 2, 3), (4,)), {"groups": 2}), (((1, 2, 6), (2, 2, 2)), {"stride": 2, "padding": 1}),
        (((2, 1, 5), (2, 1, 3)), {"padding": "same", "dilation": 2}), (((1, 1, 1), (1, 1, 1)), {})), method=False),
    OpSpec("conv_transpose2d", conv.conv_transpose2d, naive.conv_transpose2d, (REAL, REAL, REAL), (
        (((2, 4, 3, 3), (4, 2, 3, 2), (4,)), {"groups": 2}),
        (((1, 2, 3, 2), (2, 3, 3, 3)), {"stride": 2, "padding": 1, "output_padding": 1}),
        (((2, 2, 2, 3), (2, 1, 2, 2)), {"stride": (2, 1), "dilation": 2, "padding": (1, 0)}),
        (((1, 1, 1, 1), (1, 1, 1, 1), (1,)), {})), method=False),
    OpSpec("max_pool2d", conv.max_pool2d, naive.max_pool2d, cases=_pool_grid((1, 2)), method=False),
    OpSpec("max_pool1d", conv.max_pool1d, _max_pool1d, cases=(
        (((2, 3, 7),), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
        (((1, 2, 6),), {"kernel_size": 2, "dilation": 2, "stride": 1})), method=False),
    OpSpec("avg_pool2d", conv.avg_pool2d, naive.avg_pool2d, cases=_pool_grid((1,)) + tuple(
        (((2, 3, 7, 6),), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True} | extra)
        for extra in ({"count_include_pad": False}, {"divisor_override": 5})), method=False),
    OpSpec("avg_pool1d", conv.avg_pool1d, _avg_pool1d, cases=(
        (((2, 3, 7),), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False}),
        (((1, 2, 6),), {"kernel_size": 2})), method=False),
    OpSpec("adaptive_avg_pool2d", conv.adaptive_avg_pool2d, naive.adaptive_avg_pool2d, cases=tuple(
        (((2, 3, 7, 6),), {"output_size": size}) for size in (1, 3, (4, 6), (7, 4), (5, 2))), method=False),
    OpSpec("interpolate", conv.interpolate, naive.interpolate, cases=(
        (((2, 2, 3, 4),), {"scale_factor": 2}), (((1, 2, 5, 4),), {"size": (3, 7)}),
        (((1, 2, 3),), {"size": 7}), (((1, 2, 4),), {"scale_factor": 1.5}),
        (((2, 2, 3, 4),), {"size": (5, 2), "mode": "bilinear"}),
        (((1, 2, 3, 4),), {"scale_factor": (2, 1.5), "mode": "bilinear", "align_corners": True}),
        (((1, 1, 1, 3),), {"size": (2, 5), "mode": "bilinear", "align_corners": True}),
        (((1, 3, 5),), {"size": 3, "mode": "linear"}), (((1, 3, 4),), {"scale_factor": 2.5, "mode": "linear"})),
        method=False),
)

# --- round 2: elementwise math, activations, logic and casts -------------------------------------
_erf = np.vectorize(math.erf, otypes=[np.float64])


def _shifted(name, function, reference, shift):
    """A unary op whose domain is an interval: tested at (POSITIVE input) + shift."""
    return OpSpec(name, function, lambda x: reference(x + shift), (POSITIVE,), _unary_cases(), elementwise=True,
                  call=lambda x: function(x + shift))


def _activation(name, function, reference, *kwargs_list, domain=REAL):
    """An activation (no Tensor method, as in PyTorch), tested with each of `kwargs_list`."""
    cases = sum((_unary_cases(**kwargs) for kwargs in kwargs_list or ({},)), ())
    return OpSpec(name, function, reference, (domain,), cases, elementwise=True, method=False)


def _integers(name, function, reference, domains=(REAL, REAL), operators=()):
    """An op on int64 tensors: the sampled floats are cast with `.long()` (toward zero) first."""
    return OpSpec(name, function, lambda *xs: reference(*(x.astype(np.int64) for x in xs)), domains,
                  _binary_cases() if len(domains) == 2 else _unary_cases(), elementwise=True, differentiable=False,
                  method=False, operators=operators, call=lambda *ts: function(*(t.long() for t in ts)))


def _swapped(function):
    """`function(other, self)`: a reflected operator such as `__rmod__`."""
    def reflected(self, other):
        return function(other, self)

    return reflected


def _gelu_reference(x, approximate="none"):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + _erf(x / np.sqrt(2)))


def _elu_reference(x, alpha):
    return np.where(x > 0, x, alpha * np.expm1(x))


SPECS += (
    _unary("tan", fn.tan, np.tan),
    _shifted("asin", fn.asin, np.arcsin, -1.25),
    _shifted("acos", fn.acos, np.arccos, -1.25),
    _unary("atan", fn.atan, np.arctan),
    _unary("sinh", fn.sinh, np.sinh),
    _unary("cosh", fn.cosh, np.cosh),
    _unary("asinh", fn.asinh, np.arcsinh),
    _shifted("acosh", fn.acosh, np.arccosh, 1.0),
    _shifted("atanh", fn.atanh, np.arctanh, -1.25),
    _unary("log2", fn.log2, lambda x: np.log(x) / np.log(2), POSITIVE),
    _unary("log10", fn.log10, lambda x: np.log(x) / np.log(10), POSITIVE),
    _unary("log1p", fn.log1p, lambda x: np.log(1 + x), POSITIVE),
    _unary("exp2", fn.exp2, lambda x: 2.0 ** x),
    _unary("expm1", fn.expm1, lambda x: np.exp(x) - 1),
    _unary("rsqrt", fn.rsqrt, lambda x: 1 / np.sqrt(x), POSITIVE),
    _unary("floor", fn.floor, np.floor),
    _unary("ceil", fn.ceil, np.ceil),
    _unary("trunc", fn.trunc, lambda x: np.where(x < 0, np.ceil(x), np.floor(x))),
    _unary("sign", fn.sign, lambda x: (x > 0) * 1.0 - (x < 0)),
    _unary("erf", fn.erf, _erf),
    OpSpec("round", fn.round_, lambda x, decimals=0: np.round(x * 3, decimals), cases=tuple(
        (shapes, {"decimals": decimals}) for shapes in UNARY for decimals in (0, 2, -1)), elementwise=True,
        call=lambda x, decimals=0: fn.round_(x * 3, decimals)),
    _binary("logaddexp", fn.logaddexp, lambda a, b: np.log(np.exp(a) + np.exp(b))),
    _binary("copysign", fn.copysign, lambda a, b: np.abs(a) * np.where(b < 0, -1.0, 1.0), (REAL, NONZERO)),
    _binary("fmod", fn.fmod, lambda a, b: a - np.trunc(a / b) * b, (REAL, NONZERO)),
    OpSpec("remainder", fn.remainder, lambda a, b: a - np.floor(a / b) * b, (REAL, NONZERO), _binary_cases(),
           elementwise=True, operators=("__mod__",)),
    OpSpec("rmod", _swapped(fn.remainder), lambda a, b: b - np.floor(b / a) * a, (NONZERO, REAL), _binary_cases(),
           elementwise=True, method=False, operators=("__rmod__",)),
    OpSpec("div_rounding", fn.div, lambda a, b, rounding_mode: (np.floor if rounding_mode == "floor" else np.trunc)(
        a / b), (REAL, NONZERO), tuple((shapes, {"rounding_mode": mode}) for shapes in BINARY
                                       for mode in ("trunc", "floor")), elementwise=True, method=False),
    OpSpec("floor_divide", fn.floor_divide, lambda a, b: np.floor(a / b), (REAL, NONZERO), _binary_cases(),
           elementwise=True, operators=("__floordiv__",)),
    OpSpec("rfloordiv", _swapped(fn.floor_divide), lambda a, b: np.floor(b / a), (NONZERO, REAL), _binary_cases(),
           elementwise=True, method=False, operators=("__rfloordiv__",)),
    _activation("gelu", fn.gelu, _gelu_reference, {}, {"approximate": "tanh"}),
    _activation("silu", fn.silu, lambda x: x / (1 + np.exp(-x))),
    _activation("hardtanh", fn.hardtanh,
                lambda x, min_val=-1.0, max_val=1.0: np.minimum(np.maximum(x, min_val), max_val),
                {}, {"min_val": -0.5, "max_val": 2.0}),
    _activation("celu", fn.celu, lambda x, alpha=1.0: np.where(x > 0, x, alpha * (np.exp(x / alpha) - 1)),
                {}, {"alpha": 0.5}, {"alpha": 2.0}, domain=NONZERO),
    _activation("selu", fn.selu, lambda x: 1.0507009873554805 * _elu_reference(x, 1.6732632423543772), domain=NONZERO),
    _activation("softsign", fn.softsign, lambda x: x / (1 + np.abs(x))),
    _activation("hardsigmoid", fn.hardsigmoid, lambda x: np.minimum(np.maximum(x + 3, 0), 6) / 6),
    OpSpec("logical_and", fn.logical_and, lambda a, b: np.logical_and(a, b > 0), (REAL, REAL), _binary_cases(),
           elementwise=True, differentiable=False, call=lambda a, b: fn.logical_and(a, b > 0)),
    OpSpec("logical_or", fn.logical_or, lambda a, b: np.logical_or(a, b > 0), (REAL, REAL), _binary_cases(),
           elementwise=True, differentiable=False, call=lambda a, b: fn.logical_or(a, b > 0)),
    OpSpec("logical_xor", fn.logical_xor, lambda a, b: np.logical_xor(a, b > 0), (REAL, REAL), _binary_cases(),
           elementwise=True, differentiable=False, call=lambda a, b: fn.logical_xor(a, b > 0)),
    OpSpec("logical_not", fn.logical_not, lambda x: np.logical_not(x.astype(np.int64)), cases=_unary_cases(),
           elementwise=True, differentiable=False, call=lambda x: fn.logical_not(x.long())),
    OpSpec("isclose", fn.isclose, lambda a, b, rtol=1e-05, atol=1e-08: np.abs(b * 1e-5) <= atol + rtol * np.abs(
        a + b * 1e-5), (REAL, REAL), tuple((shapes, kwargs) for shapes in BINARY for kwargs in (
            {}, {"rtol": 1e-4, "atol": 1e-5})), elementwise=True, differentiable=False,
        call=lambda a, b, **kwargs: fn.isclose(a, a + b * 1e-5, **kwargs)),
    _integers("and_int64", fn.and_, np.bitwise_and),
    _integers("or_int64", fn.or_, np.bitwise_or),
    _integers("xor_int64", fn.xor, np.bitwise_xor),
    _integers("invert_int64", fn.invert, np.invert, (REAL,)),
    *(OpSpec(f"r{name}", _swapped(function), lambda a, b, ufunc=ufunc: ufunc(b, a), (BOOL, BOOL), _binary_cases(),
             elementwise=True, differentiable=False, method=False, operators=(f"__r{name}__",))
      for name, function, ufunc in (("and", fn.and_, np.logical_and), ("or", fn.or_, np.logical_or),
                                    ("xor", fn.xor, np.logical_xor))),
    _integers("lshift", fn.lshift, np.left_shift, (REAL, POSITIVE), ("__lshift__",)),
    _integers("rshift", fn.rshift, np.right_shift, (REAL, POSITIVE), ("__rshift__",)),
    OpSpec("int", fn.to_int, lambda x: x.astype(np.int64), cases=_unary_cases(), differentiable=False),
    OpSpec("type_as", fn.type_as, lambda x: x.astype(np.int64), cases=_unary_cases(), differentiable=False,
           call=lambda x: fn.type_as(x, Tensor(np.zeros(1, np.int64)))),
)


# reductions, scans and sorting (round 2)
def _var_mean_reference(spread):
    return lambda x, dim=None, keepdim=False, correction=1: np.stack(
        [spread(x, axis=_axis(dim), keepdims=keepdim, ddof=correction), np.mean(x, axis=_axis(dim), keepdims=keepdim)])


NORM = tuple((((2, 3, 4),), kwargs) for kwargs in (
    {}, {"p": 1, "dim": 1}, {"p": 3, "dim": (0, 2), "keepdim": True}, {"p": 0.5, "dim": -1}, {"p": -1.5},
    {"p": float("inf"), "dim": 0}, {"p": float("-inf"), "dim": (1, 2)})) + ((((),), {}), (((1, 3),), {"dim": 0}))


def _scalar_as_1d(reference):
    """A reference along one dim that sees a 0-d input as 1-d, as PyTorch's scans and sorts do."""
    return lambda x, *args, **kwargs: (reference(x.reshape(1), *args, **kwargs).reshape(()) if x.ndim == 0
                                       else reference(x, *args, **kwargs))


@_scalar_as_1d
def _last_extreme_indices(x, dim, largest):
    """Reference for cummax / cummin indices: a loop, keeping the last index of tied extremes."""
    def along(row):
        best, out = 0, []
        for i, value in enumerate(row):
            if (value >= row[best]) if largest else (value <= row[best]):
                best = i
            out.append(best)
        return out

    return np.apply_along_axis(along, dim, x)


SCAN = tuple((((2, 3, 4),), {"dim": dim}) for dim in (0, 1, -1)) + (
    (((),), {"dim": 0}), (((1,),), {"dim": -1}), (((5, 1),), {"dim": 1}))
@_scalar_as_1d
def _stable_order(x, dim=-1, descending=False):
    """Reference for sort indices: Python's stable `sorted` on each row."""
    return np.apply_along_axis(lambda row: sorted(range(len(row)), key=lambda i: -row[i] if descending else row[i]),
                               dim, x)


@_scalar_as_1d
def _topk_indices(x, k, dim=-1, largest=True):
    return _stable_order(x, dim, largest).take(range(k), axis=dim)


def _topk_values(x, k, dim=-1, largest=True):
    return np.take_along_axis(x, _topk_indices(x, k, dim, largest), dim) if x.ndim else x


SORT = tuple((((3, 4),), kwargs) for kwargs in ({}, {"dim": 0}, {"descending": True}, {"dim": 0, "descending": True})) \
    + ((((),), {}), (((2, 1, 3),), {"dim": 1}))
TOPK = ((((3, 5),), {"k": 2}), (((3, 5),), {"k": 3, "dim": 0, "largest": False}), (((4,),), {"k": 4}),
        (((2, 3),), {"k": 0}), (((),), {"k": 1}), (((2, 1, 3),), {"k": 1, "dim": 1}))


SPECS += (
    OpSpec("max_along", fn.max, lambda x, dim, keepdim=False: np.max(x, dim, keepdims=keepdim), cases=(
        (((3, 4),), {"dim": 1}), (((3, 4),), {"dim": 0, "keepdim": True}), (((),), {"dim": 0})),
        call=lambda x, **kwargs: fn.max(x, **kwargs).values, method=False),
    OpSpec("min_along", fn.min, lambda x, dim, keepdim=False: np.min(x, dim, keepdims=keepdim), cases=(
        (((3, 4),), {"dim": -1}), (((2, 3, 2),), {"dim": 1, "keepdim": True})),
        call=lambda x, **kwargs: fn.min(x, **kwargs).values, method=False),
    OpSpec("norm", fn.norm, lambda x, p=2, dim=None, keepdim=False: np.linalg.vector_norm(
        x, ord=p, axis=_axis(dim), keepdims=keepdim), cases=NORM),
    OpSpec("var_mean", fn.var_mean, _var_mean_reference(np.var), cases=REDUCTION[:5] + (
        (((4, 3),), {"dim": 0, "correction": 0}),), method=False,
        call=lambda x, **kwargs: fn.stack(fn.var_mean(x, **kwargs))),
    OpSpec("std_mean", fn.std_mean, _var_mean_reference(np.std), cases=REDUCTION[:5] + (
        (((4, 3),), {"dim": 0, "correction": 2}),), method=False,
        call=lambda x, **kwargs: fn.stack(fn.std_mean(x, **kwargs))),
    OpSpec("cumsum", scans.cumsum, _scalar_as_1d(lambda x, dim: np.cumsum(x, dim)), cases=SCAN),
    OpSpec("cumprod", scans.cumprod, _scalar_as_1d(lambda x, dim: np.cumprod(x, dim)), cases=SCAN),
    OpSpec("logcumsumexp", scans.logcumsumexp, _scalar_as_1d(lambda x, dim: np.log(np.cumsum(np.exp(x), dim))),
           cases=SCAN),
    OpSpec("cummax", scans.cummax, _scalar_as_1d(lambda x, dim: np.maximum.accumulate(x, dim)), cases=SCAN,
           call=lambda x, dim: scans.cummax(x, dim).values),
    OpSpec("cummin", scans.cummin, _scalar_as_1d(lambda x, dim: np.minimum.accumulate(x, dim)), cases=SCAN,
           call=lambda x, dim: scans.cummin(x, dim).values),
    OpSpec("cummax_indices", scans.cummax, lambda x, dim: _last_extreme_indices(x, dim=dim, largest=True), cases=SCAN,
           call=lambda x, dim: scans.cummax(x, dim).indices, differentiable=False, method=False),
    OpSpec("cummin_indices", scans.cummin, lambda x, dim: _last_extreme_indices(x, dim=dim, largest=False),
           cases=SCAN, call=lambda x, dim: scans.cummin(x, dim).indices, differentiable=False, method=False),
    OpSpec("sort", sorting.sort, _scalar_as_1d(lambda x, dim=-1, descending=False: np.take_along_axis(
        x, _stable_order(x, dim, descending), dim)), cases=SORT,
        call=lambda x, **kwargs: sorting.sort(x, **kwargs).values),
    OpSpec("argsort", sorting.argsort, _stable_order, cases=SORT, differentiable=False),
    OpSpec("topk", sorting.topk, _topk_values, cases=TOPK, call=lambda x, **kwargs: sorting.topk(x, **kwargs).values),
    OpSpec("topk_indices", sorting.topk, _topk_indices, cases=TOPK, differentiable=False, method=False,
           call=lambda x, **kwargs: sorting.topk(x, **kwargs).indices),
)


# indexing and shape: gather and scatters (their int64 index is fixed by each case), selections,
# triangles, flips, repeats, windows, pieces, einsum and padding modes
def _with_index(function):
    return lambda *tensors, index, **kwargs: function(*tensors[:1], kwargs.pop("dim"), Tensor(index), *tensors[1:],
                                                       **kwargs)


def _src_second(reference):
    """A scatter's reference taking (x, src) first, as the registry passes its tensors."""
    return lambda x, src, dim, index, **kwargs: reference(x, dim, index, src, **kwargs)


def _pieces(function):
    """A function returning a tuple of pieces as one tensor (their flattened concatenation)."""
    return lambda x, **kwargs: fn.cat([piece.reshape(-1) for piece in function(x, **kwargs)])


def _np_pieces(x, sizes, dim):
    return np.concatenate([piece.ravel() for piece in np.split(x, np.cumsum(sizes)[:-1], axis=dim)])


def _np_chunk(x, chunks, dim=0):
    size = -(-x.shape[dim] // chunks)
    return _np_pieces(x, [min(size, x.shape[dim] - start) for start in range(0, x.shape[dim], size)], dim)


def _np_unfold(x, dimension, size, step):
    windows = np.lib.stride_tricks.sliding_window_view(x, size, axis=dimension)
    return windows[(slice(None),) * (dimension % x.ndim) + (slice(None, None, step),)]


_GATHER_CASES = (
    (((3, 4),), {"dim": 1, "index": np.array([[3, 0], [1, 1], [2, 0]])}),
    (((3, 4),), {"dim": 0, "index": np.array([[2, 0, 2, 1], [0, 0, 1, 2]])}),
    (((2, 3, 4),), {"dim": -1, "index": np.array([[[1, 3]], [[0, 0]]])}),
    (((1, 3),), {"dim": 0, "index": np.zeros((2, 3), np.int64)}),
    (((),), {"dim": 0, "index": np.array(0)}),
)
_SCATTER_CASES = (
    (((3, 4), (2, 4)), {"dim": 0, "index": np.array([[2, 0, 2, 1], [0, 1, 1, 2]])}),
    (((3, 4), (3, 3)), {"dim": 1, "index": np.array([[3, 0], [1, 2], [2, 0]])}),
    (((2, 3, 2), (2, 2, 2)), {"dim": -2, "index": np.array([[[2, 0], [0, 1]], [[1, 1], [0, 2]]])}),
    (((), ()), {"dim": 0, "index": np.array(0)}),
)
_REPEATS = np.array([[0, 2, 0, 1], [2, 0, 2, 2]])  # targets that repeat: folds of several values
_UNIQUE = np.array([[0, 2, 1, 0], [1, 1, 2, 2]])    # distinct targets per column: plain writes

SPECS += (
    OpSpec("gather", indexing.gather, naive_indexing.gather, cases=_GATHER_CASES, call=_with_index(indexing.gather)),
    OpSpec("scatter_add", indexing.scatter_add, _src_second(naive_indexing.scatter_add), (REAL, REAL),
           _SCATTER_CASES + ((((3, 4), (2, 4)), {"dim": 0, "index": _REPEATS}),),
           call=_with_index(indexing.scatter_add)),
    OpSpec("scatter", indexing.scatter, _src_second(naive_indexing.scatter), (REAL, REAL),
           ((((3, 4), (2, 4)), {"dim": 0, "index": _UNIQUE}),
            (((2, 3), (2, 2)), {"dim": 1, "index": np.array([[0, 2], [1, 0]])}),
            (((), ()), {"dim": 0, "index": np.array(0)})), call=_with_index(indexing.scatter)),
    OpSpec("scatter_reduce", indexing.scatter_reduce, _src_second(naive_indexing.scatter_reduce), (NONZERO, NONZERO),
           tuple((shapes, {"dim": 0, "index": index, "reduce": reduce, "include_self": include_self})
                 for reduce in indexing.SCATTER_REDUCTIONS for include_self in (True, False)
                 for shapes, index in ((((3, 4), (2, 4)), _REPEATS), (((1,), (3,)), np.zeros(3, np.int64)))),
           call=_with_index(indexing.scatter_reduce)),
    OpSpec("index_select", indexing.index_select,
           lambda x, dim, index: np.take(x, np.atleast_1d(index), axis=dim), cases=(
        (((3, 4),), {"dim": 1, "index": np.array([3, 0, 3])}), (((3, 4),), {"dim": 0, "index": np.array(2)}),
        (((2, 1, 3),), {"dim": -1, "index": np.array([2, 2, 0, 1])})),
        call=lambda x, dim, index: indexing.index_select(x, dim, Tensor(index))),
    OpSpec("masked_fill", indexing.masked_fill, lambda x, mask, value: np.where(mask, value, x), cases=tuple(
        ((shape,), {"mask": mask, "value": 1.5}) for shape, mask in (
            ((3, 4), np.arange(12).reshape(3, 4) % 3 == 0), ((3, 4), np.array([[True], [False], [True]])),
            ((4,), np.array([[True, False, False, True], [False] * 4])), ((), np.array(True)))),
        call=lambda x, mask, value: indexing.masked_fill(x, Tensor(mask), value)),
    OpSpec("masked_fill_tensor_value", indexing.masked_fill, lambda x, value, mask: np.where(mask, value, x),
           (REAL, REAL), ((((5,), ()), {"mask": np.arange(5) % 2 == 0}),), method=False,
           call=lambda x, value, mask: indexing.masked_fill(x, Tensor(mask), value)),
    OpSpec("tril", indexing.tril, lambda x, diagonal=0: np.tril(x, diagonal), cases=(
        (((3, 4),), {}), (((4, 3),), {"diagonal": 1}), (((2, 3, 3),), {"diagonal": -1}), (((1, 1),), {}))),
    OpSpec("triu", indexing.triu, lambda x, diagonal=0: np.triu(x, diagonal), cases=(
        (((3, 4),), {}), (((4, 3),), {"diagonal": -1}), (((2, 3, 3),), {"diagonal": 2}), (((1, 1),), {}))),
    OpSpec("diagonal", indexing.diagonal, lambda x, offset=0, dim1=0, dim2=1: np.diagonal(x, offset, dim1, dim2),
           cases=((((3, 4),), {}), (((3, 4),), {"offset": 1}), (((3, 4),), {"offset": -2}),
                  (((2, 3, 4),), {"dim1": 1, "dim2": 2, "offset": 1}), (((2, 3, 4),), {"dim1": -1, "dim2": 0}),
                  (((1, 1),), {}), (((2, 3),), {"offset": 5}))),
    OpSpec("flip", indexing.flip, lambda x, dims: np.flip(x, dims) if x.ndim else x, cases=(
        (((3, 4),), {"dims": 0}), (((2, 3, 4),), {"dims": (0, -1)}), (((),), {"dims": 0}), (((1, 3),), {"dims": 0}))),
    OpSpec("roll", indexing.roll, lambda x, shifts, dims=None: np.roll(x, shifts, dims), cases=(
        (((3, 4),), {"shifts": 1}), (((3, 4),), {"shifts": -2, "dims": 1}),
        (((2, 3, 4),), {"shifts": (1, 5), "dims": (0, 2)}), (((),), {"shifts": 3}),
        (((1, 3),), {"shifts": 4, "dims": 0}))),
    OpSpec("repeat", indexing.repeat, lambda x, sizes: np.tile(x, sizes), call=lambda x, sizes: x.repeat(*sizes),
           cases=((((2, 3),), {"sizes": (2, 1)}), (((2, 3),), {"sizes": (3, 1, 2)}), (((),), {"sizes": (2,)}),
                  (((1, 3),), {"sizes": (2, 0)}))),
    OpSpec("tile", indexing.tile, lambda x, dims: np.tile(x, dims), cases=(
        (((2, 3),), {"dims": (2,)}), (((2, 3),), {"dims": (2, 1, 2)}), (((),), {"dims": (3,)}))),
    OpSpec("repeat_interleave", indexing.repeat_interleave, lambda x, repeats, dim=None: np.repeat(x, repeats, dim),
           cases=((((2, 3),), {"repeats": 2}), (((2, 3),), {"repeats": np.array([1, 0, 3]), "dim": 1}),
                  (((3, 1),), {"repeats": np.array([2]), "dim": 0}), (((),), {"repeats": 3}))),
    OpSpec("unfold", indexing.unfold, _np_unfold, call=lambda x, dimension, size, step: x.unfold(dimension, size, step),
           cases=((((7,),), {"dimension": 0, "size": 3, "step": 2}), (((2, 5, 3),), {"dimension": 1, "size": 2,
                                                                                  "step": 1}),
                  (((2, 4),), {"dimension": -1, "size": 4, "step": 3}), (((2, 3),), {"dimension": 0, "size": 1,
                                                                                      "step": 1}))),
    OpSpec("unflatten", indexing.unflatten, lambda x, dim, sizes: x.reshape(x.shape[:dim] + sizes + x.shape[dim + 1:]),
           cases=((((2, 6),), {"dim": 1, "sizes": (2, 3)}), (((6, 1),), {"dim": 0, "sizes": (-1, 2, 1)}))),
    OpSpec("narrow", indexing.narrow, lambda x, dim, start, length: np.take(
        x, np.arange(start % x.shape[dim], start % x.shape[dim] + length), axis=dim), cases=(
        (((5, 3),), {"dim": 0, "start": 1, "length": 3}), (((2, 5),), {"dim": -1, "start": -2, "length": 2}),
        (((2, 5),), {"dim": 1, "start": 0, "length": 0}))),
    OpSpec("split", indexing.split, lambda x, split_size_or_sections, dim=0: _np_pieces(
        x, split_size_or_sections if isinstance(split_size_or_sections, list)
        else [min(split_size_or_sections, x.shape[dim] - s) for s in range(0, x.shape[dim], split_size_or_sections)],
        dim), cases=((((5, 2),), {"split_size_or_sections": 2}), (((2, 6),), {"split_size_or_sections": [1, 0, 5],
                                                                             "dim": 1})),
        call=_pieces(indexing.split)),
    OpSpec("chunk", indexing.chunk, _np_chunk, cases=(
        (((5, 2),), {"chunks": 3}), (((6, 2),), {"chunks": 4}), (((2, 3),), {"chunks": 5, "dim": 1})),
        call=_pieces(indexing.chunk)),
    OpSpec("einsum", contraction.einsum, lambda *xs, equation: np.einsum(equation, *xs), (REAL, REAL), tuple(
        (shapes, {"equation": equation}) for equation, shapes in (
            ("ij,jk->ik", ((3, 4), (4, 2))), ("bij,bjk->bik", ((2, 3, 4), (2, 4, 5))),
            ("...ij,...jk->...ik", ((2, 1, 3, 4), (5, 4, 2))), ("i,j->ij", ((3,), (4,))), ("i,i->", ((4,), (4,))),
            ("ij,ij->j", ((3, 1), (3, 4))), ("ii,i->i", ((3, 3), (3,))), ("iij,kj", ((2, 2, 3), (4, 3))),
            ("i,->i", ((3,), ())), ("ab,cb->ca", ((1, 1), (2, 1))), ("bik,kj->bij", ((2, 3, 4), (4, 5))),
            ("ij,jk", ((2, 3), (3, 2))), ("ijk,jil->kl", ((3, 2, 4), (2, 3, 2))))),
        method=False, call=lambda *xs, equation: contraction.einsum(equation, *xs)),
    OpSpec("einsum_one_and_three_operands", contraction.einsum, lambda *xs, equation: np.einsum(equation, *xs),
           (REAL, REAL, REAL), tuple((shapes, {"equation": equation}) for equation, shapes in (
               ("ij,jk,kl->il", ((2, 3), (3, 4), (4, 2))), ("i,ij,j", ((3,), (3, 4), (4,))),
               ("bi,bj,bk->bijk", ((2, 2), (2, 3), (1, 2))))),
           method=False, call=lambda *xs, equation: contraction.einsum(equation, *xs)),
    OpSpec("einsum_one_operand", contraction.einsum, lambda x, equation: np.einsum(equation, x), (REAL,), tuple(
        (shapes, {"equation": equation}) for equation, shapes in (
            ("ii", ((3, 3),)), ("ij->ji", ((2, 3),)), ("iji->j", ((3, 2, 3),)), ("...i->...", ((2, 3, 4),)),
            ("i->", ((4,),)), ("->", ((),)))),
        method=False, call=lambda x, equation: contraction.einsum(equation, x)),
    OpSpec("pad_modes", fn.pad, naive_indexing.pad, cases=tuple(
        (((2, 3, 4),), {"pad": pad, "mode": mode}) for mode in ("reflect", "replicate", "circular", "constant")
        for pad in ((1, 2), (2, -1, 1, 1), (-1, -1, 0, 2)) + (((3, -2),) if mode != "circular" else ())) + (
        (((1, 1),), {"pad": (0, 2, 3, 0), "mode": "replicate"}), (((3, 2),), {"pad": (-2, 0), "value": 2.0})),
        method=False),
)

BY_NAME = {spec.name: spec for spec in SPECS}


def _operator(op):
    """`tensor <op> other`, the hot path of every expression: as few calls as possible."""
    apply = op.apply

    def operator(self, other):
        if type(other) is float or type(other) is int:  # fn._operand's commonest case, kept short
            wrapped = fn.wrap_number(other, self.data.dtype)
            if wrapped is not None:
                return apply(self, wrapped)
        return apply(self, other if isinstance(other, Tensor) else fn._operand(other, self))

    return operator


def _reflected(op):
    apply = op.apply

    def reflected(self, other):
        if type(other) is float or type(other) is int:
            wrapped = fn.wrap_number(other, self.data.dtype)
            if wrapped is not None:
                return apply(wrapped, self)
        return apply(other if isinstance(other, Tensor) else fn._operand(other, self), self)

    return reflected


# Tensor methods that are not ops of their own name.
METHODS = {"__setitem__": fn.setitem, "view": fn.reshape, "max": fn.max, "min": fn.min,
           "float": fn.to_float, "double": fn.to_double, "long": fn.to_long, "bool": fn.to_bool}
# Result shapes that depend on values (ag.compile runs them eagerly): tested in test_indexing.py.
METHODS.update(nonzero=indexing.nonzero, masked_select=indexing.masked_select)


def _bind():
    """Attach every registered op to Tensor as a method and its operators."""
    for spec in SPECS:
        if spec.method:
            setattr(Tensor, spec.name, spec.function)
        for dunder in spec.operators:
            setattr(Tensor, dunder, spec.function)
    for name, op in (("add", ops.Add), ("sub", ops.Sub), ("mul", ops.Mul), ("truediv", ops.Div),
                     ("pow", ops.Pow), ("matmul", ops.Matmul)):
        setattr(Tensor, f"__{name}__", _operator(op))
        setattr(Tensor, f"__r{name}__", _reflected(op))
    for name, method in METHODS.items():
        setattr(Tensor, name, method)
    Tensor.T = property(fn.reverse_dims, doc=fn.reverse_dims.__doc__)


_bind()
