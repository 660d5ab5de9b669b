"""Initialisers: sample statistics against their formulas (bounds stated), fans as PyTorch's."""
import inspect

import numpy as np
import pytest

import autograd as ag
import nn
from nn import init

SHAPE = (300, 400)          # fan_in 400, fan_out 300; 120,000 samples
N = SHAPE[0] * SHAPE[1]


def sample(initialiser, shape=SHAPE, **kwargs):
    ag.manual_seed(0)
    return initialiser(ag.empty(*shape), **kwargs).data.astype(np.float64)


# (initialiser, kwargs, expected std, bound for uniform ones or None)
CASES = [
    (init.uniform_, dict(a=-0.5, b=0.5), 1 / np.sqrt(12), 0.5),
    (init.normal_, dict(std=0.2), 0.2, None),
    (init.fan_in_uniform_, {}, 1 / np.sqrt(400) / np.sqrt(3), 1 / np.sqrt(400)),
    (init.xavier_uniform_, {}, np.sqrt(2 / 700), np.sqrt(6 / 700)),
    (init.xavier_normal_, dict(gain=2.0), 2 * np.sqrt(2 / 700), None),
    (init.kaiming_uniform_, {}, np.sqrt(2 / 400), np.sqrt(6 / 400)),
    (init.kaiming_normal_, {}, np.sqrt(2 / 400), None),
    (init.kaiming_normal_, dict(mode="fan_out", nonlinearity="relu"), np.sqrt(2 / 300), None),
    (init.kaiming_normal_, dict(a=0.2), np.sqrt(2 / (1 + 0.04)) / np.sqrt(400), None),
    (init.uniform_, dict(a=2.0, b=5.0), 3 / np.sqrt(12), None),
    (init.normal_, dict(mean=-1.5, std=0.3), 0.3, None),
    (init.xavier_uniform_, dict(gain=0.5), 0.5 * np.sqrt(2 / 700), 0.5 * np.sqrt(6 / 700)),
    (init.kaiming_uniform_, dict(a=0.5, mode="fan_out", nonlinearity="leaky_relu"),
     np.sqrt(2 / 1.25) / np.sqrt(300), np.sqrt(3) * np.sqrt(2 / 1.25) / np.sqrt(300)),
    (init.kaiming_uniform_, dict(nonlinearity="tanh"), 5 / 3 / np.sqrt(400), 5 / 3 * np.sqrt(3 / 400)),
]


@pytest.mark.parametrize("initialiser, kwargs, std, bound", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_sample_statistics_match_the_formula(initialiser, kwargs, std, bound):
    values = sample(initialiser, **kwargs)
    # The sample std of 120,000 draws is within 1% of the true one (its relative standard error
    # is about 0.2% for a normal, 0.15% for a uniform); the mean within 5 standard errors of 0.
    assert abs(values.std() / std - 1) < 0.01
    centre = (kwargs["a"] + kwargs["b"]) / 2 if initialiser is init.uniform_ else kwargs.get("mean", 0)
    assert abs(values.mean() - centre) < 5 * std / np.sqrt(N)
    if bound is not None:  # symmetric about 0: U(-bound, bound), and the sample reaches both ends
        assert values.min() >= -bound - 1e-7 and values.max() <= bound + 1e-7
        assert values.min() < -0.99 * bound and values.max() > 0.99 * bound
    elif initialiser is init.uniform_:
        assert kwargs["a"] <= values.min() < kwargs["a"] + 0.01 and kwargs["b"] - 0.01 < values.max() <= kwargs["b"]


@pytest.mark.parametrize("shape, fans", [((3, 5), (5, 3)), ((8, 4, 3, 3), (36, 72)), ((2, 6, 5), (30, 10))])
def test_fan_in_and_fan_out_as_pytorch(shape, fans):
    assert init.fan_in_and_fan_out(ag.empty(*shape)) == fans


def test_fans_need_two_dims():
    with pytest.raises(ValueError, match=r"at least 2 dims, got shape \(5,\)"):
        init.xavier_uniform_(ag.empty(5))


# PyTorch's parameter names and defaults (torch.nn.init, 2.x; its `generator` argument aside).
SIGNATURES = {
    "calculate_gain": "(nonlinearity, param=None)",
    "constant_": "(tensor, val)", "zeros_": "(tensor)", "ones_": "(tensor)",
    "uniform_": "(tensor, a=0.0, b=1.0)", "normal_": "(tensor, mean=0.0, std=1.0)",
    "xavier_uniform_": "(tensor, gain=1.0)", "xavier_normal_": "(tensor, gain=1.0)",
    "kaiming_uniform_": "(tensor, a=0.0, mode='fan_in', nonlinearity='leaky_relu')",
    "kaiming_normal_": "(tensor, a=0.0, mode='fan_in', nonlinearity='leaky_relu')",
}


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_arguments_are_named_as_pytorch(name):
    assert str(inspect.signature(getattr(init, name))) == SIGNATURES[name]


def test_initialisers_take_keyword_arguments_as_pytorch():
    w = init.constant_(tensor=ag.empty(2, 3), val=0.25)
    np.testing.assert_array_equal(w.data, np.full((2, 3), 0.25, np.float32))
    w = init.kaiming_uniform_(ag.empty(3, 4), a=0.0, mode="fan_out", nonlinearity="relu")
    assert np.abs(w.data).max() <= np.sqrt(6 / 3)


@pytest.mark.parametrize("name, param, gain", [("linear", None, 1.0), ("sigmoid", None, 1.0), ("tanh", None, 5 / 3),
                                               ("conv2d", None, 1.0), ("conv_transpose1d", None, 1.0),
                                               ("selu", None, 3 / 4),
                                               ("relu", None, np.sqrt(2)), ("leaky_relu", 0.2, np.sqrt(2 / 1.04)),
                                               ("leaky_relu", None, np.sqrt(2 / 1.0001))])
def test_calculate_gain(name, param, gain):
    assert init.calculate_gain(name, param) == pytest.approx(gain)


@pytest.mark.parametrize("name, param, message", [("swish", None, "unknown nonlinearity 'swish'"),
                                                  ("leaky_relu", "0.2", "negative slope '0.2' is not a number")])
def test_calculate_gain_refuses(name, param, message):
    with pytest.raises(ValueError, match=message):
        init.calculate_gain(name, param)


@pytest.mark.parametrize("initialiser, value", [(init.zeros_, 0.0), (init.ones_, 1.0),
                                                (lambda t: init.constant_(t, 0.3), 0.3)])
def test_constant_initialisers_make_every_unit_alike(initialiser, value):
    layer = nn.Linear(4, 3, init=initialiser)
    np.testing.assert_allclose(layer.weight.data, value, rtol=1e-6)
    out = layer(ag.randn(6, 4))
    # every hidden unit computes the same function...
    np.testing.assert_allclose(out.data, out.data[:, [0]].repeat(3, 1), rtol=1e-6)
    out.tanh().sum().backward()
    # ...and gets the same gradient, so gradient descent never makes them differ
    grad = layer.weight.grad.data
    np.testing.assert_allclose(grad, grad[[0]].repeat(3, 0), rtol=1e-6)


def test_initialisers_work_in_place_without_recording():
    weight = nn.Parameter(ag.zeros(3, 4))
    data = weight.data
    init.xavier_normal_(weight)
    assert weight.data is data and weight.grad_fn is None and data.any()


def test_initialisers_repeat_under_manual_seed():
    np.testing.assert_array_equal(sample(init.kaiming_uniform_), sample(init.kaiming_uniform_))


@pytest.mark.parametrize("init", [nn.init.xavier_uniform_, nn.init.xavier_normal_, nn.init.kaiming_uniform_,
                                  nn.init.kaiming_normal_])
def test_a_zero_element_tensor_is_left_as_it_is_with_a_warning(init):
    tensor = ag.empty(3, 0)
    with pytest.warns(UserWarning, match=r"zero-element tensor \(shape \(3, 0\)\) does nothing"):
        assert init(tensor) is tensor
