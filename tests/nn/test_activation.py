"""Activation modules: values against numpy formulas, gradients against central differences."""
import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


# (module, numpy reference). Inputs avoid 0, where relu-like functions have a kink.
ACTIVATIONS = [
    (nn.ReLU(), lambda x: np.maximum(x, 0)),
    (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (nn.Tanh(), np.tanh),
    (nn.LeakyReLU(0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
    (nn.ELU(0.7), lambda x: np.where(x > 0, x, 0.7 * (np.exp(x) - 1))),
    (nn.Softplus(), lambda x: np.log1p(np.exp(x))),
    (nn.Softplus(beta=2.0, threshold=1.0), lambda x: np.where(2 * x > 1, x, np.log1p(np.exp(2 * x)) / 2)),
    (nn.Softmax(), _softmax),
    (nn.LogSoftmax(), lambda x: np.log(_softmax(x))),
    (nn.PReLU(), lambda x: np.where(x > 0, x, 0.25 * x)),
    (nn.NoisyReLU(0.5).eval(), lambda x: np.maximum(x, 0)),
    (nn.GELU(), lambda x: x * 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))),
    (nn.GELU("tanh"), lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))),
    (nn.SiLU(), lambda x: x / (1 + np.exp(-x))),
    (nn.Hardtanh(), lambda x: np.clip(x, -1, 1)),
    (nn.Hardtanh(-0.5, 1.5), lambda x: np.clip(x, -0.5, 1.5)),
    (nn.CELU(0.5), lambda x: np.where(x > 0, x, 0.5 * (np.exp(x / 0.5) - 1))),
    # SELU's constants from the paper (Klambauer et al. 2017), to the digits PyTorch uses
    (nn.SELU(), lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1))),
    (nn.Softsign(), lambda x: x / (1 + np.abs(x))),
    (nn.Hardsigmoid(), lambda x: np.clip((x + 3) / 6, 0, 1)),
]


def _inputs(shape=(4, 5), seed=0):
    rng = np.random.default_rng(seed)
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.2, 2.0, shape)


@pytest.mark.parametrize("module, reference", ACTIVATIONS, ids=lambda v: type(v).__name__)
def test_activation_values_and_gradients(module, reference):
    module = module.to(ag.float64) if list(module.parameters()) else module
    x = ag.tensor(_inputs(), dtype=ag.float64, requires_grad=True)
    np.testing.assert_allclose(module(x).data, reference(x.data), rtol=1e-12, atol=1e-15)
    assert ag.gradcheck(lambda x, *p: module(x), (x, *module.parameters()))


def test_prelu_per_channel_slopes_are_learnt():
    layer = nn.PReLU(3, init=0.1).to(ag.float64)
    layer.weight.data[...] = [0.1, 0.2, 0.3]
    x = ag.tensor(_inputs((2, 3, 4)), dtype=ag.float64, requires_grad=True)
    expected = np.where(x.data > 0, x.data, np.array([0.1, 0.2, 0.3])[:, None] * x.data)
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-12)
    assert ag.gradcheck(lambda x, w: layer(x), (x, layer.weight))
    with pytest.raises(ValueError, match=r"prelu: 3 channel values do not match input of shape \(2, 4\)"):
        layer(ag.ones(2, 4))


def test_noisy_relu_adds_noise_before_the_cut_in_training():
    ag.manual_seed(0)
    out = nn.NoisyReLU(1.0)(ag.zeros(100_000)).data
    # max(0, N(0, 1)): half the units are zero, the mean is 1/sqrt(2 pi); bounds are 5 standard errors.
    assert abs((out == 0).mean() - 0.5) < 5 * 0.5 / np.sqrt(out.size)
    assert abs(out.mean() - 1 / np.sqrt(2 * np.pi)) < 5 * np.sqrt(0.5 - 1 / (2 * np.pi)) / np.sqrt(out.size)


def test_step_is_a_threshold_with_zero_gradient():
    x = ag.tensor([-2.0, -0.5, 0.0, 0.5, 3.0], requires_grad=True)
    y = nn.Step()(x)
    assert y.tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]
    (y * ag.arange(5.0)).sum().backward()
    assert x.grad.tolist() == [0.0] * 5


def test_maxout_function_rejects_a_width_that_does_not_split():
    with pytest.raises(ValueError, match=r"maxout: last dim 5 of input \(2, 5\) is not a multiple of 2 pieces"):
        F.maxout(ag.ones(2, 5), 2)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus", "elu"])
def test_saturating_activations_stay_finite_at_1000(name):
    x = ag.tensor([-1000.0, 1000.0], requires_grad=True)
    y = getattr(F, name)(x)
    y.sum().backward()
    assert np.isfinite(y.data).all() and np.isfinite(x.grad.data).all()


def test_new_activation_modules_check_arguments_and_print_them():
    with pytest.raises(ValueError, match=r"Hardtanh: min_val 2 is greater than max_val 1"):
        nn.Hardtanh(2, 1)
    assert repr(nn.Hardtanh(-2.0, 2.0)) == "Hardtanh(min_val=-2.0, max_val=2.0)"
    assert repr(nn.GELU("tanh")) == "GELU(approximate='tanh')"
    assert repr(nn.CELU(0.5)) == "CELU(alpha=0.5)"
