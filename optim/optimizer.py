"""`Optimizer`: parameter groups, per-parameter state, zero_grad, and state_dict round trips.

Subclasses hold the hyperparameters in `defaults` and implement `_new_state(p, group)` (the
state a parameter starts with) and `_update(p, group, state)`, which applies their update rule
(a function of `optim.kernels`) to a tensor that has a gradient: one parameter, or, from the
second step on, a whole group laid out flat (`optim/flat.py`), updated in one call.
"""
import inspect

import numpy as np

import autograd as ag
from autograd.grad_mode import no_grad

from .flat import FlatGroup
from .hyperparameters import checked
from .kernels.pages import place

class Optimizer:
    """Base of every optimiser.

    `params` is an iterable of tensors, or of dicts each holding "params" and hyperparameters
    that override the defaults for that group (parameter groups).

    >>> import autograd as ag, optim
    >>> w, b = ag.zeros(3, requires_grad=True), ag.zeros(1, requires_grad=True)
    >>> opt = optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1)
    >>> [group["lr"] for group in opt.param_groups]
    [0.1, 0.5]
    """

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = {}
        self._flat = {}  # group number -> FlatGroup, once the group can be updated in one call
        self._slots = 0  # counts state arrays, to give each its own page offset
        self.param_groups = []
        if isinstance(params, ag.Tensor) or hasattr(params, "parameters"):
            raise TypeError(f"{type(self).__name__}: params must be an iterable of tensors, got a "
                            f"{type(params).__name__}; pass model.parameters()")
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group):
        """Add a group: a dict with "params" and any hyperparameters to override."""
        if not isinstance(group, dict) or "params" not in group:
            raise ValueError("a parameter group is a dict with a 'params' entry")
        params = group["params"]
        params = [params] if isinstance(params, ag.Tensor) else list(params)
        for p in params:
            self._check_parameter(p)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if len({id(p) for p in params}) != len(params) or any(id(p) in seen for p in params):
            raise ValueError("a parameter appears more than once among the parameter groups")
        unknown = set(group) - set(self.defaults) - {"params", "initial_lr"}
        if unknown:
            raise ValueError(f"{type(self).__name__} has no hyperparameter(s) {sorted(unknown)}; it takes "
                             f"{sorted(self.defaults)}")
        filled = {**self.defaults, **group, "params": params}
        filled = checked(type(self).__name__, filled, self._signature_defaults())
        if filled["lr"] < 0:
            raise ValueError(f"{type(self).__name__}: invalid learning rate {filled['lr']} (must be >= 0)")
        if filled.get("weight_decay", 0) < 0:
            raise ValueError(f"{type(self).__name__}: invalid weight_decay {filled['weight_decay']} (must be >= 0)")
        self._check(filled)
        self.param_groups.append(filled)

    def _check_parameter(self, p):
        if not isinstance(p, ag.Tensor):
            raise TypeError(f"{type(self).__name__} can only optimise Tensors, got {type(p).__name__}")
        if not p.is_leaf:
            raise ValueError(f"{type(self).__name__} cannot optimise a non-leaf tensor (shape {p.shape})")
        if not ag.dtypes.is_floating(p.dtype):
            raise ValueError(f"{type(self).__name__} needs floating-point parameters, got {p.dtype}")

    def _check(self, group):
        """Raise ValueError if `group`'s hyperparameters (finite numbers by now) are out of range."""

    def _signature_defaults(self):
        """The defaults of the hyperparameters in this optimiser's signature: the kinds of values
        they take (the `defaults` attribute holds the values given)."""
        parameters = inspect.signature(type(self).__init__).parameters
        return {name: parameters[name].default for name in self.defaults
                if name in parameters and parameters[name].default is not inspect.Parameter.empty}

    def _guard_state(self):
        """What a compiled step that called this optimiser depends on (see ag.compile): which
        parameters each group holds. Hyperparameters are read afresh at every step."""
        return tuple(tuple(map(id, group["params"])) for group in self.param_groups)

    @ag.capture_as_call
    def zero_grad(self, set_to_none=True):
        """Clear the gradients of every parameter (to None, as PyTorch's default, or to zeros)."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    p.grad.data[...] = 0

    @ag.capture_as_call
    def step(self, closure=None):
        """Update every parameter that has a gradient. `closure`, if given, re-evaluates the loss
        (with gradients) first and its value is returned."""
        loss = None
        if closure is not None:
            with ag.enable_grad():
                loss = closure()
        with no_grad():
            for number, group in enumerate(self.param_groups):
                params = group["params"]
                flat = self._flat_layout(number, params)
                if flat is not None:
                    flat.gather()
                    self._update(flat.proxy, group, flat.state)
                    flat.scatter()
                for p in params:
                    if p.grad is not None:
                        if flat is None:
                            self._update(p, group, self._state(p, group))
                        p.mark_changed()  # changed in place: a record that saved it must notice
        return loss

    def _flat_layout(self, number, params):
        """Group `number`'s `FlatGroup` (one update over all its parameters) once every parameter
        has a gradient and state of one kind, which is from the second step on; None before."""
        flat = self._flat.get(number)
        states = [self.state.get(p) for p in params]
        if flat is not None and flat.holds(params, states):
            return flat
        self._flat.pop(number, None)
        if not FlatGroup.fits(params, states):
            return None
        self._slots += 2 + len(states[0])
        flat = self._flat[number] = FlatGroup(params, states, self._slots)
        return flat

    def _new_state(self, p, group):
        return {}

    def _update(self, p, group, state):
        """Apply the update rule to `p` (a parameter, or a group's flat proxy) given its gradient
        `p.grad` and `state`, in place."""
        raise NotImplementedError

    def _state(self, p, group):
        """The state of parameter `p`, made by `_new_state` on its first step."""
        state = self.state.get(p)
        if state is None:
            state = self.state[p] = self._new_state(p, group)
        return state

    def _buffer(self, p, value=0.0):
        """A state array shaped like `p`, filled with `value`, at its own page offset (`kernels.pages`)."""
        return self._place(np.full_like(p.data, value))

    def _place(self, array):
        self._slots += 1
        return ag.from_numpy(place(array, self._slots))

    # --- saving and restoring -----------------------------------------------------------------
    def state_dict(self):
        """{"state": {index: {name: array or number}}, "param_groups": [{hyperparameters, "params":
        [indices]}]}, parameters numbered in group order; arrays are copies."""
        index, groups = {}, []
        for group in self.param_groups:
            numbers = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                numbers.append(index[id(p)])
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": numbers})
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state:
                    state[index[id(p)]] = {k: v.data.copy() if isinstance(v, ag.Tensor) else v
                                           for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore what `state_dict()` returned (from an optimiser of the same kind over parameters
        of the same shapes). Everything is checked first: a failed load changes nothing."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(f"load_state_dict: the saved state has {len(groups)} parameter groups, this "
                             f"{type(self).__name__} has {len(self.param_groups)}")
        params = {}
        for number, (saved, own) in enumerate(zip(groups, self.param_groups)):
            if len(saved["params"]) != len(own["params"]):
                raise ValueError(f"load_state_dict: group {number} has {len(saved['params'])} parameters in the "
                                 f"saved state, {len(own['params'])} here")
            params.update(zip(saved["params"], own["params"]))
        new_state = {}
        for key, entries in state_dict["state"].items():
            if key not in params:
                raise ValueError(f"load_state_dict: state for parameter {key}, which no group holds")
            p = params[key]
            restored = {}
            for name, value in entries.items():
                if isinstance(value, (np.ndarray, ag.Tensor)):
                    array = value.data if isinstance(value, ag.Tensor) else value
                    if array.shape != p.shape:
                        raise ValueError(f"load_state_dict: {name!r} of parameter {key} has shape {array.shape}, "
                                         f"the parameter has shape {p.shape}")
                    restored[name] = self._place(array.astype(p.dtype))
                else:
                    restored[name] = value
            new_state[p] = restored
        for saved, own in zip(groups, self.param_groups):
            own.update({k: v for k, v in saved.items() if k != "params"})
        self.state = new_state

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for number, group in enumerate(self.param_groups):
            settings = ", ".join(f"{k}={v}" for k, v in group.items() if k != "params")
            lines.append(f"  group {number}: {len(group['params'])} tensors, {settings}")
        return "\n".join(lines + [")"])
