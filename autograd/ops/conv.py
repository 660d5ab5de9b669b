"""Convolution as three primitives that are each other's gradients.

For x (N, C, H, W) and a weight w (O, C / groups, kh, kw), the convolution B(x, w) is linear
in each argument, so it has two adjoints: the transposed convolution B'(g, w) (the gradient
with respect to x) and the weight gradient W(x, g). The pairings
    <g, B(x, w)> = <x, B'(g, w)> = <w, W(x, g)>
make each one's backward a call of the other two, so the backward of every op here is again
made of these ops, and double backward comes for free (see `backends.primitive`).

The forward is im2col over `sliding_window_view` feeding BLAS. The columns are laid out
channels first, (C, kh, kw, N, OH, OW), so that as a matrix (C kh kw, N OH OW) each of the three
products covers many samples at once, with the output gradient moved to (O, N, OH, OW) once
(per-sample products made the weight gradient 1.25-1.5x slower: small matrices, and an
(N, O, C kh kw) stack summed afterwards). They are made and multiplied in blocks of samples of
about `BLOCK_BYTES`. col2im adds the columns back (a numba loop, `kernels.col2im`). The
forward's columns are kept for the weight gradient and let go of before the input gradient's
columns exist, so a backward never holds more than one layer's columns at once.
"""
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import kernels
from ..function import Function
from .elementwise import promote

# Column buffers are made and multiplied block by block of samples of about this size: each
# block stays in the last-level cache between im2col and its product, and below glibc's largest
# mmap threshold (32 MB), so the heap reuses it rather than faulting in fresh pages every step.
BLOCK_BYTES = 4 << 20


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
    """The columns of x (N, C, H, W): an array (C, kh, kw, N, OH, OW) whose [c, i, j, n] holds the
    input element of plane (n, c) that offset (i, j) of every window sees (one contiguous copy).
    As a matrix (C kh kw, N OH OW) it is the right factor of a convolution's product."""
    (sh, sw), (dh, dw) = geometry.stride, geometry.dilation
    windows = sliding_window_view(pad_spatial(x, geometry.padding), (geometry.extent(0), geometry.extent(1)),
                                  axis=(2, 3))[:, :, ::sh, ::sw, ::dh, ::dw]
    return np.ascontiguousarray(windows.transpose(1, 4, 5, 0, 2, 3))


def col2im(cols, geometry, size):
    """The adjoint of `im2col`: columns (C, kh, kw, N, OH, OW) added back into an input of
    spatial size `size` (N, C, H, W), overlapping windows summing up."""
    (top, _), (left, _) = geometry.padding
    return kernels.col2im(cols, geometry.stride, geometry.dilation, (top, left), tuple(size))


def _by_group(matrix, groups):
    """A (rows, columns) matrix as (groups, rows / groups, columns), or as it is for one group."""
    return matrix if groups == 1 else matrix.reshape(groups, matrix.shape[0] // groups, -1)


def _columns_matrix(cols, groups):
    """Columns (C, kh, kw, N, OH, OW) as the matrix (C kh kw, N OH OW), split by group."""
    return _by_group(cols.reshape(cols.shape[0] * cols.shape[1] * cols.shape[2], -1), groups)


def _channels_first(grad, groups):
    """g (N, O, OH, OW) as the matrix (O, N OH OW), split by group: one copy."""
    n, out_channels = grad.shape[:2]
    moved = np.ascontiguousarray(grad.reshape(n, out_channels, -1).transpose(1, 0, 2))
    return _by_group(moved.reshape(out_channels, -1), groups)


def _swap_last(matrix):
    return matrix.swapaxes(-1, -2)


def _batch_blocks(n, bytes_per_sample):
    """Slices of a batch of n whose column buffers take about BLOCK_BYTES each."""
    step = max(1, BLOCK_BYTES // bytes_per_sample)
    return [slice(start, min(n, start + step)) for start in range(0, n, step)]


def column_blocks(x, geometry):
    """x's columns block by block of samples: (samples, `im2col` of x[samples]) pairs, made as
    they are iterated."""
    (kh, kw), out_size = geometry.kernel, geometry.output_size(x.shape[2:])
    per_sample = x.shape[1] * kh * kw * out_size[0] * out_size[1] * x.itemsize
    for samples in _batch_blocks(x.shape[0], per_sample):
        yield samples, im2col(x[samples], geometry)


def convolve(blocks, weight, bias, geometry, shape):
    """B(x, w) + bias from the `column_blocks` of x of `shape` (N, C, H, W), weight (O, C / groups,
    kh, kw) of x's dtype and bias (O,) or None: (N, O, OH, OW), one matrix product per block."""
    groups, out_channels = geometry.groups, weight.shape[0]
    matrix = _by_group(weight.reshape(out_channels, -1), groups)
    out = np.empty((shape[0], out_channels) + geometry.output_size(shape[2:]), weight.dtype)
    for samples, cols in blocks:
        product = np.matmul(matrix, _columns_matrix(cols, groups))
        planes = product.reshape(out_channels, cols.shape[3], -1).transpose(1, 0, 2)
        target = out[samples].reshape(planes.shape)
        if bias is None:
            np.copyto(target, planes)
        else:
            np.add(planes, bias[:, None], out=target)
    return out


def convolve_transpose(grad, weight, geometry, size):
    """B'(g, w): the gradient of `convolve` with respect to x of spatial size `size`, for
    g (N, O, OH, OW) -> (N, C, H, W), one product and col2im per block of samples."""
    groups, (kh, kw) = geometry.groups, geometry.kernel
    n, out_channels, oh, ow = grad.shape
    matrix = _swap_last(_by_group(weight.reshape(out_channels, -1), groups))
    out = None
    for samples in _batch_blocks(n, weight[0].size * groups * oh * ow * grad.itemsize):
        cols = np.matmul(matrix, _channels_first(grad[samples], groups))
        part = col2im(cols.reshape(-1, kh, kw, samples.stop - samples.start, oh, ow), geometry, size)
        del cols  # before the next block's
        if out is None:
            out = np.empty((n,) + part.shape[1:], part.dtype)
        out[samples] = part
    return out


def convolve_weight(blocks, grad, geometry):
    """W(x, g) from the `column_blocks` of x: the gradient of `convolve` with respect to the
    weight, (O, C / groups, kh, kw), one product per block summed up."""
    groups, (kh, kw), out_channels = geometry.groups, geometry.kernel, grad.shape[1]
    total = None
    for samples, cols in blocks:
        product = np.matmul(_channels_first(grad[samples], groups), _swap_last(_columns_matrix(cols, groups)))
        total = product if total is None else np.add(total, product, out=total)
    return total.reshape(out_channels, -1, kh, kw)


class Conv2d(Function):
    """B(x, w) + bias, with bias (O,) or None."""

    blocks = None

    def forward(self, x, weight, bias, geometry):
        x, weight = promote(x, weight)
        # The columns are kept for the weight's gradient (dropped, unused, when nothing is recorded).
        self.blocks = list(column_blocks(x, geometry))
        return convolve(self.blocks, weight, bias, geometry, x.shape)

    def backward(self, xp, grad, x, weight, bias):
        geometry = self.options["geometry"]
        grad_x = grad_weight = grad_bias = None
        blocks, self.blocks = self.blocks, None
        # Weight first, and the forward's columns let go of before the input gradient's exist.
        if self.needs(1):
            if blocks is not None and isinstance(grad, np.ndarray):
                grad_weight = convolve_weight(blocks, promote(blocks[0][1], grad)[1], geometry)
            else:  # create_graph, or a second backward through a retained graph
                grad_weight = xp.primitive(Conv2dWeight, x, grad, geometry=geometry)
        del blocks
        if self.needs(0):
            grad_x = xp.primitive(ConvTranspose2d, grad, weight, geometry=geometry, size=tuple(x.shape[2:]))
        if self.needs(2):
            grad_bias = xp.sum(grad, (0, 2, 3), False)
        return grad_x, grad_weight, grad_bias

    def release(self):
        super().release()
        self.blocks = None


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
        return convolve_weight(column_blocks(x, geometry), grad, geometry)

    def backward(self, xp, weight_grad, x, grad):
        geometry = self.options["geometry"]
        grad_x = grad_grad = None
        if self.needs(1):
            grad_grad = xp.primitive(Conv2d, x, weight_grad, None, geometry=geometry)
        if self.needs(0):
            grad_x = xp.primitive(ConvTranspose2d, grad, weight_grad, geometry=geometry, size=tuple(x.shape[2:]))
        return grad_x, grad_grad
