"""Convolution, pooling and resampling of (N, C, L) and (N, C, H, W) tensors, as PyTorch's.

Argument checks here, then the primitives of `ops/conv.py` and `ops/pool.py`, or compositions
of existing ops (adaptive pooling and interpolation are products with constant matrices).
"""

import numpy as np

from . import ops
from .functions import ensure_tensor
from .ops.conv import Geometry


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


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d cross-correlation of input (N, C, H, W) with weight (O, C / groups, kh, kw), plus bias
    (O,), as `torch.nn.functional.conv2d`: padding is an int, a pair, "valid" or "same".
    Output (N, O, OH, OW) with OH = (H + 2 pad - dilation (kh - 1) - 1) // stride + 1.

    >>> import autograd as ag
    >>> ag.conv2d(ag.ones(1, 1, 4, 4), ag.ones(2, 1, 3, 3), padding=1).shape
    (1, 2, 4, 4)
    """
    x, weight = ensure_tensor(input), ensure_tensor(weight)
    x, added = _batched(x, 2, "conv2d")
    _check_conv(x, weight, bias, groups, 1, "conv2d")
    kernel = weight.shape[2:]
    stride = _ints(stride, 2, "stride", "conv2d", 1)
    dilation = _ints(dilation, 2, "dilation", "conv2d", 1)
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
    x, weight = ensure_tensor(input), ensure_tensor(weight)
    x, added = _batched(x, 2, "conv_transpose2d")
    _check_conv(x, weight, bias, groups, 0, "conv_transpose2d")
    kernel = weight.shape[2:]
    stride = _ints(stride, 2, "stride", "conv_transpose2d", 1)
    dilation = _ints(dilation, 2, "dilation", "conv_transpose2d", 1)
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
