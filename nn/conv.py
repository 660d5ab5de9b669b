"""Convolution, pooling and resampling layers on (N, C, L) and (N, C, H, W) inputs, as PyTorch's
(argument names, defaults and weight initialisation)."""
import autograd as ag

from . import functional as F
from .layers import _initialiser, _positive_int, _pytorch_default
from .module import Module
from .parameter import Parameter


def _tuple(value, count):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * count


class _ConvNd(Module):
    """The parameters of a convolution: weight (out, in / groups, *kernel) for a convolution,
    (in, out / groups, *kernel) for a transposed one, and bias (out,)."""

    dims = 2
    transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", init=None, dtype=None):
        super().__init__()
        name = type(self).__name__
        for value, what in ((in_channels, "in_channels"), (out_channels, "out_channels"), (groups, "groups")):
            _positive_int(value, what, name)
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: groups={groups} must divide in_channels={in_channels} and "
                             f"out_channels={out_channels}")
        if padding_mode != "zeros":
            raise ValueError(f"{name}: only padding_mode='zeros' is supported, got {padding_mode!r}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _tuple(kernel_size, self.dims)
        self.stride, self.dilation = _tuple(stride, self.dims), _tuple(dilation, self.dims)
        self.padding = padding if isinstance(padding, str) else _tuple(padding, self.dims)
        shape = ((in_channels, out_channels // groups) if self.transposed else (out_channels, in_channels // groups))
        self.weight = Parameter(ag.empty(*shape, *self.kernel_size, dtype=dtype))
        self.register_parameter("bias", Parameter(ag.empty(out_channels, dtype=dtype)) if bias else None)
        self.reset_parameters(init)

    def reset_parameters(self, init=None):
        """PyTorch's draw (weight and bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in =
        weight.shape[1] * kernel area), or `init` for the weight and a zero bias, as Linear."""
        if init is None:
            _pytorch_default(self.weight, self.bias)
            return
        _initialiser(init)(self.weight)
        if self.bias is not None:
            self.bias.data[...] = 0

    def extra_repr(self):
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}")
        if self.padding not in ((0,) * self.dims, "valid"):
            text += f", padding={self.padding}"
        if self.dilation != (1,) * self.dims:
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        return text + ("" if self.bias is not None else ", bias=False")


class Conv2d(_ConvNd):
    """2-d convolution of (N, C, H, W) inputs (see `F.conv2d`).

    >>> import autograd as ag, nn
    >>> nn.Conv2d(1, 6, 5, padding=2)(ag.zeros(8, 1, 28, 28)).shape
    (8, 6, 28, 28)
    """

    def forward(self, x):
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv1d(_ConvNd):
    """1-d convolution of (N, C, L) inputs (see `F.conv1d`).

    >>> import autograd as ag, nn
    >>> nn.Conv1d(3, 4, 3)(ag.zeros(2, 3, 10)).shape
    (2, 4, 8)
    """

    dims = 1

    def forward(self, x):
        return F.conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class ConvTranspose2d(_ConvNd):
    """Transposed 2-d convolution (see `F.conv_transpose2d`); weight (in, out / groups, kh, kw).

    >>> import autograd as ag, nn
    >>> nn.ConvTranspose2d(4, 2, 2, stride=2)(ag.zeros(1, 4, 7, 7)).shape
    (1, 2, 14, 14)
    """

    transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", init=None, dtype=None):
        if isinstance(padding, str):
            raise ValueError(f"ConvTranspose2d: padding must be an int or a pair, got {padding!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, init, dtype)
        self.output_padding = _tuple(output_padding, 2)

    def forward(self, x):
        return F.conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding, self.output_padding,
                                  self.groups, self.dilation)


class _Pool(Module):
    def extra_repr(self):
        return ", ".join(f"{name}={getattr(self, name)}" for name in self.shown)


class MaxPool2d(_Pool):
    """Max pooling of (N, C, H, W) inputs (see `F.max_pool2d`); stride defaults to the kernel size.

    >>> import autograd as ag, nn
    >>> nn.MaxPool2d(2)(ag.zeros(8, 6, 28, 28)).shape
    (8, 6, 14, 14)
    """

    shown = ("kernel_size", "stride", "padding", "dilation", "ceil_mode")
    function = staticmethod(F.max_pool2d)

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride or kernel_size, padding
        self.dilation, self.return_indices, self.ceil_mode = dilation, return_indices, ceil_mode

    def forward(self, x):
        return self.function(x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                             self.return_indices)


class MaxPool1d(MaxPool2d):
    """Max pooling of (N, C, L) inputs (see `F.max_pool1d`)."""

    function = staticmethod(F.max_pool1d)


class AvgPool2d(_Pool):
    """Average pooling of (N, C, H, W) inputs (see `F.avg_pool2d`).

    >>> import autograd as ag, nn
    >>> nn.AvgPool2d(2)(ag.ones(1, 1, 4, 4)).tolist()
    [[[[1.0, 1.0], [1.0, 1.0]]]]
    """

    shown = ("kernel_size", "stride", "padding")

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride or kernel_size, padding
        self.ceil_mode, self.count_include_pad, self.divisor_override = ceil_mode, count_include_pad, divisor_override

    def forward(self, x):
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
                            self.divisor_override)


class AvgPool1d(_Pool):
    """Average pooling of (N, C, L) inputs (see `F.avg_pool1d`)."""

    shown = ("kernel_size", "stride", "padding")

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride or kernel_size, padding
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, x):
        return F.avg_pool1d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)


class AdaptiveAvgPool2d(_Pool):
    """Average pooling to a fixed output size, whatever the input's (see `F.adaptive_avg_pool2d`).

    >>> import autograd as ag, nn
    >>> nn.AdaptiveAvgPool2d(1)(ag.ones(2, 3, 7, 5)).shape
    (2, 3, 1, 1)
    """

    shown = ("output_size",)

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, x):
        return F.adaptive_avg_pool2d(x, self.output_size)


class Upsample(_Pool):
    """Resize to `size` or by `scale_factor` (see `F.interpolate`).

    >>> import autograd as ag, nn
    >>> nn.Upsample(scale_factor=2, mode="bilinear")(ag.zeros(1, 3, 4, 4)).shape
    (1, 3, 8, 8)
    """

    shown = ("size", "scale_factor", "mode")

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None):
        super().__init__()
        self.size, self.scale_factor, self.mode, self.align_corners = size, scale_factor, mode, align_corners

    def forward(self, x):
        return F.interpolate(x, self.size, self.scale_factor, self.mode, self.align_corners)
