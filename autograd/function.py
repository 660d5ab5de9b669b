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
import itertools
import weakref

import numpy as np

from .grad_mode import _GradMode
from .tensor import Tensor

_sequence = itertools.count()


class Function:
    saves_output = False
    # Ops such as comparisons and argmax produce values that carry no gradient.
    differentiable = True
    # Set on each recorded call: its place in the record, inputs and their versions at the time.
    seq = None
    released = False
    hooks = None
    retained = None

    @classmethod
    def apply(cls, *args, **options):
        """Run the op on tensors (or constants) and record it if any input requires grad."""
        node = cls()
        out = node.forward(*[a.data if isinstance(a, Tensor) else a for a in args], **options)
        if type(out) is not np.ndarray:
            out = np.asarray(out)  # numpy returns scalars, not 0-d arrays, from some 0-d ops
        result = Tensor._make(out, node.shares_version(args))
        if _GradMode.enabled and cls.differentiable:
            for arg in args:
                if isinstance(arg, Tensor) and arg.requires_grad:
                    node._record(args, options, result)
                    break
        return result

    def shares_version(self, args):
        """For ops whose result is a view of their first input: that input's version counter."""
        return None

    def _record(self, args, options, result):
        self.seq = next(_sequence)
        self.inputs = args
        self.options = options
        self.versions = [a._version[0] if isinstance(a, Tensor) else 0 for a in args]
        self.needs = [isinstance(a, Tensor) and a.requires_grad for a in args]
        if self.saves_output:
            self.out = result.data
            self.out_ref = weakref.ref(result)
        result.grad_fn = self
        result.requires_grad = True

    # --- used by the engine -------------------------------------------------------------------
    @property
    def name(self):
        return type(self).__name__

    def check_versions(self):
        """Raise if an input (or the output) was changed in place since this op recorded it."""
        for position, (arg, version) in enumerate(zip(self.inputs, self.versions)):
            if isinstance(arg, Tensor) and arg._version[0] != version:
                raise RuntimeError(
                    f"one of the tensors needed by {self.name}'s backward was modified by an in-place "
                    f"operation: input {position} (shape {arg.shape}, dtype {arg.dtype}) is at version "
                    f"{arg._version[0]}, expected version {version}"
                )
        if self.saves_output:
            out = self.out_ref()
            if out is not None and out._version[0] != 0:
                raise RuntimeError(
                    f"the output of {self.name} (shape {out.shape}, dtype {out.dtype}) was modified by "
                    f"an in-place operation after it was recorded; its backward needs the original value"
                )

    def edges(self):
        """The tensors this op read, or after release, what is left of the graph's structure."""
        return self.inputs

    def release(self):
        """Drop everything saved for backward, keeping only the graph's shape (for drawing)."""
        parents = tuple(
            (a.grad_fn if a.grad_fn is not None else a) if isinstance(a, Tensor) and a.requires_grad else None
            for a in self.inputs
        )
        seq, hooks = self.seq, self.hooks
        self.__dict__.clear()
        self.seq, self.hooks, self.parents, self.released = seq, hooks, parents, True

    def hooks_list(self):
        if self.hooks is None:
            self.hooks = []
        return self.hooks

    def retain_grad_of(self, tensor):
        self.retained = weakref.ref(tensor)

    def __repr__(self):
        return f"<{self.name} #{self.seq}>"
