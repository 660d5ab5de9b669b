"""Plain-array helpers behind the ops and `NumpyBackend`: numpy in, numpy out, no Tensors.

They sit below both `ops/` and `backends.py`, so that neither imports the other for them.
"""
import functools
import math

import numpy as np

from . import kernels


def scatter_into_zeros(grad, index, shape):
    """Zeros of `shape` with `grad` added at `index` (a normalised index; repeats add up): the
    gradient of indexing.

    >>> scatter_into_zeros(np.ones(3), (np.array([0, 2, 0]),), (3,)).tolist()
    [2.0, 0.0, 1.0]
    """
    out = np.zeros(shape, dtype=grad.dtype)
    if _is_basic(index):
        out[index] = grad
    else:
        np.add.at(out, index, grad)  # repeated integer indices accumulate
    return out


def _is_basic(index):
    return not any(isinstance(part, np.ndarray) for part in index)


def matmul(a, b):
    """a @ b, where an outer product (contracted dim of size 1) is a broadcast multiply.

    >>> matmul(np.ones((2, 1)), np.ones((1, 3))).shape
    (2, 3)
    """
    # An outer product (contracted dim of size 1, as in a batch-1 weight gradient) is about four
    # times faster as a broadcast multiply than through numpy's matmul, and faster again as a
    # kernel (`kernels.outer`).
    if a.shape[-1] == 1 and a.ndim >= 2 and b.ndim >= 2:
        if a.ndim == b.ndim == 2:
            return kernels.outer(a[:, 0], b[0], np.empty((a.shape[0], b.shape[1]), np.result_type(a, b)))
        return a * b
    return a @ b


def matmul_column_major(a, b):
    """a @ b for 2-d operands, computed straight into a new column-major array (a fresh array,
    not a transposed view, so that a leaf can own it without a copy)."""
    out = np.empty((a.shape[0], b.shape[1]), a.dtype if a.dtype == b.dtype else np.result_type(a, b), order="F")
    if a.shape[1] == 1:
        kernels.outer(b[0], a[:, 0], out.T)  # (out.T is row-major)
        return out
    return np.matmul(a, b, out=out)


@functools.lru_cache(maxsize=64)
def _ones(count, dtype):
    ones = np.ones(count, dtype)
    ones.flags.writeable = False
    return ones


def sum_leading(x, count):
    """`x` summed over its first `count` axes, as a fresh array.

    For a row-major float array of 16 rows or more this is a vector of ones times x seen as a
    matrix, which BLAS computes up to 3x faster than numpy's sum over axis 0, and no less
    accurately (bench_kernels.py: a bias gradient of batch 128 x 10 classes, 4.2 -> 1.5 us).

    >>> sum_leading(np.ones((2, 3, 4)), 2).shape
    (4,)
    """
    rows = x.shape[0] if count == 1 else math.prod(x.shape[:count])
    if rows == 1 and x.dtype.char in "fd":  # a batch of one: nothing to add, a copy is 4x faster
        return x.reshape(x.shape[count:]).copy()
    if not (x.dtype.char in "fd" and x.flags.c_contiguous and rows >= 16 and x.size):
        return x.sum(axis=tuple(range(count)))  # numpy is as fast below 16 rows; BLAS takes float32/64
    if count == 1 and x.ndim == 2:  # a bias gradient
        return _ones(rows, x.dtype) @ x
    out = np.empty(x.shape[count:], x.dtype)
    np.matmul(_ones(rows, x.dtype), x.reshape(rows, -1), out=out.reshape(-1))
    return out


def broadcast_view(x, shape):
    """`np.broadcast_to(x, shape)`: a read-only view repeating x to `shape`. For a row-major x
    with as many dims as `shape` (or none), the view is made directly, without numpy's
    Python-level argument handling (about 2x faster: every `sum()` and `mean()` backward uses it).

    >>> broadcast_view(np.arange(3.0).reshape(3, 1), (3, 2)).tolist()
    [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]
    """
    if not (x.flags.c_contiguous and x.ndim in (0, len(shape)) and x.size):
        return np.broadcast_to(x, shape)
    if x.ndim == 0:
        strides = (0,) * len(shape)
    else:
        strides = []
        for have, want, stride in zip(x.shape, shape, x.strides):
            if have != want and have != 1:
                return np.broadcast_to(x, shape)  # let numpy raise its error
            strides.append(0 if have != want else stride)
    view = np.ndarray(shape, x.dtype, x, 0, tuple(strides))
    view.flags.writeable = False
    return view


def prod_of_others(x, axis):
    """For every element, the product of the other elements along `axis` (exact with zeros)."""
    axes = tuple(range(x.ndim)) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
    axes = tuple(a % x.ndim for a in axes)
    kept = [a for a in range(x.ndim) if a not in axes]
    moved = np.transpose(x, kept + list(axes))
    flat = moved.reshape(moved.shape[: len(kept)] + (-1,))
    ones = np.ones(flat.shape[:-1] + (1,), x.dtype)
    before = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    after = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    others = (before * after).reshape(moved.shape)
    return np.transpose(others, np.argsort(kept + list(axes)))


def share_of_extremes(x, axis, largest):
    """1 / k at each of the k places where `x` reaches its largest (or smallest) value over `axis`,
    0 elsewhere: how amax and amin share their gradient between ties.

    >>> share_of_extremes(np.array([1.0, 3.0, 3.0]), None, True).tolist()
    [0.0, 0.5, 0.5]
    """
    is_best = x == (np.max if largest else np.min)(x, axis=axis, keepdims=True)
    return is_best / is_best.sum(axis=axis, keepdims=True, dtype=x.dtype)
