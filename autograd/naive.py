"""Convolution and pooling written loop by loop from their definitions, in float64: the
independent references the registry checks the fast versions against (never used to compute)."""
import math

import numpy as np


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def _same_or_pair(padding, kernel, dilation):
    if padding == "valid":
        return ((0, 0), (0, 0))
    if padding == "same":
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    return tuple((p, p) for p in _pair(padding))


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """out[n, o, p, q] = b[o] + sum over the window of x's group of padded x times w[o]."""
    (sh, sw), (dh, dw), (kh, kw) = _pair(stride), _pair(dilation), w.shape[2:]
    x = np.pad(x, ((0, 0), (0, 0)) + _same_or_pair(padding, (kh, kw), (dh, dw)))
    per_group, out_per_group = w.shape[1], w.shape[0] // groups
    oh, ow = (x.shape[2] - dh * (kh - 1) - 1) // sh + 1, (x.shape[3] - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((x.shape[0], w.shape[0], oh, ow))
    for o in range(w.shape[0]):
        group = x[:, o // out_per_group * per_group:(o // out_per_group + 1) * per_group]
        for p in range(oh):
            for q in range(ow):
                patch = group[:, :, p * sh:p * sh + dh * (kh - 1) + 1:dh, q * sw:q * sw + dw * (kw - 1) + 1:dw]
                out[:, o, p, q] = (patch * w[o]).sum(axis=(1, 2, 3))
    return out if b is None else out + b[:, None, None]


def conv1d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    padding = padding if isinstance(padding, str) else (0, _pair(padding)[0])
    return conv2d(x[:, :, None], w[:, :, None], b, (1, _pair(stride)[0]), padding, (1, _pair(dilation)[0]),
                  groups)[:, :, 0]


def conv_transpose2d(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Every input element x[n, c, p, q] spreads x * w[c, :, i, j] to output (p s + i d, q s + j d),
    less the padding."""
    (sh, sw), (dh, dw), (ph, pw), (eh, ew) = _pair(stride), _pair(dilation), _pair(padding), _pair(output_padding)
    n, channels, h, width = x.shape
    kh, kw = w.shape[2:]
    out_per_group, in_per_group = w.shape[1], channels // groups
    full = np.zeros((n, w.shape[1] * groups, (h - 1) * sh + dh * (kh - 1) + 1 + eh,
                     (width - 1) * sw + dw * (kw - 1) + 1 + ew))
    for c in range(channels):
        outs = slice(c // in_per_group * out_per_group, (c // in_per_group + 1) * out_per_group)
        for p in range(h):
            for q in range(width):
                for i in range(kh):
                    for j in range(kw):
                        full[:, outs, p * sh + i * dh, q * sw + j * dw] += x[:, c, p, q, None] * w[c, :, i, j]
    out = full[:, :, ph:full.shape[2] - ph, pw:full.shape[3] - pw]
    return out if b is None else out + b[:, None, None]


def _pool_size(size, kernel, stride, padding, dilation, ceil_mode):
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """The largest input element in each window (padding never wins)."""
    (kh, kw), (ph, pw), (dh, dw) = _pair(kernel_size), _pair(padding), _pair(dilation)
    sh, sw = _pair(stride if stride is not None else kernel_size)
    oh = _pool_size(x.shape[2], kh, sh, ph, dh, ceil_mode)
    ow = _pool_size(x.shape[3], kw, sw, pw, dw, ceil_mode)
    out = np.full(x.shape[:2] + (oh, ow), -np.inf)
    for p in range(oh):
        for q in range(ow):
            for i in range(kh):
                for j in range(kw):
                    r, c = p * sh - ph + i * dh, q * sw - pw + j * dw
                    if 0 <= r < x.shape[2] and 0 <= c < x.shape[3]:
                        out[:, :, p, q] = np.maximum(out[:, :, p, q], x[:, :, r, c])
    return out


def avg_pool2d(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """The mean of each window; padding counts as zeros in the divisor when `count_include_pad`,
    the part of a ceil-mode window past the padding never does."""
    (kh, kw), (ph, pw) = _pair(kernel_size), _pair(padding)
    sh, sw = _pair(stride if stride is not None else kernel_size)
    h, w = x.shape[2:]
    oh, ow = _pool_size(h, kh, sh, ph, 1, ceil_mode), _pool_size(w, kw, sw, pw, 1, ceil_mode)
    out = np.zeros(x.shape[:2] + (oh, ow))
    for p in range(oh):
        for q in range(ow):
            top, left = p * sh - ph, q * sw - pw
            bottom, right = min(top + kh, h + ph), min(left + kw, w + pw)
            counted = (bottom - top) * (right - left)
            top, left, bottom, right = max(top, 0), max(left, 0), min(bottom, h), min(right, w)
            if not count_include_pad:
                counted = (bottom - top) * (right - left)
            total = x[:, :, top:bottom, left:right].sum(axis=(2, 3))
            out[:, :, p, q] = total / (divisor_override or counted)
    return out


def adaptive_avg_pool2d(x, output_size):
    """Output (i, j) is the mean of rows floor(i H / oh) .. ceil((i + 1) H / oh) and the same in W."""
    oh, ow = _pair(output_size)
    h, w = x.shape[2:]
    out = np.zeros(x.shape[:2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            rows = slice(i * h // oh, math.ceil((i + 1) * h / oh))
            cols = slice(j * w // ow, math.ceil((j + 1) * w / ow))
            out[:, :, i, j] = x[:, :, rows, cols].mean(axis=(2, 3))
    return out


def _source(out_index, size, out, scale, align_corners):
    """The input coordinate output position `out_index` samples, as PyTorch's linear modes."""
    if align_corners:
        return out_index * (size - 1) / (out - 1) if out > 1 else 0.0
    return max((out_index + 0.5) * (size / out if scale is None else 1 / scale) - 0.5, 0.0)


def interpolate(x, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Every output element computed alone: the nearest input element below its scaled position,
    or the (bi)linear blend of the two (four) input elements around it."""
    spatial = x.shape[2:]
    scales = scale_factor if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * len(spatial)
    if size is None:
        size = tuple(int(math.floor(n * s)) for n, s in zip(spatial, scales))
    size = tuple(size) if isinstance(size, (tuple, list)) else (size,) * len(spatial)
    out = np.zeros(x.shape[:2] + size)
    for position in np.ndindex(*size):
        if mode == "nearest":
            source = tuple(min(int(math.floor(p * (n / o if s is None else 1 / s))), n - 1)
                           for p, n, o, s in zip(position, spatial, size, scales))
            out[(slice(None), slice(None)) + position] = x[(slice(None), slice(None)) + source]
            continue
        corners = [()]
        weights = [1.0]
        for p, n, o, s in zip(position, spatial, size, scales):
            at = _source(p, n, o, s, align_corners)
            low = min(int(math.floor(at)), n - 1)
            high, fraction = min(low + 1, n - 1), at - low
            corners = [c + (i,) for c in corners for i in (low, high)]
            weights = [w * f for w in weights for f in (1 - fraction, fraction)]
        out[(slice(None), slice(None)) + position] = sum(
            w * x[(slice(None), slice(None)) + c] for w, c in zip(weights, corners))
    return out
