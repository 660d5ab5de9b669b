"""The numba sliding-window kernels agree with their numpy references on contiguous and strided
inputs, float32 and float64, with stride, dilation, padding and ceil-mode reach."""
import numpy as np
import pytest

from autograd.kernels import window, window_jit

FLOATS = (np.float32, np.float64)


def layout(array, contiguous):
    """The array itself, or an equal strided view of a larger array."""
    if contiguous:
        return array
    wide = np.zeros(array.shape[:-1] + (2 * array.shape[-1],), array.dtype)
    wide[..., ::2] = array
    return wide[..., ::2]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("contiguous", [True, False])
@pytest.mark.parametrize("stride, dilation, padding, out, size", [
    ((1, 1), (1, 1), (0, 0), (4, 5), (6, 7)),
    ((1, 1), (1, 1), (1, 1), (4, 5), (4, 5)),  # windows reaching into the padding on every side
    ((2, 3), (2, 1), (1, 2), (3, 2), (7, 5))])
def test_col2im_agrees(dtype, contiguous, stride, dilation, padding, out, size):
    cols = layout(np.random.default_rng(0).standard_normal((3, 3, 3, 2) + out).astype(dtype), contiguous)
    np.testing.assert_allclose(window_jit.col2im(cols, stride, dilation, padding, size),
                               window.col2im(cols, stride, dilation, padding, size), rtol=1e-6)


def test_col2im_worked_example():
    # A 2x2 kernel of ones over a 3x3 image with stride 1: each column holds 1, so each pixel
    # counts the windows covering it (corners 1, edges 2, the centre 4).
    cols = np.ones((1, 2, 2, 1, 2, 2))
    expected = [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    for module in (window, window_jit):
        assert module.col2im(cols, (1, 1), (1, 1), (0, 0), (3, 3))[0, 0].tolist() == expected


def test_col2im_of_broadcast_columns_agrees():
    cols = np.broadcast_to(np.arange(6.0).reshape(1, 1, 1, 1, 2, 3), (3, 2, 2, 2, 2, 3))
    np.testing.assert_array_equal(window_jit.col2im(cols, (1, 1), (1, 1), (0, 1), (3, 2)),
                                  window.col2im(np.ascontiguousarray(cols), (1, 1), (1, 1), (0, 1), (3, 2)))


POOLS = [((2, 2), (2, 2), (0, 0), (1, 1)), ((3, 2), (2, 1), (1, 1), (1, 2)), ((3, 3), (2, 2), (1, 1), (1, 1))]


def _out_size(size, kernel, stride, padding, dilation):
    # with one window more than floor mode where it still starts inside the input (ceil mode's reach)
    return tuple(min((n + 2 * p - d * (k - 1) - 1) // s + 2, (n + p - 1) // s + 1)
                 for n, k, s, p, d in zip(size, kernel, stride, padding, dilation))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("contiguous", [True, False])
@pytest.mark.parametrize("kernel, stride, padding, dilation", POOLS)
def test_max_pool_and_its_scatter_agree(dtype, contiguous, kernel, stride, padding, dilation):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 7, 6)).astype(dtype)
    x[0, 0, :2, :2] = 1.0  # ties
    x[1, 2, 3, 3] = np.nan
    x[1, 1] = -np.inf
    x = layout(x, contiguous)
    out_size = _out_size(x.shape[2:], kernel, stride, padding, dilation)
    best, index = window_jit.max_pool2d(x, kernel, stride, padding, dilation, out_size)
    expected_best, expected_index = window.max_pool2d(x, kernel, stride, padding, dilation, out_size)
    np.testing.assert_array_equal(best, expected_best)
    np.testing.assert_array_equal(index, expected_index)
    assert (index >= 0).all() and (index < 42).all()
    grad = layout(rng.standard_normal(best.shape).astype(dtype), contiguous)
    np.testing.assert_allclose(window_jit.max_unpool2d(grad, index, 42), window.max_unpool2d(grad, index, 42),
                               rtol=1e-6)
