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
