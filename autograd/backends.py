"""The two backends every op's backward is written against, and `unbroadcast`.

`NumpyBackend` computes gradients as plain numpy arrays (the ordinary backward pass).
`TensorBackend` offers the same functions as recorded Tensor ops, so that under
`create_graph=True` the backward pass lands on the tape and can be differentiated again.
Operators (`+ - * / ** @`, comparisons, indexing) work on both arrays and Tensors and need
no entry here.
"""
import numpy as np

from . import arrays, kernels, ops
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


class NumpyBackend:
    """Gradients as numpy arrays."""

    log = staticmethod(np.log)
    sign = staticmethod(np.sign)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    where = staticmethod(np.where)
    # what the backward of ops/math.py uses
    exp, sinh, cosh = staticmethod(np.exp), staticmethod(np.sinh), staticmethod(np.cosh)
    floor, trunc, floor_divide = staticmethod(np.floor), staticmethod(np.trunc), staticmethod(np.floor_divide)
    zeros_like = staticmethod(np.zeros_like)

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
    broadcast_to = staticmethod(arrays.broadcast_view)
    matmul = staticmethod(arrays.matmul)
    matmul_column_major = staticmethod(arrays.matmul_column_major)
    sum_leading = staticmethod(arrays.sum_leading)
    scatter_into_zeros = staticmethod(arrays.scatter_into_zeros)
    prod_of_others = staticmethod(arrays.prod_of_others)
    share_of_extremes = staticmethod(arrays.share_of_extremes)

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
    def log(x):
        # A constant base (as in `2 ** x`) has no graph to record.
        return ops.Log.apply(x) if isinstance(x, Tensor) else np.log(x)

    @staticmethod
    def sin(x):
        return ops.Sin.apply(x)

    @staticmethod
    def cos(x):
        return ops.Cos.apply(x)

    @staticmethod
    def sigmoid(x):
        return ops.Sigmoid.apply(x)

    @staticmethod
    def sign(x):
        return ops.Sign.apply(x)

    @staticmethod
    def where(condition, a, b):
        return ops.Where.apply(condition, a, b)

    # what the backward of ops/math.py uses
    exp, sinh, cosh = staticmethod(ops.Exp.apply), staticmethod(ops.Sinh.apply), staticmethod(ops.Cosh.apply)
    floor, trunc = staticmethod(ops.Floor.apply), staticmethod(ops.Trunc.apply)

    @staticmethod
    def floor_divide(a, b):
        return ops.RoundingDiv.apply(a, b, rounding_mode="floor")

    @staticmethod
    def zeros_like(x):
        return Tensor._make(np.zeros_like(x.data))

    @staticmethod
    def reshape(x, shape):
        return ops.Reshape.apply(x, shape=tuple(shape))

    @staticmethod
    def transpose(x, axes):
        return ops.Permute.apply(x, axes=tuple(axes))

    @staticmethod
    def swapaxes(x, first, second):
        axes = list(range(x.ndim))
        axes[first], axes[second] = axes[second], axes[first]
        return TensorBackend.transpose(x, axes)

    @staticmethod
    def broadcast_to(x, shape):
        return ops.Expand.apply(x, shape=tuple(shape))

    @staticmethod
    def matmul(a, b):
        return ops.Matmul.apply(a, b)

    @staticmethod
    def matmul_column_major(a, b):
        return ops.Matmul.apply(a, b)

    @staticmethod
    def sum(x, axis, keepdims):
        return ops.Sum.apply(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def sum_leading(x, count):
        return TensorBackend.sum(x, tuple(range(count)), False)

    @staticmethod
    def primitive(op, *args, **options):
        return op.apply(*args, **options)

    @staticmethod
    def astype(x, dtype):
        return ops.Cast.apply(x, dtype=dtype)

    @staticmethod
    def scatter_into_zeros(grad, index, shape):
        return ops.ScatterIntoZeros.apply(grad, index=index, shape=shape)

    @staticmethod
    def prod_of_others(x, axis):
        # Second derivatives of prod go through out / x, so they assume no zero inputs.
        return ops.Prod.apply(x, axis=axis, keepdims=True) / x

    @staticmethod
    def share_of_extremes(x, axis, largest):
        return ops.ShareOfExtremes.apply(x, axis=axis, largest=largest)

    @staticmethod
    def relu_backward(grad, out):
        return grad * (out > 0)

    @staticmethod
    def sigmoid_backward(grad, out):
        return grad * out * (1 - out)

    @staticmethod
    def tanh_backward(grad, out):
        return grad * (1 - out * out)
