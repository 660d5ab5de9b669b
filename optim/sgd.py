"""Stochastic gradient descent, with momentum, dampening, Nesterov momentum and weight decay."""
from . import kernels
from .optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent, one step per batch (so batch, stochastic and mini-batch descent differ
    only in the batch size). The update, as PyTorch's (`optim.kernels.sgd` applies it):

        g = grad + weight_decay * param
        b = g (first step),  b = momentum * b + (1 - dampening) * g (later)
        g = g + momentum * b (nesterov)  or  g = b (momentum > 0)
        param = param - lr * g

    >>> import autograd as ag, optim
    >>> w = ag.tensor([1.0], requires_grad=True)
    >>> opt = optim.SGD([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step(); w.tolist()
    [0.800000011920929]
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                                      weight_decay=weight_decay))

    def _check(self, group):
        if group["momentum"] < 0:
            raise ValueError(f"SGD: invalid momentum {group['momentum']} (must be >= 0)")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: Nesterov momentum needs momentum > 0 and dampening = 0")

    def _new_state(self, p, group):
        return {"momentum_buffer": None}  # made by the first step with momentum, as PyTorch

    def _update(self, p, group, state):
        momentum, buffer, first = group["momentum"], state["momentum_buffer"], False
        if momentum and buffer is None:
            buffer = state["momentum_buffer"] = self._buffer(p)
            first = True
        kernels.sgd(p.data, p.grad.data, None if buffer is None else buffer.data, group["lr"], momentum,
                    group["dampening"], group["nesterov"], group["weight_decay"], first)
