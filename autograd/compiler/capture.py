"""Capture: run a function once, eagerly, and write down every array it computes and how.

While a `Recorder` is `Recording.active`, the library reports to it (see the hook calls in
`function.py`, `engine.py`, `tensor.py`, `creation.py` and `scope.py`):
- every op (`Function.apply`): its forward, on which arrays, with which options;
- the backward pass: each op's backward, the routing of each gradient back to its input's shape
  and dtype, the sums where gradients meet, and the accumulation into leaves' `.grad`;
- in-place changes of tensors, random draws, constants made by the creation functions;
- calls marked with `capture_as_call` (an optimiser's step, `zero_grad`, gradient clipping): one
  step each, replayed by calling the function again;
- reads of values (`item()`, `numpy()`, `bool()`...), which a replay could not reproduce.

Every array gets a slot number; a step names the slots it reads and writes. What is not made
during the step is either a tensor that lives across calls (a parameter, a buffer: read from the
tensor at every replay) or a constant. Anything the recorder cannot follow (a read of a value, a
tensor made by `from_numpy` inside the function, a hook, `create_graph`) ends the capture: the
function finishes eagerly and the reason is kept in `failure`.

Objects that own part of the computation (the modules whose `__call__` ran, the optimisers whose
step was called) may define `_guard_state()`: a snapshot of what their computation depends on
(train/eval, which parameters). A replay is valid only while every snapshot is unchanged.
"""
import collections.abc
import functools
from dataclasses import dataclass, field

import numpy as np

from ..tensor import Recording, Tensor


@dataclass(frozen=True)
class Slot:
    """An array computed during the step (or an input's array), by number."""
    number: int


@dataclass(frozen=True)
class Persistent:
    """A tensor that lives across calls (a parameter, a buffer): read as `tensor.data` each replay."""
    tensor: Tensor = field(compare=False)


@dataclass(frozen=True)
class Argument:
    """The tensor passed as the function's tensor argument number `number` (whose `.grad` a
    step may set), as opposed to its array (a `Slot`)."""
    number: int


@dataclass(frozen=True)
class Constant:
    """A value fixed at capture: a Python number, a wrapped number, an option."""
    value: object = field(compare=False)


@dataclass
class Step:
    """One thing a replay does. `kind` is one of

    op        outputs[0] = function(*inputs, **options)             (an op's forward)
    backward  outputs = function(xp, *inputs)                       (an op's backward)
    route     outputs[0] = function(xp, inputs[0], *options.values())  (engine.route)
    add       outputs[0] = inputs[0] + inputs[1]                    (gradients meeting)
    leaf      function(holder, inputs[1], options["fresh"])       (engine.accumulate)
    grad      holder.grad = a tensor of inputs[1] (None without it)
              (the holder, inputs[0], is a Persistent tensor or an Argument)
    inplace   function(target, other, out=target, casting="same_kind") on inputs (target first)
    draw      outputs[0] = getattr(generator, function)(**options)
    constant  outputs[0] = options["value"] (copied when something changes it in place)
    call      outputs[0] = function(*options["args"], **options["kwargs"]).data (or nothing)
    """
    kind: str
    function: object
    inputs: tuple
    outputs: tuple
    options: dict = field(default_factory=dict)
    node: object = None      # the op record, for ops and their backward
    zero_d: bool = False     # an op with a 0-d result (numpy may return a scalar: wrap it again)
    described: tuple = ()    # an op's inputs as its backward may look at them: shapes and dtypes


@dataclass(frozen=True)
class Described:
    """What a backward may read of an input tensor at replay: its shape and dtype, not its values."""
    shape: tuple
    dtype: object

    @property
    def ndim(self):
        return len(self.shape)


class Recorder:
    """Follows one eager run of a function; see the module docstring."""

    def __init__(self):
        self.steps = []
        self.slot_of = {}       # id(array) -> slot number
        self.values = []        # the array of every slot at capture (keeps ids unique meanwhile)
        self.foreign = {}       # id(array) -> how a tensor nobody can replay was made
        self.kept = []          # foreign arrays, kept alive so their ids stay theirs
        self.owners = {}        # id(owner) -> owner, for guards
        self.arguments = {}     # id(tensor) -> its number among the function's tensor arguments
        self.failure = None

    # --- slots and references --------------------------------------------------------------
    def new_slot(self, array):
        number = len(self.values)
        self.values.append(array)
        self.slot_of[id(array)] = number
        return number

    def tensor_ref(self, tensor):
        number = self.slot_of.get(id(tensor.data))
        if number is not None:
            return Slot(number)
        if id(tensor.data) in self.foreign:
            self.unsupported(f"a tensor made by {self.foreign[id(tensor.data)]} inside the function was used "
                             "(its values are not known to the compiler)")
        return Persistent(tensor)

    def value_ref(self, value):
        if isinstance(value, Tensor):
            return self.tensor_ref(value)
        if isinstance(value, (np.ndarray, np.generic)):  # numpy gives scalars for some 0-d results
            number = self.slot_of.get(id(value))
            if number is not None:
                return Slot(number)
            if id(value) in self.foreign:
                self.unsupported(f"an array made by {self.foreign[id(value)]} inside the function was used")
        return Constant(value)

    def _check_static(self, options, what):
        """Options are frozen into the plan: they must not hold an array computed in the step."""
        for value in _leaves(options):
            if isinstance(value, Tensor):
                value = value.data
            if isinstance(value, np.ndarray) and (id(value) in self.slot_of or id(value) in self.foreign):
                self.unsupported(f"{what} takes an array computed inside the function as a fixed argument "
                                 "(an index or option that depends on the data)")
                return False
        return True

    def add_step(self, step):
        if Recording.active is self:
            self.steps.append(step)

    # --- what the library reports ----------------------------------------------------------
    def input(self, tensor):
        self.arguments.setdefault(id(tensor), len(self.arguments))
        return self.new_slot(tensor.data)

    def holder_ref(self, tensor):
        """A tensor whose `.grad` a step sets: an argument of the function, or a persistent one."""
        if id(tensor) in self.arguments:
            return Argument(self.arguments[id(tensor)])
        if isinstance(self.tensor_ref(tensor), Persistent):
            return Persistent(tensor)
        self.unsupported("`.grad` of a tensor computed inside the function was set")
        return None

    def op(self, node, args, arrays, options, out):
        if not self._check_static(options, node.name):
            return
        inputs = tuple(self.tensor_ref(arg) if isinstance(arg, Tensor) else self.value_ref(array)
                       for arg, array in zip(args, arrays))
        self.add_step(Step("op", node.forward, inputs, (self.new_slot(out),), dict(options), node=node,
                           zero_d=out.ndim == 0,
                           described=tuple(Described(a.shape, a.dtype) if isinstance(a, np.ndarray) else a
                                           for a in arrays)))

    def backward(self, node, grad, saved, input_grads):
        inputs = [self.value_ref(grad)]
        inputs += [self.tensor_ref(arg) if isinstance(arg, Tensor) else self.value_ref(array)
                   for arg, array in zip(node.inputs, saved)]
        if node.saves_output:
            inputs.append(self.value_ref(saved[-1]))
        outputs = tuple(None if g is None else self.new_slot(g) for g in input_grads)
        self.add_step(Step("backward", node.backward, tuple(inputs), outputs, node=node))

    def route(self, grad, routed, shape, dtype, op_name):
        from ..engine import route
        self.add_step(Step("route", route, (self.value_ref(grad),), (self.new_slot(routed),),
                           {"shape": shape, "dtype": dtype, "op_name": op_name}))

    def add(self, a, b, total):
        self.add_step(Step("add", None, (self.value_ref(a), self.value_ref(b)), (self.new_slot(total),)))

    def leaf_grad(self, leaf, grad, fresh):
        from ..engine import accumulate
        holder = self.holder_ref(leaf)
        if holder is not None:
            self.add_step(Step("leaf", accumulate, (holder, self.value_ref(grad)), (), {"fresh": fresh}))

    def inplace(self, tensor, function, other, options=()):
        if self._check_static(options, "an in-place assignment"):
            self.add_step(Step("inplace", function, (self.tensor_ref(tensor), self.value_ref(other)), ()))

    def grad_set(self, tensor, value):
        holder = self.holder_ref(tensor)
        ref = None if value is None else self.tensor_ref(value)
        if holder is not None:
            self.add_step(Step("grad", None, (holder,) + ((ref,) if ref else ()), ()))

    def draw(self, array, method, arguments):
        self.add_step(Step("draw", method, (), (self.new_slot(array),), dict(arguments)))

    def constant(self, array):
        if id(array) not in self.slot_of:
            self.add_step(Step("constant", None, (), (self.new_slot(array),), {"value": array.copy()}))

    def foreign_array(self, array, what):
        self.foreign[id(array)] = what
        self.kept.append(array)

    def call(self, function, args, kwargs, result):
        for value in _leaves((args, kwargs)):
            if isinstance(value, Tensor) and id(value.data) in self.slot_of:
                self.unsupported(f"{function.__qualname__} was given a tensor computed inside the function")
                return
            if _guarded(value):
                self.owners[id(value)] = value
        outputs = (self.new_slot(result.data),) if isinstance(result, Tensor) else ()
        self.add_step(Step("call", function, (), outputs, {"args": args, "kwargs": kwargs}))

    def owner(self, owner):
        if _guarded(owner):
            self.owners[id(owner)] = owner

    def read(self, tensor, what):
        self.unsupported(f"{what} of a tensor inside the function (a replay cannot reproduce what Python "
                         "does with the value)")

    def unsupported(self, reason):
        """Stop recording: the function finishes eagerly, and `reason` says why it cannot be compiled."""
        if self.failure is None:
            self.failure = reason
        if Recording.active is self:
            Recording.active = None


def _guarded(value):
    return callable(getattr(value, "_guard_state", None)) and not isinstance(value, type)


def _leaves(value):
    """The non-container values inside nested tuples, lists and dicts."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def capturing():
    """Whether a compiled function is being captured now: for the rare code that must act
    differently then, such as `DistributedDataParallel`, which queues its gradient average from
    the forward rather than from a tensor hook (hooks are not captured).

    >>> capturing()
    False
    """
    return Recording.active is not None


def capture_as_call(function):
    """Mark `function` (an optimiser's step, zero_grad, gradient clipping...) as one step of a
    compiled function: captured as a call and replayed by calling it again with the same
    arguments, rather than followed op by op. Iterators among the arguments are made lists first,
    so that the replay sees the same items. Outside a capture it is an ordinary call.

    >>> @capture_as_call
    ... def scale_(tensors, factor):
    ...     for t in tensors:
    ...         t.data *= factor
    """

    @functools.wraps(function)
    def captured(*args, **kwargs):
        recorder = Recording.active
        if recorder is None:
            return function(*args, **kwargs)
        args = tuple(list(a) if isinstance(a, collections.abc.Iterator) else a for a in args)
        Recording.active = None
        try:
            result = function(*args, **kwargs)
        finally:
            Recording.active = recorder
        recorder.call(function, args, kwargs, result)
        return result

    return captured
