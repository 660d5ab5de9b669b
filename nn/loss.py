"""Losses as modules, and the penalties (L1, L2, elastic net) to add to a loss."""
import autograd as ag

from . import functional as F
from .module import Module


class _Loss(Module):
    function = None

    def __init__(self, reduction="mean"):
        super().__init__()
        if reduction not in F.REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction must be one of {F.REDUCTIONS}, got {reduction!r}")
        self.reduction = reduction

    def forward(self, input, target):
        return type(self).function(input, target, reduction=self.reduction)

    def extra_repr(self):
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error, the quadratic cost (see `F.mse_loss`)."""
    function = F.mse_loss


class L1Loss(_Loss):
    """Mean absolute error (see `F.l1_loss`)."""
    function = F.l1_loss


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities (see `F.binary_cross_entropy`)."""
    function = F.binary_cross_entropy


class CrossEntropyLoss(_Loss):
    """Cross-entropy from logits and int64 class indices, one fused stable kernel (see `F.cross_entropy`).

    >>> import autograd as ag, nn
    >>> round(nn.CrossEntropyLoss()(ag.zeros(2, 4), ag.tensor([0, 3])).item(), 4)
    1.3863
    """
    function = F.cross_entropy


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities (see `F.nll_loss`)."""
    function = F.nll_loss


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy from logits, stable for any finite input (see
    `F.binary_cross_entropy_with_logits`); `pos_weight` scales the positive term."""

    def __init__(self, reduction="mean", pos_weight=None):
        super().__init__(reduction)
        self.pos_weight = pos_weight

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.reduction, self.pos_weight)


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
