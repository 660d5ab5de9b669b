"""numba versions of the sliding-window kernels in `window.py`, same arguments and results.

Each loops over its output (col2im: its columns) once in memory order, with padding handled
by bounds checks rather than a padded copy. Inputs are made contiguous first (one copy for
strided views).
"""
import numpy as np
from numba import njit

from . import window
from .jit import JIT


@njit(**JIT)
def _inside(offset, stride, pad, size, count):
    """The range [first, stop) of output positions q whose input position q stride - pad + offset
    lies in [0, size)."""
    first = min(count, max(0, -((offset - pad) // stride)))
    stop = min(count, max(first, -((offset - pad - size) // stride)))
    return first, stop


@njit(**JIT)
def _col2im(cols, sh, sw, ph, pw, dh, dw, out):
    channels, kh, kw, n, oh, ow = cols.shape
    height, width = out.shape[2], out.shape[3]
    for c in range(channels):
        for b in range(n):
            plane = out[b, c]
            for i in range(kh):
                for j in range(kw):
                    first, stop = _inside(j * dw, sw, pw, width, ow)
                    shift = j * dw - pw
                    for p in range(oh):
                        row = p * sh - ph + i * dh
                        if row < 0 or row >= height:
                            continue
                        source, target = cols[c, i, j, b, p], plane[row]
                        if sw == 1:  # both runs contiguous: a loop numba vectorises (2.5x faster)
                            to, add = target[first + shift:stop + shift], source[first:stop]
                            for q in range(stop - first):
                                to[q] += add[q]
                        else:
                            for q in range(first, stop):
                                target[q * sw + shift] += source[q]


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


def col2im(cols, stride, dilation, padding, size):
    if 0 in cols.strides:  # broadcast columns (average pooling's): numpy's slices read them as they are
        return window.col2im(cols, stride, dilation, padding, size)
    cols = np.ascontiguousarray(cols)
    out = np.zeros((cols.shape[3], cols.shape[0]) + tuple(size), cols.dtype)
    _col2im(cols, *stride, *padding, *dilation, out)
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
