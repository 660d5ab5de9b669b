"""Scans along one dim, as PyTorch's: `cumsum cumprod logcumsumexp cummax cummin`.

The dim is required; a 0-d tensor counts as 1-d (dim 0 or -1).
"""
from . import dtypes, ops
from .api import as_1d, check_dim, ensure_tensor, take_along, to, values_and_indices


def _scan(op, x, dim, name, **options):
    """`op` along `dim` of x (seen as 1-d if 0-d), in x's shape."""
    x = ensure_tensor(x)
    out = op.apply(as_1d(x), axis=check_dim(dim, x.ndim, name), **options)
    return out.reshape(()) if x.ndim == 0 else out


def cumsum(x, dim, *, dtype=None):
    """Running sum along `dim` (x is cast to `dtype` first when given); integers and booleans
    give int64.

    >>> import autograd as ag
    >>> ag.tensor([1, 2, 3]).cumsum(0)
    tensor([1, 3, 6])
    """
    x = ensure_tensor(x)
    return _scan(ops.Cumsum, x if dtype is None else to(x, dtype), dim, "cumsum")


def cumprod(x, dim, *, dtype=None):
    """Running product along `dim`; the gradient is exact with zeros in x (as PyTorch's).

    >>> import autograd as ag
    >>> ag.tensor([2.0, 3.0, 4.0]).cumprod(0)
    tensor([ 2.,  6., 24.])
    """
    x = ensure_tensor(x)
    return _scan(ops.Cumprod, x if dtype is None else to(x, dtype), dim, "cumprod")


def logcumsumexp(x, dim):
    """log(cumsum(exp(x))) along `dim` for a floating x, without overflow for inputs of +-1000.

    >>> import autograd as ag
    >>> [round(v, 3) for v in ag.tensor([-1000.0, 1000.0, 1000.0]).logcumsumexp(0).tolist()]
    [-1000.0, 1000.0, 1000.693]
    """
    x = ensure_tensor(x)
    if not dtypes.is_floating(x.dtype):
        raise ValueError(f"logcumsumexp needs a floating-point tensor, got dtype {x.dtype}")
    return _scan(ops.Logcumsumexp, x, dim, "logcumsumexp")


def _cumulative_extreme(x, dim, largest, name):
    x = ensure_tensor(x)
    flat, axis = as_1d(x), check_dim(dim, x.ndim, name)
    indices = ops.CumulativeExtremeIndices.apply(flat, axis=axis, largest=largest)
    return values_and_indices(x, take_along(flat, indices, axis), indices)


def cummax(x, dim):
    """(values, indices) of the running maximum along `dim`, as `torch.cummax`: indices are
    int64, the last of tied maxima; the gradient goes to the element each index names.

    >>> import autograd as ag
    >>> ag.tensor([1.0, 3.0, 2.0, 3.0]).cummax(0).indices
    tensor([0, 1, 1, 3])
    """
    return _cumulative_extreme(x, dim, True, "cummax")


def cummin(x, dim):
    """(values, indices) of the running minimum along `dim`, as `torch.cummin`."""
    return _cumulative_extreme(x, dim, False, "cummin")

