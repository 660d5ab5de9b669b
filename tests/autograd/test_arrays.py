"""The plain-array helpers agree with plain numpy: `sum_leading` (a BLAS product with ones where it
can) against `np.sum`, over layouts, dtypes and counts of summed axes; `broadcast_view` against
`np.broadcast_to`."""
import numpy as np
import pytest

from autograd.arrays import broadcast_view, sum_leading

rng = np.random.default_rng(0)
ARRAYS = {
    "row-major 2-d": lambda dtype: rng.standard_normal((128, 64)).astype(dtype),
    "row-major 3-d": lambda dtype: rng.standard_normal((4, 5, 6)).astype(dtype),
    "one row": lambda dtype: rng.standard_normal((1, 7)).astype(dtype),
    "one row, 3-d": lambda dtype: rng.standard_normal((1, 1, 5)).astype(dtype),
    "one strided row": lambda dtype: rng.standard_normal((1, 12)).astype(dtype)[:, ::3],
    "column-major": lambda dtype: np.asfortranarray(rng.standard_normal((30, 20))).astype(dtype),
    "strided": lambda dtype: rng.standard_normal((30, 40)).astype(dtype)[::2, ::3],
    "empty": lambda dtype: np.zeros((0, 3), dtype),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
@pytest.mark.parametrize("layout", ARRAYS)
def test_sum_leading_agrees_with_numpy(layout, dtype):
    x = ARRAYS[layout](dtype)
    for count in range(1, x.ndim + 1):
        expected = x.astype(np.float64).sum(axis=tuple(range(count)))
        result = sum_leading(x, count)
        assert result.shape == expected.shape and result.dtype == x.sum(axis=tuple(range(count))).dtype
        tolerance = 1e-4 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(result, expected, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("shape", [(8, 3, 4), (1, 1, 4), (1, 5)])
def test_sum_leading_returns_a_fresh_array_a_leaf_can_own(shape):
    x = rng.standard_normal(shape).astype(np.float32)
    result = sum_leading(x, len(shape) - 1)
    assert result.base is None and result.flags.writeable and result.flags.c_contiguous
    assert not np.shares_memory(result, x)


@pytest.mark.parametrize("source, shape", [
    (np.array(2.5, np.float32), (3, 4)),
    (np.arange(3.0).reshape(3, 1), (3, 5)),
    (np.arange(4, dtype=np.int64).reshape(1, 4, 1), (2, 4, 3)),
    (np.arange(6.0).reshape(2, 3), (2, 3)),
    (np.arange(3.0), (2, 3)),  # fewer dims
    (np.arange(6.0).reshape(3, 2).T, (2, 3)),  # column-major
    (np.arange(12.0).reshape(3, 4)[:, ::2], (3, 2)),  # strided
    (np.zeros((0, 1)), (0, 4)),
])
def test_broadcast_view_agrees_with_numpy(source, shape):
    view, expected = broadcast_view(source, shape), np.broadcast_to(source, shape)
    assert view.shape == expected.shape and view.dtype == expected.dtype
    np.testing.assert_array_equal(view, expected)
    assert not view.flags.writeable and np.shares_memory(view, source) == (source.size > 0)


def test_broadcast_view_rejects_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match="broadcast"):
        broadcast_view(np.ones((2, 3)), (4, 3))
