"""Training diagnostics: per-layer statistics recorded by hooks, step by step, as plain arrays.

A `Monitor` watches a model's layers. Forward hooks record, at every training-mode forward, each
layer's activation mean and standard deviation, and for ReLU-like units (ReLU, its leaky and
exponential kin, GELU, SiLU) the fraction that are dead (<= 0 for every sample of the batch), for
bounded units (sigmoid, tanh, hardtanh, hardsigmoid, softsign) the fraction of outputs that are
saturated (within `saturation` of either bound, relative to the output range).
Around each optimiser step it records, for every layer with parameters, the gradient norm and
the update-to-weight ratio ||Δw|| / ||w|| of its weight.

It is a `fit` callback; in a hand-written loop call `before_step` after `backward()` and
`after_step` after `optimizer.step()`.

>>> import autograd as ag, nn
>>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
>>> monitor = nn.diagnostics.Monitor(model)
>>> loss = model(ag.randn(16, 4)).sum(); loss.backward()
>>> monitor.before_step(model)
>>> sorted(monitor.history["1"])
['act_mean', 'act_std', 'dead_fraction']
>>> monitor.history["0"]["grad_norm"].shape
(1,)
"""
import numpy as np

from .activation import (CELU, ELU, GELU, SELU, Hardsigmoid, Hardtanh, LeakyReLU, NoisyReLU, PReLU, ReLU, Sigmoid,
                         SiLU, Softsign, Tanh)
from .training import Callback

RELU_LIKE = (ReLU, LeakyReLU, PReLU, NoisyReLU, ELU, CELU, SELU, GELU, SiLU)
# (low, high) output bounds of the saturating units (Hardtanh's are its own: see `bounds`)
BOUNDS = {Sigmoid: (0.0, 1.0), Tanh: (-1.0, 1.0), Hardsigmoid: (0.0, 1.0), Softsign: (-1.0, 1.0)}


def bounds(module):
    """The (low, high) output bounds of a saturating unit, None for any other module.

    >>> import nn
    >>> bounds(nn.Hardtanh(-2.0, 3.0)), bounds(nn.Softsign()), bounds(nn.ReLU())
    ((-2.0, 3.0), (-1.0, 1.0), None)
    """
    if isinstance(module, Hardtanh):
        return module.min_val, module.max_val
    return BOUNDS.get(type(module))


def _layers(model):
    """(name, module) of every module without children (the model itself if it has none)."""
    return [(name or type(module).__name__, module) for name, module in model.named_modules()
            if not module._modules]


def dead_fraction(output):
    """The fraction of units (features; all dims but the batch dim) that are <= 0 for every
    sample of the batch: ReLUs that pass no gradient, and smooth ReLU-like units (ELU, GELU,
    SiLU...) that never reach their linear part (they still pass a small gradient).

    >>> import numpy as np
    >>> dead_fraction(np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0]]))
    0.3333333333333333
    """
    units = output.reshape(output.shape[0], -1) if output.ndim > 1 else output.reshape(-1, 1)
    return float((units <= 0).all(axis=0).mean())


def saturated_fraction(output, low, high, saturation=0.05):
    """The fraction of outputs within `saturation * (high - low)` of either bound.

    >>> import numpy as np
    >>> saturated_fraction(np.array([0.01, 0.5, 0.99, 0.97]), 0.0, 1.0)
    0.75
    """
    margin = saturation * (high - low)
    return float(((output <= low + margin) | (output >= high - margin)).mean())


class Monitor(Callback):
    """Records per-layer statistics of `model` while it trains; see the module docstring.

    `history[layer][statistic]` is a numpy array with one value per recorded step.
    """

    def __init__(self, model, saturation=0.05):
        self.model, self.saturation = model, saturation
        self.layers = _layers(model)
        self._records = {name: {} for name, _ in self.layers}
        self._handles = [module.register_forward_hook(self._forward_hook(name)) for name, module in self.layers]
        self._before = {}

    # --- recording ----------------------------------------------------------------------------
    def _append(self, layer, statistic, value):
        self._records[layer].setdefault(statistic, []).append(value)

    def _forward_hook(self, name):
        def record(module, args, output):
            if not module.training:
                return
            values = output.data
            self._append(name, "act_mean", float(values.mean()))
            self._append(name, "act_std", float(values.std()))
            if isinstance(module, RELU_LIKE):
                self._append(name, "dead_fraction", dead_fraction(values))
            low_high = bounds(module)
            if low_high is not None:
                self._append(name, "saturated_fraction", saturated_fraction(values, *low_high, self.saturation))

        return record

    def _weights(self):
        for name, module in self.layers:
            weight = module._parameters.get("weight")
            if weight is not None:
                yield name, weight

    def before_step(self, model=None):
        """After backward, before the optimiser's step: record gradient norms, keep the weights."""
        for name, weight in self._weights():
            grad = weight.grad
            self._append(name, "grad_norm", float(np.linalg.norm(grad.data)) if grad is not None else 0.0)
            self._before[name] = weight.data.copy()

    def after_step(self, model=None):
        """After the optimiser's step: record each layer's update-to-weight ratio."""
        for name, weight in self._weights():
            before = self._before.pop(name, None)
            if before is not None:
                norm = float(np.linalg.norm(before))
                change = float(np.linalg.norm(weight.data - before))
                self._append(name, "update_ratio", change / norm if norm else float("inf"))

    on_step_begin = before_step
    on_step_end = after_step

    def remove(self):
        """Stop recording (remove the hooks); the history stays."""
        for handle in self._handles:
            handle.remove()
        self._handles = []

    # --- reading ------------------------------------------------------------------------------
    @property
    def history(self):
        """{layer: {statistic: array over steps}} for every layer that recorded something."""
        return {layer: {statistic: np.array(values) for statistic, values in stats.items()}
                for layer, stats in self._records.items() if stats}

    def table(self):
        """The latest value of every statistic, one row per layer, as text."""
        statistics = sorted({s for stats in self._records.values() for s in stats})
        rows = [["layer"] + statistics]
        for layer, stats in self._records.items():
            if stats:
                rows.append([layer] + [f"{stats[s][-1]:.3g}" if s in stats else "-" for s in statistics])
        widths = [max(len(row[i]) for row in rows) + 2 for i in range(len(rows[0]))]
        return "\n".join("".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows)


def activations(model, x):
    """{layer: output array} of every layer for one forward pass of `x` (no recording).

    >>> import autograd as ag, nn
    >>> sorted(activations(nn.Sequential(nn.Linear(3, 4), nn.Tanh()), ag.randn(5, 3)))
    ['0', '1']
    """
    import autograd as ag

    outputs = {}
    handles = [module.register_forward_hook(lambda m, args, out, name=name: outputs.__setitem__(name, out.data))
               for name, module in _layers(model)]
    try:
        with ag.no_grad():
            model(x)
    finally:
        for handle in handles:
            handle.remove()
    return outputs
