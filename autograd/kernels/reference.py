"""Plain-numpy reference versions of the fused kernels: the definition each numba kernel must match."""
import math

import numpy as np


def sigmoid(x):
    """1 / (1 + exp(-x)), in place in one buffer. Below x of about -88 (float32) exp(-x) overflows
    to inf and 1 / inf = 0 is the right limit, so that overflow is silenced, not avoided: this
    is 2-5x faster than working from exp(-|x|) (bench_kernels.py)."""
    out = np.negative(x, out=np.empty_like(x))
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1
    return np.divide(1, out, out=out)


def outer(a, b, out):
    """The outer product of vectors a (n,) and b (m,) written into `out` (n, m): out[i, j] =
    a[i] * b[j] (a weight's gradient at batch 1)."""
    return np.multiply(a[:, None], b[None, :], out=out)


def relu_backward(grad, out):
    """Gradient of relu from its output: grad where out > 0, else 0."""
    return grad * (out > 0)


def sigmoid_backward(grad, out):
    """Gradient of sigmoid from its output s: grad * s * (1 - s)."""
    return grad * out * (1 - out)


def tanh_backward(grad, out):
    """Gradient of tanh from its output t: grad * (1 - t^2)."""
    return grad * (1 - out * out)


def check_targets(target, classes, ignore_index=-100, name="cross_entropy"):
    """Raise ValueError unless every target is a class index in [0, classes) or `ignore_index`."""
    kept = target[target != ignore_index]
    if kept.size and (kept.min() < 0 or kept.max() >= classes):
        raise ValueError(f"{name}: targets must lie in [0, {classes}) or equal ignore_index={ignore_index}, "
                         f"got values from {kept.min()} to {kept.max()}")


def softmax_cross_entropy(logits, target, ignore_index=-100):
    """Per-row cross-entropy of (N, C) logits against int class targets, and its gradient.

    Returns (loss, dlogits): loss[i] = logsumexp(logits[i]) - logits[i, target[i]] and
    dlogits = softmax(logits) - onehot(target), both in the logits' dtype; rows whose target is
    `ignore_index` get loss 0 and gradient 0. Other targets outside [0, C) raise ValueError.
    """
    check_targets(target, logits.shape[1], ignore_index)
    ignored = target == ignore_index
    target = np.where(ignored, 0, target)
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    rows = np.arange(logits.shape[0])
    loss = np.log(total[:, 0]) - shifted[rows, target]
    dlogits = exp / total
    dlogits[rows, target] -= 1
    loss[ignored] = 0
    dlogits[ignored] = 0
    return loss.astype(logits.dtype, copy=False), dlogits


_erf = np.frompyfunc(math.erf, 1, 1)


def erf(x):
    """The error function of a float array (numpy has none): math.erf element by element."""
    return _erf(x).astype(x.dtype) if x.ndim else np.asarray(math.erf(x), x.dtype)
