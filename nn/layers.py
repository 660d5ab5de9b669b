"""Layers with parameters or a train/eval difference: Linear, Maxout, Dropout, Dropout2d,
GaussianNoise, BatchNorm, plus the parameter-free Flatten, Identity and the Residual wrapper."""
import autograd as ag

from . import functional as F
from .init import BY_NAME, fan_in_and_fan_out, fan_in_uniform_, uniform_, zeros_
from .module import Module
from .parameter import Parameter


def _positive_int(value, name, layer):
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{layer}: {name} must be a positive int, got {value!r}")


class Linear(Module):
    """y = x @ weight.T + bias, for x of shape (..., in_features) and weight (out_features, in_features).

    Initialised as PyTorch's Linear: weight and bias from U(-1/sqrt(in), 1/sqrt(in)). `init`
    chooses another scheme for the weight — a name from `nn.init.BY_NAME` ("xavier_uniform",
    "kaiming_normal", "zeros", ...) or a function filling a tensor in place — and then the bias
    starts at zero.

    >>> import autograd as ag, nn
    >>> nn.Linear(784, 64)(ag.zeros(32, 784)).shape
    (32, 64)
    """

    def __init__(self, in_features, out_features, bias=True, init=None, dtype=None):
        super().__init__()
        _positive_int(in_features, "in_features", "Linear")
        _positive_int(out_features, "out_features", "Linear")
        self.in_features, self.out_features = in_features, out_features
        # Column-major, so that x @ weight.T is a plain row-major matmul: OpenBLAS runs that about
        # 1.6x faster than the transposed product at batch 32 (benchmarks/bench_train.py).
        self.weight = Parameter(ag.empty(in_features, out_features, dtype=dtype).T)
        self.register_parameter("bias", Parameter(ag.empty(out_features, dtype=dtype)) if bias else None)
        self.reset_parameters(init)

    def reset_parameters(self, init=None):
        """Draw new weights (with the same `init` choices as the constructor)."""
        if init is None:
            _pytorch_default(self.weight, self.bias)
            return
        _initialiser(init)(self.weight)
        if self.bias is not None:
            zeros_(self.bias)

    def forward(self, x):
        return ag.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


def _pytorch_default(weight, bias):
    fan_in_uniform_(weight)
    if bias is not None:
        bound = fan_in_and_fan_out(weight)[0] ** -0.5
        uniform_(bias, -bound, bound)


def _initialiser(choice):
    if callable(choice):
        return choice
    if choice not in BY_NAME:
        raise ValueError(f"unknown init {choice!r}; use a function or one of {sorted(BY_NAME)}")
    return BY_NAME[choice]


class Maxout(Module):
    """Maxout units: each of `out_features` outputs is the largest of `pieces` affine functions of
    the input (a learnt piecewise-linear activation).

    >>> import autograd as ag, nn
    >>> nn.Maxout(10, 4, pieces=3)(ag.zeros(2, 10)).shape
    (2, 4)
    """

    summary_as_one_row = True

    def __init__(self, in_features, out_features, pieces=2, init=None, dtype=None):
        super().__init__()
        _positive_int(pieces, "pieces", "Maxout")
        self.pieces = pieces
        self.linear = Linear(in_features, out_features * pieces, init=init, dtype=dtype)

    def forward(self, x):
        return F.maxout(self.linear(x), self.pieces)

    def extra_repr(self):
        return f"pieces={self.pieces}"


class Flatten(Module):
    """Flatten dims start_dim..end_dim into one (by default every dim but the batch dim)."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        return x.flatten(self.start_dim, self.end_dim)


class Identity(Module):
    """Returns its input unchanged (a placeholder, e.g. for a removed layer)."""

    def forward(self, x):
        return x


class Residual(Module):
    """x + block(x): a skip connection around `block`, which must keep the input's shape.

    >>> import autograd as ag, nn
    >>> nn.Residual(nn.Linear(4, 4))(ag.zeros(2, 4)).shape
    (2, 4)
    """

    def __init__(self, block):
        super().__init__()
        self.block = block

    def forward(self, x):
        out = self.block(x)
        if out.shape != x.shape:
            raise ValueError(f"Residual: the block turned shape {x.shape} into {out.shape}; a skip connection "
                             "needs them equal")
        return x + out


class Dropout(Module):
    """Inverted dropout with probability p in training; identity in eval (see `F.dropout`)."""

    def __init__(self, p=0.5):
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"{type(self).__name__} probability must be in [0, 1], got {p}")
        self.p = p

    def forward(self, x):
        return F.dropout(x, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}"


class Dropout2d(Dropout):
    """Dropout of whole channels of (N, C, H, W) or (C, H, W) feature maps in training; identity
    in eval (see `F.dropout2d`)."""

    def forward(self, x):
        return F.dropout2d(x, self.p, self.training)


class GaussianNoise(Module):
    """Adds N(0, std²) noise to its input in training (input jitter); identity in eval."""

    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"GaussianNoise: std must be >= 0, got {std}")
        self.std = std

    def forward(self, x):
        return F.gaussian_noise(x, self.std, self.training)

    def extra_repr(self):
        return f"std={self.std}"


class _BatchNorm(Module):
    input_dims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, dtype=None):
        super().__init__()
        _positive_int(num_features, "num_features", type(self).__name__)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.register_parameter("weight", Parameter(ag.ones(num_features, dtype=dtype)) if affine else None)
        self.register_parameter("bias", Parameter(ag.zeros(num_features, dtype=dtype)) if affine else None)
        if track_running_stats:
            self.register_buffer("running_mean", ag.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", ag.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", ag.tensor(0))
        else:
            self.running_mean = self.running_var = self.num_batches_tracked = None

    def forward(self, x):
        if x.ndim not in self.input_dims or x.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}({self.num_features}) needs input of "
                             f"{' or '.join(f'{d}-d' for d in self.input_dims)} shape with {self.num_features} "
                             f"channels in dim 1, got {x.shape}")
        momentum = self.momentum
        if self.training and self.running_mean is not None:
            with ag.no_grad():
                self.num_batches_tracked += 1
            if momentum is None:  # a cumulative moving average
                momentum = 1.0 / self.num_batches_tracked.item()
        # Without running statistics the batch's own are used in eval too, as PyTorch does.
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            self.training or self.running_mean is None, momentum, self.eps)

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}"


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs per channel, as PyTorch's: batch
    statistics in training, running mean / unbiased variance (updated with `momentum`) in eval,
    learnable scale `weight` (γ) and shift `bias` (β).

    >>> import autograd as ag, nn
    >>> bn = nn.BatchNorm1d(3)
    >>> y = bn(ag.randn(8, 3))
    >>> bn.num_batches_tracked.item()
    1
    """

    input_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) inputs per channel (see BatchNorm1d)."""

    input_dims = (4,)
