"""The backend helpers agree with plain numpy: `sum_leading` (a BLAS product with ones where it
can) against `np.sum`, over layouts, dtypes and counts of summed axes."""
import numpy as np
import pytest

from autograd.backends import sum_leading

rng = np.random.default_rng(0)
ARRAYS = {
    "row-major 2-d": lambda dtype: rng.standard_normal((128, 64)).astype(dtype),
    "row-major 3-d": lambda dtype: rng.standard_normal((4, 5, 6)).astype(dtype),
    "one row": lambda dtype: rng.standard_normal((1, 7)).astype(dtype),
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


def test_sum_leading_returns_a_fresh_array_a_leaf_can_own():
    x = rng.standard_normal((8, 3, 4)).astype(np.float32)
    result = sum_leading(x, 2)
    assert result.base is None and result.flags.writeable and result.flags.c_contiguous
