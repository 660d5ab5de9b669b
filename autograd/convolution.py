"""Convolution, pooling and resampling of (N, C, L) and (N, C, H, W) tensors, as PyTorch's.

Argument checks here, then the primitives of `ops/conv.py` and `ops/pool.py`, or compositions
of existing ops (adaptive pooling and interpolation are products with constant matrices).
"""

import numpy as np

from . import ops
from .api import ensure_tensor
from .creation import from_numpy
from .ops.conv import Geometry
from .tensor import Tensor


def _ints(value, count, name, caller, minimum):
    """`value` (an int or `count` ints) as a tuple of `count` ints, each at least `minimum`."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,) * count
    if len(values) != count or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        raise ValueError(f"{caller}: {name} must be an int or {count} ints, got {value!r}")
    if any(v < minimum for v in values):
        raise ValueError(f"{caller}: {name} must be >= {minimum}, got {value!r}")
    return tuple(int(v) for v in values)


def _check_float(x, name):
    if x.dtype.kind != "f":
        raise ValueError(f"{name} needs a floating-point input, got {x.dtype}")


def _batched(x, spatial, name):
    """x with a batch dim (unbatched input gains one), and whether it was added."""
    if x.ndim == spatial + 1:
        return x.unsqueeze(0), True
    if x.ndim != spatial + 2:
        raise ValueError(f"{name} needs input of shape (N, C, {'H, W' if spatial == 2 else 'L'}) or "
                         f"(C, {'H, W' if spatial == 2 else 'L'}), got {x.shape}")
    return x, False


def _conv_padding(padding, kernel, stride, dilation, name):
    """((top, bottom), (left, right)) from an int, a pair, "valid" or "same" (extra on the right, as PyTorch)."""
    if padding == "valid":
        return ((0, 0), (0, 0))
    if padding == "same":
        if stride != (1, 1):
            raise ValueError(f"{name}: padding='same' needs stride 1, got stride {stride}")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((total // 2, total - total // 2) for total in totals)
    if isinstance(padding, str):
        raise ValueError(f"{name}: padding must be 'valid', 'same', an int or a pair of ints, got {padding!r}")
    return tuple((p, p) for p in _ints(padding, 2, "padding", name, 0))


def _check_conv(x, weight, bias, groups, in_channels_dim, name):
    if weight.ndim != 4:
        raise ValueError(f"{name}: weight must be 4-d (out, in / groups, kh, kw), got shape {weight.shape}")
    if not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"{name}: groups must be a positive int, got {groups!r}")
    _check_float(x, name)
    _check_float(weight, name)
    if x.shape[1] % groups or weight.shape[0] % groups:
        raise ValueError(f"{name}: groups={groups} must divide the input's {x.shape[1]} channels and the "
                         f"weight's {weight.shape[0]} (weight {weight.shape})")
    expected = weight.shape[1] * groups if in_channels_dim == 1 else weight.shape[0]
    if x.shape[1] != expected:
        raise ValueError(f"{name}: input {x.shape} has {x.shape[1]} channels but weight {weight.shape} with "
                         f"groups={groups} expects {expected}")
    out_channels = weight.shape[0] if in_channels_dim == 1 else weight.shape[1] * groups
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise ValueError(f"{name}: bias must have shape ({out_channels},), got {bias.shape}")


def _conv_arguments(input, weight, bias, groups, stride, dilation, in_channels_dim, name):
    """The checked tensors (input batched), whether a batch dim was added, and kernel, stride and
    dilation as pairs."""
    x, weight = ensure_tensor(input), ensure_tensor(weight)
    x, added = _batched(x, 2, name)
    _check_conv(x, weight, bias, groups, in_channels_dim, name)
    return (x, weight, added, weight.shape[2:], _ints(stride, 2, "stride", name, 1),
            _ints(dilation, 2, "dilation", name, 1))


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d cross-correlation of input (N, C, H, W) with weight (O, C / groups, kh, kw), plus bias
    (O,), as `torch.nn.functional.conv2d`: padding is an int, a pair, "valid" or "same".
    Output (N, O, OH, OW) with OH = (H + 2 pad - dilation (kh - 1) - 1) // stride + 1.

    >>> import autograd as ag
    >>> ag.conv2d(ag.ones(1, 1, 4, 4), ag.ones(2, 1, 3, 3), padding=1).shape
    (1, 2, 4, 4)
    """
    x, weight, added, kernel, stride, dilation = _conv_arguments(input, weight, bias, groups, stride, dilation, 1,
                                                                 "conv2d")
    geometry = Geometry(kernel, stride, _conv_padding(padding, kernel, stride, dilation, "conv2d"), dilation,
                        int(groups))
    out_size = geometry.output_size(x.shape[2:])
    if min(out_size) < 1:
        raise ValueError(f"conv2d: input {x.shape} padded by {geometry.padding} is smaller than the kernel "
                         f"{kernel} with dilation {dilation}")
    out = ops.Conv2d.apply(x, weight, bias, geometry=geometry)
    return out.squeeze(0) if added else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d cross-correlation of input (N, C, L) with weight (O, C / groups, k), plus bias (O,),
    as `torch.nn.functional.conv1d` (computed as a conv2d of height 1).

    >>> import autograd as ag
    >>> ag.conv1d(ag.ones(1, 1, 5), ag.ones(1, 1, 3)).tolist()
    [[[3.0, 3.0, 3.0]]]
    """
    x, weight = ensure_tensor(input), ensure_tensor(weight)
    x, added = _batched(x, 1, "conv1d")
    if weight.ndim != 3:
        raise ValueError(f"conv1d: weight must be 3-d (out, in / groups, k), got shape {weight.shape}")
    if not isinstance(padding, str):
        padding = (0,) + _ints(padding, 1, "padding", "conv1d", 0)
    out = conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias, (1,) + _ints(stride, 1, "stride", "conv1d", 1),
                 padding, (1,) + _ints(dilation, 1, "dilation", "conv1d", 1), groups).squeeze(2)
    return out.squeeze(0) if added else out


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The transposed convolution (the gradient of conv2d with respect to its input) of input
    (N, C, H, W) with weight (C, O / groups, kh, kw), as `torch.nn.functional.conv_transpose2d`.
    Output (N, O, OH, OW), OH = (H - 1) stride - 2 pad + dilation (kh - 1) + output_padding + 1.

    >>> import autograd as ag
    >>> ag.conv_transpose2d(ag.ones(1, 1, 2, 2), ag.ones(1, 1, 2, 2), stride=2).tolist()[0][0][0]
    [1.0, 1.0, 1.0, 1.0]
    """
    x, weight, added, kernel, stride, dilation = _conv_arguments(input, weight, bias, groups, stride, dilation, 0,
                                                                 "conv_transpose2d")
    padding = _ints(padding, 2, "padding", "conv_transpose2d", 0)
    extra = _ints(output_padding, 2, "output_padding", "conv_transpose2d", 0)
    if any(e >= s for e, s in zip(extra, stride)):
        # PyTorch also allows output_padding below the dilation; that output is not the gradient
        # of any conv2d of this geometry, which this transposed convolution is built on.
        raise ValueError(f"conv_transpose2d: output_padding {extra} must be smaller than stride {stride}")
    size = tuple((n - 1) * s - 2 * p + d * (k - 1) + e + 1
                 for n, s, p, d, k, e in zip(x.shape[2:], stride, padding, dilation, kernel, extra))
    if min(size) < 1:
        raise ValueError(f"conv_transpose2d: input {x.shape} with padding {padding} gives an empty output {size}")
    geometry = Geometry(kernel, stride, tuple((p, p) for p in padding), dilation, int(groups))
    out = ops.ConvTranspose2d.apply(x, weight, geometry=geometry, size=size)
    if bias is not None:
        out = out + bias.reshape(-1, 1, 1)
    return out.squeeze(0) if added else out


# --- pooling ------------------------------------------------------------------------------------
def _pool_output(size, kernel, stride, padding, dilation, ceil_mode):
    """PyTorch's pooling output size: with `ceil_mode` a last partial window counts, unless it
    would start in the right padding."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def _pool_geometry(x, kernel_size, stride, padding, dilation, ceil_mode, name):
    """The Geometry of a 2-d pooling (its ceil-mode windows reach into extra right padding) and
    the output size."""
    kernel = _ints(kernel_size, 2, "kernel_size", name, 1)
    stride = kernel if stride is None or stride == [] or stride == () else _ints(stride, 2, "stride", name, 1)
    padding = _ints(padding, 2, "padding", name, 0)
    dilation = _ints(dilation, 2, "dilation", name, 1)
    extents = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(2 * p > e for p, e in zip(padding, extents)):
        raise ValueError(f"{name}: padding {padding} must be at most half the kernel size {kernel} "
                         f"(dilation {dilation})")
    out_size = tuple(_pool_output(n, k, s, p, d, ceil_mode)
                     for n, k, s, p, d in zip(x.shape[2:], kernel, stride, padding, dilation))
    if min(out_size) < 1:
        raise ValueError(f"{name}: input {x.shape} is too small for kernel {kernel} with padding {padding} "
                         f"and dilation {dilation} (output size {out_size})")
    extra = [max(0, (o - 1) * s + e - (n + 2 * p))
             for o, s, e, n, p in zip(out_size, stride, extents, x.shape[2:], padding)]
    geometry = Geometry(kernel, stride, tuple((p, p + e) for p, e in zip(padding, extra)), dilation)
    return geometry, out_size


def _as_2d(x, kernel_size, stride, padding, dilation, name):
    """A 1-d pooling's input (N, C, L) or (C, L) and arguments as a 2-d pooling's of height 1."""
    x, added = _batched(ensure_tensor(x), 1, name)
    one = lambda value, what: (1,) + _ints(value, 1, what, name, 0)  # noqa: E731
    stride = None if stride is None else one(stride, "stride")
    return x.unsqueeze(2), added, one(kernel_size, "kernel_size"), stride, (0,) + _ints(padding, 1, "padding", name, 0), \
        one(dilation, "dilation")


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """The largest element of each window of input (N, C, H, W), as `torch.nn.functional.max_pool2d`
    (stride defaults to the kernel size; padding is -inf). With `return_indices`, also each
    maximum's int64 index in its H x W plane. The gradient goes to the first maximum of a window.

    >>> import autograd as ag
    >>> ag.max_pool2d(ag.arange(16.0).reshape(1, 1, 4, 4), 2).tolist()
    [[[[5.0, 7.0], [13.0, 15.0]]]]
    """
    x, added = _batched(ensure_tensor(input), 2, "max_pool2d")
    _check_float(x, "max_pool2d")
    geometry, _ = _pool_geometry(x, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d")
    out = ops.MaxPool2d.apply(x, geometry=geometry)
    if added:
        out = out.squeeze(0)
    if not return_indices:
        return out
    indices = out.grad_fn.indices if out.grad_fn is not None else ops.pool.window_max(x.data, geometry)[1]
    # Made outside the ops, so a compiled function that uses them runs eagerly (see ag.compile).
    return out, from_numpy(np.ascontiguousarray(indices[0] if added else indices, dtype=np.int64))


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """max_pool2d over the last dim of (N, C, L).

    >>> import autograd as ag
    >>> ag.max_pool1d(ag.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2).tolist()
    [[[3.0, 2.0]]]
    """
    x, added, kernel, stride, padding, dilation = _as_2d(input, kernel_size, stride, padding, dilation, "max_pool1d")
    result = max_pool2d(x, kernel, stride, padding, dilation, ceil_mode, return_indices)
    out, indices = result if return_indices else (result, None)
    out = out.squeeze(2).squeeze(0) if added else out.squeeze(2)
    if not return_indices:
        return out
    return out, indices.squeeze(2).squeeze(0) if added else indices.squeeze(2)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """The mean of each window of input (N, C, H, W), as `torch.nn.functional.avg_pool2d`: zero
    padding counts in the divisor when `count_include_pad`; `divisor_override` replaces it.

    >>> import autograd as ag
    >>> ag.avg_pool2d(ag.arange(16.0).reshape(1, 1, 4, 4), 2).tolist()
    [[[[2.5, 4.5], [10.5, 12.5]]]]
    """
    x, added = _batched(ensure_tensor(input), 2, "avg_pool2d")
    _check_float(x, "avg_pool2d")
    geometry, out_size = _pool_geometry(x, kernel_size, stride, padding, 1, ceil_mode, "avg_pool2d")
    if divisor_override is not None:
        if not divisor_override or isinstance(divisor_override, bool):
            raise ValueError(f"avg_pool2d: divisor_override must be a nonzero number, got {divisor_override!r}")
        divisor = float(divisor_override)
    else:
        counts = [_window_counts(n, k, s, p, o, count_include_pad)
                  for n, k, s, (p, _), o in zip(x.shape[2:], geometry.kernel, geometry.stride, geometry.padding,
                                                 out_size)]
        divisor = np.multiply.outer(*counts).astype(x.dtype)
    out = ops.AvgPool2d.apply(x, geometry=geometry, divisor=divisor)
    return out.squeeze(0) if added else out


def _window_counts(size, kernel, stride, padding, out_size, count_include_pad):
    """How many of each window's positions along one dim count in its divisor: those inside the
    padded input (or inside the input alone), never those past the padding in ceil mode."""
    start = np.arange(out_size) * stride - padding
    low, high = (-padding, size + padding) if count_include_pad else (0, size)
    return np.minimum(start + kernel, high) - np.maximum(start, low)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """avg_pool2d over the last dim of (N, C, L).

    >>> import autograd as ag
    >>> ag.avg_pool1d(ag.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2).tolist()
    [[[2.0, 1.0]]]
    """
    x, added, kernel, stride, padding, _ = _as_2d(input, kernel_size, stride, padding, 1, "avg_pool1d")
    out = avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad).squeeze(2)
    return out.squeeze(0) if added else out


# --- resampling as products with constant matrices ----------------------------------------------
def _resample(x, matrices):
    """x (N, C, H, W) or (N, C, L) times a constant (out, in) matrix along each spatial dim."""
    rows = Tensor(matrices[-1].T, dtype=x.dtype)
    out = x @ rows
    if len(matrices) == 2:
        out = Tensor(matrices[0], dtype=x.dtype) @ out
    return out


def _adaptive_matrix(size, out):
    """(out, size): row i averages positions floor(i size / out) .. ceil((i + 1) size / out)."""
    matrix = np.zeros((out, size))
    for i in range(out):
        start, stop = i * size // out, -(-(i + 1) * size // out)
        matrix[i, start:stop] = 1 / (stop - start)
    return matrix


def adaptive_avg_pool2d(input, output_size):
    """Average pooling of input (N, C, H, W) to `output_size` (an int, or a pair whose None
    entries keep the input's size), with windows as `torch.nn.functional.adaptive_avg_pool2d`.

    >>> import autograd as ag
    >>> ag.adaptive_avg_pool2d(ag.arange(16.0).reshape(1, 1, 4, 4), 1).tolist()
    [[[[7.5]]]]
    """
    x, added = _batched(ensure_tensor(input), 2, "adaptive_avg_pool2d")
    _check_float(x, "adaptive_avg_pool2d")
    sizes = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * 2
    sizes = tuple(n if s is None else s for s, n in zip(sizes, x.shape[2:]))
    sizes = _ints(sizes, 2, "output_size", "adaptive_avg_pool2d", 1)
    out = _resample(x, [_adaptive_matrix(n, s) for n, s in zip(x.shape[2:], sizes)])
    return out.squeeze(0) if added else out


def _interpolation_matrix(size, out, scale, mode, align_corners):
    """(out, size): how much of each input position each output position takes, as PyTorch's
    nearest and (bi)linear modes place them."""
    matrix = np.zeros((out, size))
    target = np.arange(out)
    if mode == "nearest":
        step = size / out if scale is None else 1 / scale
        matrix[target, np.minimum(np.floor(target * step).astype(np.int64), size - 1)] = 1
        return matrix
    if align_corners:
        source = target * ((size - 1) / (out - 1) if out > 1 else 0.0)
    else:
        step = size / out if scale is None else 1 / scale
        source = np.maximum((target + 0.5) * step - 0.5, 0)
    low = np.minimum(np.floor(source).astype(np.int64), size - 1)
    high = np.minimum(low + 1, size - 1)
    weight = source - low
    np.add.at(matrix, (target, low), 1 - weight)
    np.add.at(matrix, (target, high), weight)
    return matrix


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Resize input (N, C, L) or (N, C, H, W) to `size` or by `scale_factor`, as
    `torch.nn.functional.interpolate` with mode "nearest", "linear" (3-d) or "bilinear" (4-d).

    >>> import autograd as ag
    >>> ag.interpolate(ag.tensor([[[1.0, 2.0]]]), scale_factor=2).tolist()
    [[[1.0, 1.0, 2.0, 2.0]]]
    """
    x = ensure_tensor(input)
    _check_float(x, "interpolate")
    expected = {"nearest": (3, 4), "linear": (3,), "bilinear": (4,)}
    if mode not in expected:
        raise ValueError(f"interpolate: mode must be one of {sorted(expected)}, got {mode!r}")
    if x.ndim not in expected[mode]:
        raise ValueError(f"interpolate: mode {mode!r} needs a {' or '.join(f'{d}-d' for d in expected[mode])} "
                         f"input, got shape {x.shape}")
    if mode == "nearest" and align_corners is not None:
        raise ValueError("interpolate: align_corners only applies to the linear modes")
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    spatial = x.shape[2:]
    if size is not None:
        sizes, scales = _ints(size, len(spatial), "size", "interpolate", 1), (None,) * len(spatial)
    else:
        scales = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * len(spatial)
        if len(scales) != len(spatial) or any(not s > 0 for s in scales):
            raise ValueError(f"interpolate: scale_factor must be positive, one per spatial dim, got {scale_factor!r}")
        sizes = tuple(int(np.floor(n * s)) for n, s in zip(spatial, scales))
        if min(sizes) < 1:
            raise ValueError(f"interpolate: scale_factor {scale_factor} leaves nothing of input {x.shape}")
    return _resample(x, [_interpolation_matrix(n, s, scale, mode, bool(align_corners))
                         for n, s, scale in zip(spatial, sizes, scales)])
