"""Code generation: a plan becomes one Python function that runs its steps on local variables.

Each slot is a local (`s12`); a persistent tensor is read as `p3.data` where it is used; the
functions, options and constants a step needs are bound by name in the function's globals. Every
local is deleted right after its last use, so arrays are freed as early as in an eager step. The
generated source is kept on the replay (`source`) for reading and debugging.
"""
import hashlib
import importlib.util
import math
import os
import pathlib
import sys

import numpy as np

from .. import backends, creation
from ..tensor import Tensor
from .capture import Argument, Persistent, Slot


def generate(plan):
    """(source, namespace) of a function `replay(t0, t1, ...)` of the tensor arguments, returning
    the arrays of the output slots."""
    writer = _Writer()
    lines = [f"def replay({', '.join(f't{k}' for k in range(len(plan.inputs)))}):"]
    lines += [f"    s{n} = t{k}.data" for k, n in enumerate(plan.inputs)]
    for index, step in enumerate(plan.steps):
        lines.append("    " + writer.line(step))
        freed = sorted({r.number for r in step.inputs if isinstance(r, Slot) and plan.last_use.get(r.number) == index})
        freed += [n for n in step.outputs if n is not None and n not in plan.last_use]
        if freed:
            lines.append("    del " + ", ".join(f"s{n}" for n in freed))
    lines.append("    return (" + "".join(writer.ref(r) + ", " for r in plan.outputs) + ")")
    return "\n".join(lines) + "\n", writer.namespace


class _Writer:
    """Writes one step as one line of Python, a method per step kind (see `capture.Step`), and
    binds what the lines use by name in `namespace`."""

    def __init__(self):
        self.namespace = {"NP": backends.NumpyBackend, "asarray": np.asarray, "RANDOM": creation._Random,
                          "TENSOR": Tensor._make, "EMPTY": np.empty}
        self.names = {}

    def bind(self, value, prefix):
        """The name under which `value` is in the namespace (a function, constant, tensor...)."""
        key = (prefix, id(value))
        if key not in self.names:
            self.names[key] = f"{prefix}{len(self.names)}"
            self.namespace[self.names[key]] = value
        return self.names[key]

    def ref(self, reference):
        """The expression for an array a step reads."""
        if isinstance(reference, Slot):
            return f"s{reference.number}"
        if isinstance(reference, (Persistent, Argument)):
            return self.holder(reference) + ".data"
        return self.bind(reference.value, "c")

    def holder(self, reference):
        """The expression for a tensor whose `.grad` a step sets."""
        return f"t{reference.number}" if isinstance(reference, Argument) else self.bind(reference.tensor, "p")

    def line(self, step):
        self.inputs = [self.ref(r) for r in step.inputs]
        self.out = f"s{step.outputs[0]}" if step.outputs and step.outputs[0] is not None else None
        return getattr(self, step.kind)(step)

    def function(self, step):
        return self.bind(step.function, "f")

    def op(self, step):
        options = [f"{name}={self.bind(value, 'c')}" for name, value in step.options.items()]
        call = f"{self.function(step)}({', '.join(self.inputs + options)})"
        return f"{self.out} = asarray({call})" if step.zero_d else f"{self.out} = {call}"

    def backward(self, step):
        targets = ", ".join("_" if n is None else f"s{n}" for n in step.outputs) + ","
        return f"{targets} = {self.function(step)}(NP, {', '.join(self.inputs)})"

    def route(self, step):
        arguments = ", ".join(self.bind(v, "c") for v in step.options.values())
        return f"{self.out} = {self.function(step)}(NP, {self.inputs[0]}, {arguments})"

    def add(self, step):
        return f"{self.out} = {self.inputs[0]} + {self.inputs[1]}"

    def leaf(self, step):
        return f"{self.function(step)}({self.holder(step.inputs[0])}, {self.inputs[1]}, {step.options['fresh']})"

    def grad(self, step):
        value = "None"
        if len(step.inputs) > 1:
            source = step.inputs[1]
            value = self.bind(source.tensor, "p") if isinstance(source, Persistent) else f"TENSOR({self.inputs[1]})"
        return f"{self.holder(step.inputs[0])}._grad = {value}"

    def inplace(self, step):
        target = self.inputs[0]
        line = f"{self.function(step)}({target}, {self.inputs[1]}, out={target}, casting='same_kind')"
        if isinstance(step.inputs[0], Persistent):  # as the eager in-place op: mark the change
            line += f"; {self.bind(step.inputs[0].tensor, 'p')}.mark_changed()"
        return line

    def draw(self, step):
        arguments = ", ".join(f"{k}={self.bind(v, 'c')}" for k, v in step.options.items())
        return f"{self.out} = RANDOM.generator.{step.function}({arguments})"

    def constant(self, step):
        value = self.bind(step.options["value"], "c")
        return f"{self.out} = {value}.copy()" if step.options["copy"] else f"{self.out} = {value}"

    def call(self, step):
        call = (f"{self.function(step)}(*{self.bind(step.options['args'], 'c')}, "
                f"**{self.bind(step.options['kwargs'], 'c')})")
        return f"{self.out} = {call}.data" if self.out else call

    def fused(self, step):
        group = step.function
        outputs = [f"s{n}" for n in group.outputs]
        shapes = [() if result.op == "total" else group.shape for result in group.results]
        made = "".join(f"{o} = EMPTY({self.bind(shape, 'c')}, {self.bind(group.dtype, 'c')}); "
                       for o, shape in zip(outputs, shapes))
        flat = ", ".join(f"{a}.reshape(-1)" for a in self.inputs + outputs)
        kernel = self.bind(load_kernel(kernel_source(group)), "k")
        return f"{made}{kernel}({int(np.prod(group.shape))}, {flat})"


def generate_guard(tensors, owners):
    """(source, namespace) of `valid()`: whether `tensors` still have the requires_grad, shape and
    dtype they had at capture, and each (owner, snapshot) of `owners` the same `_guard_state()`."""
    namespace = {}
    checks = []
    for number, tensor in enumerate(tensors):
        namespace[f"p{number}"], namespace[f"shape{number}"] = tensor, tensor.data.shape
        namespace[f"dtype{number}"] = tensor.data.dtype
        checks.append(f"p{number}.requires_grad is {tensor.requires_grad} and p{number}.data.shape == shape{number} "
                      f"and p{number}.data.dtype == dtype{number}")
    by_epoch = {}
    for number, (owner, state) in enumerate(owners):
        epoch = getattr(owner, "_guard_epoch", None)
        if epoch is None:
            namespace[f"o{number}"], namespace[f"state{number}"] = owner, state
            checks.append(f"o{number}._guard_state() == state{number}")
        else:
            by_epoch.setdefault(epoch, []).append((owner, state))
    for number, (epoch, snapshots) in enumerate(by_epoch.items()):
        namespace[f"epoch{number}"], namespace[f"recheck{number}"] = epoch, _Recheck(epoch, snapshots)
        checks.append(f"(epoch{number}() == recheck{number}.epoch or recheck{number}())")
    body = "\n        and ".join(checks) or "True"
    return f"def valid():\n    return (\n        {body}\n    )\n", namespace


class _Recheck:
    """The guard of owners that share an epoch (`_guard_epoch()`, a count that moves whenever any
    of their `_guard_state()`s may have changed, as for modules): while it has not moved they are
    unchanged; when it has, their snapshots are compared, and if all still hold the new epoch is
    remembered."""

    def __init__(self, epoch, snapshots):
        self.epoch_of = epoch
        self.epoch = epoch()
        self.snapshots = snapshots

    def __call__(self):
        if all(owner._guard_state() == state for owner, state in self.snapshots):
            self.epoch = self.epoch_of()
            return True
        return False

# --- fused kernels ----------------------------------------------------------------------------
KERNEL_HEADER = '''"""A fused elementwise kernel generated by autograd.compiler (see fusion.py)."""
import math

import numpy as np
from numba import njit

JIT = dict(cache=True, error_model="numpy", fastmath={"arcp", "contract"})


@njit(inline="always")
def maximum(a, b):
    return a if a >= b or a != a else b


@njit(inline="always")
def minimum(a, b):
    return a if a <= b or a != a else b


@njit(**JIT)
'''
INFIX = {"+", "-", "*", "/", "**", ">", ">=", "<", "<=", "==", "!="}
CALLS = {"exp": "np.exp", "expm1": "np.expm1", "log": "np.log", "log1p": "np.log1p", "sqrt": "np.sqrt",
         "sin": "np.sin", "cos": "np.cos", "tanh": "np.tanh", "abs": "np.abs", "sign": "np.sign",
         "maximum": "maximum", "minimum": "minimum", "erf": "math.erf"}
CALLS.update({name: f"np.{name}" for name in (  # ops/math.py
    "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "arcsinh", "arccosh", "arctanh", "log2", "log10", "exp2",
    "floor", "ceil", "trunc", "rint", "copysign", "fmod", "remainder", "floor_divide")})


def _number(value):
    """`value` as a float literal numba reads (it knows no `inf` or `nan` name)."""
    value = float(value)
    if math.isnan(value):
        return "np.nan"
    if math.isinf(value):
        return "np.inf" if value > 0 else "-np.inf"
    return repr(value)


def kernel_source(group):
    """The numba source of `group`'s loop: `kernel(n, in0, in1, ..., out0, ...)` over flat arrays
    (0-d inputs and totals come as one-element arrays; a total adds up in float64)."""
    dtype = f"np.{group.dtype.name}"
    names = {}
    body = []

    def emit(sym):
        if id(sym) in names:
            return names[id(sym)]
        op, args = sym.op, sym.args
        if op == "in":
            k = args[0]
            expression = f"in{k}[0]" if group.input_is_scalar[k] else f"in{k}[i]"
        elif op == "const":
            value = args[0]
            expression = repr(value) if isinstance(value, (bool, np.bool_)) else f"{dtype}({_number(value)})"
        else:
            operands = [emit(a) for a in args]
            if op in INFIX:
                expression = f"{operands[0]} {op} {operands[1]}"
            elif op in ("and", "or"):
                expression = f"{operands[0]} {op} {operands[1]}"
            elif op == "neg":
                expression = f"-{operands[0]}"
            elif op == "where":
                expression = f"{operands[1]} if {operands[0]} else {operands[2]}"
            elif op == "sigmoid":
                expression = f"{dtype}(1.0) / ({dtype}(1.0) + np.exp(-{operands[0]}))"
            else:
                expression = f"{CALLS[op]}({', '.join(operands)})"
        names[id(sym)] = name = f"v{len(names)}"
        body.append(f"        {name} = {expression}")
        return name

    starts, stores, ends = [], [], []
    for k, result in enumerate(group.results):
        if result.op == "total":
            starts.append(f"    total{k} = 0.0")
            stores.append(f"        total{k} += {emit(result.args[0])}")
            ends.append(f"    out{k}[0] = total{k}")
        else:
            stores.append(f"        out{k}[i] = {emit(result)}")
    arguments = [f"in{k}" for k in range(len(group.inputs))] + [f"out{k}" for k in range(len(group.outputs))]
    return (KERNEL_HEADER + f"def kernel(n, {', '.join(arguments)}):\n"
            + "".join(line + "\n" for line in starts) + "    for i in range(n):\n"
            + "\n".join(body + stores) + "\n" + "".join(line + "\n" for line in ends))


def load_kernel(source):
    """The compiled `kernel` of `source`: written once to a file in the cache folder (numba caches
    only functions that live in a file) and imported from there."""
    name = "fused_" + hashlib.sha1(source.encode()).hexdigest()[:20]
    folder = pathlib.Path(os.environ.get("TAPEGRAD_CACHE", pathlib.Path.home() / ".cache" / "tapegrad")) / "kernels"
    path = folder / f"{name}.py"
    if not path.exists() or path.read_text() != source:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(source)
        os.replace(temporary, path)  # atomic: another process may be loading the same kernel
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # numba's cache finds the kernel's module by name
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]  # not half-loaded for the next caller
            raise
    return module.kernel
