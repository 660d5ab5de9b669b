"""Convolution as three primitives that are each other's gradients.

For x (N, C, H, W) and a weight w (O, C / groups, kh, kw), the convolution B(x, w) is linear
in each argument, so it has two adjoints: the transposed convolution B'(g, w) (the gradient
with respect to x) and the weight gradient W(x, g). The pairings
    <g, B(x, w)> = <x, B'(g, w)> = <w, W(x, g)>
make each one's backward a call of the other two, so the backward of every op here is again
made of these ops, and double backward comes for free (see `backends.primitive`).

The forward is im2col over `sliding_window_view` feeding one batched BLAS product; col2im adds
the columns back (a numba loop, `kernels.col2im`). The forward's columns are kept for the
weight gradient and let go of before the input gradient's columns exist, so a backward never
holds two column buffers of a layer at once.
"""
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import kernels
from ..function import Function
from .elementwise import promote


@dataclass(frozen=True)
class Geometry:
    """Where the windows of a 2-d convolution or pooling lie: each field holds (height, width),
    `padding` holds ((top, bottom), (left, right))."""

    kernel: tuple
    stride: tuple = (1, 1)
    padding: tuple = ((0, 0), (0, 0))
    dilation: tuple = (1, 1)
    groups: int = 1

    def extent(self, axis):
        """How far one window reaches along `axis` (0 height, 1 width) with its dilation."""
        return self.dilation[axis] * (self.kernel[axis] - 1) + 1

    def output_size(self, size):
        """(OH, OW) for an input of spatial size `size` = (H, W)."""
        return tuple((size[a] + sum(self.padding[a]) - self.extent(a)) // self.stride[a] + 1 for a in (0, 1))

    def padded_size(self, size):
        return tuple(size[a] + sum(self.padding[a]) for a in (0, 1))

    def window(self, i, j, out_size):
        """The slices of the padded input that offset (i, j) of every window reads, (OH, OW) of them."""
        return tuple(slice(offset * self.dilation[a], offset * self.dilation[a] + self.stride[a] * (out_size[a] - 1) + 1,
                           self.stride[a]) for a, offset in ((0, i), (1, j)))


def pad_spatial(x, padding, value=0):
    """x (N, C, H, W) with `padding` ((top, bottom), (left, right)) of `value` around H and W."""
    if not any(padding[0] + padding[1]):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple(padding), constant_values=value)


def im2col(x, geometry):
    """The columns of x (N, C, H, W): an array (N, C, kh, kw, OH, OW) whose [n, c, i, j] holds the
    input element that offset (i, j) of every window sees (one contiguous copy)."""
    (sh, sw), (dh, dw) = geometry.stride, geometry.dilation
    windows = sliding_window_view(pad_spatial(x, geometry.padding), (geometry.extent(0), geometry.extent(1)),
                                  axis=(2, 3))[:, :, ::sh, ::sw, ::dh, ::dw]
    return np.ascontiguousarray(windows.transpose(0, 1, 4, 5, 2, 3))


def col2im(cols, geometry, size):
    """The adjoint of `im2col`: columns (N, C, kh, kw, OH, OW) added back into an input of
    spatial size `size` (N, C, H, W), overlapping windows summing up."""
    padded = kernels.col2im(cols, geometry.stride, geometry.dilation, geometry.padded_size(size))
    if padded.shape[2:] == tuple(size):
        return padded
    (top, _), (left, _) = geometry.padding
    return np.ascontiguousarray(padded[:, :, top:top + size[0], left:left + size[1]])


def convolve(cols, weight, geometry, out_size):
    """B(x, w) from x's columns (N, C, kh, kw, OH, OW) and weight (O, C / groups, kh, kw): (N, O, OH, OW)."""
    groups, n = geometry.groups, cols.shape[0]
    per_group = cols.reshape(n, groups, -1, out_size[0] * out_size[1])
    out = np.matmul(weight.reshape(groups, weight.shape[0] // groups, -1), per_group)
    return out.reshape((n, weight.shape[0]) + tuple(out_size))


def convolve_transpose(grad, weight, geometry, size):
    """B'(g, w): the gradient of `convolve` with respect to x of spatial size `size`, for
    g (N, O, OH, OW) -> (N, C, H, W)."""
    groups, (kh, kw) = geometry.groups, geometry.kernel
    n, out_channels, oh, ow = grad.shape
    per_group = weight.reshape(groups, out_channels // groups, -1)
    cols = np.matmul(per_group.transpose(0, 2, 1), grad.reshape(n, groups, out_channels // groups, oh * ow))
    return col2im(cols.reshape(n, -1, kh, kw, oh, ow), geometry, size)


def convolve_weight(cols, grad, geometry):
    """W(x, g) from x's columns: the gradient of `convolve` with respect to the weight,
    (O, C / groups, kh, kw)."""
    groups, (kh, kw) = geometry.groups, geometry.kernel
    n, out_channels, oh, ow = grad.shape
    per_group = cols.reshape(n, groups, -1, oh * ow)
    per_sample = np.matmul(grad.reshape(n, groups, out_channels // groups, oh * ow), per_group.transpose(0, 1, 3, 2))
    return per_sample.sum(axis=0).reshape(out_channels, -1, kh, kw)


class Conv2d(Function):
    """B(x, w) + bias, with bias (O,) or None."""

    cols = None

    def forward(self, x, weight, bias, geometry):
        x, weight = promote(x, weight)
        # The columns are kept for the weight's gradient (dropped, unused, when nothing is recorded).
        self.cols = im2col(x, geometry)
        out = convolve(self.cols, weight, geometry, geometry.output_size(x.shape[2:]))
        if bias is not None:
            out += bias.reshape(-1, 1, 1)
        return out

    def backward(self, xp, grad, x, weight, bias):
        geometry = self.options["geometry"]
        grad_x = grad_weight = grad_bias = None
        cols, self.cols = self.cols, None
        # Weight first, and the forward's columns let go of before the input gradient's exist.
        if self.needs(1):
            if cols is not None and isinstance(grad, np.ndarray):
                grad_weight = convolve_weight(cols, promote(cols, grad)[1], geometry)
            else:  # create_graph, or a second backward through a retained graph
                grad_weight = xp.primitive(Conv2dWeight, x, grad, geometry=geometry)
        del cols
        if self.needs(0):
            grad_x = xp.primitive(ConvTranspose2d, grad, weight, geometry=geometry, size=tuple(x.shape[2:]))
        if self.needs(2):
            grad_bias = xp.sum(grad, (0, 2, 3), False)
        return grad_x, grad_weight, grad_bias

    def release(self):
        super().release()
        self.cols = None


class ConvTranspose2d(Function):
    """B'(g, w): the transposed convolution, giving an output of spatial size `size`."""

    def forward(self, grad, weight, geometry, size):
        grad, weight = promote(grad, weight)
        return convolve_transpose(grad, weight, geometry, size)

    def backward(self, xp, out_grad, grad, weight):
        geometry = self.options["geometry"]
        grad_grad = grad_weight = None
        if self.needs(1):
            grad_weight = xp.primitive(Conv2dWeight, out_grad, grad, geometry=geometry)
        if self.needs(0):
            grad_grad = xp.primitive(Conv2d, out_grad, weight, None, geometry=geometry)
        return grad_grad, grad_weight


class Conv2dWeight(Function):
    """W(x, g): the weight gradient of a convolution of x whose output gradient is g."""

    def forward(self, x, grad, geometry):
        x, grad = promote(x, grad)
        return convolve_weight(im2col(x, geometry), grad, geometry)

    def backward(self, xp, weight_grad, x, grad):
        geometry = self.options["geometry"]
        grad_x = grad_grad = None
        if self.needs(1):
            grad_grad = xp.primitive(Conv2d, x, weight_grad, None, geometry=geometry)
        if self.needs(0):
            grad_x = xp.primitive(ConvTranspose2d, grad, weight_grad, geometry=geometry, size=tuple(x.shape[2:]))
        return grad_x, grad_grad
