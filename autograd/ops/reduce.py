"""Reductions over `axis` (None, or a tuple of non-negative axes) with `keepdims`."""
import numpy as np

from ..arrays import sum_leading
from ..function import Function


def kept_shape(shape, axis):
    """The shape of a reduction's result with keepdims=True."""
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


class Sum(Function):
    def forward(self, x, axis, keepdims):
        self.shape = x.shape
        if axis and axis == tuple(range(len(axis))) and len(axis) < x.ndim:  # over leading dims
            total = sum_leading(x, len(axis))
            return total.reshape(kept_shape(x.shape, axis)) if keepdims else total
        return x.sum(axis=axis, keepdims=keepdims)

    def backward(self, xp, grad, x):
        axis, keepdims = self.options["axis"], self.options["keepdims"]
        if not keepdims:
            grad = xp.reshape(grad, kept_shape(self.shape, axis))
        return (xp.broadcast_to(grad, self.shape),)


class Amax(Function):
    """Largest element over `axis`; tied maxima share the gradient evenly (as torch.amax)."""

    reduce = staticmethod(np.max)

    def forward(self, x, axis, keepdims):
        self.shape = x.shape
        return self.reduce(x, axis=axis, keepdims=keepdims)

    def backward(self, xp, grad, x):
        axis = self.options["axis"]
        values = self.inputs[0].data
        is_best = values == self.reduce(values, axis=axis, keepdims=True)
        share = is_best / is_best.sum(axis=axis, keepdims=True, dtype=values.dtype)
        return (xp.reshape(grad, kept_shape(self.shape, axis)) * xp.constant(share),)


class Amin(Amax):
    """Smallest element over `axis`; tied minima share the gradient evenly (as torch.amin)."""

    reduce = staticmethod(np.min)


class Prod(Function):
    def forward(self, x, axis, keepdims):
        self.shape = x.shape
        return np.prod(x, axis=axis, keepdims=keepdims)

    def backward(self, xp, grad, x):
        axis = self.options["axis"]
        return (xp.reshape(grad, kept_shape(self.shape, axis)) * xp.prod_of_others(x, axis),)
