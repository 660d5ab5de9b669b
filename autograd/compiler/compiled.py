"""`compile`: the callable that captures a function per input signature and replays it.

A call looks for a replay made for the same signature (the shapes, dtypes and requires_grad of
the tensor arguments, the other arguments' values, grad mode and the default dtype) whose guards
still hold (see `Replay.valid`). If there is none it captures anew: the call runs eagerly while
a `Recorder` follows it. A function that cannot be captured, or that has needed more than
`MAX_REPLAYS` captures, runs eagerly from then on, with one warning saying why.
"""
import functools
import warnings

import numpy as np

from .. import creation, dtypes, engine
from ..grad_mode import _GradMode
from ..tensor import Recording, Tensor
from .capture import Recorder
from .drawing import draw_plan
from .plan import make_plan
from .replay import Replay, template_of

MAX_REPLAYS = 8


class CompileWarning(UserWarning):
    """A compiled function runs eagerly instead (the message says why)."""


class CompileCheckError(AssertionError):
    """With `check=True`: a replay and the eager run of the same call gave different results."""


def compile(fn=None, *, check=False):
    """Capture `fn` once per input signature and replay it: the same results as calling `fn`
    eagerly, without the per-op cost of the tape.

    `fn` is a training step (zero_grad, forward, loss, backward, optimiser step) or a forward
    under `no_grad`. Tensors it returns come back as new tensors holding the replay's arrays
    (without a graph); parameters, gradients and optimiser state are updated in place as eagerly.
    A new input shape or dtype, a change of train/eval, of `requires_grad`, of a parameter or of
    the optimiser's parameter groups captures again. What cannot be captured (`.item()`,
    `.numpy()`, `bool()` of a tensor inside `fn`...) makes `fn` run eagerly, with one warning.
    `check=True` runs every replay and the eager function side by side (state restored between
    them) and raises `CompileCheckError` at the first difference.

    >>> import autograd as ag
    >>> w = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> @ag.compile
    ... def step(x):
    ...     w.grad = None
    ...     loss = (w * x).sum()
    ...     loss.backward()
    ...     return loss
    >>> [step(ag.tensor([3.0, 4.0])).item() for _ in range(2)], w.grad.tolist()
    ([11.0, 11.0], [3.0, 4.0])
    """
    if fn is None:
        return functools.partial(compile, check=check)
    return CompiledFunction(fn, check)


class CompiledFunction:
    def __init__(self, fn, check=False):
        self.fn = fn
        self.check = check
        self.replays = {}          # signature -> [Replay]
        self.captures = 0
        self.eager_reason = None   # set once the function has been given up on
        functools.update_wrapper(self, fn)
        self.name = getattr(fn, "__qualname__", repr(fn))

    def __call__(self, *args, **kwargs):
        if self.eager_reason is not None or Recording.active is not None:
            return self.fn(*args, **kwargs)  # given up on, or inside another capture: eagerly
        tensors, signature = _signature(args, kwargs)
        for replay in self.replays.get(signature, ()):
            if replay.valid():
                if self.check:
                    return _checked(replay, tensors, self.fn, args, kwargs)
                return replay(tensors)
        if self.captures >= MAX_REPLAYS:
            self._give_up(f"it needed more than {MAX_REPLAYS} captures (input signatures or guards keep changing)")
            return self.fn(*args, **kwargs)
        return self._capture(signature, tensors, args, kwargs)

    def _capture(self, signature, tensors, args, kwargs):
        recorder = Recorder()
        inputs = [recorder.input(t) for t in tensors]
        queued = len(engine._queued)
        Recording.active = recorder
        try:
            result = self.fn(*args, **kwargs)
            if Recording.active is recorder:
                template, outputs = template_of(result, recorder)
        finally:
            Recording.active = None
            del engine._queued[queued:]  # queued for a backward the function did not run (see `capturing`)
        self.captures += 1
        if recorder.failure is not None:
            self._give_up(recorder.failure)
            return result
        plan = make_plan(recorder.steps, inputs, outputs, recorder.values)
        replay = Replay(plan, template, recorder.owners.values(), self.name)
        self.replays.setdefault(signature, []).append(replay)
        return result

    def _give_up(self, reason):
        self.eager_reason = reason
        warnings.warn(f"ag.compile: {self.name} runs eagerly: {reason}", CompileWarning, stacklevel=3)

    @property
    def plans(self):
        """The plans captured so far (one per signature and guard state)."""
        return [replay.plan for replays in self.replays.values() for replay in replays]

    def draw(self, number=-1):
        """A `graphviz.Digraph` of plan `number` (by default the newest): one node per step, each
        fused kernel one node naming the ops it runs."""
        if not self.plans:
            raise ValueError(f"{self.name} has no plan to draw: call it first (twice: the first call captures)")
        return draw_plan(self.plans[number])


def _signature(args, kwargs):
    """The tensors among the arguments (in order) and a hashable key of everything a plan depends
    on: each tensor's shape, dtype, requires_grad and layout, the other arguments' values, grad
    mode and the default dtype."""
    mode = (_GradMode.enabled, dtypes.DEFAULT_FLOAT)
    if not kwargs and all(type(arg) is Tensor for arg in args):  # the common case, kept short
        return args, tuple((t.data.shape, t.data.dtype, t.requires_grad, t.data.flags.c_contiguous)
                           for t in args) + mode
    tensors, key = [], []
    _describe((args, kwargs), tensors, key)
    return tensors, tuple(key) + mode


def _describe(value, tensors, key):
    if isinstance(value, Tensor):
        tensors.append(value)
        key.append((value.data.shape, value.data.dtype, value.requires_grad, value.data.flags.c_contiguous))
    elif isinstance(value, (tuple, list)):
        key.append((type(value), len(value)))
        for item in value:
            _describe(item, tensors, key)
    elif isinstance(value, dict):
        key.append((dict, tuple(value)))
        for item in value.values():
            _describe(item, tensors, key)
    else:
        try:
            key.append((type(value), hash(value), value))
        except TypeError:
            key.append((type(value), id(value)))


# --- check=True ---------------------------------------------------------------------------------
def _checked(replay, tensors, fn, args, kwargs):
    """Run `replay`, note its results and the state it left, restore the state from before, run
    `fn` eagerly, and compare."""
    before = _State(replay, tensors)
    replayed = replay(tensors)
    after_replay = _State(replay, tensors)
    before.restore()
    result = fn(*args, **kwargs)
    _compare("the result", _tensors_in(replayed), _tensors_in(result))
    after_replay.compare_with(_State(replay, tensors))
    return result


def _tensors_in(value):
    if isinstance(value, Tensor):
        return [value.data]
    if isinstance(value, (tuple, list)):
        return [array for item in value for array in _tensors_in(item)]
    if isinstance(value, dict):
        return [array for item in value.values() for array in _tensors_in(item)]
    return []


def _compare(what, replayed, eager):
    if len(replayed) != len(eager):
        raise CompileCheckError(f"{what}: the replay gave {len(replayed)} tensors, the eager run {len(eager)}")
    for number, (a, b) in enumerate(zip(replayed, eager)):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype != b.dtype:
            raise CompileCheckError(f"{what}, tensor {number}: the replay gave {a.dtype} {a.shape}, the eager run "
                                    f"{b.dtype} {b.shape}")
        tolerance = 1e-10 if a.dtype == np.float64 else 1e-5
        if not np.allclose(a, b, rtol=tolerance, atol=tolerance, equal_nan=True):
            worst = np.nanmax(np.abs(a.astype(np.float64) - b))
            raise CompileCheckError(f"{what}, tensor {number} (shape {a.shape}): the replay and the eager run differ "
                                    f"by up to {worst:.3g}")


class _State:
    """Copies of everything a replay may change: the persistent tensors and their gradients, the
    arrays and numbers its owners hold (an optimiser's state and hyperparameters), and the
    random generator's state."""

    def __init__(self, replay, arguments):
        self.tensors = []   # (name, tensor, copy of data, grad tensor, copy of grad data)
        named = [(f"argument {n}", t) for n, t in enumerate(arguments)]
        named += [(f"persistent tensor {n}", t) for n, t in enumerate(replay.persistent)]
        for name, tensor in named:
            grad = tensor.grad
            self.tensors.append((f"{name} (shape {tensor.shape})", tensor, tensor.data.copy(),
                                 grad, None if grad is None else grad.data.copy()))
        self.held = []      # (name, container, key, value or copy of array)
        for owner, _ in replay.owners:
            self._hold(type(owner).__name__, vars(owner))
        self.random = creation._Random.generator.bit_generator.state

    def _hold(self, name, container):
        items = container.items() if isinstance(container, dict) else enumerate(container)
        for key, value in items:
            label = f"{name}[{key!r}]" if not isinstance(key, Tensor) else f"{name}[tensor {tuple(key.shape)}]"
            if isinstance(value, Tensor):
                self.held.append((label, value, None, value.data.copy()))
            elif isinstance(value, (dict, list)):
                self._hold(label, value)
            elif isinstance(value, (int, float, np.number)) and not isinstance(container, tuple):
                self.held.append((label, container, key, value))

    def restore(self):
        for _, tensor, data, grad, grad_data in self.tensors:
            np.copyto(tensor.data, data)
            tensor.grad = grad
            if grad is not None:
                np.copyto(grad.data, grad_data)
        for _, container, key, value in self.held:
            if isinstance(container, Tensor):
                np.copyto(container.data, value)
            else:
                container[key] = value
        creation._Random.generator.bit_generator.state = self.random

    def compare_with(self, eager):
        for mine, theirs in zip(self.tensors, eager.tensors):
            _compare(mine[0], [mine[2]], [theirs[2]])
            if (mine[4] is None) != (theirs[4] is None):
                raise CompileCheckError(f"the gradient of {mine[0]}: None after one run and not the other")
            if mine[4] is not None:
                _compare(f"the gradient of {mine[0]}", [mine[4]], [theirs[4]])
        for mine, theirs in zip(self.held, eager.held):
            _compare(mine[0], [mine[3]], [theirs[3]])
        if self.random != eager.random:
            raise CompileCheckError("the random generator: the replay and the eager run drew different amounts")
