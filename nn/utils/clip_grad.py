"""Gradient clipping, in place on `.grad` (between `backward()` and the optimiser's `step()`)."""
import math

import numpy as np

import autograd as ag


def _with_grads(parameters):
    if isinstance(parameters, ag.Tensor):
        parameters = [parameters]
    return [p for p in parameters if p.grad is not None]


@ag.capture_as_call
def clip_grad_norm_(parameters, max_norm, norm_type=2.0):
    """Scale all gradients together so that their joint norm (all gradients seen as one vector)
    is at most `max_norm`; the direction is kept. Returns the norm before clipping, as a 0-d
    tensor. As PyTorch, the scale is max_norm / (norm + 1e-6) and is applied only when below 1.

    >>> import autograd as ag, nn
    >>> w = ag.zeros(2, requires_grad=True); w.grad = ag.tensor([3.0, 4.0])
    >>> nn.utils.clip_grad_norm_([w], 1.0).item(), [round(g, 3) for g in w.grad.tolist()]
    (5.0, [0.6, 0.8])
    """
    if max_norm < 0:
        raise ValueError(f"clip_grad_norm_: max_norm must be >= 0, got {max_norm}")
    grads = [p.grad.data for p in _with_grads(parameters)]
    if not grads:
        return ag.tensor(0.0)
    norm_type = float(norm_type)
    if math.isinf(norm_type):
        total = max(float(np.abs(g).max()) if g.size else 0.0 for g in grads)
    elif norm_type > 0:
        total = sum(float(np.sum(np.abs(g, dtype=np.float64) ** norm_type)) for g in grads) ** (1 / norm_type)
    else:
        raise ValueError(f"clip_grad_norm_: norm_type must be > 0 or inf, got {norm_type}")
    scale = max_norm / (total + 1e-6)
    if scale < 1:
        for g in grads:
            g *= g.dtype.type(scale)
    return ag.tensor(total, dtype=grads[0].dtype)


@ag.capture_as_call
def clip_grad_value_(parameters, clip_value):
    """Clamp every gradient element to [-clip_value, clip_value] (this can change the direction).

    >>> import autograd as ag, nn
    >>> w = ag.zeros(2, requires_grad=True); w.grad = ag.tensor([3.0, -0.5])
    >>> nn.utils.clip_grad_value_([w], 1.0); w.grad.tolist()
    [1.0, -0.5]
    """
    if clip_value < 0:
        raise ValueError(f"clip_grad_value_: clip_value must be >= 0, got {clip_value}")
    for p in _with_grads(parameters):
        np.clip(p.grad.data, -clip_value, clip_value, out=p.grad.data)
