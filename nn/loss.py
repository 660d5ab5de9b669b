"""Losses as modules, and the penalties (L1, L2, elastic net) to add to a loss."""
import autograd as ag

from . import functional as F
from .module import Module


class _Loss(Module):
    """A loss function as a module: `function(input, target, reduction=..., **options)`, where the
    options are the constructor's other arguments; the weights among them, when given, are
    buffers (saved with the model, converted by `to(dtype)`), as PyTorch's."""
    function = None
    reductions = F.REDUCTIONS
    weights = ()  # the options that are tensors of weights

    def __init__(self, reduction="mean", **options):
        super().__init__()
        if reduction not in self.reductions:
            raise ValueError(f"{type(self).__name__}: reduction must be one of {self.reductions}, got {reduction!r}")
        self.reduction = reduction
        self.options = {}
        for name, value in options.items():
            if name in self.weights and value is not None:
                self.register_buffer(name, value if isinstance(value, ag.Tensor) else ag.tensor(value))
            else:
                self.options[name] = value

    def forward(self, input, target):
        return type(self).function(input, target, reduction=self.reduction, **self.options, **self._buffers)

    def extra_repr(self):
        return ", ".join([f"reduction={self.reduction!r}"] + [f"{k}={v!r}" for k, v in self.options.items()])


class MSELoss(_Loss):
    """Mean squared error, the quadratic cost (see `F.mse_loss`)."""
    function = F.mse_loss


class L1Loss(_Loss):
    """Mean absolute error (see `F.l1_loss`)."""
    function = F.l1_loss


class HuberLoss(_Loss):
    """Quadratic within `delta` of the target, linear beyond (see `F.huber_loss`)."""
    function = F.huber_loss

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction, delta=delta)


class SmoothL1Loss(_Loss):
    """The Huber loss divided by `beta` (see `F.smooth_l1_loss`)."""
    function = F.smooth_l1_loss

    def __init__(self, reduction="mean", beta=1.0):
        super().__init__(reduction, beta=beta)


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence of log-probabilities from a target distribution; use
    reduction="batchmean" for the KL per sample (see `F.kl_div`)."""
    function = F.kl_div
    reductions = F.REDUCTIONS + ("batchmean",)

    def __init__(self, reduction="mean", log_target=False):
        super().__init__(reduction, log_target=log_target)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities, each element scaled by `weight` (see
    `F.binary_cross_entropy`)."""
    function = F.binary_cross_entropy
    weights = ("weight",)

    def __init__(self, weight=None, reduction="mean"):
        super().__init__(reduction, weight=weight)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy from logits, stable for any finite input; `weight` scales each
    element, `pos_weight` the positive term of each class (see `F.binary_cross_entropy_with_logits`)."""
    function = F.binary_cross_entropy_with_logits
    weights = ("weight", "pos_weight")

    def __init__(self, weight=None, reduction="mean", pos_weight=None):
        super().__init__(reduction, weight=weight, pos_weight=pos_weight)


class CrossEntropyLoss(_Loss):
    """Cross-entropy from logits and int64 class indices or class probabilities, with class
    weights, an ignored index and label smoothing (see `F.cross_entropy`); the plain case is one
    fused stable kernel.

    >>> import autograd as ag, nn
    >>> round(nn.CrossEntropyLoss()(ag.zeros(2, 4), ag.tensor([0, 3])).item(), 4)
    1.3863
    """
    function = F.cross_entropy
    weights = ("weight",)

    def __init__(self, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(reduction, weight=weight, ignore_index=ignore_index, label_smoothing=label_smoothing)


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities, with class weights and an ignored index (see
    `F.nll_loss`)."""
    function = F.nll_loss
    weights = ("weight",)

    def __init__(self, weight=None, ignore_index=-100, reduction="mean"):
        super().__init__(reduction, weight=weight, ignore_index=ignore_index)


def _tensors(params, name):
    tensors = list(params)
    if not tensors or not all(isinstance(t, ag.Tensor) for t in tensors):
        raise ValueError(f"{name} needs a non-empty iterable of tensors (e.g. the weights of a model)")
    return tensors


def l1_penalty(params):
    """Σ |w| over every element of `params`: add `strength * l1_penalty(weights)` to a loss to
    push weights to exactly zero (sparsity).

    >>> import autograd as ag, nn
    >>> nn.l1_penalty([ag.tensor([1.0, -2.0]), ag.tensor([3.0])]).item()
    6.0
    """
    return ag.stack([t.abs().sum() for t in _tensors(params, "l1_penalty")]).sum()


def l2_penalty(params):
    """Σ w² over every element of `params` (no 1/2): add `strength * l2_penalty(weights)` to a
    loss to shrink weights (weight decay: SGD's `weight_decay=2 * strength` does the same).

    >>> import autograd as ag, nn
    >>> nn.l2_penalty([ag.tensor([1.0, -2.0]), ag.tensor([3.0])]).item()
    14.0
    """
    return ag.stack([(t * t).sum() for t in _tensors(params, "l2_penalty")]).sum()


def elastic_net_penalty(params, l1_ratio=0.5):
    """l1_ratio * l1_penalty + (1 - l1_ratio) * l2_penalty.

    >>> import autograd as ag, nn
    >>> nn.elastic_net_penalty([ag.tensor([1.0, -2.0])], l1_ratio=0.25).item()
    4.5
    """
    if not 0 <= l1_ratio <= 1:
        raise ValueError(f"elastic_net_penalty: l1_ratio must be in [0, 1], got {l1_ratio}")
    tensors = _tensors(params, "elastic_net_penalty")
    return l1_ratio * l1_penalty(tensors) + (1 - l1_ratio) * l2_penalty(tensors)
