"""Initialisers: each fills a tensor in place (under no_grad) and returns it, as `torch.nn.init`.

fan_in and fan_out are computed as PyTorch does: for a weight of shape (out, in, *kernel),
fan_in = in * prod(kernel) and fan_out = out * prod(kernel).

>>> import autograd as ag, nn
>>> w = nn.init.kaiming_normal_(ag.empty(64, 784))   # He: std = sqrt(2 / fan_in)
>>> abs(float(w.std()) - (2 / 784) ** 0.5) < 0.005
True
"""
import functools
import math
import warnings

import numpy as np

import autograd as ag

__all__ = ["calculate_gain", "fan_in_and_fan_out", "zeros_", "ones_", "constant_", "uniform_", "normal_",
           "fan_in_uniform_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"]


LINEAR = ("linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
          "conv_transpose3d")


def calculate_gain(nonlinearity, param=None):
    """The gain PyTorch recommends for a nonlinearity: 1 for linear, convolutions and sigmoid,
    5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + slope²)) for leaky_relu (slope `param`, default
    0.01), 3/4 for selu.

    >>> round(calculate_gain("leaky_relu", 0.2), 4)
    1.3868
    """
    if nonlinearity in LINEAR:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is not None and (isinstance(param, bool) or not isinstance(param, (int, float))):
            raise ValueError(f"calculate_gain: negative slope {param!r} is not a number")
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unknown nonlinearity {nonlinearity!r}")


def fan_in_and_fan_out(tensor):
    """(fan_in, fan_out) of a weight of shape (out, in, *kernel); needs at least 2 dims."""
    if tensor.ndim < 2:
        raise ValueError(f"fan_in and fan_out need a tensor with at least 2 dims, got shape {tensor.shape}")
    receptive = int(np.prod(tensor.shape[2:]))
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fan(tensor, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _fill(tensor, values):
    with ag.no_grad():
        tensor.copy_(values)
    return tensor


def _check_float(tensor, name):
    if not ag.dtypes.is_floating(tensor.dtype):
        raise ValueError(f"{name} needs a floating-point tensor, got {tensor.dtype}")


def constant_(tensor, val):
    """Fill with `val` (every unit alike: symmetry is never broken).

    >>> import autograd as ag, nn
    >>> nn.init.constant_(ag.empty(2), val=0.5).tolist()
    [0.5, 0.5]
    """
    return _fill(tensor, val)


def zeros_(tensor):
    """Fill with zeros."""
    return constant_(tensor, 0.0)


def ones_(tensor):
    """Fill with ones."""
    return constant_(tensor, 1.0)


def uniform_(tensor, a=0.0, b=1.0):
    """Samples from U(a, b)."""
    _check_float(tensor, "uniform_")
    if not a <= b:
        raise ValueError(f"uniform_ needs a <= b, got a={a}, b={b}")
    return _fill(tensor, ag.default_generator().uniform(a, b, tensor.shape).astype(tensor.dtype))


def normal_(tensor, mean=0.0, std=1.0):
    """Samples from N(mean, std²)."""
    _check_float(tensor, "normal_")
    if std < 0:
        raise ValueError(f"normal_ needs std >= 0, got {std}")
    return _fill(tensor, ag.default_generator().normal(mean, std, tensor.shape).astype(tensor.dtype))


def fan_in_uniform_(tensor):
    """U(-1/sqrt(fan_in), 1/sqrt(fan_in)): PyTorch's default for Linear weights (its
    kaiming_uniform_ with a = sqrt(5)); Linear draws its bias from the same interval."""
    fan_in = _fan(tensor, "fan_in")
    bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    return uniform_(tensor, -bound, bound)


def _scaled_by_fans(init):
    """`init` (Xavier's, He's), which leaves a zero-element tensor as it is with a warning, as
    PyTorch: it has no fans to scale by."""
    @functools.wraps(init)
    def initialise(tensor, *args, **kwargs):
        if tensor.ndim >= 2 and tensor.data.size == 0:
            warnings.warn(f"{init.__name__}: initialising a zero-element tensor (shape {tensor.shape}) does nothing",
                          UserWarning, stacklevel=2)
            return tensor
        return init(tensor, *args, **kwargs)

    return initialise


@_scaled_by_fans
def xavier_uniform_(tensor, gain=1.0):
    """Glorot: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)); keeps the variance of
    activations and gradients alike across layers for tanh/sigmoid-like units."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound)


@_scaled_by_fans
def xavier_normal_(tensor, gain=1.0):
    """Glorot: N(0, std²) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


@_scaled_by_fans
def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    """He: U(-b, b) with b = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a);
    with the defaults (a = 0) that is sqrt(6 / fan_in), made for ReLU units."""
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return uniform_(tensor, -math.sqrt(3.0) * std, math.sqrt(3.0) * std)


@_scaled_by_fans
def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    """He: N(0, std²) with std = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a)."""
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode)))


# The names a layer's `init=` argument accepts, for its weight.
BY_NAME = {
    "zeros": zeros_, "ones": ones_, "normal": normal_, "uniform": uniform_, "fan_in_uniform": fan_in_uniform_,
    "xavier_uniform": xavier_uniform_, "xavier_normal": xavier_normal_,
    "kaiming_uniform": kaiming_uniform_, "kaiming_normal": kaiming_normal_,
    "he_uniform": kaiming_uniform_, "he_normal": kaiming_normal_,
}
