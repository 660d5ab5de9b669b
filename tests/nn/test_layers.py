"""Layers: values against numpy, gradients against central differences, train/eval behaviour
against PyTorch's definitions and PyTorch's batch norm (recorded by tests/fixtures/make_run_fixtures.py)."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim
from tests.fixtures import runs


def f64(module):
    return module.to(ag.float64)


def check_module_gradients(module, x):
    """gradcheck of module(x) with respect to x and every parameter (float64)."""
    params = list(module.parameters())
    assert ag.gradcheck(lambda x, *p: module(x), (x, *params))


# --- Linear ------------------------------------------------------------------------------------
@pytest.mark.parametrize("x_shape", [(5, 4), (4,), (2, 3, 4), (1, 4)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_numpy_and_gradcheck(x_shape, bias):
    ag.manual_seed(0)
    layer = f64(nn.Linear(4, 3, bias=bias))
    x = ag.randn(*x_shape, dtype=ag.float64, requires_grad=True)
    expected = x.data @ layer.weight.data.T + (layer.bias.data if bias else 0)
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-12)
    check_module_gradients(layer, x)


def test_linear_default_init_is_uniform_within_one_over_sqrt_fan_in():
    ag.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / np.sqrt(400)
    for values in (layer.weight.data, layer.bias.data):
        assert np.abs(values).max() <= bound
    # U(-b, b) has variance b²/3; 120,000 samples put the sample variance within 2% of it.
    assert abs(layer.weight.data.var() / (bound ** 2 / 3) - 1) < 0.02


@pytest.mark.parametrize("init, std", [("xavier_normal", np.sqrt(2 / (400 + 300))),
                                       ("kaiming_normal", np.sqrt(2 / 400))])
def test_linear_init_choice_sets_the_weight_scheme_and_zero_bias(init, std):
    ag.manual_seed(1)
    layer = nn.Linear(400, 300, init=init)
    assert abs(layer.weight.data.std() / std - 1) < 0.02
    assert not layer.bias.data.any()


def test_linear_rejects_unknown_init_and_bad_sizes():
    with pytest.raises(ValueError, match="unknown init 'glorot'"):
        nn.Linear(2, 2, init="glorot")
    with pytest.raises(ValueError, match="in_features must be a positive int"):
        nn.Linear(0, 2)
    with pytest.raises(ValueError, match=r"linear needs x of shape \(..., in\) and weight of shape \(out, in\), got "
                                         r"x \(3, 5\) and weight \(2, 4\)"):
        nn.Linear(4, 2)(ag.ones(3, 5))


def test_linear_weight_has_pytorch_shape_and_column_major_layout():
    layer = nn.Linear(5, 3)
    assert layer.weight.shape == (3, 5) and layer.weight.data.flags.f_contiguous
    layer(ag.ones(2, 5)).sum().backward()
    assert layer.weight.grad.shape == (3, 5) and layer.weight.grad.data.flags.f_contiguous
    np.testing.assert_allclose(layer.weight.grad.data, np.full((3, 5), 2.0))


# --- Maxout, Flatten, Identity, Residual -------------------------------------------------------
def test_maxout_takes_the_largest_piece():
    ag.manual_seed(2)
    layer = f64(nn.Maxout(4, 3, pieces=2))
    x = ag.randn(5, 4, dtype=ag.float64, requires_grad=True)
    affine = x.data @ layer.linear.weight.data.T + layer.linear.bias.data
    np.testing.assert_allclose(layer(x).data, affine.reshape(5, 3, 2).max(-1), rtol=1e-12)
    check_module_gradients(layer, x)


def test_flatten_and_identity():
    x = ag.randn(2, 3, 4)
    assert nn.Flatten()(x).shape == (2, 12) and nn.Flatten(0)(x).shape == (24,)
    assert nn.Identity()(x) is x


def test_residual_adds_the_skip_and_its_gradient():
    ag.manual_seed(3)
    block = f64(nn.Linear(3, 3))
    layer = nn.Residual(block)
    x = ag.randn(4, 3, dtype=ag.float64, requires_grad=True)
    np.testing.assert_allclose(layer(x).data, x.data + block(x).data, rtol=1e-12)
    layer(x).sum().backward()
    # d/dx sum(x + x W^T + b) = 1 + column sums of W
    np.testing.assert_allclose(x.grad.data, np.broadcast_to(1 + block.weight.data.sum(0), (4, 3)), rtol=1e-12)
    check_module_gradients(layer, x)


def test_residual_refuses_a_block_that_changes_the_shape():
    with pytest.raises(ValueError, match=r"Residual: the block turned shape \(2, 3\) into \(2, 4\)"):
        nn.Residual(nn.Linear(3, 4))(ag.ones(2, 3))


# --- Dropout and GaussianNoise -----------------------------------------------------------------
@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_zeroes_a_fraction_p_and_scales_the_rest(p):
    ag.manual_seed(4)
    layer = nn.Dropout(p)
    x = ag.ones(200_000)
    y = layer(x).data
    kept = y != 0
    # Binomial(n, 1-p): the kept fraction is within 5 standard deviations of 1 - p.
    assert abs(kept.mean() - (1 - p)) < 5 * np.sqrt(p * (1 - p) / x.numel())
    np.testing.assert_allclose(y[kept], 1 / (1 - p), rtol=1e-6)


def test_dropout_gradient_flows_through_the_kept_units_only():
    ag.manual_seed(5)
    x = ag.ones(1000, requires_grad=True)
    y = nn.Dropout(0.5)(x)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, y.data)


def test_dropout_is_the_identity_in_eval_and_at_the_extremes():
    x = ag.randn(100)
    layer = nn.Dropout(0.5).eval()
    assert layer(x) is x
    assert nn.Dropout(0.0)(x) is x
    assert not nn.Dropout(1.0)(x).data.any()
    with pytest.raises(ValueError, match="Dropout probability must be in \\[0, 1\\], got 1.5"):
        nn.Dropout(1.5)


def test_gaussian_noise_has_the_stated_spread_in_training_only():
    ag.manual_seed(6)
    layer = nn.GaussianNoise(0.3)
    noise = layer(ag.zeros(100_000)).data
    # sample std of 100,000 normals: relative standard error ~0.2%, bound 1%.
    assert abs(noise.std() / 0.3 - 1) < 0.01 and abs(noise.mean()) < 5 * 0.3 / np.sqrt(noise.size)
    x = ag.randn(10)
    assert layer.eval()(x) is x


def test_dropout_repeats_under_manual_seed():
    ag.manual_seed(7)
    first = nn.Dropout(0.5)(ag.ones(50)).data
    ag.manual_seed(7)
    np.testing.assert_array_equal(nn.Dropout(0.5)(ag.ones(50)).data, first)


# --- Dropout2d ---------------------------------------------------------------------------------
@pytest.mark.parametrize("p", [0.2, 0.5])
@pytest.mark.parametrize("shape", [(400, 25, 3, 2), (10_000, 2, 3)], ids=["NCHW", "CHW"])
def test_dropout2d_zeroes_whole_channels_a_fraction_p_and_scales_the_rest(p, shape):
    ag.manual_seed(8)
    x = ag.rand(*shape) + 1  # no zeros of its own
    y = nn.Dropout2d(p)(x).data
    channels = y.reshape(-1, shape[-2] * shape[-1])
    dropped = (channels == 0).all(axis=1)
    assert ((channels != 0).all(axis=1) | dropped).all()  # a channel goes whole or not at all
    # Binomial(10,000 channels, p): the dropped fraction is within 5 standard deviations of p.
    assert abs(dropped.mean() - p) < 5 * np.sqrt(p * (1 - p) / dropped.size)
    np.testing.assert_allclose(channels[~dropped], x.data.reshape(channels.shape)[~dropped] / (1 - p), rtol=1e-6)


def test_dropout2d_draws_one_number_per_channel_from_the_generator_stream():
    ag.manual_seed(9)
    y = F.dropout2d(ag.ones(3, 4, 2, 2), 0.5).data
    ag.manual_seed(9)
    keep = ag.rand(3, 4, 1, 1).data >= 0.5
    np.testing.assert_array_equal(y, np.broadcast_to(np.where(keep, 2.0, 0.0), y.shape))


def test_dropout2d_gradient_flows_through_the_kept_channels_only():
    ag.manual_seed(10)
    x = ag.ones(8, 6, 3, 3, requires_grad=True)
    y = nn.Dropout2d(0.5)(x)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, y.data)


def test_dropout2d_is_the_identity_in_eval_and_at_p_0_and_zero_at_p_1():
    x = ag.randn(2, 3, 4, 4)
    assert nn.Dropout2d(0.5).eval()(x) is x
    assert nn.Dropout2d(0.0)(x) is x
    assert not nn.Dropout2d(1.0)(x).data.any()


@pytest.mark.parametrize("call, message", [
    (lambda: nn.Dropout2d(-0.1), r"Dropout2d probability must be in \[0, 1\], got -0.1"),
    (lambda: F.dropout2d(ag.ones(2, 3, 4, 4), 2.0), r"dropout2d probability must be in \[0, 1\], got 2.0"),
    (lambda: F.dropout2d(ag.ones(4, 4), 0.5), r"\(N, C, H, W\) or \(C, H, W\), got \(4, 4\)"),
    (lambda: nn.Dropout2d()(ag.ones(1, 2, 3, 4, 5)), r"got \(1, 2, 3, 4, 5\)"),
])
def test_dropout2d_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_dropout2d_compiled_step_matches_eager():
    def train(compiled):
        ag.manual_seed(0)
        model = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.Dropout2d(0.3), nn.ReLU(), nn.Flatten(),
                              nn.Linear(4 * 5 * 5, 3)).to(ag.float64)
        optimiser = optim.SGD(model.parameters(), lr=0.1)
        x, y = ag.randn(6, 2, 5, 5, dtype=ag.float64), ag.randint(0, 3, (6,))

        def step():
            optimiser.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimiser.step()
            return loss

        step = ag.compile(step) if compiled else step
        return [step().item() for _ in range(5)], model[0].weight.data.copy(), step

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may fall back to eager
        eager_losses, eager_weight, _ = train(False)
        losses, weight, step = train(True)
    assert step.plans and len(set(losses)) == 5  # captured, and a fresh mask (and loss) every step
    np.testing.assert_allclose(losses, eager_losses, rtol=1e-12)
    np.testing.assert_allclose(weight, eager_weight, rtol=1e-12)


# --- BatchNorm ---------------------------------------------------------------------------------
def numpy_batch_norm(x, axes, gamma, beta, eps=1e-5):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    shape = [1] * x.ndim
    shape[1] = -1
    return (x - mean) / np.sqrt(var + eps) * gamma.reshape(shape) + beta.reshape(shape)


@pytest.mark.parametrize("make, shape, axes", [
    (nn.BatchNorm1d, (8, 3), (0,)), (nn.BatchNorm1d, (8, 3, 5), (0, 2)), (nn.BatchNorm2d, (4, 3, 2, 5), (0, 2, 3))])
def test_batch_norm_training_uses_batch_statistics_and_updates_running_ones(make, shape, axes):
    rng = np.random.default_rng(8)
    layer = f64(make(3, momentum=0.2))
    layer.weight.data[...] = rng.uniform(0.5, 2, 3)
    layer.bias.data[...] = rng.standard_normal(3)
    x = rng.standard_normal(shape) * 3 + 1
    out = layer(ag.tensor(x, dtype=ag.float64))
    np.testing.assert_allclose(out.data, numpy_batch_norm(x, axes, layer.weight.data, layer.bias.data), rtol=1e-10)
    count = x.size // 3
    np.testing.assert_allclose(layer.running_mean.data, 0.8 * 0 + 0.2 * x.mean(axis=axes), rtol=1e-12)
    unbiased = x.var(axis=axes) * count / (count - 1)
    np.testing.assert_allclose(layer.running_var.data, 0.8 * 1 + 0.2 * unbiased, rtol=1e-12)
    assert layer.num_batches_tracked.item() == 1


def test_batch_norm_eval_uses_running_statistics():
    rng = np.random.default_rng(9)
    layer = f64(nn.BatchNorm1d(2))
    for _ in range(3):
        layer(ag.tensor(rng.standard_normal((16, 2)) * 2 + 5, dtype=ag.float64))
    layer.eval()
    x = rng.standard_normal((4, 2))
    expected = (x - layer.running_mean.data) / np.sqrt(layer.running_var.data + 1e-5)
    np.testing.assert_allclose(layer(ag.tensor(x, dtype=ag.float64)).data, expected, rtol=1e-12)
    assert layer.num_batches_tracked.item() == 3


def test_batch_norm_momentum_none_is_a_cumulative_average():
    rng = np.random.default_rng(10)
    layer = f64(nn.BatchNorm1d(2, momentum=None))
    batches = [rng.standard_normal((10, 2)) + i for i in range(4)]
    for batch in batches:
        layer(ag.tensor(batch, dtype=ag.float64))
    np.testing.assert_allclose(layer.running_mean.data, np.mean([b.mean(0) for b in batches], axis=0), rtol=1e-12)


def test_batch_norm_gradients_in_training_and_eval():
    ag.manual_seed(11)
    layer = f64(nn.BatchNorm2d(2))
    layer.weight.data[...] = [1.5, 0.5]
    x = ag.randn(3, 2, 2, 2, dtype=ag.float64, requires_grad=True)
    check_module_gradients(layer, x)
    check_module_gradients(layer.eval(), x)


def test_batch_norm_without_running_statistics_always_uses_the_batch():
    layer = f64(nn.BatchNorm1d(2, track_running_stats=False, affine=False)).eval()
    x = np.random.default_rng(12).standard_normal((6, 2))
    np.testing.assert_allclose(layer(ag.tensor(x, dtype=ag.float64)).data,
                               numpy_batch_norm(x, (0,), np.ones(2), np.zeros(2)), rtol=1e-10)
    assert list(layer.state_dict()) == []


@pytest.mark.parametrize("make, shape, message", [
    (nn.BatchNorm1d, (4, 5),
     r"BatchNorm1d\(3\) needs input of 2-d or 3-d shape with 3 channels in dim 1, got \(4, 5\)"),
    (nn.BatchNorm2d, (4, 3), r"BatchNorm2d\(3\) needs input of 4-d shape with 3 channels in dim 1, got \(4, 3\)"),
    (nn.BatchNorm1d, (1, 3), r"more than one value per channel, got input \(1, 3\)"),
])
def test_batch_norm_bad_input(make, shape, message):
    with pytest.raises(ValueError, match=message):
        make(3)(ag.ones(*shape))


def test_batch_norm_matches_pytorch():
    ours = runs.batch_norm("tapegrad")
    for key, value in ours.items():
        np.testing.assert_allclose(value, runs.recorded(f"batch_norm/{key}"), rtol=1e-9, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("large_weight", [0, 10 ** 9], ids=["column-major input gradient", "row-major"])
def test_linear_second_derivatives(monkeypatch, large_weight):
    from autograd.ops import linalg

    monkeypatch.setattr(linalg, "LARGE_WEIGHT", large_weight)
    ag.manual_seed(14)
    layer = f64(nn.Linear(3, 4))
    x = ag.randn(2, 3, dtype=ag.float64, requires_grad=True)

    def input_gradient(x, weight):
        return ag.grad(layer(x).tanh().sum(), (x,), create_graph=True)[0]

    assert ag.gradcheck(input_gradient, (x, layer.weight))
    np.testing.assert_allclose(input_gradient(x, layer.weight).data,
                               (1 - np.tanh(layer(x).data) ** 2) @ layer.weight.data, rtol=1e-12)
