"""Making tensors: from data, filled, ranges, and random (repeatable with `manual_seed`)."""
import numpy as np

from . import dtypes
from .dtypes import as_array
from .tensor import Recording, Tensor


class _Random:
    generator = np.random.default_rng()


def manual_seed(seed):
    """Seed the generator behind rand, randn, randint, dropout and initialisers.

    >>> import autograd as ag
    >>> ag.manual_seed(0); a = ag.randn(3)
    >>> ag.manual_seed(0); bool((a == ag.randn(3)).all())
    True
    """
    _Random.generator = np.random.default_rng(seed)


def default_generator():
    """The numpy Generator that every random function of the library draws from."""
    return _Random.generator


def _draw(method, **arguments):
    """`generator.method(**arguments)` from the library's generator (reported to a capture in
    progress, which replays the same draw from the generator of the moment)."""
    array = getattr(_Random.generator, method)(**arguments)
    if Recording.active is not None:
        Recording.active.draw(array, method, arguments)
    return array


def _shape(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    shape = tuple(int(n) for n in shape)
    if any(n < 0 for n in shape):
        raise ValueError(f"negative dimension in shape {shape}")
    return shape


def _finish(array, requires_grad):
    if Recording.active is not None:
        Recording.active.constant(array)
    tensor = Tensor._make(array)
    return tensor.requires_grad_(True) if requires_grad else tensor


def _float_dtype(dtype):
    return dtypes.DEFAULT_FLOAT if dtype is None else dtypes.as_dtype(dtype)


def tensor(data, dtype=None, requires_grad=False):
    """A new tensor holding a copy of `data` (nested lists, numbers, arrays or a tensor).

    Python floats give float32, ints int64, bools bool; a numpy array keeps its float dtype.

    >>> import autograd as ag
    >>> ag.tensor([[1., 2.], [3., 4.]]).dtype
    dtype('float32')
    """
    return _finish(as_array(data.data if isinstance(data, Tensor) else data, dtype), requires_grad)


def from_numpy(array):
    """A tensor sharing memory with a numpy array of a supported dtype."""
    if not isinstance(array, np.ndarray):
        raise ValueError(f"from_numpy needs a numpy array, got {type(array).__name__}")
    dtypes.as_dtype(array.dtype)
    if Recording.active is not None:
        Recording.active.foreign_array(array, "from_numpy()")
    return Tensor._make(array)


def zeros(*shape, dtype=None, requires_grad=False):
    """A tensor of zeros, e.g. `zeros(2, 3)` or `zeros((2, 3))`."""
    return _finish(np.zeros(_shape(shape), _float_dtype(dtype)), requires_grad)


def ones(*shape, dtype=None, requires_grad=False):
    """A tensor of ones."""
    return _finish(np.ones(_shape(shape), _float_dtype(dtype)), requires_grad)


def full(shape, fill_value, dtype=None, requires_grad=False):
    """A tensor of `shape` filled with `fill_value` (dtype inferred from it when not given)."""
    if dtype is None:
        dtype = as_array(fill_value.data if isinstance(fill_value, Tensor) else fill_value).dtype
    return _finish(np.full(_shape((shape,)), fill_value, dtypes.as_dtype(dtype)), requires_grad)


def empty(*shape, dtype=None, requires_grad=False):
    """An uninitialised tensor (its values are whatever memory held)."""
    return _finish(np.empty(_shape(shape), _float_dtype(dtype)), requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    """Values from start (inclusive) to end (exclusive) by step; int64 unless a bound is a float."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        dtype = dtypes.DEFAULT_FLOAT if any(isinstance(v, float) for v in (start, end, step)) else dtypes.int64
    return _finish(np.arange(start, end, step).astype(dtypes.as_dtype(dtype)), requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad=False):
    """`steps` evenly spaced values from start to end, both included (just start when steps is 1,
    none when it is 0).

    >>> import autograd as ag
    >>> ag.linspace(0, 1, 3).tolist()
    [0.0, 0.5, 1.0]
    """
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise TypeError(f"linspace: steps must be an int, got {steps!r}")
    if steps < 0:
        raise ValueError(f"linspace: number of steps must be non-negative, got {steps}")
    return _finish(np.linspace(start, end, int(steps)).astype(_float_dtype(dtype)), requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False):
    """The n x m identity matrix (m defaults to n)."""
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def rand(*shape, dtype=None, requires_grad=False):
    """Uniform samples from [0, 1)."""
    dtype = _float_dtype(dtype)
    return _finish(_draw("random", size=_shape(shape), dtype=dtype), requires_grad)


def randn(*shape, dtype=None, requires_grad=False):
    """Standard normal samples.

    >>> import autograd as ag
    >>> ag.randn(2, 3).shape
    (2, 3)
    """
    dtype = _float_dtype(dtype)
    return _finish(_draw("standard_normal", size=_shape(shape), dtype=dtype), requires_grad)


def randint(low, high=None, size=(), dtype=None):
    """Integers uniform in [low, high) (or [0, low) when high is omitted), int64 by default."""
    if high is None:
        low, high = 0, low
    if low >= high:
        raise ValueError(f"randint: low {low} must be below high {high}")
    dtype = dtypes.int64 if dtype is None else dtypes.as_dtype(dtype)
    drawn = _draw("integers", low=low, high=high, size=_shape((size,)))
    if dtype != drawn.dtype:
        return from_numpy(drawn.astype(dtype))
    return Tensor._make(drawn)


def _like(maker):
    def like(other, dtype=None, requires_grad=False):
        return maker(other.shape, dtype=other.dtype if dtype is None else dtype, requires_grad=requires_grad)

    like.__name__ = maker.__name__ + "_like"
    like.__doc__ = f"`{maker.__name__}` with the shape (and by default the dtype) of `other`."
    return like


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)
rand_like = _like(rand)
randn_like = _like(randn)


def full_like(other, fill_value, dtype=None, requires_grad=False):
    """`full` with the shape (and by default the dtype) of `other`."""
    return full(other.shape, fill_value, other.dtype if dtype is None else dtype, requires_grad)
