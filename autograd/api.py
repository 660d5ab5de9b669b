"""The public functions on tensors: argument checks, then a primitive or a composition of them.

Most of it is available both as `autograd.name(x, ...)` and as the method `x.name(...)`; the
operators (`==`, `&`, ...) and methods such as `x.float()` are defined here too and bound in
`registry.py`. Softmax, logsumexp, mean, var and friends are compositions of primitives, so they
need no gradient code of their own.
"""
import builtins
import warnings
from collections import namedtuple

import numpy as np

from . import dtypes, ops
from .tensor import Recording, Tensor

REDUCTIONS = ("mean", "sum", "none")  # what a loss's `reduction` may be
LN2 = ops.math.LN2
ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])


def ensure_tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


# Python numbers already wrapped as 0-d arrays, by dtype: the same few numbers (2, 0.5, a learning
# rate) recur in every step, and looking one up costs a third of making the array again. Zero is
# never kept (-0.0 == 0.0 would find it), and a table stops growing at WRAPPED_LIMIT entries.
_WRAPPED = {np.dtype(np.float32): {}, np.dtype(np.float64): {}}
WRAPPED_LIMIT = 1024


def wrap_number(number, dtype):
    """The Python int or float `number` as a read-only 0-d array of floating `dtype` (None for any
    other dtype): PyTorch's wrapped number, which computes in the tensor's dtype.

    >>> import numpy as np
    >>> wrap_number(0.5, np.dtype(np.float32)).dtype, wrap_number(2, np.dtype(np.int64))
    (dtype('float32'), None)
    """
    table = _WRAPPED.get(dtype)
    if table is None:
        return None
    wrapped = table.get(number)
    if wrapped is None:
        wrapped = np.array(number, dtype)
        wrapped.flags.writeable = False
        if number and len(table) < WRAPPED_LIMIT:
            table[number] = wrapped
    return wrapped


def _operand(x, beside=None):
    """The other operand of an op on tensor `beside`: tensors pass as they are, arrays and lists
    become constant tensors, and a Python number beside a floating-point tensor becomes a 0-d array
    of that tensor's dtype (the dtype PyTorch computes in; numpy also computes small arrays about
    twice as fast with it as with a Python float, forward and backward)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (int, float)):
        wrapped = None if beside is None else wrap_number(x, beside.data.dtype)
        return x if wrapped is None else wrapped
    return Tensor(x)


def check_dims(dim, ndim, name):
    """Normalise `dim` (None, int or sequence of ints) to None or a sorted tuple of axes."""
    if dim is None or ndim == 0 and dim in (0, -1, (), (0,), (-1,)):
        return None
    dims = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
    axes = []
    for d in dims:
        if not isinstance(d, (int, np.integer)) or isinstance(d, bool):
            raise TypeError(f"{name}: dim must be an int or a tuple of ints, got {d!r}")
        if not -ndim <= d < ndim:
            raise ValueError(f"{name}: dim {d} is out of range for a tensor with {ndim} dims")
        axes.append(int(d) % ndim)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{name}: dim {dim} names the same axis twice")
    return tuple(sorted(axes))


def reduction_dims(dim, ndim, name):
    """`check_dims` for a reduction, where an empty sequence of dims means every dim, as in
    PyTorch (`x.sum(dim=())` is `x.sum()`)."""
    return check_dims(None if isinstance(dim, (tuple, list)) and not dim else dim, ndim, name)


_count = ops.reduce.element_count


# --- arithmetic and math ------------------------------------------------------------------------
def add(a, b):
    """a + b with broadcasting."""
    a = ensure_tensor(a)
    return ops.Add.apply(a, _operand(b, a))


def sub(a, b):
    """a - b with broadcasting."""
    a = ensure_tensor(a)
    return ops.Sub.apply(a, _operand(b, a))


def mul(a, b):
    """a * b with broadcasting."""
    a = ensure_tensor(a)
    return ops.Mul.apply(a, _operand(b, a))


def _operands(a, b):
    """(a, b) of a binary function, a as a tensor: a Python float on either side takes the other
    side's floating dtype, as PyTorch (`0.3 // x` computes in float64 for a float64 x)."""
    if isinstance(a, float) and isinstance(b, Tensor) and dtypes.is_floating(b.dtype):
        return Tensor(a, dtype=b.dtype), b
    a = ensure_tensor(a)
    return a, _operand(b, a)


def _public(name, op, summary, example, result, arity=1):
    """The public function `name` of primitive `op`: `name(x)`, or `name(a, b)` with b any operand;
    its docstring is `summary` and one example, `example` printing `result`."""
    if arity == 1:
        def function(x):
            return op.apply(x)
    else:
        def function(a, b):
            return op.apply(*_operands(a, b))

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"{summary}\n\n    >>> import autograd as ag\n    >>> {example}\n    {result}"
    return function


def div(a, b, rounding_mode=None):
    """a / b with broadcasting: true division (integer inputs give float32), or with
    `rounding_mode` "trunc" (toward zero) or "floor" (down, as `//`) a rounded quotient that
    keeps integer dtypes and has gradient 0, as PyTorch.

    >>> import autograd as ag
    >>> ag.div(ag.tensor([7, -7]), 2), ag.div(ag.tensor([7, -7]), 2, rounding_mode="trunc")
    (tensor([ 3.5, -3.5]), tensor([ 3, -3]))
    """
    a, b = _operands(a, b)
    if rounding_mode is None:
        return ops.Div.apply(a, b)
    if rounding_mode not in ("trunc", "floor"):
        raise ValueError(f'div: rounding_mode must be None, "trunc" or "floor", got {rounding_mode!r}')
    return ops.RoundingDiv.apply(a, b, rounding_mode=rounding_mode)


def floor_divide(a, b):
    """a // b: the quotient rounded down (integers stay integers; gradient 0).

    >>> import autograd as ag
    >>> ag.tensor([7, -7]) // 2
    tensor([ 3, -4])
    """
    return div(a, b, rounding_mode="floor")


# (name, primitive, summary, example, its result): one public function `name(a, b)` each, broadcasting.
BINARY = (
    ("remainder", ops.Remainder, "a - floor(a / b) * b: the remainder with the sign of b, as Python's `%`.",
                  "ag.tensor([5, -5]) % 3", "tensor([2, 1])"),
    ("fmod", ops.Fmod, "a - trunc(a / b) * b: the remainder with the sign of a, as C's fmod.",
             "ag.fmod(ag.tensor([5, -5]), 3)", "tensor([ 2, -2])"),
    ("copysign", ops.Copysign, "|a| with the sign of b (float; -0.0 counts as negative).",
                 "ag.copysign(ag.tensor([1.0, -2.0]), -0.0)", "tensor([-1., -2.])"),
)
remainder, fmod, copysign = (_public(*row, arity=2) for row in BINARY)


def logaddexp(a, b):
    """log(exp(a) + exp(b)) elementwise, computed as max(a, b) + log1p(exp(-|a - b|)): finite
    for inputs of +-1000, and a + log 2 where a == b (so -inf for two -infs, as PyTorch).

    >>> import autograd as ag
    >>> ag.logaddexp(ag.tensor([1000.0, -1000.0]), ag.tensor([1000.0, 0.0]))
    tensor([1000.693...,    0. ...])
    """
    a, b = _operands(a, b)
    if not dtypes.is_floating(a.dtype):
        a = to(a, dtypes.DEFAULT_FLOAT)
        b = _operand(b, a)
    # (a + b) / 2 at ties splits the gradient evenly, as sigmoid(a - b) = 1/2 does
    return where(a == b, (a + b) * 0.5 + LN2, maximum(a, b) + log1p(exp(-abs(a - b))))


def pow(a, b):
    """a ** b elementwise; either may be a tensor or a number."""
    return ops.Pow.apply(_operand(a), _operand(b))


def neg(x):
    """-x."""
    return ops.Neg.apply(x)


def matmul(a, b):
    """Matrix product as numpy's `@`: (..., n, k) @ (..., k, m) -> (..., n, m); 1-d operands are
    vectors. Batch dimensions broadcast.

    >>> import autograd as ag
    >>> ag.matmul(ag.ones(2, 3), ag.ones(3)).shape
    (2,)
    """
    return ops.Matmul.apply(ensure_tensor(a), ensure_tensor(b))


def linear(x, weight, bias=None):
    """x @ weight.T + bias for x of shape (..., in), weight (out, in) and bias (out,) or None:
    the affine map of a `Linear` layer, as one op.

    >>> import autograd as ag
    >>> ag.linear(ag.ones(2, 3), ag.ones(4, 3), ag.zeros(4)).shape
    (2, 4)
    """
    x, weight = ensure_tensor(x), ensure_tensor(weight)
    if weight.ndim != 2 or x.ndim == 0 or x.shape[-1] != weight.shape[1]:
        raise ValueError(f"linear needs x of shape (..., in) and weight of shape (out, in), got x {x.shape} "
                         f"and weight {weight.shape}")
    if bias is not None:
        bias = ensure_tensor(bias)
        if bias.shape != weight.shape[:1]:
            raise ValueError(f"linear needs a bias of shape {weight.shape[:1]}, got {bias.shape}")
    return ops.Linear.apply(x, weight, bias)


# (name, primitive, summary, example, its result): one public function `name(x)` each, also `x.name()`.
UNARY = (
    ("exp", ops.Exp, "e ** x elementwise.", "ag.exp(ag.tensor([0.0, 1.0]))", "tensor([1.      , 2.718282])"),
    ("log", ops.Log, "Natural logarithm elementwise (-inf at 0, nan below).",
            "ag.log(ag.tensor([1.0, 4.0]))", "tensor([0. , 1.3862...])"),
    ("sqrt", ops.Sqrt, "Square root elementwise (its gradient at 0 is inf, as PyTorch).",
             "ag.sqrt(ag.tensor([4.0, 0.25]))", "tensor([2. , 0.5])"),
    ("abs", ops.Abs, "|x| elementwise (gradient 0 at 0, as PyTorch).", "ag.abs(ag.tensor([-2, 3]))", "tensor([2, 3])"),
    ("sin", ops.Sin, "sin(x) elementwise.", "ag.sin(ag.tensor([0.0]))", "tensor([0.])"),
    ("cos", ops.Cos, "cos(x) elementwise.", "ag.cos(ag.tensor([0.0]))", "tensor([1.])"),
    ("tanh", ops.Tanh, "Hyperbolic tangent elementwise.", "ag.tanh(ag.tensor([0.0, 1000.0]))", "tensor([0., 1.])"),
    ("sigmoid", ops.Sigmoid, "1 / (1 + e^-x) elementwise, without overflow for large |x|.",
                "ag.sigmoid(ag.tensor([0.0, -1000.0]))", "tensor([0.5, 0. ])"),
    ("relu", ops.Relu, "max(x, 0) elementwise (gradient 0 at 0).",
             "ag.relu(ag.tensor([-1.0, 2.0]))", "tensor([0., 2.])"),
    ("tan", ops.Tan, "tan(x) elementwise.", "ag.tan(ag.tensor([0.0]))", "tensor([0.])"),
    ("asin", ops.Arcsin, "Inverse sine elementwise (nan outside [-1, 1]).",
             "ag.asin(ag.tensor([0.0, 1.0]))", "tensor([0. , 1.5707...])"),
    ("acos", ops.Arccos, "Inverse cosine elementwise (nan outside [-1, 1]).",
             "ag.acos(ag.tensor([1.0, -1.0]))", "tensor([0. , 3.1415...])"),
    ("atan", ops.Arctan, "Inverse tangent elementwise.", "ag.atan(ag.tensor([0.0, 1.0]))", "tensor([0. , 0.7853...])"),
    ("sinh", ops.Sinh, "Hyperbolic sine elementwise.", "ag.sinh(ag.tensor([0.0]))", "tensor([0.])"),
    ("cosh", ops.Cosh, "Hyperbolic cosine elementwise.", "ag.cosh(ag.tensor([0.0]))", "tensor([1.])"),
    ("asinh", ops.Arcsinh, "Inverse hyperbolic sine elementwise.", "ag.asinh(ag.tensor([0.0]))", "tensor([0.])"),
    ("acosh", ops.Arccosh, "Inverse hyperbolic cosine elementwise (nan below 1).",
              "ag.acosh(ag.tensor([1.0]))", "tensor([0.])"),
    ("atanh", ops.Arctanh, "Inverse hyperbolic tangent elementwise (+-inf at +-1).",
              "ag.atanh(ag.tensor([0.0, 0.5]))", "tensor([0. , 0.5493...])"),
    ("log2", ops.Log2, "Base-2 logarithm elementwise.", "ag.log2(ag.tensor([8.0, 0.5]))", "tensor([ 3., -1.])"),
    ("log10", ops.Log10, "Base-10 logarithm elementwise.", "ag.log10(ag.tensor([1000.0]))", "tensor([3.])"),
    ("log1p", ops.Log1p, "log(1 + x) elementwise, accurate for tiny x.",
              "ag.log1p(ag.tensor([1e-10], dtype=ag.float64)).item()", "9.999999999500001e-11"),
    ("exp2", ops.Exp2, "2 ** x elementwise.", "ag.exp2(ag.tensor([3.0, -1.0]))", "tensor([8. , 0.5])"),
    ("expm1", ops.Expm1, "e ** x - 1 elementwise, accurate for tiny x.",
              "ag.expm1(ag.tensor([1e-10], dtype=ag.float64)).item()", "1.00000000005e-10"),
    ("rsqrt", ops.Rsqrt, "1 / sqrt(x) elementwise.", "ag.rsqrt(ag.tensor([4.0, 0.25]))", "tensor([0.5, 2. ])"),
    ("floor", ops.Floor, "The largest integer <= x, elementwise (gradient 0; integer tensors unchanged).",
              "ag.floor(ag.tensor([-1.5, 1.5]))", "tensor([-2.,  1.])"),
    ("ceil", ops.Ceil, "The smallest integer >= x, elementwise (gradient 0; integer tensors unchanged).",
             "ag.ceil(ag.tensor([-1.5, 1.5]))", "tensor([-1.,  2.])"),
    ("trunc", ops.Trunc, "x rounded toward zero, elementwise (gradient 0; integer tensors unchanged).",
              "ag.trunc(ag.tensor([-1.5, 1.5]))", "tensor([-1.,  1.])"),
    ("sign", ops.Sign, "-1, 0 or 1 by the sign of each element (gradient 0).",
             "ag.sign(ag.tensor([-2.0, 0.0, 3.0]))", "tensor([-1.,  0.,  1.])"),
    ("erf", ops.Erf, "The error function 2/sqrt(pi) * integral of exp(-t^2) from 0 to x, elementwise.",
            "ag.erf(ag.tensor([0.0, 1.0]))", "tensor([0. , 0.8427...])"),
)
(exp, log, sqrt, abs, sin, cos, tanh, sigmoid, relu, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, log2,
 log10, log1p, exp2, expm1, rsqrt, floor, ceil, trunc, sign, erf) = (_public(*row) for row in UNARY)


def round_(x, decimals=0):
    """x rounded half to even (as PyTorch and numpy), at `decimals` places after the point
    (negative: to tens, hundreds...); gradient 0, integer tensors unchanged.

    >>> import autograd as ag
    >>> ag.round(ag.tensor([0.5, 1.5, 2.5, -0.5]))
    tensor([ 0.,  2.,  2., -0.])
    >>> ag.round(ag.tensor([1234.5678], dtype=ag.float64), decimals=-2).item()
    1200.0
    """
    if not isinstance(decimals, (int, np.integer)) or isinstance(decimals, bool):
        raise ValueError(f"round: decimals must be an int, got {decimals!r}")
    return ops.Round.apply(ensure_tensor(x), decimals=int(decimals))


def leaky_relu(x, negative_slope=0.01):
    """x where x > 0, else negative_slope * x."""
    return ops.LeakyRelu.apply(x, negative_slope=float(negative_slope))


def elu(x, alpha=1.0):
    """x where x > 0, else alpha * (e^x - 1)."""
    return ops.Elu.apply(x, alpha=float(alpha))


def softplus(x, beta=1.0, threshold=20.0):
    """log(1 + e^(beta x)) / beta, reverting to x where beta x > threshold (as PyTorch)."""
    if beta <= 0:
        raise ValueError(f"softplus: beta must be positive, got {beta}")
    return ops.Softplus.apply(x, beta=float(beta), threshold=float(threshold))


# --- activations of round 2: compositions, so their gradients come from the primitives ----------
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def gelu(x, approximate="none"):
    """x * Phi(x), Phi the standard normal's CDF: 0.5 x (1 + erf(x / sqrt 2)); with
    approximate="tanh", 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))) (as PyTorch).

    >>> import autograd as ag
    >>> ag.gelu(ag.tensor([0.0, 1.0]))
    tensor([0. , 0.8413...])
    """
    if approximate == "none":
        return x * 0.5 * (1 + erf(x * 0.5 ** 0.5))
    if approximate == "tanh":
        return x * 0.5 * (1 + tanh((x + x * x * x * 0.044715) * (2 / np.pi) ** 0.5))
    raise ValueError(f'gelu: approximate must be "none" or "tanh", got {approximate!r}')


def silu(x):
    """x * sigmoid(x) (also called swish).

    >>> import autograd as ag
    >>> ag.silu(ag.tensor([0.0, -1000.0]))
    tensor([ 0., -0.])
    """
    return x * sigmoid(x)


def hardtanh(x, min_val=-1.0, max_val=1.0):
    """x clipped to [min_val, max_val].

    >>> import autograd as ag
    >>> ag.hardtanh(ag.tensor([-3.0, 0.5, 3.0]))
    tensor([-1. ,  0.5,  1. ])
    """
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val {min_val} is greater than max_val {max_val}")
    return ops.Hardtanh.apply(ensure_tensor(x), low=float(min_val), high=float(max_val))


def celu(x, alpha=1.0):
    """x where x > 0, else alpha * (exp(x / alpha) - 1).

    >>> import autograd as ag
    >>> ag.celu(ag.tensor([2.0, -1000.0]), alpha=0.5)
    tensor([ 2. , -0.5])
    """
    if not alpha > 0:
        raise ValueError(f"celu: alpha must be positive, got {alpha}")
    return elu(x) if alpha == 1 else elu(x / alpha) * alpha


def selu(x):
    """scale * elu(x, alpha) with PyTorch's constants (alpha 1.6733, scale 1.0507).

    >>> import autograd as ag
    >>> ag.selu(ag.tensor([1.0, -1000.0]))
    tensor([ 1.0507..., -1.7580...])
    """
    return elu(x, SELU_ALPHA) * SELU_SCALE


def softsign(x):
    """x / (1 + |x|).

    >>> import autograd as ag
    >>> ag.softsign(ag.tensor([1.0, -3.0]))
    tensor([ 0.5 , -0.75])
    """
    return x / (abs(x) + 1)


def hardsigmoid(x):
    """0 below -3, 1 above 3, x / 6 + 1/2 between (gradient 1/6 strictly between, as PyTorch).

    >>> import autograd as ag
    >>> ag.hardsigmoid(ag.tensor([-4.0, 0.0, 1.5, 4.0]))
    tensor([0.  , 0.5 , 0.75, 1.  ])
    """
    return hardtanh(x, -3.0, 3.0) / 6 + 0.5


def clamp(x, min=None, max=None):
    """Clip x to [min, max]; either bound may be None. Gradient 1 inside, 0 outside."""
    if min is None and max is None:
        raise ValueError("clamp needs at least one of min and max")
    # min > max is allowed: every element becomes max, as in PyTorch
    return ops.Clamp.apply(x, low=min, high=max)


def maximum(a, b):
    """Elementwise max of two tensors (ties split the gradient evenly)."""
    return ops.Maximum.apply(ensure_tensor(a), _operand(b))


def minimum(a, b):
    """Elementwise min of two tensors (ties split the gradient evenly)."""
    return ops.Minimum.apply(ensure_tensor(a), _operand(b))


def where(condition, a, b):
    """a where `condition` (a boolean tensor or array) holds, else b; broadcasts all three.

    >>> import autograd as ag
    >>> x = ag.tensor([-1.0, 2.0])
    >>> ag.where(x > 0, x, 0.0)
    tensor([0., 2.])
    """
    condition = ensure_tensor(condition)
    if condition.dtype != np.bool_:
        raise ValueError(f"where: condition must be boolean, got dtype {condition.dtype}")
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        a = ensure_tensor(a)  # two numbers: float32 for a float (PyTorch's default), else int64 or bool
    return ops.Where.apply(condition, _operand(a, b if isinstance(b, Tensor) else None),
                           _operand(b, a if isinstance(a, Tensor) else None))


def to(x, dtype):
    """x converted to `dtype` (float32, float64, int64 or bool); the gradient flows back."""
    dtype = dtypes.as_dtype(dtype)
    return x if x.dtype == dtype else ops.Cast.apply(x, dtype=dtype)


def _cast(dtype, method):
    def cast(x):
        return to(x, dtype)

    cast.__name__ = "to_" + method
    cast.__doc__ = f"x as {dtype} (the method `x.{method}()`)."
    return cast


to_float, to_double = _cast(dtypes.float32, "float"), _cast(dtypes.float64, "double")
to_long, to_bool = _cast(dtypes.int64, "long"), _cast(dtypes.bool_, "bool")
# PyTorch's x.int() gives int32, which tensors here do not hold: the integer dtype is int64.
to_int = _cast(dtypes.int64, "int")


def type_as(x, other):
    """x converted to the dtype of tensor `other`.

    >>> import autograd as ag
    >>> ag.tensor([1.5]).type_as(ag.tensor([1])).dtype
    dtype('int64')
    """
    return to(x, other.dtype)


def clone(x):
    """A copy of x's data that stays in the graph: its gradient flows back to x."""
    return ops.Clone.apply(x)


# --- comparisons and logic (boolean results, no gradient) ---------------------------------------
def _comparison(name, op, symbol):
    def compare(a, b):
        return op.apply(a, b)

    compare.__name__ = name
    compare.__doc__ = f"a {symbol} b elementwise, as a boolean tensor (no gradient)."
    return compare


eq, ne = _comparison("eq", ops.Equal, "=="), _comparison("ne", ops.NotEqual, "!=")
lt, le = _comparison("lt", ops.Less, "<"), _comparison("le", ops.LessEqual, "<=")
gt, ge = _comparison("gt", ops.Greater, ">"), _comparison("ge", ops.GreaterEqual, ">=")


def _integer_dtype(x, symbol):
    """The dtype of operand `x` of a bitwise operator, which must be boolean or integer."""
    dtype = x.dtype if isinstance(x, (Tensor, np.ndarray)) else np.result_type(x)
    if dtype.kind not in "biu":
        raise ValueError(f"operator {symbol} needs integer or boolean operands, got dtype {dtype}")
    return dtype


def _bitwise(name, logical_op, bitwise_op, symbol):
    def bitwise(*operands):
        kinds = {_integer_dtype(x, symbol).kind for x in operands}
        op = logical_op if kinds == {"b"} else bitwise_op
        return op.apply(*(x if isinstance(x, Tensor) else _operand(x) for x in operands))

    bitwise.__name__ = name
    bitwise.__doc__ = (f"`{symbol}` elementwise: logical on boolean tensors, bit by bit on int64 ones (floats are "
                       f"refused; no gradient).")
    return bitwise


and_ = _bitwise("and_", ops.LogicalAnd, ops.BitwiseAnd, "&")
or_ = _bitwise("or_", ops.LogicalOr, ops.BitwiseOr, "|")
xor = _bitwise("xor", ops.LogicalXor, ops.BitwiseXor, "^")
invert = _bitwise("invert", ops.LogicalNot, ops.BitwiseNot, "~")


def _shift(name, op, symbol):
    def shift(a, b):
        for x in (a, b):
            if _integer_dtype(x, symbol).kind == "b":
                raise ValueError(f"operator {symbol} needs integer operands, got dtype bool")
        return op.apply(ensure_tensor(a), _operand(b))

    shift.__name__ = name
    shift.__doc__ = f"a {symbol} b on int64 tensors (no gradient)."
    return shift


lshift, rshift = _shift("lshift", ops.LeftShift, "<<"), _shift("rshift", ops.RightShift, ">>")


def _logical(name, op, word, example):
    def logical(a, b):
        return op.apply(ensure_tensor(a), _operand(b))

    logical.__name__ = name
    logical.__doc__ = (f"a {word} b elementwise, nonzero counting as true, for any dtypes: a boolean tensor.\n\n"
                       f"    >>> import autograd as ag\n    >>> ag.{name}(ag.tensor([0.0, 2.0]), ag.tensor([1, 1]))\n"
                       f"    tensor({example})")
    return logical


logical_and = _logical("logical_and", ops.LogicalAnd, "and", "[False,  True]")
logical_or = _logical("logical_or", ops.LogicalOr, "or", "[ True,  True]")
logical_xor = _logical("logical_xor", ops.LogicalXor, "xor", "[ True, False]")


def logical_not(x):
    """not x elementwise, zero counting as false, for any dtype: a boolean tensor.

    >>> import autograd as ag
    >>> ag.logical_not(ag.tensor([0.0, 2.0]))
    tensor([ True, False])
    """
    return ops.LogicalNot.apply(ensure_tensor(x))


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|a - b| <= atol + rtol * |b| elementwise, as a boolean tensor; equal infinities are close,
    NaNs are close to each other only with `equal_nan` (PyTorch's rule and defaults).

    >>> import autograd as ag
    >>> ag.isclose(ag.tensor([1.0, 1.0]), ag.tensor([1.0 + 1e-6, 1.1]))
    tensor([ True, False])
    """
    if rtol < 0 or atol < 0:
        raise ValueError(f"isclose: rtol and atol must be >= 0, got rtol={rtol}, atol={atol}")
    a = ensure_tensor(a)
    return ops.IsClose.apply(a, _operand(b, a), rtol=rtol, atol=atol, equal_nan=bool(equal_nan))


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every element of a is close to b (`isclose`), as a Python bool.

    >>> import autograd as ag
    >>> ag.allclose(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 2.0 + 1e-7]))
    True
    """
    return bool(isclose(a, b, rtol, atol, equal_nan).data.all())


def all_(x, dim=None):
    """Whether every element (over `dim`, when given) is nonzero, as a boolean tensor (`x.all()`)."""
    return ops.All.apply(x, axis=check_dims(dim, x.ndim, "all"))


def any_(x, dim=None):
    """Whether some element (over `dim`, when given) is nonzero, as a boolean tensor (`x.any()`)."""
    return ops.Any.apply(x, axis=check_dims(dim, x.ndim, "any"))


# --- reductions ---------------------------------------------------------------------------------
def sum(x, dim=None, keepdim=False, *, dtype=None):
    """Sum over `dim` (an int, a tuple, or None for all), in `dtype` when given (x is cast to it
    first); integers and booleans sum to int64, as PyTorch.

    >>> import autograd as ag
    >>> ag.ones(2, 3).sum(dim=1)
    tensor([3., 3.])
    """
    x = ensure_tensor(x)
    if dtype is not None:
        x = to(x, dtype)
    return ops.Sum.apply(x, axis=reduction_dims(dim, x.ndim, "sum"), keepdims=keepdim)


def mean(x, dim=None, keepdim=False, *, dtype=None):
    """Arithmetic mean over `dim`, in `dtype` when given (a floating dtype; x is cast to it first)."""
    x = ensure_tensor(x)
    if dtype is not None and not dtypes.is_floating(dtypes.as_dtype(dtype)):
        raise ValueError(f"mean: dtype must be a floating dtype, got {dtype}")
    if dtype is not None or not dtypes.is_floating(x.dtype):
        x = to(x, dtypes.DEFAULT_FLOAT if dtype is None else dtype)
    axes = reduction_dims(dim, x.ndim, "mean")
    return ops.Sum.apply(x, axis=axes, keepdims=keepdim) / _count(x.shape, axes)


def var(x, dim=None, correction=1, keepdim=False, unbiased=None):
    """Variance over `dim`, dividing by n - correction (1 by default: unbiased, as PyTorch).
    Where n - correction <= 0 the result is nan (or inf), with PyTorch's warning.

    >>> import autograd as ag
    >>> round(ag.tensor([1.0, 2.0, 4.0]).var().item(), 4)
    2.3333
    """
    return _variance(x, dim, correction if unbiased is None else int(unbiased), keepdim, "var")


def std(x, dim=None, correction=1, keepdim=False, unbiased=None):
    """Standard deviation over `dim` (square root of `var`; gradient 0 where it is 0, as PyTorch)."""
    return _root(_variance(x, dim, correction if unbiased is None else int(unbiased), keepdim, "std"))


def _root(variance):
    """sqrt(variance) with gradient 0 where the variance is 0 (sqrt's own would be 0 * inf = nan
    there): the square root is taken of 1 in those places, and its result not used."""
    nonzero = ne(variance, 0.0)
    return where(nonzero, sqrt(where(nonzero, variance, 1.0)), 0.0)


def var_mean(x, dim=None, *, correction=1, keepdim=False):
    """(var, mean) over `dim`, as `torch.var_mean`.

    >>> import autograd as ag
    >>> [round(t.item(), 4) for t in ag.var_mean(ag.tensor([1.0, 2.0, 4.0]))]
    [2.3333, 2.3333]
    """
    return _variance(x, dim, correction, keepdim, "var_mean"), mean(x, dim, keepdim)


def std_mean(x, dim=None, *, correction=1, keepdim=False):
    """(std, mean) over `dim`, as `torch.std_mean`."""
    return _root(_variance(x, dim, correction, keepdim, "std_mean")), mean(x, dim, keepdim)


def _variance(x, dim, correction, keepdim, name):
    """The variance for the public function `name`, whose caller PyTorch's warning points at."""
    x = ensure_tensor(x)
    if not dtypes.is_floating(x.dtype):
        x = to(x, dtypes.DEFAULT_FLOAT)
    axes = reduction_dims(dim, x.ndim, name)
    count = _count(x.shape, axes)
    if count - correction <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0: correction {correction} is not less than the "
                      f"{count} elements reduced over dim {dim} of shape {x.shape}", UserWarning, stacklevel=3)
    return ops.Var.apply(x, axis=axes, correction=correction, keepdims=keepdim)


def norm(x, p="fro", dim=None, keepdim=False):
    """Vector norm over `dim` (all elements by default) as `torch.norm`, which computes
    `torch.linalg.vector_norm`: (sum |x|^p)^(1/p) for a number p, "fro" as 2, inf and -inf the
    largest and smallest |x|, 0 the count of nonzeros. The gradient is 0 where x or the norm is 0.

    >>> import autograd as ag
    >>> ag.tensor([3.0, -4.0]).norm().item()
    5.0
    """
    x = ensure_tensor(x)
    if p == "fro":
        p = 2.0
    if isinstance(p, str) or isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise ValueError(f"norm: p must be a number (inf and -inf included) or 'fro', got {p!r}")
    if not dtypes.is_floating(x.dtype):
        raise ValueError(f"norm needs a floating-point tensor, got dtype {x.dtype}")
    return ops.VectorNorm.apply(x, ord=float(p), axis=reduction_dims(dim, x.ndim, "norm"), keepdims=keepdim)


def prod(x, dim=None, keepdim=False):
    """Product over `dim`."""
    x = ensure_tensor(x)
    return ops.Prod.apply(x, axis=reduction_dims(dim, x.ndim, "prod"), keepdims=keepdim)


def amax(x, dim=None, keepdim=False):
    """Largest value over `dim` (int, tuple or None); tied maxima share the gradient."""
    x = ensure_tensor(x)
    axes = reduction_dims(dim, x.ndim, "amax")
    _check_not_empty(x, "amax", axes)
    return ops.Amax.apply(x, axis=axes, keepdims=keepdim)


def amin(x, dim=None, keepdim=False):
    """Smallest value over `dim` (int, tuple or None); tied minima share the gradient."""
    x = ensure_tensor(x)
    axes = reduction_dims(dim, x.ndim, "amin")
    _check_not_empty(x, "amin", axes)
    return ops.Amin.apply(x, axis=axes, keepdims=keepdim)


def max(x, dim=None, keepdim=False):
    """The largest value. With an int `dim`, a (values, indices) pair as `torch.max(x, dim)`: the
    first of tied maxima, which alone gets the gradient. With a tuple of dims, or `keepdim=True`
    and no dim, as `amax` (tied maxima share the gradient).

    >>> import autograd as ag
    >>> ag.tensor([[1.0, 3.0], [4.0, 2.0]]).max(1).indices
    tensor([1, 0])
    """
    if dim is None or isinstance(dim, (tuple, list)):
        return amax(x, dim, keepdim)
    return _extreme_along(x, dim, keepdim, ops.ArgMax, "max")


def min(x, dim=None, keepdim=False):
    """The smallest value; with an int `dim`, a (values, indices) pair as `torch.min(x, dim)`
    (the gradient goes to the returned index); otherwise as `amin`."""
    if dim is None or isinstance(dim, (tuple, list)):
        return amin(x, dim, keepdim)
    return _extreme_along(x, dim, keepdim, ops.ArgMin, "min")


def check_dim(dim, ndim, name):
    """Normalise one int `dim` to an axis of a tensor with `ndim` dims (0-d tensors take 0 or -1,
    and count as 1-d)."""
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"{name}: dim must be an int, got {dim!r}")
    if ndim == 0 and dim not in (0, -1):
        raise ValueError(f"{name}: dim {dim} is out of range for a 0-d tensor (which takes dim 0 or -1)")
    (axis,) = check_dims(dim, builtins.max(ndim, 1), name)
    return axis


def values_and_indices(x, values, indices):
    """`ValuesIndices` of an op along one dim of x, made 0-d again when x is 0-d."""
    if x.ndim == 0:
        return ValuesIndices(values.reshape(()), indices.reshape(()))
    return ValuesIndices(values, indices)


def as_1d(x):
    """x, seen as 1-d if it is 0-d (how ops along one dim treat 0-d tensors, as PyTorch)."""
    return ops.Reshape.apply(x, shape=(1,)) if x.ndim == 0 else x


def take_along(x, indices, dim):
    """x's values at the int64 `indices` along `dim` (an axis): the gradient flows back to them."""
    return ops.Gather.apply(x, indices, axis=dim)


def _extreme_along(x, dim, keepdim, arg_op, name):
    x = ensure_tensor(x)
    axis = check_dim(dim, x.ndim, name)
    _check_not_empty(x, name, None if x.ndim == 0 else (axis,))
    flat = as_1d(x)
    indices = arg_op.apply(flat, axis=axis, keepdims=True)
    values = take_along(flat, indices, axis)
    if not keepdim or x.ndim == 0:
        shape = tuple(n for i, n in enumerate(flat.shape) if i != axis) if not keepdim else x.shape
        values, indices = values.reshape(shape), indices.reshape(shape)
    return ValuesIndices(values, indices)


def _arg_reduce(x, dim, keepdim, op, name):
    x = ensure_tensor(x)
    (axis,) = (None,) if dim is None else check_dims(dim, x.ndim, name) or (None,)
    _check_not_empty(x, name, None if axis is None else (axis,))
    return op.apply(x, axis=axis, keepdims=keepdim)


def argmax(x, dim=None, keepdim=False):
    """Index of the largest value (over the flattened tensor when dim is None); int64, no grad."""
    return _arg_reduce(x, dim, keepdim, ops.ArgMax, "argmax")


def argmin(x, dim=None, keepdim=False):
    """Index of the smallest value (over the flattened tensor when dim is None); int64, no grad."""
    return _arg_reduce(x, dim, keepdim, ops.ArgMin, "argmin")


def _check_not_empty(x, name, axes=None):
    """Refuse a max or min over nothing: over `axes` (all dims if None) of size 0."""
    if (x.data.size if axes is None else _count(x.shape, axes)) == 0:
        over = "" if axes is None else f" over dim {axes[0] if len(axes) == 1 else axes} (size 0)"
        raise ValueError(f"{name} of an empty tensor of shape {x.shape}{over}")


def _shifted(x, axes):
    """x minus its (constant, detached) max over `axes`: exp of it cannot overflow. Subtracting a
    constant changes neither softmax nor the gradient of logsumexp."""
    shift = ops.StableShift.apply(x, axis=axes)
    return x - shift, shift


def logsumexp(x, dim=None, keepdim=False):
    """log(sum(exp(x))) over `dim`, computed stably: no overflow for inputs of +-1000.

    >>> import autograd as ag
    >>> round(ag.tensor([1000.0, 1000.0]).logsumexp(0).item(), 3)
    1000.693
    """
    x = ensure_tensor(x)
    axes = reduction_dims(dim, x.ndim, "logsumexp")
    shifted, shift = _shifted(x, axes)
    total = shifted.exp().sum(axes, keepdim=True).log() + shift
    return total if keepdim else total.reshape(tuple(n for i, n in enumerate(x.shape) if axes and i not in axes))


def softmax(x, dim):
    """exp(x) / sum(exp(x)) along `dim`, stable for large inputs.

    >>> import autograd as ag
    >>> ag.tensor([0.0, 0.0]).softmax(0)
    tensor([0.5, 0.5])
    """
    return exp(log_softmax(x, dim))


def log_softmax(x, dim):
    """x - logsumexp(x) along `dim`: the log of softmax without its underflow."""
    x = ensure_tensor(x)
    axes = check_dims(dim, x.ndim, "log_softmax")
    shifted, _ = _shifted(x, axes)
    return shifted - shifted.exp().sum(axes, keepdim=True).log()


# --- shape --------------------------------------------------------------------------------------
def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(n) for n in shape)


def reshape(x, *shape):
    """The same elements in a new shape (one entry may be -1)."""
    shape = _shape_arg(shape)
    try:
        return ops.Reshape.apply(x, shape=shape)
    except ValueError:
        raise ValueError(f"reshape: cannot view a tensor of shape {x.shape} ({x.data.size} elements) "
                         f"as shape {shape}") from None


def flatten(x, start_dim=0, end_dim=-1):
    """Merge dims start_dim..end_dim into one."""
    if x.ndim == 0:
        return reshape(x, 1)
    start, end = (check_dims(d, x.ndim, "flatten")[0] for d in (start_dim, end_dim))
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    return reshape(x, x.shape[:start] + (-1,) + x.shape[end + 1:])


def permute(x, *dims):
    """Reorder the dims: the result's dim i is x's dim dims[i]."""
    dims = _shape_arg(dims)
    if sorted(d % x.ndim if x.ndim else d for d in dims) != list(range(x.ndim)):
        raise ValueError(f"permute: {dims} is not a permutation of the {x.ndim} dims of shape {x.shape}")
    return ops.Permute.apply(x, axes=tuple(d % x.ndim for d in dims))


def transpose(x, dim0, dim1):
    """Swap two dims."""
    if x.ndim == 0:
        return x
    first, second = (check_dims(d, x.ndim, "transpose")[0] for d in (dim0, dim1))
    axes = list(range(x.ndim))
    axes[first], axes[second] = axes[second], axes[first]
    return ops.Permute.apply(x, axes=tuple(axes))


def unsqueeze(x, dim):
    """Insert a dim of size 1 at position `dim`."""
    if not -x.ndim - 1 <= dim <= x.ndim:
        raise ValueError(f"unsqueeze: dim {dim} is out of range for a tensor with {x.ndim} dims")
    dim = dim % (x.ndim + 1)
    return ops.Reshape.apply(x, shape=x.shape[:dim] + (1,) + x.shape[dim:])


def squeeze(x, dim=None):
    """Drop dims of size 1 (all of them, or only `dim`, which is kept if its size is not 1)."""
    axes = check_dims(dim, x.ndim, "squeeze")
    shape = tuple(n for i, n in enumerate(x.shape) if not (n == 1 and (axes is None or i in axes)))
    return x if shape == x.shape else ops.Reshape.apply(x, shape=shape)


def broadcast_to(x, *shape):
    """A read-only view of x broadcast to `shape` (numpy's rules); gradients are summed back."""
    shape = _shape_arg(shape)
    try:
        fits = np.broadcast_shapes(x.shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"broadcast_to: a tensor of shape {x.shape} cannot be broadcast to {shape}")
    return x if shape == x.shape else ops.Expand.apply(x, shape=shape)


def expand(x, *sizes):
    """As `torch.Tensor.expand`: broadcast to `sizes`, where -1 keeps a dim's size."""
    sizes = _shape_arg(sizes)
    lead = len(sizes) - x.ndim
    if lead < 0:
        raise ValueError(f"expand: {len(sizes)} sizes given for a tensor with {x.ndim} dims")
    shape = tuple(x.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(sizes))
    return broadcast_to(x, shape)


def cat(tensors, dim=0):
    """Join tensors along an existing dim; all other dims must match.

    >>> import autograd as ag
    >>> ag.cat([ag.zeros(2, 3), ag.ones(1, 3)]).shape
    (3, 3)
    """
    tensors = [ensure_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("cat needs at least one tensor")
    first = tensors[0]
    if first.ndim == 0:
        raise ValueError("cat: zero-dimensional tensors cannot be concatenated; use stack")
    (axis,) = check_dims(dim, first.ndim, "cat")
    for t in tensors[1:]:
        if t.ndim != first.ndim or any(i != axis and m != n for i, (m, n) in enumerate(zip(t.shape, first.shape))):
            raise ValueError(f"cat along dim {dim}: shapes {[t.shape for t in tensors]} differ outside that dim")
    dtype = dtypes.result_dtype(*[t.data for t in tensors])
    return ops.Cat.apply(*[to(t, dtype) for t in tensors], axis=axis)


def stack(tensors, dim=0):
    """Join same-shaped tensors along a new dim."""
    tensors = [ensure_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("stack needs at least one tensor")
    if any(t.shape != tensors[0].shape for t in tensors):
        raise ValueError(f"stack needs tensors of one shape, got {[t.shape for t in tensors]}")
    return cat([unsqueeze(t, dim) for t in tensors], dim)


PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(x, pad, mode="constant", value=0.0):
    """Padding as `torch.nn.functional.pad`: `pad` lists (before, after) pairs starting from the
    last dim, e.g. (1, 1) pads the last dim by one on each side; negative amounts crop. `mode` is
    "constant" (with `value`), "reflect" (mirrored about the edge element), "replicate" (the edge
    element repeated) or "circular" (wrapped around).

    >>> import autograd as ag
    >>> ag.pad(ag.ones(2), (1, 2)).tolist()
    [0.0, 1.0, 1.0, 0.0, 0.0]
    >>> ag.pad(ag.tensor([1.0, 2.0, 3.0]), (2, 1), mode="reflect").tolist()
    [3.0, 2.0, 1.0, 2.0, 3.0, 2.0]
    """
    widths = _pad_widths(x, pad, mode)
    if mode == "constant":
        return _pad_constant(x, widths, value)
    for axis, (size, (before, after)) in enumerate(zip(x.shape, widths)):
        if before or after:
            x = getitem(x, (slice(None),) * axis + (_padded_positions(size, before, after, mode),))
    return x


def _pad_widths(x, pad, mode):
    """`pad` checked, as numpy's ((before, after), ...) for every dim of x."""
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ValueError(f"pad: {pad} must hold (before, after) pairs for at most {x.ndim} dims")
    if mode not in PAD_MODES:
        raise ValueError(f"pad: mode must be one of {PAD_MODES}, got {mode!r}")
    pairs = [(pad[i], pad[i + 1]) for i in range(0, len(pad), 2)]
    widths = tuple([(0, 0)] * (x.ndim - len(pairs)) + pairs[::-1])
    for size, (before, after) in zip(x.shape, widths):
        if size + before + after < 0:
            raise ValueError(f"pad: {pad} crops a dim of size {size} below zero")
    return widths


def _pad_constant(x, widths, value):
    grown = tuple((builtins.max(before, 0), builtins.max(after, 0)) for before, after in widths)
    if any(before or after for before, after in grown):
        x = ops.Pad.apply(x, widths=grown, value=value)
    if all(before >= 0 and after >= 0 for before, after in widths):
        return x
    return getitem(x, tuple(slice(-builtins.min(before, 0), n + builtins.min(after, 0))
                            for (before, after), n in zip(widths, x.shape)))


def _padded_positions(size, before, after, mode):
    """Which element of a dim of `size` each position of its padded version copies; negative
    amounts crop (as PyTorch: after reflecting or replicating, before wrapping around)."""
    if mode == "circular":  # what is left after cropping, wrapped around
        start = builtins.max(-before, 0)
        kept = size - start - builtins.max(-after, 0)
        if builtins.max(before, after) > kept:
            raise ValueError(f"pad: circular padding of {(before, after)} needs a dim of at least that size, got "
                             f"{kept} after cropping")
        return start + np.arange(-builtins.max(before, 0), kept + builtins.max(after, 0)) % kept
    # reflected about, or repeating, the edges of the whole dim, then cropped
    if mode == "reflect" and builtins.max(before, after) >= size or size == 0:
        raise ValueError(f"pad: {mode} padding of {(before, after)} needs a dim larger than that, got size {size}")
    positions = np.arange(-before, size + after)
    if mode == "reflect":
        return np.abs(size - 1 - np.abs(positions - (size - 1)))
    return np.clip(positions, 0, size - 1)


def normalise_index(index):
    """An index as numpy takes it: tensors and lists become arrays, 0-d integer ones ints (as
    PyTorch takes them), boolean masks the integer arrays of their nonzero positions."""
    parts = index if isinstance(index, tuple) else (index,)
    normalised = []
    for part in map(_index_part, parts):
        if isinstance(part, np.ndarray):
            if part.dtype == np.bool_:
                normalised.extend(np.nonzero(part))
                continue
            if part.dtype.kind not in "iu":
                raise IndexError(f"tensors used as indices must be integer or boolean, got dtype {part.dtype}")
        elif isinstance(part, float) or isinstance(part, bool):
            raise IndexError(f"{part!r} is not a valid index: use ints, slices, None, Ellipsis or arrays")
        normalised.append(part)
    return tuple(normalised)


def _index_part(part):
    """One part of an index with tensors and lists made arrays, and 0-d integer ones ints."""
    if isinstance(part, Tensor):
        if part.ndim == 0 and part.dtype.kind in "iu":
            return part.item()  # (item(): a compiled step sees the read)
        part = part.data
    elif isinstance(part, list):
        part = np.asarray(part)
    if isinstance(part, np.ndarray) and part.ndim == 0 and part.dtype.kind in "iu":
        return int(part)
    return part


def getitem(x, index):
    """x[index] with ints, slices, None, Ellipsis, boolean masks and integer arrays.

    Result dims are ordered as PyTorch orders them: index arrays that are next to each other once
    the ints are applied put their broadcast dims in their place (numpy counts ints as index
    arrays too, and would move them to the front in `x[0, :, idx]`). Repeated integer indices
    accumulate their gradients.

    >>> import autograd as ag
    >>> ag.zeros(2, 3, 4)[0, :, [1, 2]].shape
    (3, 2)
    """
    index = normalise_index(index)
    try:
        steps = _in_torch_order(index)
        if steps is not None:
            return ops.Index.apply(ops.Index.apply(x, index=steps[0]), index=steps[1])
        return ops.Index.apply(x, index=index)
    except IndexError as error:
        raise IndexError(f"{str(error).replace('for axis', 'for dimension')} (indexing a tensor of shape "
                         f"{x.shape})") from None


def _is_int(part):
    return isinstance(part, (int, np.integer))


def _is_array(part):
    return isinstance(part, np.ndarray)


def _is_advanced(part):
    return _is_array(part) or _is_int(part)


def _apart(index, counted):
    """Whether a slice, None or Ellipsis lies between the first and the last part `counted` accepts."""
    places = [i for i, part in enumerate(index) if counted(part)]
    return bool(places) and not all(_is_advanced(part) for part in index[places[0]:places[-1]])


def _in_torch_order(index):
    """None where numpy orders the result's dims as PyTorch does; else the two indexes to apply
    one after the other: the ints first, then the rest. (numpy sees `index`'s arrays as apart
    because of ints beside them, where PyTorch, applying the ints first, sees them together.)"""
    # an int, an array and a slice (or None, Ellipsis) between: at least three parts
    if len(index) < 3 or not (any(map(_is_array, index)) and _apart(index, _is_advanced)) or _apart(index, _is_array):
        return None
    ints = tuple(slice(None) if _is_array(part) else part for part in index)
    rest = tuple(part if _is_array(part) or part is Ellipsis else slice(None) for part in index if not _is_int(part))
    return ints, rest


def setitem(x, index, value):
    """x[index] = value in place, for tensors that need no grad (or under no_grad); the selected
    elements are ordered as `getitem` orders them."""
    x._check_inplace("item assignment")
    index = normalise_index(index)
    assign = _assign_at(index)
    assign(None, value.data if isinstance(value, Tensor) else value, x.data, None)
    x.mark_changed()
    if Recording.active is not None:
        Recording.active.inplace(x, assign, value, index)


def _assign_at(index):
    """`x[index] = value` in the shape of an in-place ufunc call (how captured assignments replay)."""
    steps = _in_torch_order(index)

    def assign(target, value, out, casting):
        if steps is None:
            out[index] = value
        else:
            out[steps[0]][steps[1]] = value  # the ints give a view: the assignment lands in `out`

    return assign


def reverse_dims(x):
    """x with its dims in reverse order (the property `x.T`: the transpose of a matrix)."""
    return ops.Permute.apply(x, axes=tuple(range(x.ndim))[::-1])
