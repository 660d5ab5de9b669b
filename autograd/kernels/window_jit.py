"""numba versions of the sliding-window kernels in `window.py`, same arguments and results.

Each loops over the output once in memory order, with padding handled by bounds checks
rather than a padded copy. Inputs are made contiguous first (one copy for strided views).
"""
import numpy as np
from numba import njit

from . import window
from .jit import JIT


@njit(**JIT)
def _col2im(cols, sh, sw, dh, dw, out):
    n, channels, kh, kw, oh, ow = cols.shape
    for b in range(n):
        for c in range(channels):
            for i in range(kh):
                for j in range(kw):
                    for p in range(oh):
                        row = p * sh + i * dh
                        for q in range(ow):
                            out[b, c, row, q * sw + j * dw] += cols[b, c, i, j, p, q]


@njit(**JIT)
def _max_pool2d(x, kh, kw, sh, sw, ph, pw, dh, dw, best, index):
    n, channels, height, width = x.shape
    oh, ow = best.shape[2], best.shape[3]
    for b in range(n):
        for c in range(channels):
            for p in range(oh):
                for q in range(ow):
                    top, left = p * sh - ph, q * sw - pw
                    value, at = -np.inf, -1
                    for i in range(kh):
                        r = top + i * dh
                        if r < 0 or r >= height:
                            continue
                        for j in range(kw):
                            col = left + j * dw
                            if col < 0 or col >= width:
                                continue
                            candidate = x[b, c, r, col]
                            if at < 0 or candidate > value or np.isnan(candidate):
                                value, at = candidate, r * width + col
                    best[b, c, p, q] = value
                    index[b, c, p, q] = at


@njit(**JIT)
def _max_unpool2d(grad, index, out):
    n, channels, oh, ow = grad.shape
    for b in range(n):
        for c in range(channels):
            for p in range(oh):
                for q in range(ow):
                    out[b, c, index[b, c, p, q]] += grad[b, c, p, q]


def col2im(cols, stride, dilation, padded_size):
    if 0 in cols.strides:  # broadcast columns (average pooling's): numpy's slices read them as they are
        return window.col2im(cols, stride, dilation, padded_size)
    cols = np.ascontiguousarray(cols)
    out = np.zeros(cols.shape[:2] + tuple(padded_size), cols.dtype)
    _col2im(cols, stride[0], stride[1], dilation[0], dilation[1], out)
    return out


def max_pool2d(x, kernel, stride, padding, dilation, out_size):
    x = np.ascontiguousarray(x)
    best = np.empty(x.shape[:2] + tuple(out_size), x.dtype)
    index = np.empty(best.shape, np.int64)
    _max_pool2d(x, *kernel, *stride, *padding, *dilation, best, index)
    return best, index


def max_unpool2d(grad, index, plane):
    out = np.zeros(grad.shape[:2] + (plane,), grad.dtype)
    _max_unpool2d(np.ascontiguousarray(grad), np.ascontiguousarray(index), out)
    return out
