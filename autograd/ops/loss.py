"""Losses fused into one kernel for speed, each still a primitive with its own gradient rule."""
import numpy as np

from .. import kernels
from ..function import Function
from ..tensor import Tensor


class SoftmaxCrossEntropy(Function):
    """Cross-entropy of (N, C) logits against int64 class indices, computed with its gradient
    (softmax - onehot) in one pass over the logits. Rows whose target is `ignore_index` add
    nothing; "mean" divides by the number of the others (nan when there are none, as PyTorch)."""

    def forward(self, logits, target, reduction, ignore_index=-100):
        losses, self.dlogits = kernels.softmax_cross_entropy(logits, target, ignore_index)
        if reduction == "none":
            return losses
        if reduction == "sum":
            return losses.sum()
        kept = int(target.size - np.count_nonzero(target == ignore_index))
        self.scale = 1 / kept if kept else 0.0
        return losses.sum() / kept if kept else np.array(np.nan, losses.dtype)

    def backward(self, xp, grad, logits, target):
        reduction = self.options["reduction"]
        if reduction == "none":
            grad = grad[:, None]
        elif reduction == "mean":
            grad = grad * self.scale
        if isinstance(logits, Tensor):  # create_graph: differentiate softmax - onehot again
            kept = target.data != self.options.get("ignore_index", -100)
            onehot, rows = np.zeros(logits.shape, logits.dtype), np.flatnonzero(kept)
            onehot[rows, target.data[rows]] = 1
            return (logits.softmax(1) - onehot) * (grad * kept[:, None].astype(logits.dtype)), None
        return self.dlogits * grad, None

    def release(self):
        super().release()
        self.dlogits = None


class ClassIndices(Function):
    """The int64 targets as they are, once checked to be class indices in [0, classes) or
    `ignore_index`: an op of its own, so that a compiled step checks every new batch's targets."""

    differentiable = False

    def forward(self, target, classes, ignore_index, name):
        kernels.reference.check_targets(target, classes, ignore_index, name)
        return target
