"""Second-order tools built on `grad(..., create_graph=True)`: Hessians and Hessian-vector products."""
import numpy as np

from .engine import grad
from .tensor import Tensor


def _fresh_input(x):
    return x.detach().requires_grad_(True) if isinstance(x, Tensor) else Tensor(x, requires_grad=True)


def hessian(fn, x):
    """The matrix of second derivatives of a scalar `fn(x)`, shape x.shape + x.shape.

    One reverse pass per element of x: meant for small problems (saddle points in 2-D).

    >>> import autograd as ag
    >>> ag.hessian(lambda p: p[0] ** 2 - p[1] ** 2, ag.tensor([0.0, 0.0])).tolist()
    [[2.0, 0.0], [0.0, -2.0]]
    """
    x = _fresh_input(x)
    value = fn(x)
    if value.data.size != 1:
        raise ValueError(f"hessian needs a function with a scalar output, got shape {value.shape}")
    (gradient,) = grad(value, x, create_graph=True)
    flat = gradient.reshape(-1)
    rows = []
    for i in range(flat.data.size):
        if flat.requires_grad:
            (row,) = grad(flat[i], x, retain_graph=True, allow_unused=True)
        else:
            row = None
        rows.append(np.zeros(x.shape, x.dtype) if row is None else row.data)
    return Tensor._make(np.stack(rows).reshape(x.shape + x.shape))


def hvp(fn, x, v):
    """(fn(x), H v): the Hessian of a scalar `fn` at x times the vector v, in two reverse passes,
    without forming H (as `torch.autograd.functional.hvp`).

    >>> import autograd as ag
    >>> value, product = ag.hvp(lambda p: (p ** 3).sum(), ag.tensor([1.0, 2.0]), ag.tensor([1.0, 1.0]))
    >>> product.tolist()
    [6.0, 12.0]
    """
    x = _fresh_input(x)
    v = v if isinstance(v, Tensor) else Tensor(v)
    if v.shape != x.shape:
        raise ValueError(f"hvp: v has shape {v.shape} but x has shape {x.shape}")
    value = fn(x)
    (gradient,) = grad(value, x, create_graph=True)
    (product,) = grad((gradient * v).sum(), x, allow_unused=True)
    product = Tensor._make(np.zeros(x.shape, x.dtype)) if product is None else product
    return value.detach(), product
