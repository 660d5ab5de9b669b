"""Scans along one axis (cumulative sums, products, log-sum-exps and extremes) and the indices
that sort an axis; `ops.Gather` turns such indices into values with a gradient.

Every op here takes an int `axis` of an input with at least one dim (the public functions in
`scans.py` and `sorting.py` see 0-d tensors as 1-d). Backwards are made of primitives (through
`xp.primitive`), so second derivatives work.
"""
import numpy as np

from ..function import Function
from .elementwise import Exp, Log
from .reduce import Prod


def _reversed(x, axis, reverse):
    return np.flip(x, axis) if reverse else x


def _accumulated(x, ufunc, axis, reverse, dtype=None):
    """`ufunc.accumulate` along `axis`, from the end when `reverse`."""
    return _reversed(ufunc.accumulate(_reversed(x, axis, reverse), axis=axis, dtype=dtype), axis, reverse)


def _integral_to_int64(x):
    """PyTorch's dtype for sums and products of integers and booleans: int64."""
    return None if x.dtype.kind == "f" else np.int64


class Cumsum(Function):
    """Running sum along `axis` (from the end when `reverse`); integers and booleans give int64."""

    def forward(self, x, axis, reverse=False):
        return _accumulated(x, np.add, axis, reverse, _integral_to_int64(x))

    def backward(self, xp, grad, x):
        axis, reverse = self.options["axis"], self.options.get("reverse", False)
        return (xp.primitive(Cumsum, grad, axis=axis, reverse=not reverse),)


class Cumprod(Function):
    """Running product along `axis`; its gradient is exact where the input holds zeros, to
    second order too (as PyTorch's)."""

    saves_output = True

    def forward(self, x, axis):
        return np.cumprod(x, axis=axis, dtype=_integral_to_int64(x))

    def backward(self, xp, grad, x, out):
        # An ordinary backward takes the O(n) form; under create_graph the n x n form, whose own
        # derivative is right at zeros too (PyTorch switches the same way).
        if isinstance(grad, np.ndarray):
            return (_cumprod_gradient(xp, grad, x, out, self.options["axis"]),)
        return (_cumprod_gradient_of_others(xp, grad, x, self.options["axis"]),)


def _cumprod_gradient(xp, grad, x, out, axis):
    """d/dx_k of sum_i grad_i out_i in O(n), exact with zeros (as PyTorch's ordinary backward)."""
    zeros_so_far = xp.primitive(Cumsum, x == 0, axis=axis)
    before_zero, first_zero = zeros_so_far == 0, (zeros_so_far == 1) & (x == 0)
    # Before the first zero: d out_i / d x_k = out_i / x_k. Past it, x_k meets that zero in every
    # product: no gradient.
    tail_sums = xp.primitive(Cumsum, grad * out, axis=axis, reverse=True)
    before = xp.where(before_zero, tail_sums / xp.where(before_zero, x, 1.0), 0.0)
    # At the first zero z: (prod of x before z) * sum over i >= z of grad_i * prod of x in (z, i].
    head = xp.primitive(Prod, xp.where(before_zero, x, 1.0), axis=(axis,), keepdims=True)
    after = xp.primitive(Cumprod, xp.where(before_zero | first_zero, 1.0, x), axis=axis)
    tail = xp.sum(xp.where(before_zero, 0.0, grad * after), (axis,), True)
    return before + xp.where(first_zero, head * tail, 0.0)


def _cumprod_gradient_of_others(xp, grad, x, axis):
    """The same gradient as sum over i >= k of grad_i * prod_{j <= i, j != k} x_j: n x n products
    per row, but differentiable again at zeros (the form PyTorch uses under create_graph)."""
    n, last = x.shape[axis], x.ndim - 1
    order = list(range(x.ndim))
    order[axis], order[last] = last, axis
    x, grad = xp.transpose(x, order), xp.transpose(grad, order)
    rows = xp.broadcast_to(xp.reshape(x, x.shape[:-1] + (1, n)), x.shape[:-1] + (n, n))
    products = xp.primitive(Cumprod, xp.where(np.eye(n, dtype=bool), 1.0, rows), axis=last + 1)
    terms = xp.where(np.triu(np.ones((n, n), dtype=bool)), products * xp.reshape(grad, grad.shape[:-1] + (1, n)), 0.0)
    return xp.transpose(xp.sum(terms, (last + 1,), False), order)


class Logcumsumexp(Function):
    """log(cumsum(exp(x))) along `axis`, with no overflow: a running logaddexp."""

    saves_output = True

    def forward(self, x, axis, reverse=False):
        return _accumulated(x, np.logaddexp, axis, reverse)

    def backward(self, xp, grad, x, out):
        # d out_i / d x_k = exp(x_k - out_i) <= 1 for the i the scan carries x_k to. The sums of
        # grad_i * exp(-out_i) are taken in log space, for positive and negative grad apart, so
        # that nothing overflows; where out is -inf (only -inf so far) the derivative is taken as 0.
        axis, reverse = self.options["axis"], self.options.get("reverse", False)
        reachable = out > -np.inf
        total = 0.0
        for sign in (1.0, -1.0):
            signed = grad * sign
            used = (signed > 0) & reachable
            logs = xp.where(used, xp.primitive(Log, xp.where(used, signed, 1.0)) - out, -np.inf)
            sums = xp.primitive(Logcumsumexp, logs, axis=axis, reverse=not reverse)
            total = total + sign * xp.primitive(Exp, x + sums)
        return (total,)


class CumulativeExtremeIndices(Function):
    """The int64 index of the running max (`largest`) or min along `axis`: the last of tied
    extremes, and NaN counting as the extreme from where it appears (as torch.cummax)."""

    differentiable = False

    def forward(self, x, axis, largest):
        running = (np.maximum if largest else np.minimum).accumulate(x, axis=axis)
        positions = np.arange(x.shape[axis]).reshape((-1,) + (1,) * (x.ndim - axis - 1))
        reached = (x == running) | (x != x)
        return np.maximum.accumulate(np.where(reached, positions, 0), axis=axis).astype(np.int64)


class SortIndices(Function):
    """The int64 indices that sort `axis` (ascending, or `descending`); stable: ties keep their
    order. NaN sorts above every number, as in PyTorch."""

    differentiable = False

    def forward(self, x, axis, descending):
        if not descending:
            return np.argsort(x, axis=axis, kind="stable")
        # A stable ascending sort of the reversed axis, read backwards, keeps ties in order.
        backwards = np.flip(np.argsort(np.flip(x, axis), axis=axis, kind="stable"), axis)
        return (x.shape[axis] - 1 - backwards).astype(np.int64)


class TopkIndices(Function):
    """The int64 indices of the `k` largest (or smallest) elements along `axis`, sorted, the first
    of tied elements first: the first k of `SortIndices`, found through a partition rather than
    a sort (k=10 of 1000 per row: about 6x faster; as fast at 100, bench_scans.py)."""

    differentiable = False

    def forward(self, x, k, axis, largest):
        n = x.shape[axis]
        if k == 0 or k == n or x.dtype == np.bool_ or x.dtype.kind == "f" and np.isnan(x).any():
            first = SortIndices().forward(x, axis, largest)
            return np.ascontiguousarray(first[(slice(None),) * axis + (slice(0, k),)])
        moved = np.moveaxis(x, axis, -1)
        rows = moved.reshape(-1, n)
        place = n - k if largest else k - 1
        kth = np.partition(rows, place, axis=1)[:, place, None]  # the k-th largest (smallest) value
        beyond, tied = (rows > kth if largest else rows < kth), rows == kth
        wanted = k - beyond.sum(axis=1, keepdims=True)
        if (tied.sum(axis=1, keepdims=True) > wanted).any():  # keep the first of the tied values
            tied &= np.cumsum(tied, axis=1) <= wanted
        chosen = np.nonzero(beyond | tied)[1].reshape(-1, k)  # k per row, in index order
        indices = np.take_along_axis(chosen, SortIndices().forward(np.take_along_axis(rows, chosen, 1), 1, largest), 1)
        return np.ascontiguousarray(np.moveaxis(indices.reshape(moved.shape[:-1] + (k,)), -1, axis))
