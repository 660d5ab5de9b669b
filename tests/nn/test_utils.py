"""nn.utils: gradient clipping, parameter vectors, magnitude pruning."""
import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn.utils import prune


def with_grads(*grads):
    params = []
    for g in grads:
        p = ag.zeros(*np.shape(g), dtype=ag.float64, requires_grad=True)
        p.grad = ag.tensor(g, dtype=ag.float64)
        params.append(p)
    return params


def test_clip_grad_norm_scales_all_gradients_together_and_keeps_the_direction():
    params = with_grads([3.0, 0.0], [[4.0]])
    total = nn.utils.clip_grad_norm_(params, 1.0)
    assert total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(params[0].grad.data, [3 / (5 + 1e-6), 0.0], rtol=1e-12)
    np.testing.assert_allclose(params[1].grad.data, [[4 / (5 + 1e-6)]], rtol=1e-12)


def test_clip_grad_norm_leaves_small_gradients_alone():
    params = with_grads([0.3, 0.4])
    assert nn.utils.clip_grad_norm_(params, 1.0).item() == pytest.approx(0.5)
    np.testing.assert_array_equal(params[0].grad.data, [0.3, 0.4])


@pytest.mark.parametrize("norm_type, expected", [(1, 7.0), (np.inf, 4.0), (3, (27 + 64) ** (1 / 3))])
def test_clip_grad_norm_other_norms(norm_type, expected):
    params = with_grads([3.0, -4.0])
    assert nn.utils.clip_grad_norm_(params, 100.0, norm_type).item() == pytest.approx(expected)


def test_clip_grad_value_clamps_each_element():
    params = with_grads([3.0, -0.5, -7.0])
    nn.utils.clip_grad_value_(params, 1.0)
    np.testing.assert_array_equal(params[0].grad.data, [1.0, -0.5, -1.0])
    with pytest.raises(ValueError, match="clip_value must be >= 0"):
        nn.utils.clip_grad_value_(params, -1)


def test_parameters_to_vector_and_back():
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    vector = nn.utils.parameters_to_vector(model.parameters())
    expected = np.concatenate([p.data.reshape(-1) for p in model.parameters()])
    np.testing.assert_array_equal(vector.data, expected)
    other = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    nn.utils.vector_to_parameters(vector, other.parameters())
    for a, b in zip(model.parameters(), other.parameters()):
        np.testing.assert_array_equal(a.data, b.data)
    with pytest.raises(ValueError, match=r"1-d vector of 11 values, got shape \(10,\)"):
        nn.utils.vector_to_parameters(ag.zeros(10), other.parameters())


def test_parameters_to_vector_is_differentiable():
    layer = nn.Linear(2, 2)
    (nn.utils.parameters_to_vector(layer.parameters()) ** 2).sum().backward()
    np.testing.assert_allclose(layer.weight.grad.data, 2 * layer.weight.data, rtol=1e-6)


@pytest.mark.parametrize("amount, zeros", [(0.3, 30), (45, 45), (0.0, 0), (1.0, 100)])
def test_l1_unstructured_zeroes_the_smallest_magnitudes(amount, zeros):
    ag.manual_seed(0)
    layer = nn.Linear(10, 10)
    magnitudes = np.abs(layer.weight.data).copy()
    prune.l1_unstructured(layer, "weight", amount)
    pruned = layer.weight.data == 0
    assert pruned.sum() == zeros
    if 0 < zeros < 100:
        assert magnitudes[pruned].max() <= magnitudes[~pruned].min()
    assert [name for name, _ in layer.named_parameters()] == ["bias", "weight_orig"]


def test_pruned_weights_stay_zero_through_training():
    ag.manual_seed(1)
    model = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 2))
    prune.l1_unstructured(model[0], "weight", 0.5)
    mask = model[0].weight_mask.data.copy()
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=0.01)
    x, y = ag.randn(32, 6), ag.randint(0, 2, (32,))
    for _ in range(20):
        opt.zero_grad()
        nn.CrossEntropyLoss()(model(x), y).backward()
        assert not model[0].weight_orig.grad.data[mask == 0].any()
        opt.step()
    model(x)
    assert not model[0].weight.data[mask == 0].any()
    assert (model[0].weight.data[mask == 1] != 0).all()


def test_pruning_again_counts_only_the_remaining_weights_and_remove_makes_it_permanent():
    ag.manual_seed(2)
    layer = nn.Linear(10, 10)
    prune.l1_unstructured(layer, "weight", 0.5)
    prune.l1_unstructured(layer, "weight", 0.5)
    assert prune.sparsity(layer) == 0.75
    prune.remove(layer, "weight")
    assert isinstance(layer.weight, nn.Parameter) and (layer.weight.data == 0).sum() == 75
    assert [name for name, _ in layer.named_parameters()] == ["bias", "weight"]
    assert not layer._forward_pre_hooks
    with pytest.raises(ValueError, match="Linear.weight is not pruned"):
        prune.remove(layer, "weight")


def test_pruning_errors():
    with pytest.raises(ValueError, match="has no parameter 'kernel'"):
        prune.l1_unstructured(nn.Linear(2, 2), "kernel", 0.5)
    with pytest.raises(ValueError, match=r"amount must be a fraction in \[0, 1\] or a count in \[0, 4\], got 1.5"):
        prune.l1_unstructured(nn.Linear(2, 2), "weight", 1.5)
