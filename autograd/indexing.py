"""Indexing and shape functions as PyTorch's: gather and the scatters, selection by index or mask,
triangles and diagonals, flips, rolls, repeats, windows and splits.

Gather and the scatters are primitives (`ops/index.py`); the rest are compositions of indexing,
reshapes, expands and `where`, so their gradients (of any order) need no code of their own.

>>> import autograd as ag
>>> x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
>>> x.gather(1, ag.tensor([[1], [0]])).tolist()
[[2.0], [3.0]]
"""
import math

import numpy as np

from . import api, dtypes, ops
from .tensor import Tensor, _read  # _read: a result whose shape depends on values ends a capture

SCATTER_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


# --- argument checks ----------------------------------------------------------------------------
def _index_tensor(index, name):
    """`index` as an int64 Tensor (lists and arrays of ints are converted); other dtypes rejected."""
    if not isinstance(index, Tensor):
        array = np.asarray(index)
        if array.dtype.kind not in "iu" and array.size:
            raise ValueError(f"{name}: index must hold integers, got dtype {array.dtype}")
        index = Tensor(array.astype(np.int64))
    if index.dtype != np.int64:
        raise ValueError(f"{name}: index must be an int64 tensor, got dtype {index.dtype}")
    return index


def _check_in_range(index, size, axis, name):
    """Every index in [0, size) (gather and the scatters take no negative indices, as PyTorch)."""
    values = index.data
    if values.size:
        low, high = values.min(), values.max()
        if low < 0 or high >= size:
            bad = low if low < 0 else high
            raise IndexError(f"{name}: index {bad} is out of bounds for dimension {axis} with size {size}")


def _scatter_arguments(x, dim, index, src, name):
    """Checked (x, index, src, axis) of a gather or scatter, 0-d tensors seen as 1-d: index has x's
    number of dims, fits in x outside `axis` (and in src everywhere), and holds valid positions;
    src is cut to index's shape."""
    x, index = api.ensure_tensor(x), _index_tensor(index, name)
    axis = api.check_dim(dim, x.ndim, name)
    if index.ndim != x.ndim:
        raise ValueError(f"{name}: index must have as many dims as the input, got index {index.shape} "
                         f"for input {x.shape}")
    x, index = api.as_1d(x), api.as_1d(index)
    if any(d != axis and m > n for d, (m, n) in enumerate(zip(index.shape, x.shape))):
        raise ValueError(f"{name}: index of shape {index.shape} is larger than the input's {x.shape} outside "
                         f"dim {axis}")
    _check_in_range(index, x.shape[axis], axis, name)
    if src is not None:
        src = api.as_1d(api.ensure_tensor(src))
        if src.ndim != index.ndim or any(m > n for m, n in zip(index.shape, src.shape)):
            raise ValueError(f"{name}: index of shape {index.shape} does not fit in src of shape {src.shape}")
        if src.dtype != x.dtype:
            raise ValueError(f"{name}: src must have the input's dtype {x.dtype}, got {src.dtype}")
        if src.shape != index.shape:
            src = api.getitem(src, tuple(slice(0, n) for n in index.shape))
    return x, index, src, axis


def _shaped_like(result, x):
    return api.reshape(result, ()) if x.ndim == 0 else result


# --- gather and scatter -------------------------------------------------------------------------
def gather(input, dim, index):
    """out[i][j] = input[i][index[i][j]] for dim=1 (and likewise for any dim): values picked along
    `dim` at the int64 positions `index` holds. index has input's number of dims and is no larger
    outside `dim`; the result has index's shape.

    >>> import autograd as ag
    >>> ag.gather(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), 1, ag.tensor([[0, 0], [1, 0]])).tolist()
    [[1.0, 1.0], [4.0, 3.0]]
    """
    x, index, _, axis = _scatter_arguments(input, dim, index, None, "gather")
    return _shaped_like(ops.Gather.apply(x, index, axis=axis), input)


def scatter_add(input, dim, index, src):
    """A copy of input with src's values added at the positions `index` gives along `dim` (the
    places `gather` reads); repeated positions add up.

    >>> import autograd as ag
    >>> ag.scatter_add(ag.zeros(3), 0, ag.tensor([0, 2, 0]), ag.ones(3)).tolist()
    [2.0, 0.0, 1.0]
    """
    x, index, src, axis = _scatter_arguments(input, dim, index, src, "scatter_add")
    return _shaped_like(ops.ScatterAdd.apply(x, index, src, axis=axis), input)


def scatter(input, dim, index, src=None, value=None):
    """A copy of input with src's values (or the number `value`) written at the positions `index`
    gives along `dim`.

    >>> import autograd as ag
    >>> ag.scatter(ag.zeros(3), 0, ag.tensor([2]), ag.tensor([5.0])).tolist()
    [0.0, 0.0, 5.0]
    """
    if (src is None) == (value is None) and not isinstance(src, (int, float)):
        raise ValueError("scatter needs exactly one of src (a tensor) and value (a number)")
    number = src if isinstance(src, (int, float)) else value
    x, index, src, axis = _scatter_arguments(input, dim, index, None if number is not None else src, "scatter")
    if number is not None:
        src = np.full(index.shape, number, x.dtype)
    return _shaped_like(ops.Scatter.apply(x, index, src, axis=axis), input)


def _identity(reduce):
    """What a position holds before src is folded in by a sum or product, when include_self=False."""
    return 1 if reduce == "prod" else 0


def scatter_reduce(input, dim, index, src, reduce, include_self=True):
    """src folded into a copy of input at the positions `index` gives along `dim`, by `reduce`
    ("sum", "prod", "mean", "amax" or "amin"); with include_self=False the input's own values at
    those positions are left out. Gradients as PyTorch: tied extremes share theirs evenly.

    >>> import autograd as ag
    >>> ag.scatter_reduce(ag.zeros(2), 0, ag.tensor([0, 0, 1]), ag.tensor([1.0, 3.0, 5.0]), "mean",
    ...                   include_self=False).tolist()
    [2.0, 5.0]
    """
    if reduce not in SCATTER_REDUCTIONS:
        raise ValueError(f"scatter_reduce: reduce must be one of {SCATTER_REDUCTIONS}, got {reduce!r}")
    x, index, src, axis = _scatter_arguments(input, dim, index, src, "scatter_reduce")
    if reduce in ("amax", "amin"):
        out = ops.ScatterExtreme.apply(x, index, src, axis=axis, largest=reduce == "amax", include_self=include_self)
        return _shaped_like(out, input)
    if reduce == "mean" or not include_self:
        # how many src values land on each position: an op on index, so that a compiled replay
        # counts the new index's
        hits = ops.ScatterAdd.apply(np.zeros(x.shape, x.dtype), index, np.ones(index.shape, x.dtype), axis=axis)
    if not include_self:
        x = ops.Where.apply(api.gt(hits, 0), np.array(_identity(reduce), x.dtype), x)
    if reduce == "prod":
        return _shaped_like(ops.ScatterProd.apply(x, index, src, axis=axis), input)
    out = ops.ScatterAdd.apply(x, index, src, axis=axis)
    if reduce == "mean":
        counts = api.clamp(hits + int(include_self), min=1)
        if dtypes.is_floating(x.dtype):
            out = out / counts
        else:  # integer division rounds down, as PyTorch; no op for it, so a capture runs eagerly
            _read(index, "scatter_reduce(reduce='mean') of integers")
            out = Tensor(np.floor_divide(out.data, counts.data))
    return _shaped_like(out, input)


def index_select(input, dim, index):
    """The slices of input at the positions of the 1-d int64 `index` along `dim`.

    >>> import autograd as ag
    >>> ag.index_select(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), 0, ag.tensor([1, 1])).tolist()
    [[3.0, 4.0], [3.0, 4.0]]
    """
    x, index = api.ensure_tensor(input), _index_tensor(index, "index_select")
    axis = api.check_dim(dim, x.ndim, "index_select")
    if index.ndim > 1:
        raise ValueError(f"index_select: index must be 0-d or 1-d, got shape {index.shape}")
    x, index = api.as_1d(x), api.reshape(index, -1)
    _check_in_range(index, x.shape[axis], axis, "index_select")
    shape = tuple(len(index) if d == axis else n for d, n in enumerate(x.shape))
    along = tuple(len(index) if d == axis else 1 for d in range(x.ndim))
    picked = ops.Gather.apply(x, api.broadcast_to(api.reshape(index, along), shape), axis=axis)
    return api.reshape(picked, ()) if input.ndim == 0 and len(index) == 1 else picked


# --- masks --------------------------------------------------------------------------------------
def _mask(mask, name):
    mask = api.ensure_tensor(mask)
    if mask.dtype != np.bool_:
        raise ValueError(f"{name}: mask must be boolean, got dtype {mask.dtype}")
    return mask


def masked_fill(input, mask, value):
    """input with `value` (a number or 0-d tensor) where the boolean `mask` holds; mask and input
    broadcast together.

    >>> import autograd as ag
    >>> ag.masked_fill(ag.zeros(3), ag.tensor([True, False, True]), 2.0).tolist()
    [2.0, 0.0, 2.0]
    """
    x, mask = api.ensure_tensor(input), _mask(mask, "masked_fill")
    if isinstance(value, Tensor):
        if value.ndim:
            raise ValueError(f"masked_fill: value must be a number or a 0-d tensor, got shape {value.shape}")
        value = api.to(value, x.dtype)
    else:
        value = np.array(value, x.dtype)
    _broadcast_shape(x, mask, "masked_fill")
    return ops.Where.apply(mask, value, x)


def _broadcast_shape(x, mask, name):
    try:
        return np.broadcast_shapes(x.shape, mask.shape)
    except ValueError:
        raise ValueError(f"{name}: mask of shape {mask.shape} does not broadcast with input of shape "
                         f"{x.shape}") from None


def masked_select(input, mask):
    """The elements of input where the boolean `mask` holds (the two broadcast), as a 1-d tensor.

    >>> import autograd as ag
    >>> ag.masked_select(ag.tensor([1.0, 2.0, 3.0]), ag.tensor([True, False, True])).tolist()
    [1.0, 3.0]
    """
    x, mask = api.ensure_tensor(input), _mask(mask, "masked_select")
    shape = _broadcast_shape(x, mask, "masked_select")
    _read(mask, "masked_select()")
    return api.getitem(api.broadcast_to(x, shape), np.broadcast_to(mask.data, shape))


def nonzero(input, as_tuple=False):
    """The int64 coordinates of input's nonzero elements, one row each (count, ndim); with
    as_tuple=True, one 1-d tensor per dim instead.

    >>> import autograd as ag
    >>> ag.nonzero(ag.tensor([0.0, 3.0, 5.0])).tolist()
    [[1], [2]]
    """
    x = api.ensure_tensor(input)
    _read(x, "nonzero()")
    if as_tuple:
        return tuple(Tensor(positions) for positions in np.nonzero(np.atleast_1d(x.data)))
    return Tensor(np.argwhere(x.data))


# --- triangles and diagonals --------------------------------------------------------------------
def _triangle(x, diagonal, lower, name):
    x = api.ensure_tensor(x)
    if x.ndim < 2:
        raise ValueError(f"{name} needs a tensor of at least 2 dims, got shape {x.shape}")
    rows, cols = x.shape[-2:]
    keep = np.tri(rows, cols, diagonal, bool) if lower else ~np.tri(rows, cols, diagonal - 1, bool)
    return ops.Where.apply(keep, x, np.zeros((), x.dtype))


def tril(input, diagonal=0):
    """The lower triangle of the last two dims (on and below the `diagonal`-th diagonal), zeros
    elsewhere.

    >>> import autograd as ag
    >>> ag.tril(ag.ones(2, 2)).tolist()
    [[1.0, 0.0], [1.0, 1.0]]
    """
    return _triangle(input, diagonal, True, "tril")


def triu(input, diagonal=0):
    """The upper triangle of the last two dims (on and above the `diagonal`-th diagonal), zeros
    elsewhere.

    >>> import autograd as ag
    >>> ag.triu(ag.ones(2, 2)).tolist()
    [[1.0, 1.0], [0.0, 1.0]]
    """
    return _triangle(input, diagonal, False, "triu")


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of the planes spanned by dim1 and dim2 (above it for offset > 0, below for
    offset < 0), as a last dim; the other dims stay in order.

    >>> import autograd as ag
    >>> ag.diagonal(ag.arange(9.0).reshape(3, 3), 1).tolist()
    [1.0, 5.0]
    """
    x = api.ensure_tensor(input)
    if x.ndim < 2:
        raise ValueError(f"diagonal needs a tensor of at least 2 dims, got shape {x.shape}")
    first, second = api.check_dim(dim1, x.ndim, "diagonal"), api.check_dim(dim2, x.ndim, "diagonal")
    if first == second:
        raise ValueError(f"diagonal: dim1 and dim2 name the same dim {first}")
    others = [d for d in range(x.ndim) if d not in (first, second)]
    moved = api.permute(x, *others, first, second)
    row, col = max(-offset, 0), max(offset, 0)
    length = max(0, min(x.shape[first] - row, x.shape[second] - col))
    steps = np.arange(length)
    return api.getitem(moved, (Ellipsis, steps + row, steps + col))


# --- flips, rolls, repeats ----------------------------------------------------------------------
def _along(axis, part):
    return (slice(None),) * axis + (part,)


def flip(input, dims):
    """input with the order of elements reversed along each of `dims` (an int or a tuple).

    >>> import autograd as ag
    >>> ag.flip(ag.tensor([1.0, 2.0, 3.0]), 0).tolist()
    [3.0, 2.0, 1.0]
    """
    x = api.ensure_tensor(input)
    axes = api.check_dims(dims, x.ndim, "flip") or ()
    return api.getitem(x, tuple(slice(None, None, -1) if d in axes else slice(None) for d in range(x.ndim)))


def roll(input, shifts, dims=None):
    """input with elements shifted by `shifts` along `dims` (ints or tuples of one length),
    wrapping around; with dims=None the flattened tensor is rolled and reshaped back.

    >>> import autograd as ag
    >>> ag.roll(ag.tensor([1.0, 2.0, 3.0]), 1).tolist()
    [3.0, 1.0, 2.0]
    """
    x = api.ensure_tensor(input)
    shifts = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
    if dims is None:
        if len(shifts) != 1:
            raise ValueError(f"roll: without dims, shifts must be one int, got {shifts}")
        return api.reshape(roll(api.flatten(x), shifts, 0), x.shape)
    dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    if len(dims) != len(shifts):
        raise ValueError(f"roll: shifts {shifts} and dims {dims} must have the same length")
    for shift, dim in zip(shifts, dims):
        axis = api.check_dim(dim, x.ndim, "roll")
        size = api.as_1d(x).shape[axis]
        if size and shift % size:
            x = api.getitem(x, _along(axis, (np.arange(size) - shift) % size))
    return x


def repeat(input, *sizes):
    """input repeated sizes[i] times along dim i (as `Tensor.repeat`; extra leading sizes add dims).

    >>> import autograd as ag
    >>> ag.tensor([1.0, 2.0]).repeat(2, 2).tolist()
    [[1.0, 2.0, 1.0, 2.0], [1.0, 2.0, 1.0, 2.0]]
    """
    x = api.ensure_tensor(input)
    sizes = api._shape_arg(sizes)
    if len(sizes) < x.ndim or any(n < 0 for n in sizes):
        raise ValueError(f"repeat: sizes {sizes} must be non-negative, at least one per dim of shape {x.shape}")
    shape = (1,) * (len(sizes) - x.ndim) + x.shape
    spread = tuple(n for size in shape for n in (1, size))
    tiled = tuple(n for count, size in zip(sizes, shape) for n in (count, size))
    return api.reshape(api.broadcast_to(api.reshape(x, spread), tiled), tuple(c * n for c, n in zip(sizes, shape)))


def tile(input, dims):
    """input repeated dims[i] times along dim i; fewer dims than input's repeat the last ones.

    >>> import autograd as ag
    >>> ag.tile(ag.tensor([1.0, 2.0]), (2,)).tolist()
    [1.0, 2.0, 1.0, 2.0]
    """
    x = api.ensure_tensor(input)
    dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    return repeat(x, (1,) * (x.ndim - len(dims)) + dims)


def repeat_interleave(input, repeats, dim=None):
    """Each element (slice along `dim`; of the flattened input when dim is None) repeated
    `repeats` times: an int, or a 1-d int64 tensor of one count per element.

    >>> import autograd as ag
    >>> ag.repeat_interleave(ag.tensor([1.0, 2.0]), 2).tolist()
    [1.0, 1.0, 2.0, 2.0]
    """
    x = api.ensure_tensor(input)
    if dim is None:
        x, axis = api.flatten(x), 0
    else:
        axis = api.check_dim(dim, x.ndim, "repeat_interleave")
        x = api.as_1d(x)
    size = x.shape[axis]
    if isinstance(repeats, Tensor):
        _read(repeats, "repeat_interleave() with a tensor of repeats")
        repeats = _index_tensor(repeats, "repeat_interleave").data
    counts = np.asarray(repeats)
    if counts.ndim > 1 or counts.ndim == 1 and len(counts) not in (1, size) or np.any(counts < 0):
        raise ValueError(f"repeat_interleave: repeats must be non-negative, one or {size} of them, got {repeats}")
    return api.getitem(x, _along(axis, np.repeat(np.arange(size), np.broadcast_to(counts, (size,)))))


# --- windows and pieces -------------------------------------------------------------------------
def unfold(input, dimension, size, step):
    """Every window of `size` elements along `dimension`, `step` apart: that dim becomes the
    window count and a last dim of `size` is added (as `Tensor.unfold`).

    >>> import autograd as ag
    >>> ag.arange(5.0).unfold(0, 2, 2).tolist()
    [[0.0, 1.0], [2.0, 3.0]]
    """
    x = api.ensure_tensor(input)
    axis = api.check_dim(dimension, x.ndim, "unfold")
    x = api.as_1d(x)
    if size < 0 or size > x.shape[axis] or step <= 0:
        raise ValueError(f"unfold: size {size} must be in [0, {x.shape[axis]}] (dim {axis} of shape "
                         f"{x.shape}) and step {step} positive")
    count = (x.shape[axis] - size) // step + 1
    windows = api.getitem(x, _along(axis, np.arange(count)[:, None] * step + np.arange(size)))
    order = [d for d in range(windows.ndim) if d != axis + 1] + [axis + 1]
    unfolded = api.permute(windows, *order)
    return api.reshape(unfolded, (size,)) if input.ndim == 0 else unfolded


def unflatten(input, dim, sizes):
    """Dim `dim` split into dims of `sizes` (one of them may be -1).

    >>> import autograd as ag
    >>> ag.unflatten(ag.zeros(2, 6), 1, (2, 3)).shape
    (2, 2, 3)
    """
    x = api.ensure_tensor(input)
    axis = api.check_dim(dim, x.ndim, "unflatten")
    sizes = tuple(int(n) for n in sizes)
    known = math.prod(n for n in sizes if n != -1)
    if sizes.count(-1) > 1 or (known != x.shape[axis] if -1 not in sizes else known == 0 or x.shape[axis] % known):
        raise ValueError(f"unflatten: sizes {sizes} do not make up dim {axis} of shape {x.shape}")
    return api.reshape(x, x.shape[:axis] + sizes + x.shape[axis + 1:])


def narrow(input, dim, start, length):
    """The `length` elements from `start` along `dim` (a view; start may be negative).

    >>> import autograd as ag
    >>> ag.narrow(ag.arange(5.0), 0, 1, 3).tolist()
    [1.0, 2.0, 3.0]
    """
    x = api.ensure_tensor(input)
    axis = api.check_dim(dim, x.ndim, "narrow")
    size = api.as_1d(x).shape[axis]
    if not -size <= start <= size:
        raise IndexError(f"narrow: start {start} is out of bounds for dimension {axis} with size {size}")
    start = start % size if size and start < 0 else start
    if length < 0 or start + length > size:
        raise ValueError(f"narrow: start {start} + length {length} exceeds dimension {axis} with size {size}")
    return api.getitem(x, _along(axis, slice(start, start + length)))


def split(tensor, split_size_or_sections, dim=0):
    """Pieces along `dim`: of `split_size_or_sections` elements each (the last may be smaller), or
    of the sizes a list of ints gives (which must add up to the dim's size).

    >>> import autograd as ag
    >>> [piece.shape for piece in ag.split(ag.zeros(5, 2), 2)]
    [(2, 2), (2, 2), (1, 2)]
    """
    x = api.ensure_tensor(tensor)
    axis = api.check_dim(dim, x.ndim, "split")
    size = api.as_1d(x).shape[axis]
    if isinstance(split_size_or_sections, (tuple, list)):
        sections = tuple(int(n) for n in split_size_or_sections)
        if sum(sections) != size or any(n < 0 for n in sections):
            raise ValueError(f"split: sections {sections} do not add up to dim {axis} of size {size}")
    else:
        step = int(split_size_or_sections)
        if step <= 0 and size or step < 0:
            raise ValueError(f"split: split_size must be positive, got {split_size_or_sections}")
        sections = (step,) * (size // step) + ((size % step,) if size % step else ()) if size else (0,)
    starts = np.cumsum((0,) + sections[:-1])
    return tuple(narrow(x, axis, int(start), n) for start, n in zip(starts, sections))


def chunk(input, chunks, dim=0):
    """Up to `chunks` pieces of equal size along `dim` (the last may be smaller), as `torch.chunk`.

    >>> import autograd as ag
    >>> [piece.shape for piece in ag.chunk(ag.zeros(5), 3)]
    [(2,), (2,), (1,)]
    """
    x = api.ensure_tensor(input)
    if chunks <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    size = api.as_1d(x).shape[api.check_dim(dim, x.ndim, "chunk")]
    return split(x, max(-(-size // chunks), 1), dim)
