"""Fusion: runs of elementwise steps become one loop over their elements (a generated kernel).

An elementwise op says what it computes on one element in `scalar(xp, *inputs)`, written with
operators and the functions of `SymbolicBackend`. Its backward needs nothing new: the op's own
`backward` runs on `Sym`bols instead of arrays (`SymbolicBackend` stands in for the numpy
backend), which writes down the gradient's expression. So one rule, written once in `ops/`,
serves the eager engine, `create_graph` and the fused kernels.

A fusion group is a run of consecutive fusible steps over arrays of one shape and one floating
dtype (0-d operands are read as scalars). Inside a group values stay in registers; a value is
written to memory only when a step outside the group (or the function's result) reads it. A
group reading a value that another group computed recomputes it from that group's inputs rather
than loading it (the saved activations of a chain of elementwise ops are never stored).

A sum of every element (an op that `fuses_as_total`, with a 0-d result) may end a run, as a
running total of the loop (in float64), on up to `MAX_TOTAL` elements: a sum of squares is one
pass, not two. Its backward, the 0-d gradient at every element, joins a run that reads it as a
scalar, at any size.

A loop pays where it saves numpy calls and passes over memory. numba computes a transcendental
function one element at a time where numpy's is vectorised, so a loop calling one pays only up
to a size (`LOOP_LIMITS`); past it that op is left to numpy, and the steps around it make loops
of their own.
"""
import math
from dataclasses import dataclass, field

import numpy as np

from .. import backends
from .capture import Slot, Step

# A lone op gets a kernel of its own only when numpy takes several passes for it and the loop has
# no transcendental function, where numpy's vectorised ones are faster than numba's (a tanh or
# sigmoid backward at batch 1: 6-8 us of numpy calls, 2.5 us as a kernel).
MIN_GROUP = 2
LONE_OPERATIONS = 2
ARITHMETIC = {"+", "-", "*", "/", ">", ">=", "<", "<=", "==", "!=", "and", "or", "neg", "where", "maximum", "minimum",
              "abs", "sign", "total"}
# A running total adds one element at a time, where numpy's sum adds several at once: a compiled
# sum of squares with its backward is 1.3-1.6x faster fused up to 1,024 elements, 1.1-1.3x at
# 4,096, and 0.75-0.96x from 8,192 on (bench_kernels.py, fused-totals table, three runs).
MAX_TOTAL = 4096
# Up to how many elements a loop calling one of these functions beats leaving that function to
# numpy between loops of the rest (numpy's vectorised version outruns numba's scalar one by more
# than a call costs): the largest power of two at which the loop was still as fast, in
# bench_kernels.py's last table (exp2, cos, log2 and log10 taken as their measured kin). With no
# limit, a tanh in a loop over 16,384 elements took 7.2-7.4x the time of the loops around
# numpy's tanh. Other functions (sqrt, pow, floor, arctan, sinh, cosh...) paid or broke even in a
# loop at every size up to 65,536 elements.
LOOP_LIMITS = {"tanh": 64, "expm1": 128, "exp": 256, "exp2": 256, "tan": 256, "erf": 1024, "sigmoid": 1024,
               "log": 2048, "log2": 2048, "log10": 2048, "log1p": 2048, "sin": 2048, "cos": 2048}


class Sym:
    """One value of the fused loop's body: an operation on other `Sym`s (or a leaf: an input,
    a constant). Operators build the expression; nothing is computed."""

    __slots__ = ("op", "args", "__weakref__")
    __array_ufunc__ = None   # `ndarray * Sym` goes to Sym's reflected operator

    def __init__(self, op, *args):
        self.op, self.args = op, args

    def _binary(op, reflected=False):
        def method(self, other):
            other = other if isinstance(other, Sym) else _constant(other)
            return Sym(op, other, self) if reflected else Sym(op, self, other)
        return method

    __add__, __radd__ = _binary("+"), _binary("+", True)
    __sub__, __rsub__ = _binary("-"), _binary("-", True)
    __mul__, __rmul__ = _binary("*"), _binary("*", True)
    __truediv__, __rtruediv__ = _binary("/"), _binary("/", True)
    __pow__, __rpow__ = _binary("**"), _binary("**", True)
    __gt__, __ge__, __lt__, __le__ = _binary(">"), _binary(">="), _binary("<"), _binary("<=")
    __eq__, __ne__ = _binary("=="), _binary("!=")
    __and__, __or__ = _binary("and"), _binary("or")
    __hash__ = object.__hash__
    del _binary

    def __neg__(self):
        return Sym("neg", self)

    def __bool__(self):
        raise TypeError("a fused expression has no truth value")


def _constant(value):
    if isinstance(value, np.ndarray):
        if value.ndim:
            raise TypeError("an array constant cannot enter a fused loop")
        value = value.item()
    if not isinstance(value, (bool, int, float, np.number)):
        raise TypeError(f"cannot fuse a constant of type {type(value).__name__}")
    return Sym("const", value)


def _call(name):
    return staticmethod(lambda *args: Sym(name, *[a if isinstance(a, Sym) else _constant(a) for a in args]))


class SymbolicBackend:
    """The backend functions (see `backends.NumpyBackend`) on `Sym`s, and the math an op's
    `scalar` may use. A backward that needs anything else (a reshape, a sum) is not fusible."""

    where = _call("where")
    exp, expm1, log, log1p, sqrt = _call("exp"), _call("expm1"), _call("log"), _call("log1p"), _call("sqrt")
    sin, cos, tanh, abs, sign = _call("sin"), _call("cos"), _call("tanh"), _call("abs"), _call("sign")
    maximum, minimum = _call("maximum"), _call("minimum")
    sigmoid = _call("sigmoid")
    # ops/math.py
    tan, arcsin, arccos, arctan = _call("tan"), _call("arcsin"), _call("arccos"), _call("arctan")
    sinh, cosh, arcsinh, arccosh, arctanh = (_call("sinh"), _call("cosh"), _call("arcsinh"), _call("arccosh"),
                                             _call("arctanh"))
    log2, log10, exp2, erf = _call("log2"), _call("log10"), _call("exp2"), _call("erf")
    floor, ceil, trunc, rint = _call("floor"), _call("ceil"), _call("trunc"), _call("rint")
    copysign, fmod, remainder, floor_divide = (_call("copysign"), _call("fmod"), _call("remainder"),
                                               _call("floor_divide"))
    zeros_like = staticmethod(lambda x: _constant(0.0))
    # Written with operators only, so they build expressions from Syms as they are.
    relu_backward = staticmethod(backends.TensorBackend.relu_backward)
    sigmoid_backward = staticmethod(backends.TensorBackend.sigmoid_backward)
    tanh_backward = staticmethod(backends.TensorBackend.tanh_backward)


@dataclass
class Group:
    """A fused run of steps: what the kernel reads, what it writes, and the expressions of what
    it writes (over `Sym("in", k)` leaves for its k-th input)."""
    shape: tuple
    dtype: np.dtype
    steps: list = field(default_factory=list)
    inputs: list = field(default_factory=list)    # references (Slot, Persistent, Argument, array Constant)
    input_is_scalar: list = field(default_factory=list)  # per input: 0-d, read as in[0]
    made: dict = field(default_factory=dict)      # slot -> Sym, for every slot the run makes
    outputs: list = field(default_factory=list)   # the slots written to memory
    results: list = field(default_factory=list)   # a Sym per output


def fuse(steps, values, kept):
    """`steps` with each fusible run replaced by one "fused" step (see `Group`).

    `values[n]` is slot n's array at capture (its shape and dtype); `kept` holds the slots the
    function returns, which must be written to memory whoever makes them.
    """
    groups = _groups(steps, values)
    fused = {id(step) for group in groups for step in group.steps}
    _choose_outputs(groups, [step for step in steps if id(step) not in fused], kept)
    # A group none of whose values is read from memory (its readers all recompute them) has
    # nothing left to do: its steps go, and no kernel is made.
    groups = [group for group in groups if group.outputs]
    first = {id(group.steps[0]): Step("fused", group, tuple(group.inputs), tuple(group.outputs)) for group in groups}
    return [first.get(id(step), step) for step in steps if id(step) not in fused or id(step) in first]


def _choose_outputs(groups, unfused, kept):
    """Give each group the slots it must write to memory: what the function returns (`kept`),
    what an unfused step reads, and what another group loads rather than recomputes."""
    needed = set(kept)
    for reader in unfused + [Step("fused", None, tuple(group.inputs), ()) for group in groups]:
        needed.update(ref.number for ref in reader.inputs if isinstance(ref, Slot))
    for group in groups:
        for number, sym in sorted(group.made.items()):
            if number in needed:
                group.outputs.append(number)
                group.results.append(sym)


def _groups(steps, values):
    """A `Group` for each run of fusible steps whose expressions could be traced."""
    runs = _runs(steps, values)
    position = {id(step): index for index, step in enumerate(steps)}
    effects = [position[id(step)] for step in steps if step.kind in ("inplace", "call", "leaf", "grad")]
    # Only runs that become kernels whatever their expressions (of several steps) offer their
    # values for recomputing: a lone op left to numpy (a tanh) is loaded, not computed again.
    made_by = {n: step for run in runs if len(run) >= MIN_GROUP for step in run
               for n in step.outputs if n is not None}
    groups = [_build(run, values, made_by, position, effects) for run in runs]
    return [group for group in groups if group and (len(group.steps) >= MIN_GROUP or _worth_a_kernel(group))]


def _worth_a_kernel(group):
    """Whether a lone op's loop pays: LONE_OPERATIONS or more operations, all of them arithmetic."""
    operations = _operations(group.made.values())
    return len(operations) >= LONE_OPERATIONS and all(op in ARITHMETIC for op in operations)


def _operations(syms):
    """The operation of each distinct `Sym` that `syms` are made of (not counting leaves)."""
    return [sym.op for sym in _syms(syms) if sym.op not in ("in", "const")]


def _syms(roots):
    """Every distinct `Sym` that `roots` are made of, leaves included."""
    seen, stack, found = set(), list(roots), []
    while stack:
        sym = stack.pop()
        if not isinstance(sym, Sym) or id(sym) in seen:
            continue
        seen.add(id(sym))
        found.append(sym)
        if sym.op not in ("in", "const"):
            stack.extend(sym.args)
    return found


def _beyond_loop_limits(step, elements):
    """Whether `step` (traced on its own) calls a function of `LOOP_LIMITS` on more elements than
    that function's limit: then numpy runs it, and the steps around it make loops of their own."""
    if elements <= min(LOOP_LIMITS.values()):
        return False
    try:
        syms = _trace(step, lambda ref: Sym("in", 0))
    except (TypeError, AttributeError, KeyError, IndexError, ValueError, RecursionError):
        return False  # (not fusible at all: building its run finds that)
    return any(elements > LOOP_LIMITS.get(op, elements) for op in _operations(syms))


def _runs(steps, values):
    """The runs of consecutive fusible steps over one (shape, dtype); a total ends its run, and
    a step calling a function beyond its loop limit is left out of any."""
    runs, run = [], []
    for step in steps:
        space = _space(step, values)
        if space is not None and _beyond_loop_limits(step, math.prod(space[0])):
            space = None
        if space is not None and run and space == _space(run[0], values):
            run.append(step)
        else:
            runs.append(run)
            run = [step] if space is not None else []
        if _is_total(step):
            runs.append(run)
            run = []
    runs.append(run)
    return [run for run in runs if run]


def _sums_everything(step):
    """Whether `step` is the forward or backward of a sum that may fuse as a total."""
    return step.kind in ("op", "backward") and getattr(step.node, "fuses_as_total", False)


def _is_total(step):
    """Whether `step` is the forward of a sum of the kind that, once in a run, ends it."""
    return step.kind == "op" and _sums_everything(step)


def _total_space(step, values):
    """(shape, dtype) of the elements a sum of all of them (forward or backward) runs over, if
    it is one that fuses (see the module's docstring); else None."""
    if step.kind == "op":
        elements, total = _array(step.inputs[0], values), values[step.outputs[0]]
    elif step.outputs[0] is not None:
        total, elements = _array(step.inputs[0], values), values[step.outputs[0]]
    else:
        return None
    if elements is None or total is None or total.shape != () or elements.dtype.kind != "f":
        return None
    if step.kind == "op" and elements.size > MAX_TOTAL:
        return None
    return elements.shape, elements.dtype


def _space(step, values):
    """(shape, dtype) of the elements a fusible step works on, or None if it is not fusible."""
    if _sums_everything(step):
        return _total_space(step, values)
    if not (step.kind == "add" or step.kind in ("op", "backward") and hasattr(step.node, "scalar")):
        return None
    outputs = [values[n] for n in step.outputs if n is not None]
    if not outputs or outputs[0].dtype.kind != "f":
        return None
    out = outputs[0]
    arrays = outputs + [_array(ref, values) for ref in step.inputs]
    for array in arrays:
        if array is None:
            continue
        if array.shape not in (out.shape, ()) or array.dtype not in (out.dtype, np.bool_):
            return None
    return out.shape, out.dtype


def _array(ref, values):
    if isinstance(ref, Slot):
        return values[ref.number]
    if hasattr(ref, "tensor"):
        return ref.tensor.data
    return ref.value if isinstance(ref.value, np.ndarray) else None


def _build(run, values, made_by, position, effects):
    group = Group(*_space(run[0], values), list(run))  # (a total's result is 0-d: not its space)
    made_by = {**made_by, **{n: step for step in run for n in step.outputs if n is not None}}
    start = position[id(run[0])]
    members = {id(step) for step in run}
    leaves = {}        # what a reference names -> Sym("in", k)
    computed = {}      # slot -> Sym

    def leaf(ref):
        key = (type(ref).__name__, getattr(ref, "number", None), id(getattr(ref, "tensor", getattr(ref, "value", None))))
        if key not in leaves:
            leaves[key] = Sym("in", len(group.inputs))
            group.inputs.append(ref)
            group.input_is_scalar.append(_array(ref, values).ndim == 0)
        return leaves[key]

    def value(ref):
        if isinstance(ref, Slot):
            maker = made_by.get(ref.number)
            # Recompute a value another group made, unless something with effects ran since, it
            # is a total (which only its own loop computes), or it has another shape (a 0-d value
            # would be computed again at every element).
            if maker is not None and (id(maker) in members or not _is_total(maker)
                                      and values[ref.number].shape == group.shape
                                      and not any(position[id(maker)] < e < start for e in effects)):
                return symbol_of(ref.number)
            return leaf(ref)
        if hasattr(ref, "tensor") or isinstance(ref.value, np.ndarray) and ref.value.ndim:
            return leaf(ref)  # read from memory (an array constant: a gradient given to backward, say)
        return _constant(ref.value)

    def symbol_of(number):
        if number not in computed:
            step = made_by[number]
            computed.update((n, sym) for n, sym in zip(step.outputs, _trace(step, value)) if n is not None)
        return computed[number]

    try:
        for step in run:
            for number in step.outputs:
                if number is not None and symbol_of(number) is None:
                    return None
    except (TypeError, AttributeError, KeyError, IndexError, ValueError, RecursionError):
        return None
    group.made = {n: computed[n] for step in run for n in step.outputs if n is not None}
    _drop_unread_inputs(group)
    return group


def _drop_unread_inputs(group):
    """Keep only the inputs that a value of the group reads: a backward is handed inputs it does
    not use (Add's gets both operands), and an input kept would have to be written to memory."""
    leaves = sorted((sym for sym in _syms(group.made.values()) if sym.op == "in"), key=lambda sym: sym.args[0])
    read = [sym.args[0] for sym in leaves]
    for number, sym in enumerate(leaves):
        sym.args = (number,)
    group.inputs = [group.inputs[k] for k in read]
    group.input_is_scalar = [group.input_is_scalar[k] for k in read]


def _trace(step, value):
    """The Syms of a step's outputs, computed from the Syms of its inputs."""
    inputs = [value(ref) for ref in step.inputs]
    if step.kind == "add":
        return (inputs[0] + inputs[1],)
    if _sums_everything(step):
        return (Sym("total", inputs[0]),) if step.kind == "op" else (inputs[0],)
    if step.kind == "op":
        return (step.node.scalar(SymbolicBackend, *inputs),)
    grads = step.node.backward(SymbolicBackend, *inputs)
    return tuple(g if g is None or isinstance(g, Sym) else _constant(g) for g in grads)
