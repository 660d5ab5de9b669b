"""Adagrad: per-coordinate learning rates that shrink with the sum of squared gradients."""
from . import kernels
from .optimizer import Optimizer


class Adagrad(Optimizer):
    """As PyTorch's Adagrad (`optim.kernels.adagrad` applies it):

        clr = lr / (1 + (step - 1) * lr_decay)
        g = grad + weight_decay * param
        sum = sum + g²                          (sum starts at initial_accumulator_value)
        param = param - clr * g / (sqrt(sum) + eps)

    >>> import autograd as ag, optim
    >>> w = ag.tensor([1.0], requires_grad=True)
    >>> opt = optim.Adagrad([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step(); round(w.item(), 6)   # first step: lr * sign(grad)
    0.9
    """

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))

    def _check(self, group):
        values = [group[name] for name in ("lr_decay", "initial_accumulator_value", "eps")]
        if min(values) < 0:
            raise ValueError("Adagrad: lr_decay, initial_accumulator_value and eps must be >= 0, got "
                             + ", ".join(map(str, values)))

    def _new_state(self, p, group):
        return {"step": 0, "sum": self._buffer(p, group["initial_accumulator_value"])}

    def _update(self, p, group, state):
        state["step"] += 1
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        kernels.adagrad(p.data, p.grad.data, state["sum"].data, clr, group["weight_decay"], group["eps"])
