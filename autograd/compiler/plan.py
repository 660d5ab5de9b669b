"""Plan: the captured steps, trimmed to what a replay must do, with each slot's last use.

- Steps whose results nobody uses are dropped (an op's forward stays while its backward does:
  the backward may read what the forward kept on the op record). Steps with effects beyond
  their slots stay: accumulation into `.grad`, in-place changes, calls, and random draws (which
  advance the generator, so that replays draw the same stream as eager runs).
- Runs of elementwise steps become fused kernels (see `fusion.py`).
- A constant that something changes in place is copied afresh at every replay.
- `last_use[i]` is the index of the last step that reads slot i, so a replay can let go of
  each array as soon as it is no longer needed.
"""
from dataclasses import dataclass

from .. import kernels
from .capture import Slot
from .fusion import fuse

# Fuse runs of elementwise steps into generated numba kernels (not under AUTOGRAD_KERNELS=numpy,
# where a plan runs its steps one by one).
FUSION = kernels.BACKEND == "numba"

EFFECTS = ("leaf", "grad", "inplace", "call", "draw")


@dataclass
class Plan:
    steps: list
    inputs: tuple       # slot numbers of the function's tensor arguments, in order
    outputs: list       # references (Slot, Persistent, Constant) of the returned tensors
    last_use: dict      # slot number -> index in `steps` of its last reader


def make_plan(steps, inputs, outputs, values):
    """The `Plan` of captured `steps` for a function taking slots `inputs` and returning `outputs`;
    `values[n]` is slot n's array at capture."""
    steps = _drop_unused(steps, outputs)
    for step in steps:
        # An op's `scalar` (fusion) and its backward replay on the op record: it gets back the
        # options it was recorded with (an op run without a gradient kept none) and, for a
        # backward, its input tensors' shapes and dtypes (the values come as arguments).
        if step.kind == "op":
            step.node.options = step.options
            if step.node.seq is not None:
                step.node.inputs = step.described
    if FUSION:
        steps = fuse(steps, values, {ref.number for ref in outputs if isinstance(ref, Slot)})
    changed = {step.inputs[0].number for step in steps if step.kind == "inplace" and isinstance(step.inputs[0], Slot)}
    for step in steps:
        if step.kind == "constant":
            step.options["copy"] = step.outputs[0] in changed
    return Plan(steps, tuple(inputs), list(outputs), _last_uses(steps, outputs))


def _last_uses(steps, outputs):
    """Slot number -> the index of the last step that reads it (len(steps) for the results)."""
    last_use = {}
    for index, step in enumerate(steps):
        last_use.update((ref.number, index) for ref in step.inputs if isinstance(ref, Slot))
    last_use.update((ref.number, len(steps)) for ref in outputs if isinstance(ref, Slot))
    return last_use


def _drop_unused(steps, outputs):
    needed = {ref.number for ref in outputs if isinstance(ref, Slot)}
    kept_nodes = set()
    kept = []
    for step in reversed(steps):
        used = step.kind in EFFECTS or any(slot in needed for slot in step.outputs if slot is not None)
        if step.kind == "op" and id(step.node) in kept_nodes:
            used = True
        if not used:
            continue
        if step.kind == "backward":
            kept_nodes.add(id(step.node))
        needed.update(ref.number for ref in step.inputs if isinstance(ref, Slot))
        kept.append(step)
    return kept[::-1]
