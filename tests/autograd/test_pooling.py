"""Pooling and resampling beyond the registry's grid: ties, indices, NaN, worked numbers, errors."""
import numpy as np
import pytest

import autograd as ag


def test_max_pool_gradient_goes_to_the_first_of_tied_maxima():
    x = ag.tensor([[[[1.0, 3.0], [3.0, 3.0]]]], requires_grad=True)
    ag.max_pool2d(x, 2).sum().backward()
    assert x.grad.tolist() == [[[[0.0, 1.0], [0.0, 0.0]]]]


def test_overlapping_max_pool_windows_add_their_gradients():
    # Windows of 2 at stride 1 over [0, 5, 1, 2]: 5 wins twice, 2 once.
    x = ag.tensor([[[0.0, 5.0, 1.0, 2.0]]], requires_grad=True)
    out = ag.max_pool1d(x, 2, stride=1)
    assert out.tolist() == [[[5.0, 5.0, 2.0]]]
    out.sum().backward()
    assert x.grad.tolist() == [[[0.0, 2.0, 0.0, 1.0]]]


def test_max_pool_indices_are_positions_in_the_unpadded_plane():
    x = ag.tensor(np.arange(16.0)[::-1].copy().reshape(1, 1, 4, 4))
    out, indices = ag.max_pool2d(x, 3, stride=2, padding=1, return_indices=True)
    # Windows start at -1 and 1 in each dim; the largest element is the one nearest the top left.
    assert out.tolist() == [[[[15.0, 14.0], [11.0, 10.0]]]]
    assert indices.tolist() == [[[[0, 1], [4, 5]]]] and indices.dtype == np.int64
    np.testing.assert_array_equal(x.data.reshape(-1)[indices.data], out.data)


def test_max_pool_propagates_nan():
    x = ag.tensor([[[[1.0, np.nan], [2.0, 0.0]]]])
    assert np.isnan(ag.max_pool2d(x, 2).item())


def test_avg_pool_divisors_worked_example():
    # 3x3 windows at stride 2 with padding 1 over a 3x3 of ones cover rows (and columns) -1..1 and
    # 1..3: 4 ones each, out of 9 places with the padding or 4 without. In ceil mode, 2x2 windows
    # at stride 2 add a last one reaching past the input, where nothing counts.
    x = ag.ones(1, 1, 3, 3, dtype=ag.float64)
    counted = ag.avg_pool2d(x, 3, stride=2, padding=1).tolist()
    assert counted == [[[[4 / 9, 4 / 9], [4 / 9, 4 / 9]]]]
    assert ag.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False).tolist() == [[[[1.0, 1.0], [1.0, 1.0]]]]
    assert ag.avg_pool2d(x, 2, stride=2, ceil_mode=True).tolist() == [[[[1.0, 1.0], [1.0, 1.0]]]]


def test_adaptive_pool_to_one_is_the_mean():
    x = ag.randn(2, 3, 5, 7)
    np.testing.assert_allclose(ag.adaptive_avg_pool2d(x, 1).data[..., 0, 0], x.data.mean(axis=(2, 3)), rtol=1e-5)
    assert ag.adaptive_avg_pool2d(x, (None, 2)).shape == (2, 3, 5, 2)


def test_bilinear_upsampling_with_aligned_corners_keeps_the_corners():
    x = ag.tensor([[[[0.0, 3.0], [6.0, 9.0]]]])
    out = ag.interpolate(x, size=(3, 4), mode="bilinear", align_corners=True)
    assert out.tolist() == [[[[0.0, 1.0, 2.0, 3.0], [3.0, 4.0, 5.0, 6.0], [6.0, 7.0, 8.0, 9.0]]]]


@pytest.mark.parametrize("call, message", [
    (lambda: ag.max_pool2d(ag.ones(1, 1, 4, 4), 2, padding=2), r"padding \(2, 2\) must be at most half"),
    (lambda: ag.max_pool2d(ag.ones(1, 1, 2, 2), 3), r"too small for kernel \(3, 3\)"),
    (lambda: ag.max_pool2d(ag.ones(4, 4), 2), r"\(N, C, H, W\) or \(C, H, W\), got \(4, 4\)"),
    (lambda: ag.avg_pool2d(ag.ones(1, 1, 4, 4), 2, divisor_override=0), r"divisor_override"),
    (lambda: ag.max_pool1d(ag.ones(1, 1, 4), 0), r"kernel_size must be >= 1"),
    (lambda: ag.interpolate(ag.ones(1, 1, 4), size=3, mode="bilinear"), r"'bilinear' needs a 4-d input"),
    (lambda: ag.interpolate(ag.ones(1, 1, 4), size=3, scale_factor=2), r"exactly one of size and scale_factor"),
    (lambda: ag.interpolate(ag.ones(1, 1, 4), size=3, mode="cubic"), r"mode must be one of"),
    (lambda: ag.interpolate(ag.ones(1, 1, 4, 4), size=3, align_corners=True), r"align_corners only"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_unbatched_pooling_matches_a_batch_of_one():
    x = ag.randn(3, 6, 5)
    assert ag.max_pool2d(x, 2).tolist() == ag.max_pool2d(x.unsqueeze(0), 2)[0].tolist()
    out, indices = ag.max_pool1d(x[0], 2, return_indices=True)
    assert out.shape == indices.shape == (6, 2)


@pytest.mark.parametrize("pool", [lambda x: ag.max_pool2d(x, 3, 2, 1), lambda x: ag.avg_pool2d(x, 3, 2, 1, True),
                                  lambda x: ag.max_pool1d(x[:, :, 0], 2, 1)], ids=["max", "avg", "max 1-d"])
def test_the_pooling_gradient_is_differentiable_in_the_upstream_gradient(pool):
    """The ops that make pooling's gradient (arg-max scatter, average adjoint) have gradients of
    their own, with respect to the upstream gradient they spread."""
    x = ag.randn(2, 2, 5, 6, dtype=ag.float64, requires_grad=True)
    g = ag.randn(*pool(x).shape, dtype=ag.float64, requires_grad=True)
    assert ag.gradcheck(lambda g: ag.grad(pool(x), (x,), grad_outputs=g, create_graph=True)[0], (g,))
