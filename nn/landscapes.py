"""Two-dimensional loss surfaces built from autograd ops, and optimiser paths over them.

Each surface takes tensors x and y (any broadcastable shapes) and returns the loss at every
point, so the same function gives gradients (`backward`), Hessians (`ag.hessian`) and contour
grids. `descend` runs any optimiser (anything with `zero_grad` and `step`) from a start point.

>>> import autograd as ag
>>> float(rosenbrock(ag.tensor(1.0), ag.tensor(1.0)))
0.0
"""
import numpy as np

import autograd as ag


def bowl(x, y):
    """x² + 10 y²: convex, one minimum at (0, 0), ten times steeper along y (ill-conditioned)."""
    return x * x + 10 * y * y


def saddle(x, y):
    """x² - y²: a saddle point at (0, 0), a minimum along x and a maximum along y."""
    return x * x - y * y


def rosenbrock(x, y):
    """(1 - x)² + 100 (y - x²)²: a curved narrow valley, minimum 0 at (1, 1)."""
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def wells(x, y):
    """A shallow bowl with three Gaussian wells of different depths: one global minimum near
    (1, 1) and two local ones, near (-1.5, -0.5) and (1, -1.5)."""
    def well(cx, cy, depth, width):
        return depth * ag.exp(-((x - cx) ** 2 + (y - cy) ** 2) / width)

    return 0.05 * (x * x + y * y) - well(1.0, 1.0, 1.0, 0.5) - well(-1.5, -0.5, 0.7, 0.4) - well(1.0, -1.5, 0.5, 0.3)


# Each surface with the plotting window that shows its features: ((x min, x max), (y min, y max)).
SURFACES = {
    "bowl": (bowl, ((-2.0, 2.0), (-1.0, 1.0))),
    "saddle": (saddle, ((-1.5, 1.5), (-1.5, 1.5))),
    "rosenbrock": (rosenbrock, ((-2.0, 2.0), (-1.0, 3.0))),
    "wells": (wells, ((-3.0, 3.0), (-3.0, 3.0))),
}


def grid(surface, bounds, points=100):
    """(X, Y, Z) arrays of `surface` over a points x points grid covering `bounds`."""
    (x0, x1), (y0, y1) = bounds
    xs, ys = np.meshgrid(np.linspace(x0, x1, points), np.linspace(y0, y1, points))
    with ag.no_grad():
        z = surface(ag.tensor(xs, dtype=ag.float64), ag.tensor(ys, dtype=ag.float64)).data
    return xs, ys, z


def descend(surface, make_optimizer, start, steps):
    """The path of an optimiser over `surface` from `start`: an array (steps + 1, 2).

    `make_optimizer(params)` builds the optimiser for the one 2-vector parameter.

    >>> import optim
    >>> path = descend(bowl, lambda p: optim.SGD(p, lr=0.05), (1.5, 0.5), 100)
    >>> path.shape, bool(abs(path[-1]).max() < 1e-3)
    ((101, 2), True)
    """
    point = ag.tensor(np.asarray(start, dtype=np.float64), requires_grad=True)
    optimizer = make_optimizer([point])
    path = [point.data.copy()]
    for _ in range(steps):
        optimizer.zero_grad()
        surface(point[0], point[1]).backward()
        optimizer.step()
        path.append(point.data.copy())
    return np.array(path)
