"""Code generation: a plan becomes one Python function that runs its steps on local variables.

Each slot is a local (`s12`); a persistent tensor is read as `p3.data` where it is used; the
functions, options and constants a step needs are bound by name in the function's globals. Every
local is deleted right after its last use, so arrays are freed as early as in an eager step. The
generated source is kept on the replay (`source`) for reading and debugging.
"""
import numpy as np

from .. import backends, creation
from ..tensor import Tensor
from .capture import Argument, Persistent, Slot


def generate(plan):
    """(source, namespace) of a function `replay(t0, t1, ...)` of the tensor arguments, returning
    the arrays of the output slots."""
    namespace = {"NP": backends.NumpyBackend, "asarray": np.asarray, "RANDOM": creation._Random,
                 "TENSOR": Tensor._make}
    names = {}

    def bind(value, prefix):
        key = (prefix, id(value))
        if key not in names:
            names[key] = f"{prefix}{len(names)}"
            namespace[names[key]] = value
        return names[key]

    def ref(reference):
        if isinstance(reference, Slot):
            return f"s{reference.number}"
        if isinstance(reference, (Persistent, Argument)):
            return holder(reference) + ".data"
        return bind(reference.value, "c")

    def holder(reference):
        return f"t{reference.number}" if isinstance(reference, Argument) else bind(reference.tensor, "p")

    lines = [f"def replay({', '.join(f't{k}' for k in range(len(plan.inputs)))}):"]
    lines += [f"    s{n} = t{k}.data" for k, n in enumerate(plan.inputs)]
    for index, step in enumerate(plan.steps):
        lines.append("    " + _line(step, ref, bind, holder))
        freed = sorted({r.number for r in step.inputs if isinstance(r, Slot) and plan.last_use.get(r.number) == index})
        freed += [n for n in step.outputs if n is not None and n not in plan.last_use]
        if freed:
            lines.append("    del " + ", ".join(f"s{n}" for n in freed))
    lines.append("    return (" + "".join(ref(r) + ", " for r in plan.outputs) + ")")
    return "\n".join(lines) + "\n", namespace


def _line(step, ref, bind, holder):
    inputs = [ref(r) for r in step.inputs]
    out = f"s{step.outputs[0]}" if step.outputs and step.outputs[0] is not None else None
    kind = step.kind
    if kind == "op":
        options = [f"{name}={bind(value, 'c')}" for name, value in step.options.items()]
        call = f"{bind(step.function, 'f')}({', '.join(inputs + options)})"
        return f"{out} = asarray({call})" if step.zero_d else f"{out} = {call}"
    if kind == "backward":
        targets = ", ".join("_" if n is None else f"s{n}" for n in step.outputs) + ","
        return f"{targets} = {bind(step.function, 'f')}(NP, {', '.join(inputs)})"
    if kind == "route":
        arguments = ", ".join(bind(v, "c") for v in step.options.values())
        return f"{out} = {bind(step.function, 'f')}(NP, {inputs[0]}, {arguments})"
    if kind == "add":
        return f"{out} = {inputs[0]} + {inputs[1]}"
    if kind == "leaf":
        return f"{bind(step.function, 'f')}({holder(step.inputs[0])}, {inputs[1]}, {step.options['fresh']})"
    if kind == "grad":
        value = "None"
        if len(step.inputs) > 1:
            source = step.inputs[1]
            value = bind(source.tensor, "p") if isinstance(source, Persistent) else f"TENSOR({inputs[1]})"
        return f"{holder(step.inputs[0])}._grad = {value}"
    if kind == "inplace":
        target = inputs[0]
        line = f"{bind(step.function, 'f')}({target}, {inputs[1]}, out={target}, casting='same_kind')"
        if isinstance(step.inputs[0], Persistent):  # as the eager in-place op: mark the change
            line += f"; {bind(step.inputs[0].tensor, 'p')}._bump_version()"
        return line
    if kind == "draw":
        arguments = ", ".join(f"{k}={bind(v, 'c')}" for k, v in step.options.items())
        return f"{out} = RANDOM.generator.{step.function}({arguments})"
    if kind == "constant":
        value = bind(step.options["value"], "c")
        return f"{out} = {value}.copy()" if step.options["copy"] else f"{out} = {value}"
    if kind == "call":
        call = f"{bind(step.function, 'f')}(*{bind(step.options['args'], 'c')}, **{bind(step.options['kwargs'], 'c')})"
        return f"{out} = {call}.data" if out else call
    raise ValueError(f"unknown step kind {kind!r}")

