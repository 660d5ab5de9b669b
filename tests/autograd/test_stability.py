"""Stable ops give finite, correct values (and gradients) for inputs of +-1000."""
import numpy as np
import pytest

import autograd as ag

LARGE = np.array([[1000.0, -1000.0, 999.0], [-1000.0, -1000.0, -1001.0]])


def _softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("dtype", [ag.float32, ag.float64])
@pytest.mark.parametrize("name, expected", [
    ("softmax", _softmax(LARGE)),
    ("log_softmax", LARGE - LARGE.max(axis=1, keepdims=True)
     - np.log(np.exp(LARGE - LARGE.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True))),
    ("logsumexp", LARGE.max(axis=1) + np.log(np.exp(LARGE - LARGE.max(axis=1, keepdims=True)).sum(axis=1))),
])
def test_large_inputs_stay_finite(name, expected, dtype):
    x = ag.tensor(LARGE, dtype=dtype, requires_grad=True)
    y = getattr(x, name)(1)
    assert np.all(np.isfinite(y.data))
    np.testing.assert_allclose(y.data, expected, rtol=1e-6, atol=1e-6)
    (y * ag.tensor(np.arange(y.data.size).reshape(y.shape), dtype=dtype)).sum().backward()
    assert np.all(np.isfinite(x.grad.data))


@pytest.mark.parametrize("x, expected", [(-1000.0, 0.0), (1000.0, 1.0), (-80.0, np.exp(-80.0))])
def test_sigmoid_tails(x, expected):
    value = ag.tensor([x], dtype=ag.float64).sigmoid().item()
    assert value == pytest.approx(expected, rel=1e-12, abs=0)


def test_softplus_of_large_inputs():
    y = ag.tensor([-1000.0, 1000.0]).softplus()
    np.testing.assert_allclose(y.data, [0.0, 1000.0])


@pytest.mark.parametrize("dtype", [ag.float32, ag.float64])
def test_logaddexp_of_large_inputs(dtype):
    a = ag.tensor([1000.0, -1000.0, 1000.0, -1000.0], dtype=dtype, requires_grad=True)
    b = ag.tensor([1000.0, -1000.0, -1000.0, 999.0], dtype=dtype, requires_grad=True)
    y = ag.logaddexp(a, b)
    # max + log(1 + e^-|a - b|): 1000 + log 2, -1000 + log 2, 1000, 999 + log(1 + e^-1999)
    np.testing.assert_allclose(y.data, [1000 + np.log(2), -1000 + np.log(2), 1000.0, 999.0], rtol=1e-6)
    y.sum().backward()
    # d/da = sigmoid(a - b): 1/2 at ties, 1 and 0 far apart
    np.testing.assert_allclose(a.grad.data, [0.5, 0.5, 1.0, 0.0], atol=1e-7)
    np.testing.assert_allclose(b.grad.data, [0.5, 0.5, 0.0, 1.0], atol=1e-7)


@pytest.mark.parametrize("dtype", [ag.float32, ag.float64])
def test_log1p_and_expm1_at_tiny_and_large_inputs(dtype):
    tiny = ag.tensor([1e-20, -1e-20], dtype=dtype, requires_grad=True)
    # log(1 + x) = x - x^2/2 + ... and e^x - 1 = x + x^2/2 + ...: both x to 1e-20 relative at 1e-20
    np.testing.assert_allclose(ag.log1p(tiny).data, [1e-20, -1e-20], rtol=1e-6)
    np.testing.assert_allclose(ag.expm1(tiny).data, [1e-20, -1e-20], rtol=1e-6)
    large = ag.tensor([1000.0, -1000.0], dtype=dtype, requires_grad=True)
    log1p, expm1 = ag.log1p(large.abs()), ag.expm1(-large.abs())
    np.testing.assert_allclose(log1p.data, [np.log(1001.0)] * 2, rtol=1e-6)
    assert expm1.tolist() == [-1.0, -1.0]
    (log1p + expm1).sum().backward()
    # d/dx log1p(|x|) = sign(x) / 1001; d/dx expm1(-|x|) = -sign(x) e^-1000 = 0 in floating point
    np.testing.assert_allclose(large.grad.data, [1 / 1001, -1 / 1001], rtol=1e-6)


def test_logaddexp_of_infinities():
    inf = float("inf")
    with np.errstate(invalid="ignore"):  # inf - inf in the branch that ties do not take
        out = ag.logaddexp(ag.tensor([-inf, inf, -inf, 0.0]), ag.tensor([-inf, inf, 0.0, -inf]))
    assert out.tolist() == [-inf, inf, 0.0, 0.0]
