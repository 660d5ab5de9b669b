"""Sorting along one dim, as PyTorch's: `sort argsort topk`. Indices are int64; values are
gathered at them, so the gradient goes back to the element each index names."""
import numpy as np

from . import ops
from .api import as_1d, check_dim, ensure_tensor, take_along, values_and_indices


def _sorted_indices(x, dim, descending, name):
    """x seen as 1-d if 0-d, the axis of `dim`, and the indices that sort x along it."""
    x = ensure_tensor(x)
    flat, axis = as_1d(x), check_dim(dim, x.ndim, name)
    return flat, axis, ops.SortIndices.apply(flat, axis=axis, descending=descending)


def sort(x, dim=-1, descending=False, stable=False):
    """(values, indices) sorting x along `dim`, as `torch.sort`. The sort is always stable (tied
    elements keep their order; `stable` is accepted for PyTorch's signature) and NaN sorts last.

    >>> import autograd as ag
    >>> ag.tensor([3.0, 1.0, 2.0]).sort().indices
    tensor([1, 2, 0])
    """
    flat, axis, indices = _sorted_indices(x, dim, descending, "sort")
    return values_and_indices(x, take_along(flat, indices, axis), indices)


def argsort(x, dim=-1, descending=False, stable=False):
    """The int64 indices that sort x along `dim` (stable, as `sort`).

    >>> import autograd as ag
    >>> ag.tensor([3.0, 1.0, 2.0]).argsort(descending=True)
    tensor([0, 2, 1])
    """
    _, _, indices = _sorted_indices(x, dim, descending, "argsort")
    return indices.reshape(()) if x.ndim == 0 else indices


def topk(x, k, dim=-1, largest=True, sorted=True):
    """(values, indices) of the k largest (or smallest) elements along `dim`, as `torch.topk`,
    always in sorted order (the first of tied elements first).

    >>> import autograd as ag
    >>> ag.tensor([1.0, 5.0, 3.0]).topk(2).values
    tensor([5., 3.])
    """
    x = ensure_tensor(x)
    flat, axis = as_1d(x), check_dim(dim, x.ndim, "topk")
    size = flat.shape[axis]
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
        raise TypeError(f"topk: k must be an int, got {k!r}")
    if not 0 <= k <= size:
        raise ValueError(f"topk: k={k!r} is out of range for dim {dim} of size {size} (shape {x.shape})")
    k = int(k)
    indices = ops.TopkIndices.apply(flat, k=k, axis=axis, largest=largest)
    return values_and_indices(x, take_along(flat, indices, axis), indices)
