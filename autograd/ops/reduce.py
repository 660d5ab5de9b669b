"""Reductions over `axis` (None, or a tuple of non-negative axes) with `keepdims`."""
import numpy as np

from ..arrays import share_of_extremes, sum_leading
from ..function import Function
from .elementwise import Abs


def kept_shape(shape, axis):
    """The shape of a reduction's result with keepdims=True."""
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


class Sum(Function):
    # A sum of every element into a 0-d result fuses into the loop that makes the elements, as a
    # running total, and its backward (the gradient at every element) into the loop that reads
    # it (see compiler/fusion.py).
    fuses_as_total = True

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
    largest = True

    def forward(self, x, axis, keepdims):
        self.shape = x.shape
        return self.reduce(x, axis=axis, keepdims=keepdims)

    def backward(self, xp, grad, x):
        axis = self.options["axis"]
        share = xp.share_of_extremes(x, axis, self.largest)
        return (xp.reshape(grad, kept_shape(self.shape, axis)) * share,)


class Amin(Amax):
    """Smallest element over `axis`; tied minima share the gradient evenly (as torch.amin)."""

    reduce = staticmethod(np.min)
    largest = False


class ShareOfExtremes(Function):
    """Where x holds its largest (or smallest) value over `axis`, 1 / the number of ties; 0
    elsewhere: how amax and amin hand their gradient down. A value, with no gradient of its own."""

    differentiable = False

    def forward(self, x, axis, largest):
        return share_of_extremes(x, axis, largest)


class StableShift(Function):
    """The largest value over `axis` (kept dims), 0 where it is not finite: what softmax and
    logsumexp subtract so that exp cannot overflow. A constant: subtracting it changes neither
    their values nor their gradients."""

    differentiable = False

    def forward(self, x, axis):
        shift = np.max(x, axis=axis, keepdims=True)
        return np.where(np.isfinite(shift), shift, 0).astype(x.dtype)


class All(Function):
    """Whether every element over `axis` is nonzero."""

    differentiable = False

    def forward(self, x, axis):
        return np.all(x, axis=axis)


class Any(Function):
    """Whether some element over `axis` is nonzero."""

    differentiable = False

    def forward(self, x, axis):
        return np.any(x, axis=axis)


class ArgMax(Function):
    """The int64 index of the largest element over `axis` (an int, or None: of the flattened x)."""

    differentiable = False
    reduce = staticmethod(np.argmax)

    def forward(self, x, axis, keepdims):
        if axis is None:
            return np.asarray(self.reduce(x)).reshape((1,) * x.ndim if keepdims else ()).astype(np.int64)
        return np.asarray(self.reduce(x, axis=axis, keepdims=keepdims), dtype=np.int64)


class ArgMin(ArgMax):
    """The int64 index of the smallest element over `axis`."""

    reduce = staticmethod(np.argmin)


class Prod(Function):
    def forward(self, x, axis, keepdims):
        self.shape = x.shape
        return np.prod(x, axis=axis, keepdims=keepdims)

    def backward(self, xp, grad, x):
        axis = self.options["axis"]
        return (xp.reshape(grad, kept_shape(self.shape, axis)) * xp.prod_of_others(x, axis),)


def element_count(shape, axis):
    """How many elements a reduction over `axis` (None: all) of an array of `shape` takes in."""
    return int(np.prod(shape if axis is None else [shape[a] for a in axis]))


class Var(Function):
    """Variance over `axis`, dividing by max(0, n - correction): nan or inf where that is 0, as
    PyTorch. The gradient, as PyTorch's, is 2 (x - mean) / (n - correction)."""

    def forward(self, x, axis, correction, keepdims):
        count = element_count(x.shape, axis)
        with np.errstate(divide="ignore", invalid="ignore"):
            centred = x - x.sum(axis=axis, keepdims=True) / count
            return (centred * centred).sum(axis=axis, keepdims=keepdims) / max(0, count - correction)

    def backward(self, xp, grad, x):
        axis, correction = self.options["axis"], self.options["correction"]
        count = element_count(x.shape, axis)
        if not self.options["keepdims"]:
            grad = xp.reshape(grad, kept_shape(x.shape, axis))
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = float(np.divide(2.0, count - correction))
            return ((x - xp.sum(x, axis, True) / count) * (grad * scale),)


class VectorNorm(Function):
    """(sum |x|^ord)^(1/ord) over `axis`, as torch.linalg.vector_norm: ord inf / -inf give the
    largest / smallest |x|, ord 0 the count of nonzeros. Where x or the norm is 0 the gradient
    is 0, as PyTorch's; tied extremes of ord +-inf share it evenly."""

    saves_output = True

    def forward(self, x, ord, axis, keepdims):
        size = np.abs(x)
        if ord in (np.inf, -np.inf):
            return (np.max if ord > 0 else np.min)(size, axis=axis, keepdims=keepdims)
        if ord == 0:
            return np.sum(size != 0, axis=axis, keepdims=keepdims, dtype=x.dtype)
        if ord == 2:
            return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))
        with np.errstate(divide="ignore"):  # |0| ** -1: the norm is 0 then, as PyTorch's
            return np.sum(size ** ord, axis=axis, keepdims=keepdims) ** (1 / ord)

    def backward(self, xp, grad, x, out):
        ord, axis = self.options["ord"], self.options["axis"]
        if ord == 0:
            return (None,)
        if not self.options["keepdims"]:
            grad, out = xp.reshape(grad, kept_shape(x.shape, axis)), xp.reshape(out, kept_shape(x.shape, axis))
        size = xp.primitive(Abs, x)
        if ord in (np.inf, -np.inf):
            return (xp.sign(x) * xp.share_of_extremes(size, axis, ord > 0) * grad,)
        nonzero = x != 0
        scaled = xp.where(nonzero, xp.sign(x) * xp.where(nonzero, size, 1.0) ** (ord - 1), 0.0)
        norm_nonzero = out != 0
        return (xp.where(norm_nonzero, scaled * (grad / xp.where(norm_nonzero, out, 1.0) ** (ord - 1)), 0.0),)
