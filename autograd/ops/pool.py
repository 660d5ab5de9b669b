"""Max and average pooling over the windows of a `Geometry` (see conv.py), on (N, C, H, W).

Average pooling walks the kh x kw window offsets, each a strided slice of the padded input with
the output's shape, so no window buffer is built. It is linear: its backward is its adjoint
(col2im of the gradient over the divisor), whose backward is average pooling again. Max pooling
(a window kernel, `kernels.max_pool2d`) keeps the arg-max of each window as an index into the
input's H x W plane, where its backward scatters the gradient.
"""
import numpy as np

from .. import kernels
from ..function import Function
from .conv import col2im, pad_spatial


def window_sums(x, geometry):
    """The sum of each window of x (N, C, H, W), zero padding included, (N, C, OH, OW)."""
    padded, out_size = pad_spatial(x, geometry.padding), geometry.output_size(x.shape[2:])
    total = None
    for i in range(geometry.kernel[0]):
        for j in range(geometry.kernel[1]):
            part = padded[(slice(None), slice(None)) + geometry.window(i, j, out_size)]
            total = part.copy() if total is None else np.add(total, part, out=total)
    return total


def window_max(x, geometry):
    """The largest element of each window of x (N, C, H, W) and its index in the H x W plane
    (see `kernels.window.max_pool2d`)."""
    (top, _), (left, _) = geometry.padding
    return kernels.max_pool2d(x, geometry.kernel, geometry.stride, (top, left), geometry.dilation,
                              geometry.output_size(x.shape[2:]))


class MaxPool2d(Function):
    """The largest element of each window; the gradient goes to that element alone."""

    def forward(self, x, geometry):
        out, self.indices = window_max(x, geometry)
        return out

    def backward(self, xp, grad, x):
        return (xp.primitive(MaxUnpool2d, grad, self.indices, size=tuple(self.inputs[0].shape[2:])),)

    def release(self):
        super().release()
        self.indices = None


class MaxUnpool2d(Function):
    """The gradient of MaxPool2d: each output gradient added at its window's arg-max in zeros of
    spatial `size`. Its own gradient picks those elements back out."""

    def forward(self, grad, indices, size):
        return kernels.max_unpool2d(grad, indices, size[0] * size[1]).reshape(grad.shape[:2] + tuple(size))

    def backward(self, xp, out_grad, grad, indices):
        n, channels = grad.shape[:2]
        planes = xp.reshape(out_grad, (n * channels, -1))
        picked = planes[np.arange(n * channels)[:, None], indices.reshape(n * channels, -1)]
        return xp.reshape(picked, grad.shape), None


class AvgPool2d(Function):
    """The sum of each window over `divisor` (a number or an (OH, OW) array of counts)."""

    def forward(self, x, geometry, divisor):
        return window_sums(x, geometry) / divisor

    def backward(self, xp, grad, x):
        return (xp.primitive(AvgPool2dAdjoint, grad, size=tuple(self.inputs[0].shape[2:]), **self.options),)


class AvgPool2dAdjoint(Function):
    """The gradient of AvgPool2d: each output's gradient over its divisor, spread over its window."""

    def forward(self, grad, geometry, divisor, size):
        spread = (grad / divisor).transpose(1, 0, 2, 3)[:, None, None]
        shared = np.broadcast_to(spread, spread.shape[:1] + geometry.kernel + spread.shape[3:])
        return col2im(shared, geometry, size)

    def backward(self, xp, out_grad, grad):
        options = self.options
        return (xp.primitive(AvgPool2d, out_grad, geometry=options["geometry"], divisor=options["divisor"]),)
