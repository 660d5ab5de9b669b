"""`Function`: the base of every primitive op, and the record one call leaves on the tape.

A primitive declares, side by side,

    forward(self, *arrays, **options) -> ndarray
        computes the result from numpy arrays; may keep on `self` what backward needs;
    backward(self, xp, grad, *inputs) -> one gradient per input (None where not needed)
        maps the gradient of the output to the gradients of the inputs.

`backward` is written once, against a small backend `xp` (see `backends.py`): during an
ordinary backward pass `grad` and `inputs` are numpy arrays and `xp` holds numpy functions; under
`create_graph=True` they are Tensors and `xp` holds recorded ops, so the backward pass is itself
differentiable. Gradients may come back in the broadcast shape of the output: the engine sums
them back to each input's shape and dtype in one place (`backends.unbroadcast`).

Ops whose backward is cheapest from their own output (exp, sigmoid, tanh, ...) set
`saves_output = True` and receive the output as one more argument after the inputs.
"""
import weakref

import numpy as np

from .grad_mode import _GradMode
from .scope import _Current as _Scope
from .tensor import Clock, Recording, Tensor


class Function:
    saves_output = False
    # Ops such as comparisons and argmax produce values that carry no gradient.
    differentiable = True
    # Ops whose result may be a view of their first input share its version counter.
    is_view = False
    # Set on each recorded call: its place in time (see tensor.Clock), inputs and what they need.
    seq = None
    meta = None
    inputs = saved = options = None
    hooks = None
    retained = None

    @classmethod
    def apply(cls, *args, **options):
        """Run the op on tensors (or constants) and record it if any input requires grad."""
        node = cls()
        if _GradMode.enabled and cls.differentiable:
            # One pass over the arguments: the arrays for forward and one edge per argument (where
            # its gradient goes: the op that made it, the leaf itself, or None when it needs none).
            arrays, edges, needs_grad = [], [], False
            for arg in args:
                if isinstance(arg, Tensor):
                    arrays.append(arg.data)
                    if arg.requires_grad:
                        edges.append(arg.grad_fn or arg)
                        needs_grad = True
                        continue
                else:
                    arrays.append(arg)
                edges.append(None)
            if not needs_grad:
                edges = None
        else:
            arrays, edges = _arrays(args), None
        out = node.forward(*arrays, **options) if options else node.forward(*arrays)
        if type(out) is not np.ndarray:
            out = np.asarray(out)  # numpy returns scalars, not 0-d arrays, from some 0-d ops
        result = Tensor._make(out, args[0]._version if cls.is_view and isinstance(args[0], Tensor) else None)
        if Recording.active is not None:
            Recording.active.op(node, args, tuple(arrays), options, out)
        if edges is not None:
            node.seq = Clock.tick()
            node.inputs, node.edges, node.options = args, edges, options
            # Kept after backward too, for drawing the graph: the output's shape and dtype, and
            # the module frame the op ran in (see scope.py).
            node.meta = (out.shape, out.dtype, _Scope.frame)
            # What an ordinary backward receives after the gradient: the input arrays, and the
            # output for ops that save it.
            node.saved = arrays
            if cls.saves_output:
                arrays.append(out)
                node.out_version = result._version
            result.grad_fn = node
            result.requires_grad = True
        return result

    def needs(self, position):
        """Whether input `position` needs a gradient (ops skip the work when it does not)."""
        return self.edges[position] is not None

    # --- used by the engine -------------------------------------------------------------------
    @property
    def name(self):
        return type(self).__name__

    def check_versions(self):
        """Raise if an input (or the output) was changed in place since this op recorded it."""
        for position, arg in enumerate(self.inputs):
            if isinstance(arg, Tensor) and arg._version[0] > self.seq:
                raise RuntimeError(
                    f"one of the tensors needed by {self.name}'s backward was modified by an in-place "
                    f"operation: input {position} (shape {arg.shape}, dtype {arg.dtype}) was changed after "
                    f"{self.name} recorded it"
                )
        if self.saves_output and self.out_version[0] > self.seq:
            raise RuntimeError(
                f"the output of {self.name} (shape {self.meta[0]}, dtype {self.meta[1]}) was modified by "
                f"an in-place operation after it was recorded; its backward needs the original value"
            )

    def release(self):
        """Drop what was saved for backward (inputs, their arrays, the output), keeping the graph's
        edges and what `meta` says of the output. Ops that keep large arrays of their own on
        `self` drop them too (see ops/loss.py)."""
        self.inputs = self.saved = self.options = None

    @property
    def released(self):
        """Whether backward has dropped what this record saved (see `release`)."""
        return self.seq is not None and self.saved is None

    @property
    def scope(self):
        """The module frame this op was recorded in (see `scope.py`), or None."""
        return self.meta[2] if self.meta else None

    def hooks_list(self):
        if self.hooks is None:
            self.hooks = []
        return self.hooks

    def retain_grad_of(self, tensor):
        self.retained = weakref.ref(tensor)

    def __repr__(self):
        return f"<{self.name} #{self.seq}>"



def _arrays(args):
    """The arrays of an op's arguments (tensors' data; anything else as it is)."""
    arrays = []
    for arg in args:  # a loop: faster than a list comprehension for an op's few arguments
        arrays.append(arg.data if isinstance(arg, Tensor) else arg)
    return arrays
