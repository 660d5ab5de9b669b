"""Replay: a plan made runnable, with the guards under which it gives the eager results.

`Replay(plan, ...)` generates the plan's function (see `codegen.py`). Calling the replay with the new input tensors runs the function and rebuilds the result of the
original function around the fresh arrays.
"""
from ..tensor import Tensor
from . import codegen
from .capture import Persistent, Slot


class Output:
    """Where a returned tensor goes in the result's structure: the index of its array."""

    def __init__(self, index):
        self.index = index


class Replay:
    def __init__(self, plan, template, owners, name):
        self.plan = plan
        self.template = template
        self.source, namespace = codegen.generate(plan)
        exec(compile(self.source, f"<ag.compile: {name}>", "exec"), namespace)
        self.function = namespace["replay"]
        self.persistent = _persistent_tensors(plan)
        self.owners = [(owner, owner._guard_state()) for owner in owners]
        source, namespace = codegen.generate_guard(self.persistent, self.owners)
        exec(compile(source, f"<ag.compile guard: {name}>", "exec"), namespace)
        self.valid = namespace["valid"]
        """Whether every guard holds: the persistent tensors' requires_grad, shapes and dtypes,
        and the owners' snapshots (train/eval, parameter identities, parameter groups)."""

    def __call__(self, tensors):
        arrays = self.function(*tensors)
        return _build(self.template, arrays)


def _persistent_tensors(plan):
    seen = {}
    for step in plan.steps:
        for ref in step.inputs:
            if isinstance(ref, Persistent):
                seen.setdefault(id(ref.tensor), ref.tensor)
    return list(seen.values())


def _build(template, arrays):
    if isinstance(template, Output):
        return Tensor._make(arrays[template.index])
    if isinstance(template, (tuple, list)):
        return _same_kind(template, [_build(item, arrays) for item in template])
    if isinstance(template, dict):
        return {key: _build(item, arrays) for key, item in template.items()}
    return template


def _same_kind(sequence, items):
    """`items` as a sequence of the same type as `sequence` (a list, a tuple, a named tuple)."""
    if hasattr(sequence, "_fields"):
        return type(sequence)(*items)
    return type(sequence)(items)


def template_of(result, recorder):
    """The result's structure with every tensor computed in the step replaced by an `Output`, and
    the slots of those tensors, in order. A persistent tensor is returned as itself."""
    slots = []

    def walk(value):
        if isinstance(value, Tensor):
            ref = recorder.tensor_ref(value)
            if isinstance(ref, Slot):
                slots.append(ref)
                return Output(len(slots) - 1)
            return value
        if isinstance(value, (tuple, list)):
            return _same_kind(value, [walk(item) for item in value])
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        return value

    return walk(result), slots
