"""The public functions on tensors: argument checks, then a primitive or a composition of them.

Most of it is available both as `autograd.name(x, ...)` and as the method `x.name(...)`; the
operators (`==`, `&`, ...) and methods such as `x.float()` are defined here too and bound in
`registry.py`. Softmax, logsumexp, mean, var and friends are compositions of primitives, so they
need no gradient code of their own.
"""
import builtins
from collections import namedtuple

import numpy as np

from . import dtypes, ops
from .tensor import Recording, Tensor

REDUCTIONS = ("mean", "sum", "none")  # what a loss's `reduction` may be
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


def _count(shape, axes):
    return int(np.prod([shape[a] for a in axes] if axes is not None else shape))


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


def div(a, b):
    """a / b with broadcasting (true division: integer inputs give float32)."""
    a = ensure_tensor(a)
    return ops.Div.apply(a, _operand(b, a))


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


def exp(x):
    """e ** x elementwise."""
    return ops.Exp.apply(x)


def log(x):
    """Natural logarithm elementwise (-inf at 0, nan below)."""
    return ops.Log.apply(x)


def sqrt(x):
    """Square root elementwise."""
    return ops.Sqrt.apply(x)


def abs(x):
    """|x| elementwise (gradient 0 at 0, as PyTorch)."""
    return ops.Abs.apply(x)


def sin(x):
    """sin(x) elementwise."""
    return ops.Sin.apply(x)


def cos(x):
    """cos(x) elementwise."""
    return ops.Cos.apply(x)


def tanh(x):
    """Hyperbolic tangent elementwise."""
    return ops.Tanh.apply(x)


def sigmoid(x):
    """1 / (1 + e^-x) elementwise, without overflow for large |x|."""
    return ops.Sigmoid.apply(x)


def relu(x):
    """max(x, 0) elementwise (gradient 0 at 0)."""
    return ops.Relu.apply(x)


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


def clamp(x, min=None, max=None):
    """Clip x to [min, max]; either bound may be None. Gradient 1 inside, 0 outside."""
    if min is None and max is None:
        raise ValueError("clamp needs at least one of min and max")
    if min is not None and max is not None and min > max:
        raise ValueError(f"clamp: min {min} is greater than max {max}")
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
    return ops.Where.apply(condition, _operand(a), _operand(b))


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


def _logical(name, op, symbol):
    def logical(*operands):
        for x in operands:
            if isinstance(x, Tensor) and x.dtype != np.bool_:
                raise ValueError(f"logical operator {symbol} needs boolean tensors, got {x.dtype}")
        return op.apply(*operands)

    logical.__name__ = name
    logical.__doc__ = f"`{symbol}` of boolean tensors (a boolean tensor, no gradient)."
    return logical


and_, or_ = _logical("and_", ops.LogicalAnd, "&"), _logical("or_", ops.LogicalOr, "|")
xor, invert = _logical("xor", ops.LogicalXor, "^"), _logical("invert", ops.LogicalNot, "~")


def all_(x, dim=None):
    """Whether every element (over `dim`, when given) is nonzero, as a boolean tensor (`x.all()`)."""
    return ops.All.apply(x, axis=check_dims(dim, x.ndim, "all"))


def any_(x, dim=None):
    """Whether some element (over `dim`, when given) is nonzero, as a boolean tensor (`x.any()`)."""
    return ops.Any.apply(x, axis=check_dims(dim, x.ndim, "any"))


# --- reductions ---------------------------------------------------------------------------------
def sum(x, dim=None, keepdim=False):
    """Sum over `dim` (an int, a tuple, or None for all).

    >>> import autograd as ag
    >>> ag.ones(2, 3).sum(dim=1)
    tensor([3., 3.])
    """
    x = ensure_tensor(x)
    return ops.Sum.apply(x, axis=check_dims(dim, x.ndim, "sum"), keepdims=keepdim)


def mean(x, dim=None, keepdim=False):
    """Arithmetic mean over `dim`."""
    x = ensure_tensor(x)
    if not dtypes.is_floating(x.dtype):
        x = to(x, dtypes.DEFAULT_FLOAT)
    axes = check_dims(dim, x.ndim, "mean")
    return ops.Sum.apply(x, axis=axes, keepdims=keepdim) / _count(x.shape, axes)


def var(x, dim=None, correction=1, keepdim=False, unbiased=None):
    """Variance over `dim`, dividing by n - correction (1 by default: unbiased, as PyTorch)."""
    if unbiased is not None:
        correction = 1 if unbiased else 0
    x = ensure_tensor(x)
    axes = check_dims(dim, x.ndim, "var")
    centred = x - mean(x, axes, keepdim=True)
    return (centred * centred).sum(axes, keepdim=keepdim) / (_count(x.shape, axes) - correction)


def std(x, dim=None, correction=1, keepdim=False, unbiased=None):
    """Standard deviation over `dim` (square root of `var`)."""
    return sqrt(var(x, dim, correction, keepdim, unbiased))


def prod(x, dim=None, keepdim=False):
    """Product over `dim`."""
    x = ensure_tensor(x)
    return ops.Prod.apply(x, axis=check_dims(dim, x.ndim, "prod"), keepdims=keepdim)


def amax(x, dim=None, keepdim=False):
    """Largest value over `dim` (int, tuple or None); tied maxima share the gradient."""
    x = ensure_tensor(x)
    _check_not_empty(x, "amax")
    return ops.Amax.apply(x, axis=check_dims(dim, x.ndim, "amax"), keepdims=keepdim)


def amin(x, dim=None, keepdim=False):
    """Smallest value over `dim` (int, tuple or None); tied minima share the gradient."""
    x = ensure_tensor(x)
    _check_not_empty(x, "amin")
    return ops.Amin.apply(x, axis=check_dims(dim, x.ndim, "amin"), keepdims=keepdim)


def max(x, dim=None, keepdim=False):
    """The largest value; with an int `dim`, a (values, indices) pair as `torch.max(x, dim)`."""
    if dim is None:
        return amax(x)
    return ValuesIndices(amax(x, dim, keepdim), argmax(x, dim, keepdim))


def min(x, dim=None, keepdim=False):
    """The smallest value; with an int `dim`, a (values, indices) pair as `torch.min(x, dim)`."""
    if dim is None:
        return amin(x)
    return ValuesIndices(amin(x, dim, keepdim), argmin(x, dim, keepdim))


def _arg_reduce(x, dim, keepdim, op, name):
    x = ensure_tensor(x)
    _check_not_empty(x, name)
    (axis,) = (None,) if dim is None else check_dims(dim, x.ndim, name) or (None,)
    return op.apply(x, axis=axis, keepdims=keepdim)


def argmax(x, dim=None, keepdim=False):
    """Index of the largest value (over the flattened tensor when dim is None); int64, no grad."""
    return _arg_reduce(x, dim, keepdim, ops.ArgMax, "argmax")


def argmin(x, dim=None, keepdim=False):
    """Index of the smallest value (over the flattened tensor when dim is None); int64, no grad."""
    return _arg_reduce(x, dim, keepdim, ops.ArgMin, "argmin")


def _check_not_empty(x, name):
    if x.data.size == 0:
        raise ValueError(f"{name} of an empty tensor of shape {x.shape}")


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
    axes = check_dims(dim, x.ndim, "logsumexp")
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
    """An index as numpy takes it: tensors and lists become arrays, boolean masks become the
    integer arrays of their nonzero positions."""
    parts = index if isinstance(index, tuple) else (index,)
    normalised = []
    for part in parts:
        if isinstance(part, Tensor):
            part = part.data
        elif isinstance(part, list):
            part = np.asarray(part)
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


# --- losses -------------------------------------------------------------------------------------
def cross_entropy(logits, target, reduction="mean"):
    """Cross-entropy loss of (N, C) logits and (N,) int64 class targets, as
    `torch.nn.functional.cross_entropy`: mean (or sum, or per-row with "none") of
    logsumexp(logits[i]) - logits[i, target[i]]. Stable for any finite logits.

    >>> import autograd as ag
    >>> round(ag.cross_entropy(ag.zeros(2, 4), ag.tensor([0, 3])).item(), 4)
    1.3863
    """
    logits, target = ensure_tensor(logits), ensure_tensor(target)
    if reduction not in REDUCTIONS:
        raise ValueError(f"cross_entropy: reduction must be one of {REDUCTIONS}, got {reduction!r}")
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy needs (N, C) logits, got shape {logits.shape}")
    if target.dtype != np.int64 or target.shape != logits.shape[:1]:
        raise ValueError(f"cross_entropy needs int64 targets of shape {logits.shape[:1]}, got {target.dtype} "
                         f"{target.shape}")
    # The kernel checks that every target lies in [0, C) as it reads them.
    return ops.SoftmaxCrossEntropy.apply(logits, target, reduction=reduction)
