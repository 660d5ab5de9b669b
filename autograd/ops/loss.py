"""Losses fused into one kernel for speed, each still a primitive with its own gradient rule."""
import numpy as np

from .. import kernels
from ..function import Function
from ..tensor import Tensor


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
            grad = grad / logits.shape[0]
        if isinstance(logits, Tensor):  # create_graph: differentiate softmax - onehot again
            onehot = np.eye(logits.shape[1], dtype=logits.dtype)[target.data]
            return (logits.softmax(1) - onehot) * grad, None
        return self.dlogits * grad, None

    def release(self):
        super().release()
        self.dlogits = None
