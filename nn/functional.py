"""Activations, regularisers and losses as functions of tensors (`import nn.functional as F`).

Everything here is a composition of autograd ops: none of it has gradient code of its own.
Random ones (dropout, noise) draw from autograd's generator, so `ag.manual_seed` repeats them.
"""
import numpy as np

import autograd as ag
from autograd import (adaptive_avg_pool2d, avg_pool1d, avg_pool2d, conv1d, conv2d, conv_transpose2d,
                      elu, interpolate, leaky_relu, linear, log_softmax, max_pool1d,
                      max_pool2d, relu, sigmoid, softplus, tanh)
from autograd.api import REDUCTIONS

__all__ = ["linear", "relu", "leaky_relu", "elu", "sigmoid", "tanh", "softplus", "softmax", "log_softmax", "prelu",
           "noisy_relu", "step", "maxout", "dropout", "dropout2d", "gaussian_noise", "batch_norm", "mse_loss",
           "l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss",
           "huber_loss", "smooth_l1_loss", "kl_div", "conv1d", "conv2d",
           "conv_transpose2d", "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool2d",
           "interpolate", "normalize", "scaled_dot_product_attention"]
# activations of round 2 (compositions in autograd.api)
from autograd import celu, gelu, hardsigmoid, hardtanh, selu, silu, softsign  # noqa: E402
__all__ += ["gelu", "silu", "hardtanh", "celu", "selu", "softsign", "hardsigmoid"]



# --- activations ------------------------------------------------------------------------------
def softmax(x, dim=-1):
    """exp(x) / sum(exp(x)) along `dim`, stable for any finite input.

    >>> import autograd as ag, nn.functional as F
    >>> F.softmax(ag.tensor([0.0, 0.0])).tolist()
    [0.5, 0.5]
    """
    return ag.softmax(x, dim)


def _channel_shaped(parameter, x, name):
    """A per-channel parameter (C,) reshaped to broadcast against x along dim 1 (or a single value)."""
    if parameter.numel() == 1:
        return parameter.reshape(())
    if x.ndim < 2 or x.shape[1] != parameter.numel():
        raise ValueError(f"{name}: {parameter.numel()} channel values do not match input of shape {x.shape} "
                         f"(channels are dim 1)")
    return parameter.reshape((-1,) + (1,) * (x.ndim - 2))


def prelu(x, weight):
    """x where x > 0, weight * x elsewhere; `weight` is one learnt slope or one per channel (dim 1).

    >>> import autograd as ag, nn.functional as F
    >>> F.prelu(ag.tensor([-2.0, 3.0]), ag.tensor([0.25])).tolist()
    [-0.5, 3.0]
    """
    return ag.where(x > 0, x, _channel_shaped(weight, x, "prelu") * x)


def noisy_relu(x, std=1.0, training=True):
    """max(0, x + N(0, std²)) in training, max(0, x) otherwise (noise is added before the cut)."""
    if std < 0:
        raise ValueError(f"noisy_relu: std must be >= 0, got {std}")
    if not training or std == 0:
        return relu(x)
    return relu(x + _normal(x.shape, x.dtype, std))


def step(x):
    """The perceptron's threshold: 1 where x > 0, else 0. Flat almost everywhere, so its gradient
    is zero: x stays on the tape with weight 0, and backward reports zeros rather than failing.

    >>> import autograd as ag, nn.functional as F
    >>> F.step(ag.tensor([-1.0, 0.0, 2.0])).tolist()
    [0.0, 0.0, 1.0]
    """
    return (x > 0).to(x.dtype) + x * 0


def maxout(x, pieces):
    """The largest of `pieces` consecutive features: (..., out * pieces) -> (..., out).

    >>> import autograd as ag, nn.functional as F
    >>> F.maxout(ag.tensor([[1.0, 5.0, 3.0, 2.0]]), 2).tolist()
    [[5.0, 3.0]]
    """
    if x.shape[-1] % pieces:
        raise ValueError(f"maxout: last dim {x.shape[-1]} of input {x.shape} is not a multiple of {pieces} pieces")
    return x.reshape(x.shape[:-1] + (x.shape[-1] // pieces, pieces)).amax(-1)


# --- normalisation and attention --------------------------------------------------------------
def normalize(input, p=2.0, dim=1, eps=1e-12):
    """input / max(||input||_p, eps) along `dim`, as `torch.nn.functional.normalize`.

    >>> import autograd as ag, nn.functional as F
    >>> F.normalize(ag.tensor([[3.0, 4.0]], dtype=ag.float64)).tolist()
    [[0.6, 0.8]]
    """
    if not p > 0:
        raise ValueError(f"normalize: p must be positive, got {p}")
    # The p-th power of the norm is clamped rather than the norm, so that an all-zero slice gets
    # no gradient through the (non-differentiable) root at zero; elsewhere both agree.
    powers = input * input if p == 2 else input.abs() ** p
    return input / powers.sum(dim, keepdim=True).clamp(min=eps ** p) ** (1 / p)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """softmax(query @ key^T * scale + mask) @ value for (..., L, E) queries, (..., S, E) keys and
    (..., S, Ev) values, as `torch.nn.functional.scaled_dot_product_attention`: scale defaults to
    1/sqrt(E); a boolean mask marks the pairs that may attend, a float mask is added; `is_causal`
    lets query i see keys 0..i.

    >>> import autograd as ag, nn.functional as F
    >>> F.scaled_dot_product_attention(ag.zeros(1, 2, 4), ag.zeros(1, 3, 4), ag.ones(1, 3, 5)).shape
    (1, 2, 5)
    """
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise ValueError(f"scaled_dot_product_attention: query {query.shape}, key {key.shape} and value "
                         f"{value.shape} do not line up (E of query and key, S of key and value)")
    if is_causal and attn_mask is not None:
        raise ValueError("scaled_dot_product_attention: give attn_mask or is_causal, not both")
    scores = (query @ key.transpose(-2, -1)) * (query.shape[-1] ** -0.5 if scale is None else scale)
    if is_causal:
        attn_mask = np.tril(np.ones((query.shape[-2], key.shape[-2]), bool))
    if attn_mask is not None:
        mask = attn_mask.data if isinstance(attn_mask, ag.Tensor) else np.asarray(attn_mask)
        if mask.dtype == np.bool_:
            scores = ag.where(ag.tensor(mask), scores, -np.inf)
        else:
            scores = scores + attn_mask
    return dropout(scores.softmax(-1), dropout_p, dropout_p > 0) @ value


# --- regularisation -----------------------------------------------------------------------------
def _normal(shape, dtype, std):
    return ag.randn(*shape, dtype=dtype) * std


def _dropout(x, p, training, mask_shape, name):
    """x with the elements of a mask of `mask_shape` (broadcast over x) zeroed with probability p
    and the rest scaled by 1/(1-p), in training."""
    if not 0 <= p <= 1:
        raise ValueError(f"{name} probability must be in [0, 1], got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return x * 0
    keep = ag.rand(*mask_shape, dtype=x.dtype) >= p
    return ag.where(keep, x * (1 / (1 - p)), 0.0)


def dropout(x, p=0.5, training=True):
    """Inverted dropout: zero each element with probability p and scale the rest by 1/(1-p) in
    training, so that eval (identity) sees the same expected activation.

    >>> import autograd as ag, nn.functional as F
    >>> F.dropout(ag.ones(3), 0.5, training=False).tolist()
    [1.0, 1.0, 1.0]
    """
    return _dropout(x, p, training, x.shape, "dropout")


def dropout2d(x, p=0.5, training=True):
    """Channel dropout of feature maps x (N, C, H, W) or unbatched (C, H, W): each whole channel
    is zeroed with probability p and the others scaled by 1/(1-p) in training; identity in eval.
    (PyTorch 2.x still reads a 3-d input as (N, C, L), with a warning that it will become
    (C, H, W); here it is (C, H, W) already.)

    >>> import autograd as ag, nn.functional as F
    >>> y = F.dropout2d(ag.ones(1, 4, 2, 2), 0.5)
    >>> all(set(channel) <= {0.0, 2.0} and len(set(channel)) == 1 for channel in y.reshape(4, 4).tolist())
    True
    """
    if x.ndim not in (3, 4):
        raise ValueError(f"dropout2d needs input of shape (N, C, H, W) or (C, H, W), got {x.shape}")
    return _dropout(x, p, training, x.shape[:-2] + (1, 1), "dropout2d")


def gaussian_noise(x, std, training=True):
    """x + N(0, std²) in training (input jitter), x unchanged otherwise."""
    if std < 0:
        raise ValueError(f"gaussian_noise: std must be >= 0, got {std}")
    if not training or std == 0:
        return x
    return x + _normal(x.shape, x.dtype, std)


def batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Normalise x (N, C) or (N, C, ...) per channel (dim 1), then scale by `weight` and shift by
    `bias` (each (C,) or None).

    In training the batch's mean and biased variance are used, and the running statistics (if
    given) move towards the batch's mean and *unbiased* variance:
    running = (1 - momentum) * running + momentum * batch. Otherwise the running ones are used.

    >>> import autograd as ag, nn.functional as F
    >>> y = F.batch_norm(ag.tensor([[1.0], [3.0]]), None, None, training=True)
    >>> [round(v, 3) for v in y.reshape(-1).tolist()]
    [-1.0, 1.0]
    """
    if x.ndim < 2:
        raise ValueError(f"batch_norm needs input of shape (N, C) or (N, C, ...), got {x.shape}")
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        count = x.numel() // x.shape[1]
        if count < 2:
            raise ValueError(f"batch_norm in training needs more than one value per channel, got input {x.shape}")
        mean = x.mean(axes, keepdim=True)
        var = x.var(axes, correction=0, keepdim=True)
        if running_mean is not None:
            with ag.no_grad():
                running_mean *= 1 - momentum
                running_mean += momentum * mean.detach().reshape(-1)
                running_var *= 1 - momentum
                running_var += (momentum * count / (count - 1)) * var.detach().reshape(-1)
    else:
        if running_mean is None:
            raise ValueError("batch_norm in eval mode needs running_mean and running_var")
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
    out = (x - mean) / (var + eps).sqrt()
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


# --- losses -------------------------------------------------------------------------------------
# As torch.nn.functional: `reduction` is "mean", "sum" or "none" (kl_div also "batchmean");
# cross_entropy and nll_loss (with weight, ignore_index, label_smoothing) live in autograd.losses.
cross_entropy = ag.losses.cross_entropy
nll_loss = ag.losses.nll_loss


def _reduce(losses, reduction, name):
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    if reduction == "none":
        return losses
    raise ValueError(f"{name}: reduction must be one of {REDUCTIONS}, got {reduction!r}")


def _same_shape(input, target, name):
    target = target if isinstance(target, ag.Tensor) else ag.tensor(target, dtype=input.dtype)
    if input.shape != target.shape:
        raise ValueError(f"{name}: input shape {input.shape} and target shape {target.shape} differ "
                         "(they are not broadcast)")
    return target


def _scaling(value, input, name, what):
    """`value` (a number, array or tensor; None -> None) as a constant tensor of the input's dtype
    that broadcasts to the input's shape without changing it."""
    if value is None:
        return None
    value = ag.tensor(value.data if isinstance(value, ag.Tensor) else value, dtype=input.dtype)
    try:
        fits = np.broadcast_shapes(value.shape, input.shape) == input.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{name}: {what} of shape {value.shape} does not broadcast to the input's shape {input.shape}")
    return value


def _weighted(losses, weight, input, name):
    weight = _scaling(weight, input, name, "weight")
    return losses if weight is None else losses * weight


def mse_loss(input, target, reduction="mean"):
    """(input - target)², averaged (or summed): the quadratic cost.

    >>> import autograd as ag, nn.functional as F
    >>> F.mse_loss(ag.tensor([1.0, 3.0]), ag.tensor([0.0, 0.0])).item()
    5.0
    """
    difference = input - _same_shape(input, target, "mse_loss")
    return _reduce(difference * difference, reduction, "mse_loss")


def l1_loss(input, target, reduction="mean"):
    """|input - target|, averaged (or summed).

    >>> import autograd as ag, nn.functional as F
    >>> F.l1_loss(ag.tensor([1.0, -3.0]), ag.tensor([0.0, 0.0])).item()
    2.0
    """
    return _reduce((input - _same_shape(input, target, "l1_loss")).abs(), reduction, "l1_loss")


def huber_loss(input, target, reduction="mean", delta=1.0):
    """0.5 d² where |d| < delta, else delta * (|d| - 0.5 delta), for d = input - target: quadratic
    near the target, linear (robust to outliers) beyond `delta`.

    >>> import autograd as ag, nn.functional as F
    >>> F.huber_loss(ag.tensor([0.5, 3.0]), ag.tensor([0.0, 0.0]), reduction="none").tolist()
    [0.125, 2.5]
    """
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    difference = input - _same_shape(input, target, "huber_loss")
    size = difference.abs()
    losses = ag.where(size < delta, 0.5 * difference * difference, delta * (size - 0.5 * delta))
    return _reduce(losses, reduction, "huber_loss")


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    """0.5 d² / beta where |d| < beta, else |d| - 0.5 beta, for d = input - target (the Huber loss
    divided by beta; beta = 0 is the L1 loss).

    >>> import autograd as ag, nn.functional as F
    >>> F.smooth_l1_loss(ag.tensor([0.5, 3.0]), ag.tensor([0.0, 0.0]), reduction="none").tolist()
    [0.125, 2.5]
    """
    if not beta >= 0:
        raise ValueError(f"smooth_l1_loss: beta must be >= 0, got {beta}")
    difference = input - _same_shape(input, target, "smooth_l1_loss")
    size = difference.abs()
    if beta == 0:
        return _reduce(size, reduction, "smooth_l1_loss")
    losses = ag.where(size < beta, (0.5 / beta) * difference * difference, size - 0.5 * beta)
    return _reduce(losses, reduction, "smooth_l1_loss")


def kl_div(input, target, reduction="mean", log_target=False):
    """Kullback-Leibler divergence sum target * (log target - input) for log-probabilities `input`
    and probabilities `target` (log-probabilities if `log_target`), as torch's kl_div; terms with
    target 0 are 0. "batchmean" divides the sum by the batch size (the true KL per sample), "mean"
    by the number of elements.

    >>> import autograd as ag, nn.functional as F
    >>> round(F.kl_div(ag.tensor([0.5, 0.5]).log(), ag.tensor([0.5, 0.5]), reduction="sum").item(), 6)
    0.0
    """
    target = _same_shape(input, target, "kl_div")
    if log_target:
        losses = target.exp() * (target - input)
    else:
        tiny = float(np.finfo(input.dtype).tiny)
        losses = ag.where(target > 0, target * target.clamp(min=tiny).log(), 0.0) - target * input
    if reduction == "batchmean":
        return losses.sum() / (input.shape[0] if input.ndim else 1)
    return _reduce(losses, reduction, "kl_div")


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """-weight * (t log p + (1 - t) log(1 - p)) for probabilities p in [0, 1]; each log is at least
    -100 as in PyTorch (in float32 at least -87.3, the log of the smallest normal number), so p = 0
    or 1 gives a large finite loss, with gradient 0 there (PyTorch's is -1 / 1e-12).
    `weight` broadcasts to the input.

    >>> import autograd as ag, nn.functional as F
    >>> round(F.binary_cross_entropy(ag.tensor([0.5]), ag.tensor([1.0])).item(), 4)
    0.6931
    """
    target = _same_shape(input, target, "binary_cross_entropy")
    values = input.data
    if values.size and (np.nanmin(values) < 0 or np.nanmax(values) > 1):
        raise ValueError(f"binary_cross_entropy needs probabilities in [0, 1], got values from {values.min()} "
                         f"to {values.max()} (use binary_cross_entropy_with_logits for raw scores)")
    # Logs at least -100 as PyTorch; the smallest normal number first keeps the gradient finite
    # (in float32 its log, -87.3, is the floor).
    tiny = float(np.finfo(input.dtype).tiny)
    log_p, log_q = (p.clamp(min=tiny).log().clamp(min=-100.0) for p in (input, 1 - input))
    losses = -(target * log_p + (1 - target) * log_q)
    return _reduce(_weighted(losses, weight, input, "binary_cross_entropy"), reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    """Binary cross-entropy of sigmoid(input), computed stably from the logits as
    weight * (pos_weight * t * softplus(-x) + (1 - t) * softplus(x)); `pos_weight` (one value per
    class, the last dim) scales the positive term, `weight` broadcasts to the input.

    >>> import autograd as ag, nn.functional as F
    >>> round(F.binary_cross_entropy_with_logits(ag.tensor([0.0]), ag.tensor([1.0])).item(), 4)
    0.6931
    """
    name = "binary_cross_entropy_with_logits"
    target = _same_shape(input, target, name)
    positive = softplus(-input) * target
    pos_weight = _scaling(pos_weight, input, name, "pos_weight")
    if pos_weight is not None:
        positive = positive * pos_weight
    losses = positive + softplus(input) * (1 - target)
    return _reduce(_weighted(losses, weight, input, name), reduction, name)
