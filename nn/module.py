"""`Module`: the base of every layer and model.

Assigning a `Parameter`, a `Module` or (through `register_buffer`) a tensor as an attribute
registers it, so `parameters()`, `state_dict()`, `train()` and friends find everything inside a
model without being told. The registered objects also live in the instance's `__dict__`, so
reading `self.weight` in `forward` is an ordinary attribute lookup.
"""
from collections import namedtuple

import numpy as np

import autograd as ag
from autograd import scope

from .parameter import Parameter

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class _Changes:
    """How many times any module's mode, parameters, buffers or submodules changed. A compiled
    step's guard (see ag.compile) compares its modules' `_guard_state()` only when this moved."""
    count = 0


class _Registry(dict):
    """A module's parameters, buffers or submodules by name; every change is counted."""

    def __setitem__(self, name, value):
        _Changes.count += 1
        super().__setitem__(name, value)

    def __delitem__(self, name):
        _Changes.count += 1
        super().__delitem__(name)

    def pop(self, name, *default):
        _Changes.count += 1
        return super().pop(name, *default)


class Module:
    """Base class of layers and models: subclasses set attributes in `__init__` (after calling
    `super().__init__()`) and compute their output in `forward`.

    >>> import autograd as ag, nn
    >>> class Affine(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.scale = nn.Parameter(ag.ones(3))
    ...     def forward(self, x):
    ...         return x * self.scale
    >>> [name for name, _ in Affine().named_parameters()]
    ['scale']
    """

    # Whether `summary()` shows this module as one layer rather than listing its insides.
    summary_as_one_row = False

    def __init__(self):
        set_attribute = object.__setattr__
        set_attribute(self, "training", True)
        set_attribute(self, "_parameters", _Registry())
        set_attribute(self, "_buffers", _Registry())
        set_attribute(self, "_non_persistent", set())
        set_attribute(self, "_modules", _Registry())
        set_attribute(self, "_forward_pre_hooks", {})
        set_attribute(self, "_forward_hooks", {})

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} has no forward()")

    def __call__(self, *args, **kwargs):
        # Ops recorded inside forward remember this module (for ag.draw_graph's clusters).
        previous = scope.enter(self)
        try:
            if not (self._forward_pre_hooks or self._forward_hooks):
                return self.forward(*args, **kwargs)
            for hook in list(self._forward_pre_hooks.values()):
                replaced = hook(self, args)
                if replaced is not None:
                    args = replaced if isinstance(replaced, tuple) else (replaced,)
            output = self.forward(*args, **kwargs)
            for hook in list(self._forward_hooks.values()):
                replaced = hook(self, args, output)
                if replaced is not None:
                    output = replaced
            return output
        finally:
            scope.leave(previous)

    # --- registration -------------------------------------------------------------------------
    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"call super().__init__() in {type(self).__name__}.__init__ before assigning "
                                 f"attribute {name!r}")
        if isinstance(value, Parameter):
            self._forget(name)
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._forget(name)
            self._modules[name] = value
        elif name in self._parameters:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__} to parameter {name!r} of "
                                f"{type(self).__name__}: use nn.Parameter, or None")
            self._parameters[name] = None
        elif name in self._modules:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__} to submodule {name!r} of "
                                f"{type(self).__name__}: use a Module, or None")
            self._modules[name] = None
        elif name in self._buffers:
            if value is not None and not isinstance(value, ag.Tensor):
                raise TypeError(f"cannot assign {type(value).__name__} to buffer {name!r}: use a Tensor, or None")
            self._buffers[name] = value
        elif name == "training":
            _Changes.count += 1
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        self._forget(name)
        object.__delattr__(self, name)

    def _forget(self, name):
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        self._non_persistent.discard(name)

    def register_parameter(self, name, parameter):
        """Register `parameter` (a Parameter, or None for an absent one such as a disabled bias)."""
        if parameter is not None and not isinstance(parameter, Parameter):
            raise TypeError(f"register_parameter({name!r}) needs an nn.Parameter or None, got "
                            f"{type(parameter).__name__}")
        self._forget(name)
        self._parameters[name] = parameter
        object.__setattr__(self, name, parameter)

    def register_buffer(self, name, tensor, persistent=True):
        """Register a tensor that is part of the module's state but not learnt (BatchNorm's running
        mean, a pruning mask). Persistent buffers are saved in `state_dict()`."""
        if tensor is not None and not isinstance(tensor, ag.Tensor):
            raise TypeError(f"register_buffer({name!r}) needs a Tensor or None, got {type(tensor).__name__}")
        self._forget(name)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent.add(name)
        object.__setattr__(self, name, tensor)

    def add_module(self, name, module):
        """Register `module` under `name` (the same as assigning it as an attribute)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module({name!r}) needs a Module, got {type(module).__name__}")
        self._forget(name)
        self._modules[name] = module
        object.__setattr__(self, name, module)

    def register_forward_pre_hook(self, hook):
        """Call `hook(module, args)` before each forward; a returned value replaces the args."""
        return _add_hook(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook):
        """Call `hook(module, args, output)` after each forward; a returned value replaces the output."""
        return _add_hook(self._forward_hooks, hook)

    # --- walking the tree ---------------------------------------------------------------------
    def named_modules(self, prefix=""):
        """(dotted name, module) for this module and every module inside it, each once, in
        registration order (depth first)."""
        seen, stack = set(), [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{child_name}" if name else child_name, child)
                        for child_name, child in module._modules.items() if child is not None]
            stack.extend(reversed(children))

    def modules(self):
        return (module for _, module in self.named_modules())

    def named_children(self):
        return ((name, module) for name, module in self._modules.items() if module is not None)

    def children(self):
        return (module for _, module in self.named_children())

    def _named_members(self, registry, recurse):
        seen = set()
        modules = self.named_modules() if recurse else [("", self)]
        for prefix, module in modules:
            for name, member in getattr(module, registry).items():
                if member is None or id(member) in seen:
                    continue
                seen.add(id(member))
                yield (f"{prefix}.{name}" if prefix else name), member

    def named_parameters(self, recurse=True):
        """(dotted name, parameter) for every parameter, each once (shared ones under their first name).

        >>> import nn
        >>> [name for name, _ in nn.Sequential(nn.Linear(2, 3), nn.ReLU()).named_parameters()]
        ['0.weight', '0.bias']
        """
        return self._named_members("_parameters", recurse)

    def parameters(self, recurse=True):
        return (parameter for _, parameter in self.named_parameters(recurse))

    def named_buffers(self, recurse=True):
        return self._named_members("_buffers", recurse)

    def buffers(self, recurse=True):
        return (buffer for _, buffer in self.named_buffers(recurse))

    def apply(self, fn):
        """Call `fn(module)` on every submodule and then on self (as PyTorch); returns self.

        >>> import nn
        >>> net = nn.Sequential(nn.Linear(2, 2)).apply(lambda m: None)
        """
        for module in reversed(list(self.modules())):
            fn(module)
        return self

    # --- modes and gradients --------------------------------------------------------------------
    def train(self, mode=True):
        """Set training mode (dropout active, batch statistics) on this module and all inside it."""
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        _Changes.count += 1
        return self

    def eval(self):
        """Set evaluation mode (dropout off, running statistics); the same as `train(False)`."""
        return self.train(False)

    def _guard_state(self):
        """What a compiled function that called this module depends on (see ag.compile): the
        mode, and which parameters, buffers and submodules it holds."""
        return (self.training, tuple(map(id, self._parameters.values())), tuple(map(id, self._buffers.values())),
                tuple(map(id, self._modules.values())))

    @staticmethod
    def _guard_epoch():
        """A number that moves whenever any module's `_guard_state()` may have changed."""
        return _Changes.count

    @ag.capture_as_call
    def zero_grad(self, set_to_none=True):
        """Clear every parameter's gradient (to None, as PyTorch's default, or to zeros)."""
        for parameter in self.parameters():
            if set_to_none or parameter.grad is None:
                parameter.grad = None
            else:
                parameter.grad.data[...] = 0

    def requires_grad_(self, requires_grad=True):
        """Freeze (False) or unfreeze (True) every parameter; returns self."""
        for parameter in self.parameters():
            parameter.requires_grad_(requires_grad)
        return self

    def to(self, dtype):
        """Convert every floating-point parameter and buffer to `dtype` in place; returns self.

        >>> import autograd as ag, nn
        >>> nn.Linear(2, 3).to(ag.float64).weight.dtype
        dtype('float64')
        """
        dtype = ag.dtypes.as_dtype(dtype)
        if not ag.dtypes.is_floating(dtype):
            raise ValueError(f"Module.to needs a floating-point dtype, got {dtype}")
        for tensor in list(self.parameters()) + list(self.buffers()):
            if ag.dtypes.is_floating(tensor.dtype) and tensor.dtype != dtype:
                tensor.data = tensor.data.astype(dtype)
                tensor.grad = None if tensor.grad is None else ag.Tensor(tensor.grad.data, dtype=dtype)
        return self

    def double(self):
        return self.to(ag.float64)

    def float(self):
        return self.to(ag.float32)

    # --- state ----------------------------------------------------------------------------------
    def state_dict(self):
        """Every parameter and persistent buffer by dotted name, as detached tensors sharing the
        module's memory (copy them to keep a snapshot).

        >>> import nn
        >>> list(nn.BatchNorm1d(3).state_dict())
        ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
        """
        state = {}
        for prefix, module in self.named_modules():
            dot = f"{prefix}." if prefix else ""
            for name, parameter in module._parameters.items():
                if parameter is not None:
                    state[dot + name] = parameter.detach()
            for name, buffer in module._buffers.items():
                if buffer is not None and name not in module._non_persistent:
                    state[dot + name] = buffer.detach()
        return state

    def load_state_dict(self, state_dict, strict=True):
        """Copy `state_dict`'s tensors (or arrays) into this module's parameters and buffers, in
        place. Every key, shape and conversion to the parameter's dtype is checked before anything
        is copied, so a failed load leaves the module unchanged. With `strict=False` missing and
        unexpected keys are allowed and returned. Values are cast to each parameter's dtype.

        >>> import nn
        >>> a, b = nn.Linear(2, 3), nn.Linear(2, 3)
        >>> b.load_state_dict(a.state_dict())
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        """
        own = self.state_dict()
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        problems = []
        if strict and missing:
            problems.append(f"missing keys {missing}")
        if strict and unexpected:
            problems.append(f"unexpected keys {unexpected}")
        arrays = {}
        for key, target in own.items():
            if key in state_dict:
                arrays[key], problem = _converted(key, state_dict[key], target)
                if problem:
                    problems.append(problem)
        if problems:
            raise ValueError(f"load_state_dict into {type(self).__name__}: " + "; ".join(problems)
                             + " (nothing was loaded)")
        for key, array in arrays.items():
            target = own[key]
            np.copyto(target.data, array, casting="unsafe")
            target.mark_changed()
        return IncompatibleKeys(missing, unexpected)

    # --- description ----------------------------------------------------------------------------
    def summary(self, input_shape=None, dtype=None, verbose=True):
        """Print a Keras-style table of the layers, their output shapes (when `input_shape`, the
        shape of one sample, is given) and their parameter counts, as Keras and torchinfo do, and
        return it as a `nn.summary.Summary` (its `str` is the table). `verbose=False` only returns it.

        >>> import nn
        >>> net = nn.Sequential(nn.Linear(784, 64), nn.Sigmoid(), nn.Linear(64, 10))
        >>> net.summary(input_shape=(784,), verbose=False).total_params
        50890
        """
        from .summary import summarise

        table = summarise(self, input_shape, dtype)
        if verbose:
            print(table)
        return table

    def extra_repr(self):
        """The arguments shown between the parentheses of this module's repr."""
        return ""

    def __repr__(self):
        children = [f"({name}): " + repr(module).replace("\n", "\n  ") for name, module in self.named_children()]
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = ([self.extra_repr()] if self.extra_repr() else []) + children
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


def _converted(key, value, target):
    """(`value` as an array of `target`'s shape and dtype, None), or (None, what is wrong with it):
    a number of another shape, or values that are not numbers (strings, None, objects)."""
    array = value.data if isinstance(value, ag.Tensor) else np.asarray(value)
    if array.dtype.kind not in "biuf":
        return None, f"{key!r} holds {array.dtype} values ({type(value).__name__}), not numbers"
    if array.shape != target.shape:
        return None, f"{key!r} has shape {array.shape} in the state dict but {target.shape} in the model"
    return array.astype(target.dtype, copy=False), None


class _HookHandle:
    def __init__(self, hooks, key):
        self.hooks, self.key = hooks, key

    def remove(self):
        self.hooks.pop(self.key, None)


def _add_hook(hooks, hook):
    key = max(hooks, default=-1) + 1
    hooks[key] = hook
    return _HookHandle(hooks, key)
