"""Primitives that move elements around: reshape, permute, expand, index, cat, pad."""
import numpy as np

from ..arrays import broadcast_view, scatter_into_zeros
from ..function import Function


class _View(Function):
    """An op whose result may be a view of its input: both share one version counter."""

    is_view = True


class Reshape(_View):
    def forward(self, x, shape):
        return x.reshape(shape)

    def backward(self, xp, grad, x):
        return (xp.reshape(grad, self.inputs[0].shape),)


class Permute(_View):
    def forward(self, x, axes):
        return x.transpose(axes)

    def backward(self, xp, grad, x):
        return (xp.transpose(grad, np.argsort(self.options["axes"])),)


class Expand(_View):
    """Broadcast to a larger shape (a read-only view); the engine sums the gradient back."""

    def forward(self, x, shape):
        return broadcast_view(x, shape)

    def backward(self, xp, grad, x):
        return (grad,)


class Index(_View):
    """x[index] with a normalised index (see `api.normalise_index`)."""

    def forward(self, x, index):
        return x[index]

    def backward(self, xp, grad, x):
        return (xp.scatter_into_zeros(grad, self.options["index"], self.inputs[0].shape),)


class ScatterIntoZeros(Function):
    """The gradient of indexing: zeros of `shape` with `grad` added at `index` (repeats add up)."""

    def forward(self, grad, index, shape):
        return scatter_into_zeros(grad, index, shape)

    def backward(self, xp, grad, source):
        return (grad[self.options["index"]],)


class Cat(Function):
    def forward(self, *arrays, axis):
        self.sizes = [a.shape[axis] for a in arrays]
        return np.concatenate(arrays, axis=axis)

    def backward(self, xp, grad, *arrays):
        axis = self.options["axis"]
        bounds = np.cumsum([0] + self.sizes)
        before = (slice(None),) * (axis % grad.ndim)
        return tuple(grad[before + (slice(start, stop),)] for start, stop in zip(bounds[:-1], bounds[1:]))


class Pad(Function):
    """Constant padding; `widths` is numpy's ((before, after), ...) per axis."""

    def forward(self, x, widths, value):
        return np.pad(x, widths, constant_values=value)

    def backward(self, xp, grad, x):
        return (grad[tuple(slice(before, n - after) for (before, after), n in zip(self.options["widths"], grad.shape))],)
