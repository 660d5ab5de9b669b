"""Adam and AdamW: momentum on the gradient and on its square, with bias correction."""
from . import kernels
from .optimizer import Optimizer


class Adam(Optimizer):
    """As PyTorch's Adam (`optim.kernels.adam` applies it); `step` counts from 1:

        g = grad + weight_decay * param                  (L2 penalty folded into the gradient)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g²
        param = param - lr / (1 - beta1**step) * m / (sqrt(v) / sqrt(1 - beta2**step) + eps)

    The bias corrections undo the zero start of m and v, so the first step moves each
    coordinate by about lr.

    >>> import autograd as ag, optim
    >>> w = ag.tensor([1.0], requires_grad=True)
    >>> opt = optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step(); round(w.item(), 4)
    0.9
    """

    decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    def _check(self, group):
        betas, eps = group["betas"], group["eps"]
        if not (0 <= betas[0] < 1 and 0 <= betas[1] < 1) or eps < 0:
            raise ValueError(f"{type(self).__name__}: needs betas in [0, 1) and eps >= 0, got {betas}, {eps}")

    def _new_state(self, p, group):
        return {"step": 0, "exp_avg": self._buffer(p), "exp_avg_sq": self._buffer(p)}

    def _update(self, p, group, state):
        state["step"] += 1
        beta1, beta2 = group["betas"]
        kernels.adam(p.data, p.grad.data, state["exp_avg"].data, state["exp_avg_sq"].data, group["lr"], beta1, beta2,
                     group["eps"], group["weight_decay"], state["step"], self.decoupled)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), as PyTorch's AdamW: the weights
    shrink by a factor (1 - lr * weight_decay) each step instead of the decay entering m and v:

        param = param * (1 - lr * weight_decay)
        then Adam's update above with weight_decay = 0

    >>> import autograd as ag, optim
    >>> w = ag.tensor([1.0], requires_grad=True)
    >>> opt = optim.AdamW([w], lr=0.1, weight_decay=0.5)
    >>> (w * 0).sum().backward(); opt.step(); round(w.item(), 6)   # zero gradient: only the decay
    0.95
    """

    decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, lr, betas, eps, weight_decay)
