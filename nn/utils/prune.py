"""Magnitude pruning, as `torch.nn.utils.prune`: a pruned parameter `name` becomes `name_orig`
(still learnt) times a fixed 0/1 buffer `name_mask`, recomputed before every forward, so the
pruned weights stay exactly zero through training and get zero gradient.

>>> import autograd as ag, nn
>>> layer = nn.utils.prune.l1_unstructured(nn.Linear(10, 10), "weight", amount=0.3)
>>> int((layer.weight.data == 0).sum())
30
"""
import numpy as np

import autograd as ag

from ..parameter import Parameter


class _Reapply:
    """The forward pre-hook that recomputes `module.name` from the original and the mask."""

    def __init__(self, name):
        self.name = name

    def __call__(self, module, args):
        original, mask = getattr(module, self.name + "_orig"), getattr(module, self.name + "_mask")
        object.__setattr__(module, self.name, original * mask)


def _count(amount, size):
    if isinstance(amount, float) and 0 <= amount <= 1:
        return round(amount * size)
    if isinstance(amount, int) and not isinstance(amount, bool) and 0 <= amount <= size:
        return amount
    raise ValueError(f"amount must be a fraction in [0, 1] or a count in [0, {size}], got {amount!r}")


def l1_unstructured(module, name, amount):
    """Zero the `amount` (a fraction, or a count) of entries of `module.<name>` with the smallest
    magnitude — counted over the entries not pruned yet, so pruning can be repeated. Returns the
    module."""
    if is_pruned(module, name):
        original, mask = getattr(module, name + "_orig"), getattr(module, name + "_mask")
    else:
        original = module._parameters.get(name)
        if original is None:
            raise ValueError(f"{type(module).__name__} has no parameter {name!r} to prune")
        mask = ag.ones_like(original)
    alive = np.flatnonzero(mask.data.reshape(-1))
    count = _count(amount, alive.size)
    if count:
        magnitudes = np.abs(original.data.reshape(-1)[alive])
        mask.data.reshape(-1)[alive[np.argsort(magnitudes, kind="stable")[:count]]] = 0
        mask.mark_changed()
    if not is_pruned(module, name):
        del module._parameters[name]
        module.register_parameter(name + "_orig", original)
        module.register_buffer(name + "_mask", mask)
        hook = _Reapply(name)
        module._pruning_handles = getattr(module, "_pruning_handles", {})
        module._pruning_handles[name] = module.register_forward_pre_hook(hook)
    _Reapply(name)(module, ())
    return module


def is_pruned(module, name):
    """Whether `module.<name>` is currently pruned."""
    return name + "_mask" in module._buffers


def remove(module, name):
    """Make the pruning permanent: `name` becomes an ordinary parameter again, with its zeros."""
    if not is_pruned(module, name):
        raise ValueError(f"{type(module).__name__}.{name} is not pruned")
    with ag.no_grad():
        weight = Parameter(getattr(module, name + "_orig") * getattr(module, name + "_mask"))
    module._pruning_handles.pop(name).remove()
    delattr(module, name + "_orig")
    delattr(module, name + "_mask")
    object.__delattr__(module, name)
    module.register_parameter(name, weight)
    return module


def sparsity(module, name="weight"):
    """The fraction of zeros in `module.<name>`."""
    values = getattr(module, name).data
    return float((values == 0).mean())
