"""Convolution beyond the registry's grid: worked numbers, unbatched input, argument errors, and
the backward's one-column-buffer-at-a-time memory bound."""
import weakref

import numpy as np
import pytest

import autograd as ag
from autograd import naive
from autograd.ops import conv as conv_ops


def test_conv2d_worked_example():
    # A 3x3 image 1..9 with a 2x2 kernel [[1, 0], [0, -1]]: each output is top-left minus bottom-right.
    x = ag.tensor(np.arange(1.0, 10.0).reshape(1, 1, 3, 3))
    w = ag.tensor([[[[1.0, 0.0], [0.0, -1.0]]]])
    assert ag.conv2d(x, w, ag.tensor([0.5])).tolist() == [[[[-3.5, -3.5], [-3.5, -3.5]]]]


def test_same_padding_puts_the_odd_pixel_on_the_right_as_pytorch():
    # Kernel width 2: one column of padding, on the right. With [1, 10] weights each output is
    # x[q] + 10 x[q + 1], and the last one sees the zero padding.
    x = ag.tensor([[[[1.0, 2.0, 3.0]]]])
    w = ag.tensor([[[[1.0, 10.0]]]])
    assert ag.conv2d(x, w, padding="same").tolist() == [[[[21.0, 32.0, 3.0]]]]


@pytest.mark.parametrize("function, x_shape, w_shape", [
    (ag.conv2d, (3, 5, 6), (2, 3, 3, 3)), (ag.conv1d, (3, 7), (2, 3, 2)),
    (ag.conv_transpose2d, (3, 4, 4), (3, 2, 2, 2))])
def test_unbatched_input_matches_a_batch_of_one(function, x_shape, w_shape):
    rng = np.random.default_rng(0)
    x, w = ag.tensor(rng.standard_normal(x_shape)), ag.tensor(rng.standard_normal(w_shape))
    np.testing.assert_allclose(function(x, w).data, function(x.unsqueeze(0), w).data[0], rtol=1e-6)


def test_float32_in_float32_out_and_float64_on_request():
    assert ag.conv2d(ag.ones(1, 1, 3, 3), ag.ones(1, 1, 2, 2)).dtype == np.float32
    assert ag.conv2d(ag.ones(1, 1, 3, 3, dtype=ag.float64), ag.ones(1, 1, 2, 2, dtype=ag.float64)).dtype == np.float64


@pytest.mark.parametrize("call, message", [
    (lambda: ag.conv2d(ag.ones(2, 3, 5, 5), ag.ones(4, 2, 3, 3)), r"3 channels but weight \(4, 2, 3, 3\)"),
    (lambda: ag.conv2d(ag.ones(2, 4, 5, 5), ag.ones(3, 2, 3, 3), groups=2), r"groups=2 must divide"),
    (lambda: ag.conv2d(ag.ones(5, 5), ag.ones(1, 1, 3, 3)), r"\(N, C, H, W\).*got \(5, 5\)"),
    (lambda: ag.conv2d(ag.ones(1, 1, 5, 5), ag.ones(1, 1, 3)), r"weight must be 4-d"),
    (lambda: ag.conv2d(ag.ones(1, 1, 2, 2), ag.ones(1, 1, 3, 3)), r"smaller than the kernel"),
    (lambda: ag.conv2d(ag.ones(1, 1, 5, 5), ag.ones(1, 1, 3, 3), stride=2, padding="same"), r"'same' needs stride 1"),
    (lambda: ag.conv2d(ag.ones(1, 1, 5, 5), ag.ones(1, 1, 3, 3), padding="full"), r"'full'"),
    (lambda: ag.conv2d(ag.ones(1, 1, 5, 5), ag.ones(1, 1, 3, 3), stride=0), r"stride must be >= 1"),
    (lambda: ag.conv2d(ag.ones(1, 1, 5, 5), ag.ones(1, 1, 3, 3), ag.ones(2)), r"bias must have shape \(1,\)"),
    (lambda: ag.conv2d(ag.ones(1, 1, 5, 5, dtype=ag.int64), ag.ones(1, 1, 3, 3)), r"floating-point.*int64"),
    (lambda: ag.conv_transpose2d(ag.ones(1, 1, 3, 3), ag.ones(1, 1, 3, 3), stride=2, output_padding=2),
     r"output_padding \(2, 2\) must be smaller than stride"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("block_bytes", [conv_ops.BLOCK_BYTES, 1], ids=["one-block", "a-block-per-sample"])
def test_backward_holds_at_most_one_column_buffer(monkeypatch, block_bytes):
    """The bytes of every im2col block and col2im input are counted while alive: the forward
    keeps its columns for the weight's gradient, and the backward lets go of them before the
    input gradient's columns exist, so it never holds more than the forward's columns."""
    alive, peak = [0], [0]

    def track(array):
        alive[0] += array.nbytes
        peak[0] = max(peak[0], alive[0])
        weakref.finalize(array, lambda size=array.nbytes: alive.__setitem__(0, alive[0] - size))
        return array

    im2col, col2im = conv_ops.im2col, conv_ops.col2im
    monkeypatch.setattr(conv_ops, "BLOCK_BYTES", block_bytes)
    monkeypatch.setattr(conv_ops, "im2col", lambda x, geometry: track(im2col(x, geometry)))
    monkeypatch.setattr(conv_ops, "col2im", lambda cols, geometry, size: col2im(track(cols), geometry, size))
    x = ag.randn(3, 3, 8, 8, requires_grad=True)
    w = ag.randn(4, 3, 3, 3, requires_grad=True)
    out = ag.conv2d(x, w, padding=1)
    columns = alive[0]
    assert columns == 3 * 3 * 3 * 3 * 8 * 8 * 4  # float32 (C kh kw, N OH OW)
    peak[0] = alive[0]
    out.sum().backward()
    assert peak[0] == columns and alive[0] == 0
    assert x.grad.shape == x.shape and w.grad.shape == w.shape


@pytest.mark.parametrize("stride, padding, groups", [(1, 1, 1), (2, 0, 2)])
def test_columns_in_blocks_of_samples_give_the_same_results(monkeypatch, stride, padding, groups):
    rng = np.random.default_rng(2)
    x = ag.tensor(rng.standard_normal((5, 4, 7, 6)), requires_grad=True)
    w = ag.tensor(rng.standard_normal((6, 4 // groups, 3, 3)), requires_grad=True)
    b = ag.tensor(rng.standard_normal(6), requires_grad=True)
    g = ag.tensor(rng.standard_normal(ag.conv2d(x, w, b, stride, padding, groups=groups).shape))

    def run():
        x.grad = w.grad = b.grad = None
        out = ag.conv2d(x, w, b, stride, padding, groups=groups)
        out.backward(g)
        return out.data, x.grad.data, w.grad.data, b.grad.data

    whole = run()
    monkeypatch.setattr(conv_ops, "BLOCK_BYTES", 1)  # one sample per block
    for blocked, expected in zip(run(), whole):
        np.testing.assert_allclose(blocked, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(whole[0], naive.conv2d(x.data, w.data, b.data, stride, padding, groups=groups),
                               rtol=1e-10)


def test_conv_transpose2d_is_the_input_gradient_of_conv2d():
    rng = np.random.default_rng(1)
    x = ag.tensor(rng.standard_normal((2, 3, 7, 6)), requires_grad=True)
    w = ag.tensor(rng.standard_normal((4, 3, 3, 2)))
    g = rng.standard_normal((2, 4, 4, 4))
    ag.conv2d(x, w, stride=2, padding=1).backward(ag.tensor(g))
    np.testing.assert_allclose(naive.conv_transpose2d(g, w.data, stride=2, padding=1),
                               x.grad.data, rtol=1e-10)


def test_a_second_backward_through_a_retained_graph_recomputes_the_columns():
    x = ag.randn(2, 3, 6, 6, dtype=ag.float64, requires_grad=True)
    w = ag.randn(4, 3, 3, 3, dtype=ag.float64, requires_grad=True)
    out = ag.conv2d(x, w, stride=2).sum()
    first = ag.grad(out, (x, w), retain_graph=True)
    second = ag.grad(out, (x, w))
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a.data, b.data)
