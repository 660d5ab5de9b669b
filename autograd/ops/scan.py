"""Scans along one axis (cumulative sums, products, log-sum-exps and extremes), the indices that
sort an axis, and the gather along an axis that turns such indices into values with a gradient.

Every op here takes an int `axis` of an input with at least one dim (the public functions in
`scans.py` and `sorting.py` see 0-d tensors as 1-d). Backwards are made of primitives (through
`xp.primitive`), so second derivatives work.
"""
import numpy as np

from ..function import Function


def flat_positions(index, axis, shape):
    """The positions in a row-major array of `shape`, flattened, of the elements that `index`
    names along `axis` (numpy's take_along_axis places). Flat indices make the gather and the
    scatter-add 3 to 10 times faster than numpy's along-axis functions (bench_scans.py)."""
    strides = np.cumprod((shape[1:] + (1,))[::-1])[::-1]
    positions = index * strides[axis]
    for i, n in enumerate(index.shape):
        if i != axis:
            positions = positions + (np.arange(n) * strides[i]).reshape((n,) + (1,) * (index.ndim - i - 1))
    return positions


class TakeAlong(Function):
    """x's elements at `index` along `axis` (numpy's take_along_axis, torch.gather); the gradient
    is added back at the same places."""

    def forward(self, x, index, axis):
        return np.ravel(x)[flat_positions(index, axis, x.shape)]

    def backward(self, xp, grad, x, index):
        return xp.primitive(AddAlong, grad, index, axis=self.options["axis"], shape=x.shape), None


class AddAlong(Function):
    """Zeros of `shape` with `grad` added at `index` along `axis` (repeated indices add up): the
    gradient of `TakeAlong`."""

    def forward(self, grad, index, axis, shape):
        out = np.zeros(shape, grad.dtype)
        np.add.at(out.reshape(-1), flat_positions(index, axis, shape).reshape(-1), grad.reshape(-1))
        return out

    def backward(self, xp, grad, source, index):
        return xp.primitive(TakeAlong, grad, index, axis=self.options["axis"]), None
