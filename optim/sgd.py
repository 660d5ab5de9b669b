"""Stochastic gradient descent, with momentum, dampening, Nesterov momentum and weight decay."""
from . import kernels
from .optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent, one step per batch (so batch, stochastic and mini-batch descent differ
    only in the batch size). The update, as PyTorch's (see `optim.kernels.reference.sgd`):

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
        if momentum < 0:
            raise ValueError(f"SGD: invalid momentum {momentum} (must be >= 0)")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: Nesterov momentum needs momentum > 0 and dampening = 0")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                                      weight_decay=weight_decay))

    def _update(self, group):
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        nesterov, weight_decay = group["nesterov"], group["weight_decay"]
        for p in group["params"]:
            if p.grad is None:
                continue
            buffer, first = None, False
            if momentum:
                state = self.state.get(p)
                first = state is None
                if first:
                    state = self.state[p] = {"momentum_buffer": self._buffer(p)}
                buffer = state["momentum_buffer"].data
            kernels.sgd(p.data, p.grad.data, buffer, lr, momentum, dampening, nesterov, weight_decay, first)
            p._version[0] += 1
