"""Primitives that read or write along one axis at positions an int64 index tensor gives:
gather, and the scatters (assign, add, multiply, max/min) that write where gather reads.

`index` has as many dims as `x` and may be smaller in any of them: it picks, for every position
`p` of `index`, the element of `x` at `p` with coordinate `axis` replaced by `index[p]` (see
`coordinates`). Gather and scatter_add are each other's backward. The public functions, with
their checks, are in `indexing.py`.
"""
import numpy as np

from ..function import Function
from ..tensor import Tensor


def coordinates(index, axis):
    """The numpy index that reads `x` where `gather(x, axis, index)` does: the open grid over
    `index`'s shape with the `axis` coordinate replaced by `index`.

    >>> x = np.arange(6).reshape(2, 3)
    >>> x[coordinates(np.array([[2], [0]]), 1)].tolist()
    [[2], [3]]
    """
    grid = list(np.indices(index.shape, sparse=True))
    grid[axis] = index
    return tuple(grid)


def flat_positions(index, axis, shape):
    """Where `coordinates(index, axis)` falls in a row-major array of `shape` flattened. With
    flat positions the scatter-add is 2 to 9 times faster than np.add.at with an index per dim,
    and the gather up to 4 times faster than take_along_axis on large arrays (bench_scans.py).

    >>> flat_positions(np.array([[2], [0]]), 1, (2, 3)).tolist()
    [[2], [3]]
    """
    strides = np.cumprod((shape[1:] + (1,))[::-1])[::-1]
    positions = index * strides[axis]
    for i, n in enumerate(index.shape):
        if i != axis:
            positions = positions + (np.arange(n) * strides[i]).reshape((n,) + (1,) * (index.ndim - i - 1))
    return positions


def add_at(x, positions, src):
    """A copy of x with src added at the flat `positions` (repeats add up). numpy's `add.at` over
    flat positions is 4-10x faster than over an index per dim from 4,000 elements, and 1.3-3x
    faster than a weighted `bincount` from 10^4 (benchmarks/bench_indexing.py)."""
    out = x.copy()
    np.add.at(out.reshape(-1), positions.ravel(), np.broadcast_to(src, positions.shape).ravel())
    return out


def _array(x):
    """A backward's input as an array: under create_graph the inputs are Tensors."""
    return x.data if isinstance(x, Tensor) else x


class Gather(Function):
    """x at `coordinates(index, axis)`: the result has index's shape."""

    def forward(self, x, index, axis):
        return np.ravel(x)[flat_positions(index, axis, x.shape)]

    def backward(self, xp, grad, x, index):
        zeros = np.zeros(_array(x).shape, _array(grad).dtype)
        return xp.primitive(ScatterAdd, zeros, index, grad, axis=self.options["axis"]), None


class ScatterAdd(Function):
    """A copy of x with src (index's shape) added at `coordinates(index, axis)`; repeats add up."""

    def forward(self, x, index, src, axis):
        return add_at(x, flat_positions(index, axis, x.shape), src)

    def backward(self, xp, grad, x, index, src):
        gathered = xp.primitive(Gather, grad, index, axis=self.options["axis"]) if self.needs(2) else None
        return grad, None, gathered


class Scatter(Function):
    """A copy of x with src (index's shape) written at `coordinates(index, axis)`. Where an index
    repeats, one of the values written wins (numpy's last, as PyTorch on CPU)."""

    def forward(self, x, index, src, axis):
        out = x.copy()
        out[coordinates(index, axis)] = src
        return out

    def backward(self, xp, grad, x, index, src):
        axis = self.options["axis"]
        written = np.zeros(_array(x).shape, bool)
        written[coordinates(_array(index), axis)] = True
        grad_x = xp.where(written, np.zeros((), _array(grad).dtype), grad) if self.needs(0) else None
        grad_src = xp.primitive(Gather, grad, index, axis=axis) if self.needs(2) else None
        return grad_x, None, grad_src


class ScatterProd(Function):
    """A copy of x multiplied by src (index's shape) at `coordinates(index, axis)`.

    The gradient of an element is the product of the others it was multiplied with: the product
    of the nonzero ones divided by it when its target holds no zero, the product of the others when
    it is the one zero there, and 0 when the target holds another zero. Its second derivative
    is refused where two zeros meet, as PyTorch refuses it.
    """

    def forward(self, x, index, src, axis):
        out = x.copy()
        np.multiply.at(out, coordinates(index, axis), src)
        return out

    def backward(self, xp, grad, x, index, src):
        axis = self.options["axis"]
        x_data, src_data = _array(x), _array(src)
        where = coordinates(_array(index), axis)
        zeros = (x_data == 0).astype(np.int64)
        np.add.at(zeros, where, src_data == 0)
        if isinstance(grad, Tensor) and np.any(zeros > 1):
            # The first derivative is 0 there whatever the values: recorded, it would claim a
            # second derivative of 0 where it is the product of the others.
            raise RuntimeError("scatter_reduce: the second derivative of reduce='prod' is not supported where "
                               "two or more zeros meet at one position (nor is it in PyTorch)")
        one = np.ones((), x_data.dtype)
        masked_x, masked_src = xp.where(x_data == 0, one, x), xp.where(src_data == 0, one, src)
        nonzero_product = xp.primitive(ScatterProd, masked_x, index, masked_src, axis=axis)
        grad_x = grad_src = None
        if self.needs(0):
            only_zero = (zeros == 1) & (x_data == 0)
            grad_x = grad * xp.where(zeros == 0, nonzero_product / masked_x, xp.where(only_zero, nonzero_product, 0.0))
        if self.needs(2):
            target_zeros = zeros[where]
            only_zero = (target_zeros == 1) & (src_data == 0)
            share = xp.where(target_zeros == 0, 1 / masked_src, xp.where(only_zero, one, 0.0))
            grad_src = xp.primitive(Gather, grad * nonzero_product, index, axis=axis) * share
        return grad_x, None, grad_src


class ScatterExtreme(Function):
    """A copy of x with src (index's shape) folded in by max (`largest`) or min at
    `coordinates(index, axis)`; without `include_self`, x's own values there are left out.

    Tied extremes share the gradient evenly, as PyTorch, which counts x's value among the ties
    even when it was left out (and then gives it no share).
    """

    saves_output = True

    def forward(self, x, index, src, axis, largest, include_self):
        out = x.copy()
        where = coordinates(index, axis)
        if not include_self:  # start from the identity of the fold
            limits = np.finfo(x.dtype) if x.dtype.kind == "f" else np.iinfo(x.dtype)
            out[where] = (-np.inf if largest else np.inf) if x.dtype.kind == "f" else (
                limits.min if largest else limits.max)
        (np.maximum if largest else np.minimum).at(out, where, src)
        return out

    def backward(self, xp, grad, x, index, src, out):
        axis = self.options["axis"]
        out_data = _array(out)
        where = coordinates(_array(index), axis)
        from_x, from_src = _array(x) == out_data, _array(src) == out_data[where]
        ties = from_x.astype(out_data.dtype)
        np.add.at(ties, where, from_src)
        share = grad / ties
        if not self.options["include_self"]:
            from_x[where] = False
        grad_x = share * from_x if self.needs(0) else None
        grad_src = xp.primitive(Gather, share, index, axis=axis) * from_src if self.needs(2) else None
        return grad_x, None, grad_src
