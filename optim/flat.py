"""A parameter group laid out flat: its parameters, their gradients and each kind of optimiser
state in one array apiece, so that an update is one call over the whole group rather than one
per parameter (what PyTorch's `fused=True` optimisers do in C++).

The state tensors' arrays become views into the flat state arrays (the optimiser owns them, and
`state_dict()` sees them as before). The parameters keep their own arrays, which a model, a
`state_dict()` or the caller's numpy array may share: each step copies the parameters and their
gradients in and the parameters back out, passes over memory that cost less than the
per-parameter calls they save where parameters are small (`MEAN_SIZE`). The update runs on
`proxy`, a tensor over the flat parameters whose gradient is the flat gradient.
"""
import numpy as np

import autograd as ag

from .kernels.pages import place


# The copies cost about what a parameter's own call saves at this many elements per parameter:
# the 2-16-16-1 net's SGD step takes 19 us flat, 30 us per parameter; the 784-256-256-10 Adam
# step at batch 1 (45,000 per parameter) is slower flat.
MEAN_SIZE = 8192


def _order(array):
    return "F" if array.flags.f_contiguous and not array.flags.c_contiguous else "C"


class FlatGroup:
    """The flat layout of `params` (tensors with gradients) and their `states` (the optimiser's
    state dicts, all with the same keys; arrays as tensors, the rest numbers or None)."""

    def __init__(self, params, states, slot):
        self.params, self.states = list(params), list(states)
        self.bounds = np.cumsum([0] + [p.data.size for p in params]).tolist()
        dtype = params[0].dtype
        # Every flat array is laid out as the parameters are (each one's shape and row- or
        # column-major order), so that one index means the same element in all of them.
        self.layout = [(p.shape, _order(p.data)) for p in params]
        self.arrays = [p.data for p in params]  # arrays of that layout: a quick check that it holds
        flat_param = place(np.zeros(self.bounds[-1], dtype), slot)
        self.param_views = self._views(flat_param)
        self.proxy = ag.from_numpy(flat_param)
        flat_grad = place(np.zeros(flat_param.size, dtype), slot + 1)
        self.grad_views = self._views(flat_grad)
        self.proxy.grad = ag.from_numpy(flat_grad)
        self.state, self.state_views = {}, {}
        for number, (key, value) in enumerate(states[0].items()):
            if isinstance(value, ag.Tensor):
                tensors = [state[key] for state in states]
                flat = self._flat([t.data for t in tensors], dtype, slot + 2 + number)
                self.state_views[key] = self._adopt(flat, tensors)
                self.state[key] = ag.from_numpy(flat)
            else:
                self.state[key] = value

    @staticmethod
    def fits(params, states):
        """Whether `params` can share one layout and gain from it: more than one, small on average,
        one floating dtype, every one with a gradient, and state dicts of one kind (the same keys,
        the same numbers)."""
        if len(params) < 2 or sum(p.data.size for p in params) > MEAN_SIZE * len(params):
            return False
        if any(p.grad is None or p.dtype != params[0].dtype for p in params):
            return False
        first = states[0]
        if first is None or any(state is None or state.keys() != first.keys() for state in states):
            return False
        return all(isinstance(value, ag.Tensor) == isinstance(state[key], ag.Tensor)
                   and (isinstance(value, ag.Tensor) or state[key] == value)
                   for state in states for key, value in first.items())

    def holds(self, params, states):
        """Whether this layout still describes `params` and `states`: the same objects, each
        parameter with a gradient and its shape and memory order, and the state arrays still
        the views laid out here (nothing replaced them)."""
        if len(params) != len(self.params):
            return False
        for p, mine, array, layout, state, own in zip(params, self.params, self.arrays, self.layout, states,
                                                     self.states):
            if p is not mine or p._grad is None or state is not own:
                return False
            if p.data is not array and (p.shape, _order(p.data)) != layout:
                return False
        return all(state[key].data is view for key, views in self.state_views.items()
                   for state, view in zip(states, views))

    def gather(self):
        """Copy every parameter and its gradient into the flat arrays."""
        for p, param_view, grad_view in zip(self.params, self.param_views, self.grad_views):
            param_view[...] = p.data  # (assignment: faster than np.copyto for small arrays)
            grad_view[...] = p._grad.data

    def scatter(self):
        """After an update: the parameters back into their own arrays, and what the update
        changed in the state into each parameter's state: numbers (a step count), and state
        arrays it made (a first momentum buffer), split into per-parameter views."""
        for p, view in zip(self.params, self.param_views):
            p.data[...] = view
        for key, value in self.state.items():
            if key in self.state_views:
                continue
            if isinstance(value, ag.Tensor):
                views = self.state_views[key] = self._views(value.data)
                for state, view in zip(self.states, views):
                    state[key] = ag.from_numpy(view)
            elif self.states[0][key] != value:  # a step count, say; an unchanged None is left
                for state in self.states:
                    state[key] = value

    def _flat(self, arrays, dtype, slot):
        """A new flat array holding `arrays` (one per parameter)."""
        flat = place(np.empty(self.bounds[-1], dtype), slot)
        for array, view in zip(arrays, self._views(flat)):
            view[...] = array
        return flat

    def _views(self, flat):
        return [flat[start:end].reshape(shape, order=order)
                for (shape, order), start, end in zip(self.layout, self.bounds, self.bounds[1:])]

    def _adopt(self, flat, tensors):
        """Point each tensor's data at its view of `flat` (which already holds its values)."""
        views = self._views(flat)
        for tensor, view in zip(tensors, views):
            tensor.data = view
        return views
