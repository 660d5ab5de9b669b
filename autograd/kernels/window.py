"""Plain-numpy references of the sliding-window kernels (convolution's col2im, max pooling):
the definitions the numba versions in `window_jit.py` must match. Each walks the kh x kw
window offsets, one strided slice of output shape per offset."""
import numpy as np


def _offset(i, stride, dilation, count):
    return slice(i * dilation, i * dilation + stride * (count - 1) + 1, stride)


def _reach(out_size, stride, dilation, kernel):
    """How far the windows reach along each spatial dim from the padded input's top-left corner."""
    return [(o - 1) * s + d * (k - 1) + 1 for o, s, d, k in zip(out_size, stride, dilation, kernel)]


def col2im(cols, stride, dilation, padding, size):
    """Columns (C, kh, kw, N, OH, OW) added into zeros (N, C, *size): column [c, i, j, n, p, q]
    lands at (p stride_h + i dilation_h - padding_h, q stride_w + j dilation_w - padding_w) of
    plane (n, c), overlapping windows summing up, what falls outside the plane (in the padding)
    dropped. The adjoint of a convolution's im2col."""
    channels, kh, kw, n, oh, ow = cols.shape
    reach = _reach((oh, ow), stride, dilation, (kh, kw))
    padded_size = [max(p + s, r) for p, s, r in zip(padding, size, reach)]
    out = np.zeros((n, channels) + tuple(padded_size), cols.dtype)
    for i in range(kh):
        for j in range(kw):
            out[:, :, _offset(i, stride[0], dilation[0], oh), _offset(j, stride[1], dilation[1], ow)] += \
                cols[:, i, j].transpose(1, 0, 2, 3)
    (top, left), (height, width) = padding, size
    return np.ascontiguousarray(out[:, :, top:top + height, left:left + width])


def max_pool2d(x, kernel, stride, padding, dilation, out_size):
    """The largest element of each window of x (N, C, H, W) whose top-left corner is at
    (p stride_h - padding_h, q stride_w - padding_w), and its index in the H x W plane, as
    PyTorch: the first maximum in row-major window order, a NaN beating any number (the last
    NaN), positions outside x never chosen."""
    (kh, kw), (dh, dw), (oh, ow) = kernel, dilation, out_size
    height, width = x.shape[2:]
    reach = _reach(out_size, stride, dilation, kernel)
    widths = [(p, max(0, r - n - p)) for p, r, n in zip(padding, reach, (height, width))]
    padded = np.pad(x, ((0, 0), (0, 0), *widths), constant_values=np.nan)
    best = np.full(x.shape[:2] + (oh, ow), -np.inf, x.dtype)
    index = np.full(best.shape, -1, np.int64)
    for i in range(kh):
        for j in range(kw):
            part = padded[:, :, _offset(i, stride[0], dh, oh), _offset(j, stride[1], dw, ow)]
            rows = np.arange(oh)[:, None] * stride[0] - padding[0] + i * dh
            cols = np.arange(ow) * stride[1] - padding[1] + j * dw
            inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
            take = inside & ((part > best) | np.isnan(part) | (index < 0))
            np.copyto(best, part, where=take)
            np.copyto(index, np.broadcast_to(rows * width + cols, best.shape), where=take)
    return best, index


def max_unpool2d(grad, index, plane):
    """Each gradient (N, C, OH, OW) added at its index into zeros (N, C, plane): the gradient
    of max pooling, for planes of `plane` = H * W elements."""
    n, channels = grad.shape[:2]
    out = np.zeros((n * channels, plane), grad.dtype)
    rows = np.arange(n * channels)[:, None]
    np.add.at(out, (rows, index.reshape(n * channels, -1)), grad.reshape(n * channels, -1))
    return out.reshape(n, channels, plane)
