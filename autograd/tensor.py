"""The Tensor: a numpy array plus what reverse mode needs to know about it.

A tensor made by an op on tensors that require grad carries `grad_fn`, the record of that op on
the tape (see `function.py`). The arithmetic and math methods are attached from the op registry
in `registry.py`; this file holds the Tensor's own state and its tape-facing methods.
"""
import itertools

import numpy as np

from . import dtypes
from .grad_mode import _GradMode


class Clock:
    """One counter orders recorded ops and in-place changes in time.

    Every recorded op takes a tick as its sequence number, and every in-place change stamps the
    changed tensor's version (shared with its views) with a tick. A saved input whose version is
    newer than the op that saved it was changed after the op ran, which backward must refuse;
    `last_change` lets backward skip that check when nothing was changed in place since.
    """

    tick = itertools.count(1).__next__
    last_change = 0


class Recording:
    """The capture in progress (see `autograd.compiler`), or None.

    While a compiled function is first run, ops, in-place changes, random draws, reads of values
    and the backward pass report to `active`; when nothing is being compiled nobody looks at it
    beyond this one attribute.
    """

    active = None


def _read(tensor, what):
    """Note that the value of `tensor` leaves the library (`item()`, `numpy()`, `bool()`...)."""
    if Recording.active is not None:
        Recording.active.read(tensor, what)


class Tensor:
    """An n-dimensional array that can record the operations applied to it.

    `data` is the underlying numpy array. Create tensors with `autograd.tensor`, `zeros`, `randn`...

    >>> import autograd as ag
    >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4.])
    """

    __slots__ = ("data", "requires_grad", "_grad", "grad_fn", "_version", "_hooks", "__weakref__")
    # Make numpy hand `ndarray <op> Tensor` to the Tensor's reflected operator.
    __array_ufunc__ = None

    def __init__(self, data, dtype=None, requires_grad=False):
        self.data = dtypes.as_array(data.data if isinstance(data, Tensor) else data, dtype)
        self.requires_grad = False
        self._grad = self.grad_fn = self._hooks = None
        self._version = [0]
        if Recording.active is not None:
            Recording.active.constant(self.data)
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _make(cls, data, version=None):
        """Wrap an ndarray without copying or checking (the ops' fast path). `version` is the
        counter shared with the tensor whose data this is a view of (see Clock)."""
        tensor = object.__new__(cls)
        tensor.data = data
        tensor.requires_grad = False
        tensor._grad = None
        tensor.grad_fn = None
        tensor._version = version or [0]
        tensor._hooks = None
        return tensor

    def mark_changed(self):
        """Record that this tensor's data was changed in place outside autograd's own in-place ops
        (the tensor and every view sharing its data). Call it after writing into `.data` directly,
        so that a backward that saved the old values refuses to use them.

        >>> import autograd as ag
        >>> w = ag.ones(2, requires_grad=True)
        >>> y = (w * w).sum()
        >>> with ag.no_grad():
        ...     w.data[0] = 5.0
        ...     w.mark_changed()
        >>> y.backward()
        Traceback (most recent call last):
        RuntimeError: one of the tensors needed by Mul's backward was modified by an in-place operation: input 0 (shape (2,), dtype float32) was changed after Mul recorded it
        """
        self._version[0] = Clock.last_change = Clock.tick()

    # --- what it is ---------------------------------------------------------------------------
    @property
    def shape(self):
        return self.data.shape

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def grad(self):
        """The gradient that backward accumulated into this tensor (a tensor of its shape), or None."""
        return self._grad

    @grad.setter
    def grad(self, value):
        self._grad = value
        if Recording.active is not None:
            Recording.active.grad_set(self, value)

    @property
    def is_leaf(self):
        return self.grad_fn is None

    def size(self, dim=None):
        """The shape, or its length along `dim` (as `torch.Tensor.size`)."""
        return self.data.shape if dim is None else self.data.shape[dim]

    def numel(self):
        return self.data.size

    def dim(self):
        return self.data.ndim

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __repr__(self):
        _read(self, "printing")
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extras = []
        if self.data.dtype not in (dtypes.DEFAULT_FLOAT, dtypes.int64, dtypes.bool_):
            extras.append(f"dtype={self.data.dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn=<{type(self.grad_fn).__name__}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body] + extras) + ")"

    # --- conversion ---------------------------------------------------------------------------
    def numpy(self):
        """The data as a numpy array (shares memory; the tensor must not require grad in PyTorch,
        here it is simply the array)."""
        _read(self, "numpy()")
        return self.data

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, got shape {self.data.shape}")
        _read(self, "item()")
        return self.data.item()

    def tolist(self):
        _read(self, "tolist()")
        return self.data.tolist()

    def __array__(self, dtype=None, copy=None):
        _read(self, "conversion to a numpy array")
        return self.data if dtype is None else self.data.astype(dtype)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self.data.dtype.kind not in "iu" or self.data.size != 1:
            raise TypeError(f"only one-element integer tensors can be used as an index, got {self.data.dtype} {self.data.shape}")
        _read(self, "use as an index")
        return int(self.data.item())

    def __bool__(self):
        if self.data.size != 1:
            raise RuntimeError(f"the truth value of a tensor with shape {self.data.shape} is ambiguous")
        _read(self, "bool()")
        return bool(self.data.item())

    __hash__ = object.__hash__

    # --- the tape -----------------------------------------------------------------------------
    def detach(self):
        """A tensor sharing this one's data (and version counter) with no history."""
        return Tensor._make(self.data, self._version)

    def requires_grad_(self, requires_grad=True):
        """Set whether this leaf records operations; returns self."""
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError("requires_grad can only be switched off on a leaf tensor; use detach()")
            return self
        if requires_grad and not dtypes.is_floating(self.data.dtype):
            raise RuntimeError(f"only floating-point tensors can require gradients, got dtype {self.data.dtype}")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self):
        """Keep `.grad` on this non-leaf tensor after backward (leaves always keep theirs)."""
        if self.grad_fn is None:
            if not self.requires_grad:
                raise RuntimeError("retain_grad() on a tensor that does not require grad")
            return
        self.grad_fn.retain_grad_of(self)

    def register_hook(self, hook):
        """Call `hook(grad)` when this tensor's gradient is computed; a returned tensor replaces it.

        Returns a handle whose `remove()` unregisters the hook.

        >>> import autograd as ag
        >>> x = ag.ones(2, requires_grad=True)
        >>> handle = x.register_hook(lambda g: g * 10)
        >>> x.sum().backward(); x.grad
        tensor([10., 10.])
        """
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that does not require grad")
        hooks = self.grad_fn.hooks_list() if self.grad_fn is not None else self._leaf_hooks()
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    def _leaf_hooks(self):
        if self._hooks is None:
            self._hooks = []
        return self._hooks

    def backward(self, gradient=None, retain_graph=None, create_graph=False):
        """Accumulate d(self)/d(leaf) into every leaf's `.grad`, walking the tape in reverse.

        `gradient` is required unless self has one element. `retain_graph` keeps the record for
        another backward (default: `create_graph`); `create_graph` records the backward pass
        itself so that gradients of gradients can be taken.
        """
        engine.backward((self,), (gradient,), retain_graph, create_graph)

    # --- in-place arithmetic (tensors that need no grad, or under no_grad) ----------------------
    def _check_inplace(self, op_name):
        if self.requires_grad and _GradMode.enabled:
            kind = "a leaf tensor" if self.grad_fn is None else "a tensor recorded on the tape"
            raise RuntimeError(
                f"in-place {op_name} on {kind} that requires grad; wrap it in autograd.no_grad() "
                "or use the out-of-place form"
            )
        if not self.data.flags.writeable:
            raise RuntimeError(f"in-place {op_name} on a read-only tensor (an expanded view?) of shape {self.shape}")

    def _inplace(self, ufunc, other, op_name):
        self._check_inplace(op_name)
        value = other.data if isinstance(other, Tensor) else other
        try:
            ufunc(self.data, value, out=self.data, casting="same_kind")
        except (ValueError, TypeError) as error:
            shape = getattr(value, "shape", ())
            raise ValueError(f"in-place {op_name}: cannot apply a {shape} operand to a tensor of shape "
                             f"{self.shape} and dtype {self.dtype}: {error}") from None
        self.mark_changed()
        if Recording.active is not None:
            Recording.active.inplace(self, ufunc, other)
        return self

    def __iadd__(self, other):
        return self._inplace(np.add, other, "+=")

    def __isub__(self, other):
        return self._inplace(np.subtract, other, "-=")

    def __imul__(self, other):
        return self._inplace(np.multiply, other, "*=")

    def __itruediv__(self, other):
        if not dtypes.is_floating(self.data.dtype):
            raise RuntimeError(f"in-place /= on an integer tensor of dtype {self.dtype}")
        return self._inplace(np.true_divide, other, "/=")

    def zero_(self):
        """Set every element to zero in place; returns self."""
        return self.fill_(0)

    def fill_(self, value):
        """Set every element to `value` in place; returns self."""
        self._check_inplace("fill_")
        self.data[...] = value
        self.mark_changed()
        if Recording.active is not None:
            Recording.active.inplace(self, _fill, value)
        return self

    def copy_(self, source):
        """Copy `source` (broadcast to this shape) into this tensor in place; returns self."""
        return self._inplace(lambda dst, src, out, casting: np.copyto(out, src, casting=casting),
                             source, "copy_")


def _fill(target, value, out, casting):
    """`fill_` in the shape of an in-place ufunc call (how captured in-place changes replay)."""
    out[...] = value


class _HookHandle:
    def __init__(self, hooks, hook):
        self.hooks, self.hook = hooks, hook

    def remove(self):
        if self.hook in self.hooks:
            self.hooks.remove(self.hook)


# Imported last: the engine builds on the Tensor class defined above.
from . import engine  # noqa: E402
