"""Convolution, pooling and resampling layers; the CNN pieces (BatchNorm2d, Dropout on feature
maps, Flatten, summary, Monitor); normalize and attention against numpy."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim
from autograd import naive
from nn import diagnostics


def lenet():
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                         nn.Linear(84, 10))


@pytest.mark.parametrize("make, x_shape, reference", [
    (lambda: nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2), (2, 4, 7, 6),
     lambda x, m: naive.conv2d(x, m.weight.data, m.bias.data, 2, 1, 1, 2)),
    (lambda: nn.Conv2d(3, 2, (3, 2), padding="same", dilation=2, bias=False), (2, 3, 5, 5),
     lambda x, m: naive.conv2d(x, m.weight.data, None, 1, "same", 2)),
    (lambda: nn.Conv1d(3, 4, 3, stride=2), (2, 3, 9), lambda x, m: naive.conv1d(x, m.weight.data, m.bias.data, 2)),
    (lambda: nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1), (1, 4, 3, 3),
     lambda x, m: naive.conv_transpose2d(x, m.weight.data, m.bias.data, 2, 1, 1)),
    (lambda: nn.MaxPool2d(3, stride=2, padding=1), (2, 3, 7, 6), lambda x, m: naive.max_pool2d(x, 3, 2, 1)),
    (lambda: nn.MaxPool1d(2), (2, 3, 7), lambda x, m: naive.max_pool2d(x[:, :, None], (1, 2))[:, :, 0]),
    (lambda: nn.AvgPool2d(2, ceil_mode=True), (2, 3, 7, 6), lambda x, m: naive.avg_pool2d(x, 2, ceil_mode=True)),
    (lambda: nn.AvgPool1d(3, 2, 1), (2, 3, 7), lambda x, m: naive.avg_pool2d(x[:, :, None], (1, 3), (1, 2),
                                                                              (0, 1))[:, :, 0]),
    (lambda: nn.AdaptiveAvgPool2d((2, 3)), (2, 3, 7, 6), lambda x, m: naive.adaptive_avg_pool2d(x, (2, 3))),
    (lambda: nn.Upsample(scale_factor=2, mode="bilinear"), (1, 2, 3, 3),
     lambda x, m: naive.interpolate(x, scale_factor=2, mode="bilinear")),
])
def test_layers_match_their_references_and_gradcheck(make, x_shape, reference):
    ag.manual_seed(0)
    module = make().to(ag.float64)
    x = ag.randn(*x_shape, dtype=ag.float64, requires_grad=True)
    np.testing.assert_allclose(module(x).data, reference(x.data, module), rtol=1e-10, atol=1e-12)
    assert ag.gradcheck(lambda x, *p: module(x), (x, *module.parameters()))


@pytest.mark.parametrize("make, fan_in", [(lambda: nn.Conv2d(16, 64, 5), 16 * 25),
                                          (lambda: nn.Conv2d(64, 256, 5, groups=4), 16 * 25),
                                          (lambda: nn.Conv1d(32, 128, 7), 32 * 7),
                                          (lambda: nn.ConvTranspose2d(64, 32, 4), 32 * 16)])
def test_default_init_is_pytorchs_uniform_within_one_over_sqrt_fan_in(make, fan_in):
    ag.manual_seed(0)
    layer = make()
    bound = 1 / np.sqrt(fan_in)
    for values in (layer.weight.data, layer.bias.data):
        assert np.abs(values).max() <= bound
    # U(-b, b) has variance b²/3; at least 25,000 samples put the sample variance within 3% of it.
    assert layer.weight.numel() >= 25_000
    assert abs(layer.weight.data.var() / (bound ** 2 / 3) - 1) < 0.03


def test_bad_layer_arguments_are_named():
    with pytest.raises(ValueError, match="groups=4 must divide in_channels=6"):
        nn.Conv2d(6, 8, 3, groups=4)
    with pytest.raises(ValueError, match="padding_mode='zeros'"):
        nn.Conv2d(1, 1, 3, padding_mode="reflect")


def test_lenet_summary_counts_every_layers_parameters():
    table = lenet().summary((1, 28, 28))
    # 6 (1*25 + 1), 16 (6*25 + 1), 120 (400 + 1), 84 (120 + 1), 10 (84 + 1)
    assert [row.params for row in table.rows if row.params] == [156, 2416, 48120, 10164, 850]
    assert table.total_params == 61706
    assert [row.output_shape for row in table.rows[:7]] == [
        (None, 6, 28, 28), (None, 6, 28, 28), (None, 6, 14, 14), (None, 16, 10, 10), (None, 16, 10, 10),
        (None, 16, 5, 5), (None, 400)]


def test_monitor_reports_conv_layers():
    ag.manual_seed(0)
    model = lenet()
    x, y = ag.randn(8, 1, 28, 28), ag.randint(0, 10, (8,))
    expected_dead = diagnostics.dead_fraction(model[1](model[0](x)).data)
    monitor = diagnostics.Monitor(model)
    opt = optim.SGD(model.parameters(), lr=0.1)
    opt.zero_grad()
    F.cross_entropy(model(x), y).backward()
    monitor.before_step(model)
    opt.step()
    monitor.after_step(model)
    conv = monitor.history["0"]
    weight = model[0].weight
    assert conv["act_std"].shape == (1,) and conv["grad_norm"][0] > 0
    assert abs(conv["update_ratio"][0] / (0.1 * conv["grad_norm"][0] / np.linalg.norm(weight.data)) - 1) < 0.2
    assert monitor.history["1"]["dead_fraction"].tolist() == [expected_dead]


def test_a_cnn_with_batch_norm_dropout_and_flatten_trains_and_evaluates():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.Dropout(0.2),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 4 * 4, 3))
    x, y = ag.randn(16, 1, 8, 8), ag.randint(0, 3, (16,))
    opt = optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
    model.eval()
    features = model[0](x).data
    bn = model[1]
    expected = ((features - bn.running_mean.data[:, None, None]) / np.sqrt(bn.running_var.data[:, None, None] + 1e-5)
                * bn.weight.data[:, None, None] + bn.bias.data[:, None, None])
    np.testing.assert_allclose(bn(model[0](x)).data, expected, rtol=1e-4, atol=1e-5)
    assert model(x).tolist() == model(x).tolist()  # eval: no dropout


@pytest.mark.parametrize("p, dim, shape", [(2, 1, (3, 4)), (1, -1, (2, 3, 4)), (3, 0, (5,))])
def test_normalize_matches_numpy_and_gradcheck(p, dim, shape):
    x = ag.randn(*shape, dtype=ag.float64, requires_grad=True)
    norm = (np.abs(x.data) ** p).sum(axis=dim, keepdims=True) ** (1 / p)
    np.testing.assert_allclose(F.normalize(x, p, dim).data, x.data / norm, rtol=1e-12)
    assert ag.gradcheck(lambda x: F.normalize(x, p, dim), (x,))


def test_normalize_of_zeros_is_zero_with_a_finite_gradient():
    x = ag.zeros(2, 3, dtype=ag.float64, requires_grad=True)
    out = F.normalize(x)
    out.sum().backward()
    assert out.tolist() == [[0.0] * 3] * 2 and np.isfinite(x.grad.data).all()


def _attention(q, k, v, mask):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1]) + mask
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    return weights / weights.sum(-1, keepdims=True) @ v


@pytest.mark.parametrize("mask_kind", ["none", "bool", "float", "causal"])
def test_attention_matches_numpy_and_gradcheck(mask_kind):
    rng = np.random.default_rng(0)
    q, k, v = (ag.tensor(rng.standard_normal(shape), requires_grad=True) for shape in ((2, 3, 4), (2, 5, 4), (2, 5, 2)))
    allowed = rng.random((3, 5)) < 0.7
    allowed[:, 0] = True
    causal = np.tril(np.ones((3, 5), bool))
    masks = {"none": (None, 0.0), "bool": (allowed, np.where(allowed, 0.0, -np.inf)),
             "float": (rng.standard_normal((3, 5)), None), "causal": (None, np.where(causal, 0.0, -np.inf))}
    attn_mask, additive = masks[mask_kind]
    additive = attn_mask if additive is None else additive
    kwargs = {"is_causal": True} if mask_kind == "causal" else {"attn_mask": attn_mask}
    out = F.scaled_dot_product_attention(q, k, v, **kwargs)
    np.testing.assert_allclose(out.data, _attention(q.data, k.data, v.data, additive), rtol=1e-10)
    assert ag.gradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, **kwargs), (q, k, v))


def test_draw_graph_clusters_conv_blocks():
    block = lambda c_in, c_out: nn.Sequential(nn.Conv2d(c_in, c_out, 3), nn.ReLU(), nn.MaxPool2d(2))  # noqa: E731
    model = nn.Sequential(block(1, 2), block(2, 3), nn.Flatten(), nn.Linear(12, 2))
    dot = ag.draw_graph(model(ag.randn(2, 1, 14, 14)).sum(), params=model, collapse_modules=True).source
    first = dot[dot.index('label="0 (Sequential)"'):dot.index('label="1 (Sequential)"')]
    assert "0.0 (Conv2d)" in first and "0.0.weight" in first and "MaxPool2d" in first
