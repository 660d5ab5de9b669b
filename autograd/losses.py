"""Cross-entropy and negative log-likelihood with PyTorch's options: class weights, an ignored
class index, label smoothing, class-probability targets and inputs (C,), (N, C) or (N, C, d1, ...).

The plain case (class indices, no weights, no smoothing) runs the fused one-pass kernel
(`ops.SoftmaxCrossEntropy`, which skips ignored targets itself), on any input layout; the options
are compositions of log_softmax, a one-hot comparison with the targets and sums.
"""
import numpy as np

from . import ops
from .api import REDUCTIONS, ensure_tensor, log_softmax, where
from .dtypes import is_floating
from .indexing import gather
from .tensor import Tensor


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Cross-entropy of logits `input` (C,), (N, C) or (N, C, d1, ...) (classes on dim 1) against
    int64 class indices of shape (), (N,) or (N, d1, ...), or against class probabilities of the
    input's shape, as `torch.nn.functional.cross_entropy`.

    `weight` (C,) scales each class's term; targets equal to `ignore_index` add nothing; "mean"
    divides by the summed weights of the targets not ignored (by the count of positions for
    probabilities), nan if there are none. `label_smoothing` = e mixes the target with the uniform
    distribution: (1 - e) * target + e / C. Stable for any finite logits.

    >>> import autograd as ag
    >>> round(ag.cross_entropy(ag.zeros(2, 4), ag.tensor([0, 3])).item(), 4)
    1.3863
    >>> round(ag.cross_entropy(ag.zeros(2, 4), ag.tensor([0, -100])).item(), 4)   # one ignored
    1.3863
    """
    input, target = ensure_tensor(input), ensure_tensor(target)
    _check_options("cross_entropy", input, weight, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    if target.shape == input.shape and is_floating(target.dtype):
        return _probability_cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)
    logits, classes, shape = _rows(input, target, "cross_entropy")
    if weight is None and label_smoothing == 0.0:
        losses = ops.SoftmaxCrossEntropy.apply(logits, classes, reduction=reduction, ignore_index=ignore_index)
        return losses.reshape(shape) if losses.shape != shape and reduction == "none" else losses
    return _picked("cross_entropy", log_softmax(logits, 1), classes, weight, ignore_index, reduction, shape,
                   label_smoothing)


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood of log-probabilities `input` (C,), (N, C) or (N, C, d1, ...) at int64
    class indices `target` (), (N,) or (N, d1, ...): -weight[t] * input[n, t], as
    `torch.nn.functional.nll_loss` (the same `weight`, `ignore_index` and "mean" as cross_entropy).

    >>> import autograd as ag
    >>> ag.losses.nll_loss(ag.tensor([[-1.0, -2.0]]), ag.tensor([1])).item()
    2.0
    """
    input, target = ensure_tensor(input), ensure_tensor(target)
    _check_options("nll_loss", input, weight, reduction)
    rows, classes, shape = _rows(input, target, "nll_loss")
    return _picked("nll_loss", rows, classes, weight, ignore_index, reduction, shape, 0.0)


def _check_options(name, input, weight, reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {REDUCTIONS}, got {reduction!r}")
    if input.ndim == 0 or not is_floating(input.dtype):
        raise ValueError(f"{name} needs floating-point input of shape (C,), (N, C) or (N, C, d1, ...), got "
                         f"{input.dtype} {input.shape}")
    classes = input.shape[0] if input.ndim == 1 else input.shape[1]
    if weight is not None and np.shape(_array(weight)) != (classes,):
        raise ValueError(f"{name}: weight must have one value per class, shape ({classes},), got shape "
                         f"{np.shape(_array(weight))} for input {input.shape}")


def _array(value):
    return value.data if isinstance(value, Tensor) else np.asarray(value)


def _rows(input, target, name):
    """(M, C) rows of `input` (classes last), the (M,) int64 targets, and the shape of the
    unreduced loss; errors name both shapes."""
    expected = () if input.ndim == 1 else input.shape[:1] + input.shape[2:]
    if target.dtype != np.int64 or target.shape != expected:
        probabilities = f" or probabilities of the input's shape {input.shape}" if name == "cross_entropy" else ""
        raise ValueError(f"{name}: target must be class indices (int64) of shape {expected}{probabilities}, got "
                         f"{target.dtype} of shape {target.shape} (input {input.shape})")
    if input.ndim == 2:
        return input, target, expected
    classes = input.shape[0] if input.ndim == 1 else input.shape[1]
    if input.ndim > 2:
        input = input.permute(0, *range(2, input.ndim), 1)
    return input.reshape(-1, classes), target.reshape(-1), expected


def _picked(name, log_probs, target, weight, ignore_index, reduction, shape, smoothing):
    """-weight[t] * log_probs[m, t] per row m of (M, C) `log_probs` (0 where t is ignored), mixed
    with e / C times the weighted sum over classes under label smoothing e, then reduced as
    PyTorch's nll_loss.

    Everything that depends on the targets' values is a recorded op (a comparison, a gather with
    the targets as its index), so that `ag.compile` replays it for new targets."""
    classes, dtype = log_probs.shape[1], log_probs.dtype
    target = ops.ClassIndices.apply(target, classes=classes, ignore_index=ignore_index, name=name)
    class_weight = Tensor(np.ones(classes, dtype) if weight is None else _array(weight).astype(dtype))
    kept = (target != ignore_index).to(dtype)
    index = where(target != ignore_index, target, 0)  # an ignored row reads class 0, then counts 0
    picks = gather(class_weight, 0, index) * kept     # w[t] for each kept row
    losses = -picks * gather(log_probs, 1, index.reshape(-1, 1)).reshape(-1)
    if smoothing:  # (1 - e) of that, plus e / C of the weighted sum over every class of a kept row
        losses = (1 - smoothing) * losses - (smoothing / classes) * kept * (log_probs * class_weight).sum(1)
    if reduction == "none":
        return losses.reshape(shape)
    if reduction == "sum":
        return losses.sum()
    total = picks.sum()
    # Nothing kept: nan, as PyTorch, with a zero gradient (not 0 / 0).
    nothing = total == 0
    one, nan = _constants(dtype, 1.0, np.nan)
    return where(nothing, nan, losses.sum() / where(nothing, one, total))


def _constants(dtype, *values):
    return [Tensor(np.array(value, dtype)) for value in values]


def _probability_cross_entropy(input, target, weight, ignore_index, reduction, smoothing):
    if ignore_index >= 0:
        raise ValueError(f"cross_entropy: ignore_index={ignore_index} does not apply to class-probability targets")
    dim = 0 if input.ndim == 1 else 1
    classes = input.shape[dim]
    if smoothing:
        target = target * (1 - smoothing) + smoothing / classes
    terms = log_softmax(input, dim) * target
    if weight is not None:
        terms = terms * _array(weight).astype(input.dtype).reshape((classes,) + (1,) * (input.ndim - dim - 1))
    losses = -terms.sum(dim)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    positions = input.numel() // classes
    return losses.sum() / positions if positions else losses.sum() * 0.0 + np.nan
