"""The reverse pass: walk the record backwards from the outputs, accumulating gradients.

Every recorded op carries a sequence number from the moment it ran. The walk keeps the ops that
have received a gradient in a heap and always runs the newest of them next, which replays the
tape in reverse: an op's inputs were recorded before it, so by the time an op runs, every op that
consumed its output has already passed its gradient down. The walk is a loop, so a chain of any
length backpropagates without touching Python's recursion limit.
"""
from heapq import heappop, heappush

import numpy as np

from . import backends
from .grad_mode import _GradMode
from .tensor import Clock, Recording, Tensor


def backward(outputs, output_grads, retain_graph=None, create_graph=False):
    """Accumulate gradients of `outputs` into the `.grad` of every leaf that requires grad, then
    run the callbacks queued during the pass."""
    try:
        _run(outputs, output_grads, retain_graph, create_graph, targets=None)
    finally:
        callbacks = _queued.copy()
        _queued.clear()
    for callback in callbacks:
        callback()


_queued = []  # callbacks queued by hooks during the backward pass now running


def queue_callback(callback):
    """Call `callback()` once the backward pass now running has put every leaf's gradient in place
    (as PyTorch's engine does): a hook that needs all of a pass's gradients at once, such as
    averaging them across processes, queues itself from a tensor hook. Not run after `grad()`.

    >>> import autograd as ag
    >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> y = x * 3
    >>> _ = y.register_hook(lambda g: queue_callback(lambda: print(x.grad)))
    >>> y.sum().backward()
    tensor([3., 3.])
    """
    _queued.append(callback)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """The gradients of `outputs` with respect to `inputs`, as a tuple (leaves' `.grad` untouched).

    As `torch.autograd.grad`. With `create_graph=True` the results are themselves recorded, so
    they can be differentiated again.

    >>> import autograd as ag
    >>> x = ag.tensor(3.0, requires_grad=True)
    >>> (dx,) = ag.grad(x ** 3, x, create_graph=True)
    >>> (dxx,) = ag.grad(dx, x)
    >>> dx.item(), dxx.item()
    (27.0, 18.0)
    """
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    for position, tensor in enumerate(inputs):
        if not isinstance(tensor, Tensor) or not tensor.requires_grad:
            raise RuntimeError(f"input {position} to grad() does not require grad")
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    grad_outputs = _as_tuple(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad() got {len(outputs)} outputs but {len(grad_outputs)} grad_outputs")
    try:
        captured = _run(outputs, grad_outputs, retain_graph, create_graph, targets=inputs)
    finally:
        _queued.clear()
    results = []
    for position, (tensor, value) in enumerate(zip(inputs, captured)):
        if value is None and not allow_unused:
            raise RuntimeError(f"input {position} to grad() (shape {tensor.shape}) was not used to compute "
                               "the outputs; pass allow_unused=True to get None for it")
        results.append(None if value is None else (value if create_graph else Tensor._make(value)))
    return tuple(results)


def _as_tuple(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _root_grads(outputs, output_grads, create_graph):
    grads = []
    for position, (output, given) in enumerate(zip(outputs, output_grads)):
        if not isinstance(output, Tensor) or not output.requires_grad:
            raise RuntimeError(f"output {position} does not require grad and has no grad_fn: nothing to differentiate")
        if given is None:
            if output.data.size != 1:
                raise RuntimeError(f"backward() on a tensor of shape {output.shape} needs `gradient` "
                                   "(a tensor of the same shape); it is only implied for one-element outputs")
            value = np.array(1, output.dtype).reshape(output.shape)
            given = Tensor._make(value) if create_graph else value
        else:
            if not isinstance(given, Tensor):
                given = Tensor(given, dtype=output.dtype)
            if given.shape != output.shape:
                raise RuntimeError(f"gradient has shape {given.shape} but the output has shape {output.shape}")
            if given.dtype != output.dtype:  # through the op, which a compiled step replays
                given = backends.TensorBackend.astype(given, output.dtype)
            if not create_graph:
                given = given.data
        grads.append(given)
    return grads


def _run(outputs, output_grads, retain_graph, create_graph, targets):
    if retain_graph is None:
        retain_graph = create_graph
    xp = backends.TensorBackend if create_graph else backends.NumpyBackend
    # A capture in progress (autograd.compiler) follows the pass: what each op's backward made of
    # which arrays, and where the gradients went.
    if Recording.active is not None and (create_graph or targets):
        Recording.active.unsupported("create_graph=True or grad() inside the function")
    accumulator = _Accumulator(create_graph, targets)
    pending = {}  # op -> gradient of its output, summed over its consumers so far
    ready = []  # (-seq, op) for every op in `pending`: the newest comes out first
    for output, value in zip(outputs, _root_grads(outputs, output_grads, create_graph)):
        accumulator.hand(value)
        if output.grad_fn is None:
            accumulator.to_leaf(output, value)
        else:
            _pass_down(pending, ready, output.grad_fn, value)
    last_change = Clock.last_change
    recording, _GradMode.enabled = _GradMode.enabled, create_graph
    # In a chain, where an op hands its gradient to one op and nothing else is pending, that op
    # runs next without going through the heap.
    follow = None
    try:
        while follow or ready:
            if follow:
                node, grad = follow
            else:
                node = heappop(ready)[1]
                grad = pending.pop(node)
            input_grads = _step(node, grad, xp, accumulator, last_change, create_graph, targets)
            follow = _route(node, input_grads, xp, accumulator, pending, ready)
            if not retain_graph:
                node.release()
        if accumulator.hooked:
            accumulator.deliver_hooked()
    finally:
        _GradMode.enabled = recording
    return accumulator.captured()


def route(xp, grad, shape, dtype, op_name):
    """An input's gradient as the op's backward made it, summed back to the input's `shape`
    (see `backends.unbroadcast`) and cast to its `dtype`."""
    if grad.shape != shape:
        grad = backends.unbroadcast(xp, grad, shape, op_name)
    if grad.dtype is not dtype and grad.dtype != dtype:
        grad = xp.astype(grad, dtype)
    return grad


def _step(node, grad, xp, accumulator, last_change, create_graph, targets):
    """One recorded op's backward, given the gradient of its output: its hooks run first, a
    retained (or requested) gradient is kept, its saved inputs are checked for in-place changes.
    Returns one gradient per input (None where none is needed)."""
    saved = node.saved
    if saved is None:
        raise RuntimeError(
            f"trying to backward through the graph a second time: {node.name} already released what "
            "it saved. Pass retain_graph=True to the first backward() if you need to go through it again"
        )
    if node.hooks:
        if Recording.active is not None:
            Recording.active.unsupported("a hook on a tensor (register_hook)")
        grad = _run_hooks(node.hooks, grad, create_graph)
    if node.retained is not None or targets:
        accumulator.to_non_leaf(node, grad)
    if node.seq < last_change:
        node.check_versions()
    if create_graph:
        saved = list(node.inputs)
        if node.saves_output:
            # The output was saved as a bare array, off the tape: re-run the op to have it as a
            # recorded tensor, so that second derivatives flow through it to the inputs.
            saved.append(type(node).apply(*node.inputs, **node.options))
    input_grads = node.backward(xp, grad, *saved)
    if Recording.active is not None:
        Recording.active.backward(node, grad, saved, input_grads)
    return input_grads


def _route(node, input_grads, xp, accumulator, pending, ready):
    """Hand each input's gradient on, summed back to the input's shape and cast to its dtype: into
    a leaf's `.grad`, or to the op that made the input. Returns (op, gradient) when that op may
    run next straight away (a chain: nothing else pending), else None."""
    follow = None
    for arg, edge, input_grad in zip(node.inputs, node.edges, input_grads):
        if edge is None or input_grad is None:
            continue
        data = arg.data
        if input_grad.shape != data.shape or input_grad.dtype != data.dtype:
            routed = route(xp, input_grad, data.shape, data.dtype, node.name)
            if Recording.active is not None:
                Recording.active.route(input_grad, routed, data.shape, data.dtype, node.name)
            input_grad = routed
        if edge is arg:
            accumulator.to_leaf(arg, input_grad)
        elif not (follow or ready):
            follow = edge, input_grad
        else:
            if follow:
                _pass_down(pending, ready, *follow)
                follow = None
            _pass_down(pending, ready, edge, input_grad)
    return follow


def _pass_down(pending, ready, node, grad):
    """Add `grad` to what `node`'s output has received so far."""
    previous = pending.get(node)
    if previous is None:
        pending[node] = grad
        heappush(ready, (-node.seq, node))
    else:
        pending[node] = total = previous + grad
        if Recording.active is not None:
            Recording.active.add(previous, grad, total)


def _run_hooks(hooks, grad, create_graph):
    wrapped = grad if create_graph else Tensor._make(grad)
    for hook in hooks:
        result = hook(wrapped)
        if result is not None:
            if result.shape != wrapped.shape:
                raise RuntimeError(f"a hook returned a gradient of shape {result.shape}, expected {wrapped.shape}")
            wrapped = result
    return wrapped if create_graph else wrapped.data


class _Accumulator:
    """Where gradients end up: leaves' `.grad` (backward) or a list of results (`grad()`).

    In an ordinary backward pass a leaf takes ownership of a freshly computed gradient array
    rather than copying it, and later passes add into that buffer in place, so training loops do
    not churn large temporaries. An array that another leaf (or the caller) already holds, as when
    one gradient flows to two leaves through an add, or that is a view, is copied first. Pending
    gradients of non-leaf ops are never changed in place, so sharing with them is safe.
    """

    def __init__(self, create_graph, targets):
        self.create_graph = create_graph
        self.targets = targets
        self.results = [None] * len(targets) if targets else None
        self.hooked = {}  # leaf with hooks -> its gradient summed so far (see to_leaf)
        # id -> array of every gradient handed out so far; holding the arrays keeps their ids
        # from being reused by new arrays during the pass.
        self.handed = {}

    def hand(self, grad):
        self.handed[id(grad)] = grad

    def to_leaf(self, leaf, grad, hooks_ran=False):
        if self.targets is not None and all(target is not leaf for target in self.targets):
            return  # grad(): a leaf it was not asked about (whose hooks do not run, as PyTorch)
        if leaf._hooks and not hooks_ran:
            # Held back until the pass ends, so that the hooks see the leaf's total gradient once.
            if Recording.active is not None:
                Recording.active.unsupported("a hook on a tensor (register_hook)")
            self.hand(grad)
            previous = self.hooked.get(leaf)
            self.hooked[leaf] = grad if previous is None else previous + grad
            return
        fresh = not hooks_ran and id(grad) not in self.handed
        self.hand(grad)
        if self.targets is not None:
            self._capture(leaf, grad)
            return
        if self.create_graph:
            leaf.grad = grad if leaf.grad is None else leaf.grad + grad
            return
        if Recording.active is not None:
            Recording.active.leaf_grad(leaf, grad, fresh)
        accumulate(leaf, grad, fresh)

    def deliver_hooked(self):
        """Run the hooks of every leaf that has them on its summed gradient, then deliver it."""
        hooked, self.hooked = self.hooked, {}
        for leaf, grad in hooked.items():
            self.to_leaf(leaf, _run_hooks(leaf._hooks, grad, self.create_graph), hooks_ran=True)

    def to_non_leaf(self, node, grad):
        if self.targets is not None:
            for tensor in self.targets:
                if tensor.grad_fn is node:
                    self._capture(tensor, grad)
        if node.retained is not None and self.targets is None:
            tensor = node.retained()
            if tensor is not None:
                value = grad if self.create_graph else Tensor._make(np.array(grad))
                tensor.grad = value if tensor.grad is None else tensor.grad + value

    def _capture(self, tensor, grad):
        for position, target in enumerate(self.targets):
            if target is tensor:
                previous = self.results[position]
                self.results[position] = grad if previous is None else previous + grad

    def captured(self):
        return self.results


def accumulate(leaf, grad, fresh):
    """Add the array `grad` into `leaf.grad`. A fresh gradient (one nobody else holds) becomes the
    leaf's buffer without a copy when it can; later gradients add into that buffer in place."""
    current = leaf._grad  # (not the `grad` property: a capture records this call as one step)
    if current is None:
        if not (fresh and grad.base is None and grad.flags.writeable):
            grad = np.array(grad)
        leaf._grad = Tensor._make(grad)
    elif current.grad_fn is None and current.data.flags.writeable and not current.requires_grad:
        current.data += grad
    else:
        leaf._grad = Tensor._make(current.data + grad)
