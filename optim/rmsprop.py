"""RMSprop: gradients divided by a running root-mean-square of recent gradients."""
from . import kernels
from .optimizer import Optimizer


class RMSprop(Optimizer):
    """As PyTorch's RMSprop (`optim.kernels.rmsprop` applies it):

        g = grad + weight_decay * param
        square_avg = alpha * square_avg + (1 - alpha) * g²
        grad_avg = grad_avg + (1 - alpha) * (g - grad_avg)                  (centered)
        avg = sqrt(square_avg - grad_avg²) + eps (centered), else sqrt(square_avg) + eps
        b = momentum * b + g / avg;  param = param - lr * b                 (momentum > 0)
        param = param - lr * g / avg                                        (otherwise)

    >>> import autograd as ag, optim
    >>> w = ag.tensor([1.0], requires_grad=True)
    >>> opt = optim.RMSprop([w], lr=0.01)
    >>> (w * w).sum().backward(); opt.step(); round(w.item(), 4)   # 1 - 0.01 / sqrt(0.01)
    0.9
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered))

    def _check(self, group):
        alpha, eps, momentum = group["alpha"], group["eps"], group["momentum"]
        if not 0 <= alpha <= 1 or eps < 0 or momentum < 0:
            raise ValueError(f"RMSprop: needs 0 <= alpha <= 1, eps >= 0 and momentum >= 0, got {alpha}, {eps}, "
                             f"{momentum}")

    def _new_state(self, p, group):
        state = {"step": 0, "square_avg": self._buffer(p)}
        if group["centered"]:
            state["grad_avg"] = self._buffer(p)
        if group["momentum"]:
            state["momentum_buffer"] = self._buffer(p)
        return state

    def _update(self, p, group, state):
        state["step"] += 1
        grad_avg, buffer = state.get("grad_avg"), state.get("momentum_buffer")
        kernels.rmsprop(p.data, p.grad.data, state["square_avg"].data, None if grad_avg is None else grad_avg.data,
                        None if buffer is None else buffer.data, group["lr"], group["alpha"], group["eps"],
                        group["weight_decay"], group["momentum"], group["centered"])
