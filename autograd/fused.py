"""Ops fused into one kernel for speed, each still a primitive with its own gradient rule."""
import numpy as np

from . import kernels
from .function import Function
from .functions import ensure_tensor
from .tensor import Tensor

REDUCTIONS = ("mean", "sum", "none")


class SoftmaxCrossEntropy(Function):
    """Cross-entropy of (N, C) logits against int64 class indices, computed with its gradient
    (softmax - onehot) in one pass over the logits."""

    def forward(self, logits, target, reduction):
        losses, self.dlogits = kernels.softmax_cross_entropy(logits, target)
        if reduction == "none":
            return losses
        return losses.sum() / (logits.shape[0] if reduction == "mean" else 1)

    def backward(self, xp, grad, logits, target):
        reduction = self.options["reduction"]
        if reduction == "none":
            grad = grad[:, None]
        elif reduction == "mean":
            grad = grad / self.inputs[0].shape[0]
        if isinstance(logits, Tensor):  # create_graph: differentiate softmax - onehot again
            onehot = np.eye(logits.shape[1], dtype=logits.dtype)[target.data]
            return (logits.softmax(1) - onehot) * grad, None
        return self.dlogits * grad, None

    def release(self):
        super().release()
        self.dlogits = None


def cross_entropy(logits, target, reduction="mean"):
    """Cross-entropy loss of (N, C) logits and (N,) int64 class targets, as
    `torch.nn.functional.cross_entropy`: mean (or sum, or per-row with "none") of
    logsumexp(logits[i]) - logits[i, target[i]]. Stable for any finite logits.

    >>> import autograd as ag
    >>> round(ag.cross_entropy(ag.zeros(2, 4), ag.tensor([0, 3])).item(), 4)
    1.3863
    """
    logits, target = ensure_tensor(logits), ensure_tensor(target)
    if reduction not in REDUCTIONS:
        raise ValueError(f"cross_entropy: reduction must be one of {REDUCTIONS}, got {reduction!r}")
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy needs (N, C) logits, got shape {logits.shape}")
    if target.dtype != np.int64 or target.shape != logits.shape[:1]:
        raise ValueError(f"cross_entropy needs int64 targets of shape {logits.shape[:1]}, got {target.dtype} "
                         f"{target.shape}")
    # The kernel checks that every target lies in [0, C) as it reads them.
    return SoftmaxCrossEntropy.apply(logits, target, reduction=reduction)
