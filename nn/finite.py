"""What `fit` says when a loss is not finite: where the first NaN or infinity came from.

>>> import autograd as ag
>>> x = ag.zeros(4, 3); x.data[2, 1] = float("nan")
>>> first_nonfinite(x)
'element 2 of the batch holds nan (at index (2, 1))'
"""
import numpy as np

import autograd as ag

POLICIES = ("raise", "stop", "ignore")


class NonFiniteLoss(FloatingPointError):
    """A loss was NaN or infinite during `fit` (with nonfinite="raise", the default)."""


def first_nonfinite(batch):
    """Which element of `batch` (a tensor or array, or a tuple of them) first holds a NaN or an
    infinity, in words; None if all of it is finite (or not floating-point)."""
    parts = batch if isinstance(batch, (tuple, list)) else (batch,)
    for number, part in enumerate(parts):
        array = part.data if isinstance(part, ag.Tensor) else np.asarray(part)
        if array.dtype.kind != "f" or array.ndim == 0:
            continue
        bad = np.argwhere(~np.isfinite(array))
        if len(bad):
            index = tuple(int(i) for i in bad[0])
            which = f"part {number} of " if len(parts) > 1 else ""
            return f"element {index[0]} of {which}the batch holds {array[index]} (at index {index})"
    return None


def nonfinite_parameters(model):
    """The names of `model`'s parameters that hold a NaN or an infinity."""
    named = model.named_parameters() if hasattr(model, "named_parameters") else ()
    return [name for name, p in named if not np.isfinite(p.data).all()]


def explain(value, where, inputs, target, model):
    """The message for a non-finite loss `value` found `where` (e.g. "epoch 1, step 3")."""
    found = first_nonfinite(inputs)
    if found is not None:
        return f"the loss is {value} at {where}: in its inputs, {found}"
    found = first_nonfinite(target)
    if found is not None:
        return f"the loss is {value} at {where}: in its targets, {found}"
    broken = nonfinite_parameters(model)
    if broken:
        return (f"the loss is {value} at {where}: its inputs are finite but the parameters {broken} are not "
                "(an earlier step diverged: try a smaller learning rate or clipping the gradients)")
    return f"the loss is {value} at {where}, with finite inputs, targets and parameters"
