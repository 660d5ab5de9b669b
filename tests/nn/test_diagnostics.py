"""Diagnostics and loss landscapes on constructed cases with a known answer."""
import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn import diagnostics, landscapes
from nn.data import DataLoader, TensorDataset


def test_a_layer_whose_relus_are_all_dead_reports_100_percent():
    model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 2))
    nn.init.constant_(model[0].bias, -100.0)
    monitor = diagnostics.Monitor(model)
    model(ag.randn(32, 5))
    assert monitor.history["1"]["dead_fraction"].tolist() == [1.0]
    nn.init.constant_(model[0].bias, 100.0)
    model(ag.randn(32, 5))
    assert monitor.history["1"]["dead_fraction"].tolist() == [1.0, 0.0]


def test_dead_and_saturated_fractions_by_hand():
    assert diagnostics.dead_fraction(np.array([[0.0, 1.0], [1.0, 0.0]])) == 0.0
    assert diagnostics.dead_fraction(np.array([[0.0, 1.0], [-1.0, 2.0]])) == 0.5
    assert diagnostics.saturated_fraction(np.array([-0.95, -0.5, 0.0, 0.91]), -1.0, 1.0) == 0.5


def test_saturated_sigmoids_are_counted():
    layer = nn.Sequential(nn.Linear(3, 10), nn.Sigmoid())
    nn.init.constant_(layer[0].weight, 0.0)
    nn.init.constant_(layer[0].bias, 10.0)   # sigmoid(10) = 0.99995: every unit saturated
    monitor = diagnostics.Monitor(layer)
    layer(ag.randn(4, 3))
    assert monitor.history["1"]["saturated_fraction"].tolist() == [1.0]
    assert monitor.history["1"]["act_mean"][0] == pytest.approx(1 / (1 + np.exp(-10)), rel=1e-6)


@pytest.mark.parametrize("activation, bias, saturated", [
    (nn.Hardtanh(), 5.0, 1.0),           # clipped at 1
    (nn.Hardtanh(-3.0, 3.0), 2.0, 0.0),  # 2 is inside its own bounds, not near them
    (nn.Hardsigmoid(), -4.0, 1.0),       # 0 below -3
    (nn.Softsign(), 100.0, 1.0),         # 100 / 101 is within 5% of the range of 1
    (nn.Softsign(), 1.0, 0.0),           # 1/2
])
def test_bounded_units_report_their_saturation(activation, bias, saturated):
    layer = nn.Sequential(nn.Linear(3, 6), activation)
    nn.init.constant_(layer[0].weight, 0.0)
    nn.init.constant_(layer[0].bias, bias)
    monitor = diagnostics.Monitor(layer)
    layer(ag.randn(4, 3))
    assert monitor.history["1"]["saturated_fraction"].tolist() == [saturated]
    assert "dead_fraction" not in monitor.history["1"]


@pytest.mark.parametrize("activation", [nn.GELU(), nn.SiLU(), nn.CELU(), nn.SELU()])
def test_relu_like_units_report_dead_units(activation):
    layer = nn.Sequential(nn.Linear(3, 4), activation)
    nn.init.constant_(layer[0].weight, 0.0)
    layer[0].bias.data[...] = [-5.0, -1.0, 1.0, 2.0]   # two units negative for every sample
    monitor = diagnostics.Monitor(layer)
    layer(ag.randn(8, 3))
    assert monitor.history["1"]["dead_fraction"].tolist() == [0.5]
    assert "saturated_fraction" not in monitor.history["1"]


def test_a_20_layer_sigmoid_net_has_vanishing_gradients():
    ag.manual_seed(0)
    layers = []
    for _ in range(20):
        layers += [nn.Linear(16, 16), nn.Sigmoid()]
    model = nn.Sequential(*layers)
    monitor = diagnostics.Monitor(model)
    model(ag.randn(32, 16)).sum().backward()
    monitor.before_step()
    norms = [monitor.history[str(2 * i)]["grad_norm"][0] for i in range(20)]
    assert norms[0] < 1e-3 * norms[-1]


def test_gradient_norms_and_update_ratios_around_a_step():
    layer = nn.Linear(3, 2)
    monitor = diagnostics.Monitor(layer)
    layer.weight.grad = ag.tensor(np.full((2, 3), 2.0, np.float32))
    weight = layer.weight.data.copy()
    monitor.before_step()
    optim.SGD(layer.parameters(), lr=0.1).step()
    monitor.after_step()
    stats = monitor.history["Linear"]
    assert stats["grad_norm"][0] == pytest.approx(np.sqrt(6 * 4.0))
    assert stats["update_ratio"][0] == pytest.approx(0.1 * np.sqrt(24.0) / np.linalg.norm(weight), rel=1e-5)


def test_monitor_records_each_step_of_fit_and_ignores_eval_passes():
    ag.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2))
    monitor = diagnostics.Monitor(model)
    data = DataLoader(TensorDataset(ag.randn(40, 2), ag.randint(0, 2, (40,))), 10)
    nn.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), data, epochs=2, val_loader=data,
           callbacks=[monitor], progress=False)
    history = monitor.history
    assert {len(values) for stats in history.values() for values in stats.values()} == {8}
    assert sorted(history["0"]) == ["act_mean", "act_std", "grad_norm", "update_ratio"]
    assert "saturated_fraction" in history["1"] and "0" in monitor.table()
    monitor.remove()
    model(ag.randn(3, 2))
    assert len(monitor.history["1"]["act_mean"]) == 8


def test_activations_of_each_layer():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
    x = ag.randn(5, 3)
    outputs = diagnostics.activations(model, x)
    np.testing.assert_array_equal(outputs["1"], np.maximum(outputs["0"], 0))
    assert not model[0]._forward_hooks


@pytest.mark.parametrize("name, minimum", [("bowl", (0, 0)), ("rosenbrock", (1, 1))])
def test_surfaces_have_their_minimum_where_stated(name, minimum):
    surface, _ = landscapes.SURFACES[name]
    point = ag.tensor(minimum, dtype=ag.float64, requires_grad=True)
    value = surface(point[0], point[1])
    value.backward()
    assert value.item() == 0.0 and np.abs(point.grad.data).max() < 1e-12


def test_the_saddle_hessian_has_eigenvalues_of_both_signs():
    hessian = ag.hessian(lambda p: landscapes.saddle(p[0], p[1]), ag.tensor([0.0, 0.0], dtype=ag.float64))
    assert sorted(np.linalg.eigvalsh(hessian.data)) == [-2.0, 2.0]


def test_wells_has_a_global_and_local_minima():
    paths = [landscapes.descend(landscapes.wells, lambda p: optim.SGD(p, lr=0.1), start, 500)
             for start in ((1.5, 1.5), (-2.0, -1.0))]
    ends = [landscapes.wells(ag.tensor(p[-1, 0]), ag.tensor(p[-1, 1])).item() for p in paths]
    assert np.abs(paths[0][-1] - (1, 1)).max() < 0.2 and ends[0] < ends[1] < 0
