"""Scans (autograd/scans.py): values and gradients on worked examples, cumprod's gradient past
zeros, logcumsumexp at +-1000, NaN in cummax, dtypes and errors."""
import numpy as np
import pytest

import autograd as ag


def test_cumprod_gradient_past_zeros_is_exact_to_second_order():
    # Polynomial in x, so central differences are exact enough at zeros too.
    x = ag.tensor([[2.0, 0.0, 3.0, 0.0, 4.0], [0.0, 1.5, -2.0, 0.5, 1.0], [1.0, 2.0, 0.5, -1.0, 0.0]],
                  dtype=ag.float64, requires_grad=True)
    weights = ag.tensor(np.random.default_rng(0).standard_normal((3, 5)), dtype=ag.float64)
    assert ag.gradcheck(lambda t: t.cumprod(1), [x])

    def first_derivative(t):
        (grad,) = ag.grad((t.cumprod(1) * weights).sum(), [t], create_graph=True)
        return grad

    assert ag.gradcheck(first_derivative, [x])


def test_cumprod_gradient_worked_example():
    # d/dx of sum_i g_i prod_{j<=i} x_j with x = (2, 0, 3, 0, 4), g = (1..5): 1 + 0, then
    # 2 * (2 + 3 * 3) at the first zero, and nothing past it.
    x = ag.tensor([2.0, 0.0, 3.0, 0.0, 4.0], dtype=ag.float64, requires_grad=True)
    x.cumprod(0).backward(ag.arange(1.0, 6.0, dtype=ag.float64))
    np.testing.assert_array_equal(x.grad.data, [1.0, 22.0, 0.0, 0.0, 0.0])


def _logcumsumexp_grad(x, upstream):
    """sum over i >= k of upstream_i * exp(x_k - out_i), term by term in float64."""
    out = np.logaddexp.accumulate(x)
    return np.array([sum(upstream[i] * np.exp(x[k] - out[i]) for i in range(k, len(x))) for k in range(len(x))])


# float32 holds 1000 to 6e-5, so exp(x - out) near 1000 is good to about 1e-4 (as PyTorch's).
@pytest.mark.parametrize("dtype, tolerance", [(ag.float64, 1e-12), (ag.float32, 2e-4)])
def test_logcumsumexp_of_a_thousand_is_finite_and_right(dtype, tolerance):
    values = np.array([-1000.0, 1000.0, -1000.0, 999.0, 1000.0, -1001.0])
    upstream = np.array([1.0, -2.0, 3.0, 0.5, -1.0, 2.0])
    x = ag.tensor(values, dtype=dtype, requires_grad=True)
    y = x.logcumsumexp(0)
    y.backward(ag.tensor(upstream, dtype=dtype))
    # The running log-sum-exp by hand: -1000, then 1000 (+ log(1 + e^-2000)), then 1000 + log(1 + e^-1) ...
    expected = [-1000.0, 1000.0, 1000.0, 1000.0 + np.log1p(np.exp(-1.0)),
                1000.0 + np.log(1 + np.exp(-1.0) + 1), 1000.0 + np.log(2 + np.exp(-1.0))]
    assert np.all(np.isfinite(y.data)) and np.all(np.isfinite(x.grad.data))
    np.testing.assert_allclose(y.data, expected, rtol=tolerance)
    np.testing.assert_allclose(x.grad.data, _logcumsumexp_grad(values, upstream), rtol=tolerance, atol=tolerance)


def test_logcumsumexp_of_minus_infinity_has_a_zero_gradient():
    x = ag.tensor([-np.inf, -np.inf, 0.0, 1.0], dtype=ag.float64, requires_grad=True)
    y = x.logcumsumexp(0)
    y.backward(ag.ones(4, dtype=ag.float64))
    np.testing.assert_allclose(y.data, [-np.inf, -np.inf, 0.0, np.logaddexp(0.0, 1.0)])
    expected = [0.0, 0.0] + list(_logcumsumexp_grad(np.array([0.0, 1.0]), np.ones(2)))
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-12)


def test_cummax_carries_nan_forward_as_pytorch():
    result = ag.tensor([1.0, np.nan, 3.0, np.nan, 2.0]).cummax(0)
    np.testing.assert_array_equal(result.values.data, [1.0, np.nan, np.nan, np.nan, np.nan])
    np.testing.assert_array_equal(result.indices.data, [0, 1, 1, 3, 3])


def test_cummin_names_its_fields_and_sends_the_gradient_to_its_indices():
    x = ag.tensor([[3.0, 1.0, 2.0, 1.0]], requires_grad=True)
    values, indices = x.cummin(1)
    assert indices.dtype == ag.int64 and indices.tolist() == [[0, 1, 1, 3]]
    values.backward(ag.tensor([[1.0, 2.0, 4.0, 8.0]]))
    np.testing.assert_array_equal(x.grad.data, [[1.0, 6.0, 0.0, 8.0]])


@pytest.mark.parametrize("data, dtype, expected", [
    ([True, False, True], None, ag.int64), ([1, 2, 3], None, ag.int64), ([1, 2, 3], ag.float64, ag.float64),
    ([1.0, 2.0], None, ag.float32)])
def test_cumsum_dtypes_as_pytorch(data, dtype, expected):
    result = ag.tensor(data).cumsum(0, dtype=dtype)
    assert result.dtype == expected
    np.testing.assert_array_equal(result.data, np.cumsum(np.array(data, dtype=np.float64)))


@pytest.mark.parametrize("call, error, message", [
    (lambda x: x.cumsum(2), ValueError, "cumsum: dim 2 is out of range for a tensor with 2 dims"),
    (lambda x: x.cumprod(-3), ValueError, "cumprod: dim -3 is out of range for a tensor with 2 dims"),
    (lambda x: x.cummax((0, 1)), TypeError, "cummax: dim must be an int"),
    (lambda x: ag.tensor(1.0).cummin(1), ValueError, "cummin: dim 1 is out of range for a 0-d tensor"),
    (lambda x: ag.tensor([1, 2]).logcumsumexp(0), ValueError, "logcumsumexp needs a floating-point tensor, got dtype "
                                                               "int64"),
])
def test_bad_arguments_raise_clear_errors(call, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(")):
        call(ag.zeros(2, 3))
