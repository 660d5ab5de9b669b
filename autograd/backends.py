"""The two backends every op's backward is written against, and `unbroadcast`.

`NumpyBackend` computes gradients as plain numpy arrays (the ordinary backward pass).
`TensorBackend` offers the same functions as recorded Tensor ops, so that under
`create_graph=True` the backward pass lands on the tape and can be differentiated again.
Operators (`+ - * / ** @`, comparisons, indexing) work on both arrays and Tensors and need
no entry here.
"""
import functools
import math

import numpy as np

from . import kernels
from .tensor import Tensor


def unbroadcast(xp, grad, shape, op_name="op"):
    """Sum `grad` over the axes that broadcasting added or stretched, giving it `shape`.

    The one place where broadcasting is undone.

    >>> unbroadcast(NumpyBackend, np.ones((2, 3)), (3,))
    array([2., 2., 2.])
    """
    extra = grad.ndim - len(shape)
    if extra > 0 and grad.shape[extra:] == shape:  # the common case: leading dims only (a bias)
        return xp.sum_leading(grad, extra)
    if extra < 0 or any(n != 1 and n != m for n, m in zip(shape, grad.shape[extra:])):
        raise RuntimeError(f"{op_name}'s backward produced a gradient of shape {grad.shape} for an input of "
                           f"shape {shape}")
    # Leading axes are summed away, stretched size-1 axes summed with keepdims: the result has
    # `shape` without a reshape, so it is a fresh array that a leaf can own without a copy.
    if extra:
        grad = xp.sum_leading(grad, extra)
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = xp.sum(grad, stretched, True)
    return grad


def _scatter_into_zeros(grad, index, shape):
    out = np.zeros(shape, dtype=grad.dtype)
    if _is_basic(index):
        out[index] = grad
    else:
        np.add.at(out, index, grad)  # repeated integer indices accumulate
    return out


def _is_basic(index):
    return not any(isinstance(part, np.ndarray) for part in index)


def _matmul(a, b):
    # An outer product (contracted dim of size 1, as in a batch-1 weight gradient) is about four
    # times faster as a broadcast multiply than through numpy's matmul.
    if a.shape[-1] == 1 and a.ndim >= 2 and b.ndim >= 2:
        return a * b
    return a @ b


def _matmul_column_major(a, b):
    """a @ b for 2-d operands, computed straight into a new column-major array (a fresh array,
    not a transposed view, so that a leaf can own it without a copy)."""
    out = np.empty((a.shape[0], b.shape[1]), a.dtype if a.dtype == b.dtype else np.result_type(a, b), order="F")
    if a.shape[1] == 1:
        return np.multiply(a, b, out=out)
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


def _prod_of_others(x, axis):
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


class NumpyBackend:
    """Gradients as numpy arrays."""

    log = staticmethod(np.log)
    sign = staticmethod(np.sign)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    where = staticmethod(np.where)

    # The array methods rather than numpy's module-level wrappers (about a microsecond each).
    @staticmethod
    def reshape(x, shape):
        return x.reshape(shape)

    @staticmethod
    def transpose(x, axes):
        return x.transpose(axes)

    @staticmethod
    def swapaxes(x, first, second):
        return x.swapaxes(first, second)
    broadcast_to = staticmethod(broadcast_view)
    matmul = staticmethod(_matmul)
    matmul_column_major = staticmethod(_matmul_column_major)
    sum_leading = staticmethod(sum_leading)
    scatter_into_zeros = staticmethod(_scatter_into_zeros)
    prod_of_others = staticmethod(_prod_of_others)

    @staticmethod
    def sum(x, axis, keepdims):
        return x.sum(axis=axis, keepdims=keepdims)

    @staticmethod
    def primitive(op, *arrays, **options):
        """The forward of primitive `op` on arrays: how a backward made of other primitives (a
        convolution's, a pooling's) calls them, recorded under `TensorBackend`."""
        return op().forward(*arrays, **options)

    @staticmethod
    def astype(x, dtype):
        return x.astype(dtype)

    @staticmethod
    def constant(array):
        return array

    @staticmethod
    def sigmoid(x):
        return kernels.sigmoid(x)

    @staticmethod
    def relu_backward(grad, out):
        return kernels.relu_backward(grad, out)

    @staticmethod
    def sigmoid_backward(grad, out):
        return kernels.sigmoid_backward(grad, out)

    @staticmethod
    def tanh_backward(grad, out):
        return kernels.tanh_backward(grad, out)


class TensorBackend:
    """Gradients as Tensors, every step recorded (for `create_graph=True`)."""

    @staticmethod
    def _ops():
        from . import ops

        return ops

    @staticmethod
    def log(x):
        # A constant base (as in `2 ** x`) has no graph to record.
        return TensorBackend._ops().Log.apply(x) if isinstance(x, Tensor) else np.log(x)

    @staticmethod
    def sin(x):
        return TensorBackend._ops().Sin.apply(x)

    @staticmethod
    def cos(x):
        return TensorBackend._ops().Cos.apply(x)

    @staticmethod
    def sigmoid(x):
        return TensorBackend._ops().Sigmoid.apply(x)

    @staticmethod
    def sign(x):
        return Tensor._make(np.sign(x.data))

    @staticmethod
    def where(condition, a, b):
        if isinstance(condition, Tensor):
            condition = condition.data
        return TensorBackend._ops().Where.apply(condition, a, b)

    @staticmethod
    def reshape(x, shape):
        return TensorBackend._ops().Reshape.apply(x, shape=tuple(shape))

    @staticmethod
    def transpose(x, axes):
        return TensorBackend._ops().Permute.apply(x, axes=tuple(axes))

    @staticmethod
    def swapaxes(x, first, second):
        axes = list(range(x.ndim))
        axes[first], axes[second] = axes[second], axes[first]
        return TensorBackend.transpose(x, axes)

    @staticmethod
    def broadcast_to(x, shape):
        return TensorBackend._ops().Expand.apply(x, shape=tuple(shape))

    @staticmethod
    def matmul(a, b):
        return TensorBackend._ops().Matmul.apply(a, b)

    @staticmethod
    def matmul_column_major(a, b):
        return TensorBackend._ops().Matmul.apply(a, b)

    @staticmethod
    def sum(x, axis, keepdims):
        return TensorBackend._ops().Sum.apply(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def sum_leading(x, count):
        return TensorBackend.sum(x, tuple(range(count)), False)

    @staticmethod
    def primitive(op, *args, **options):
        return op.apply(*args, **options)

    @staticmethod
    def astype(x, dtype):
        return TensorBackend._ops().Cast.apply(x, dtype=dtype)

    @staticmethod
    def constant(array):
        return Tensor._make(array)

    @staticmethod
    def scatter_into_zeros(grad, index, shape):
        return TensorBackend._ops().ScatterIntoZeros.apply(grad, index=index, shape=shape)

    @staticmethod
    def prod_of_others(x, axis):
        # Second derivatives of prod go through out / x, so they assume no zero inputs.
        return TensorBackend._ops().Prod.apply(x, axis=axis, keepdims=True) / x

    @staticmethod
    def relu_backward(grad, out):
        return grad * (out > 0)

    @staticmethod
    def sigmoid_backward(grad, out):
        return grad * out * (1 - out)

    @staticmethod
    def tanh_backward(grad, out):
        return grad * (1 - out * out)
