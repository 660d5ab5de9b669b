"""ag.draw_graph: the DOT of known small graphs, determinism, modules, gradients, views."""
import re

import numpy as np
import pytest

import autograd as ag
import nn


def nodes(dot):
    """{name: label} of the nodes in DOT source."""
    found = re.findall(r'^\s*(\w+) \[label=(?:"([^"]*)"|([^\s\]]+))', dot, re.M)
    return {name: quoted or bare for name, quoted, bare in found}


def edges(dot):
    return re.findall(r"^\s*(\w+) -> (\w+)", dot, re.M)


def test_a_small_graph_node_by_node():
    w = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = ag.ones(3)
    dot = ag.draw_graph((w * x + 2.5).sum(), params={"w": w}).source
    labels = nodes(dot)
    assert sorted(labels) == ["const1", "input0", "leaf0", "op0", "op1", "op2", "output"]
    assert labels["op0"].startswith("Mul\n(3,) float32") and labels["op1"].startswith("Add")
    assert labels["op2"] == "Sum\n() float32"
    assert labels["leaf0"].startswith("w\n(3,) float32") and labels["input0"].startswith("input\n(3,) float32")
    assert labels["const1"] == "2.5"
    assert sorted(edges(dot)) == sorted([("leaf0", "op0"), ("input0", "op0"), ("op0", "op1"), ("const1", "op1"),
                                         ("op1", "op2"), ("op2", "output")])


def test_the_same_computation_gives_the_same_dot():
    def dot():
        ag.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
        return ag.draw_graph(model(ag.randn(2, 4)).sum(), params=model, collapse_modules=True).source

    first = dot()
    ag.randn(100).sum()  # other records in between change no name
    assert dot() == first


def test_parameter_names_come_from_a_module_and_clusters_follow_its_tree():
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Residual(nn.Sequential(nn.Linear(3, 3), nn.ReLU())))
    dot = ag.draw_graph(model(ag.randn(2, 4)).sum(), params=model, collapse_modules=True).source
    names = [label.split("\n")[0] for label in nodes(dot).values()]
    assert {"0.weight", "0.bias", "2.block.0.weight", "2.block.0.bias"} <= set(names)
    clusters = re.findall(r'label="([^"]*)" style="rounded,dashed"', dot)
    assert clusters == ["0 (Linear)", "1 (Tanh)", "2 (Residual)", "2.block (Sequential)", "2.block.0 (Linear)",
                        "2.block.1 (ReLU)"]
    # the inner Linear's op and its parameters sit inside its cluster
    inner = dot[dot.index('label="2.block.0 (Linear)"'):]
    inner = inner[:inner.index("}")]
    assert "Linear" in inner and "2.block.0.weight" in inner
    assert "subgraph" not in ag.draw_graph(model(ag.randn(2, 4)).sum(), params=model).source


def test_show_grads_reports_norms_and_colours_vanishing_and_exploding_leaves():
    small, normal, large = (ag.ones(2, requires_grad=True) for _ in range(3))
    loss = (small * 1e-9).sum() + (normal * 0.5).sum() + (large * 1e6).sum()
    loss.backward()
    dot = ag.draw_graph(loss, params={"small": small, "normal": normal, "large": large}, show_grads=True).source
    leaf = {label.split("\n")[0]: (name, label) for name, label in nodes(dot).items() if name.startswith("leaf")}
    assert "|grad| 0.707" in leaf["normal"][1]
    assert re.search(rf'{leaf["small"][0]} \[label="[^"]*" fillcolor=lightskyblue', dot)
    assert re.search(rf'{leaf["large"][0]} \[label="[^"]*" fillcolor=salmon', dot)
    assert re.search(rf'{leaf["normal"][0]} \[label="[^"]*" fillcolor=lightyellow', dot)


def test_backward_view_reverses_the_arrows():
    w = ag.ones(2, requires_grad=True)
    loss = (w * 3).sum()
    loss.backward()
    dot = ag.draw_graph(loss, view="backward").source
    assert nodes(dot)["op0"].startswith("MulBackward") and "|grad| 4.24" in nodes(dot)["leaf0"]
    assert ("output", "op1") in edges(dot) and ("op0", "leaf0") in edges(dot)


def test_a_graph_of_10000_ops_draws():
    x = ag.ones(2, requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0
    labels = nodes(ag.draw_graph(y.sum()).source)
    assert sum(name.startswith("op") for name in labels) == 10_001


def test_above_the_node_budget_modules_collapse_into_one_node_each():
    model = nn.Sequential(*[nn.Sequential(nn.Linear(3, 3), nn.Tanh()) for _ in range(50)])
    out = model(ag.randn(2, 3)).sum()
    dot = ag.draw_graph(out, params=model, max_nodes=60).source
    labels = nodes(dot)
    modules = [label for name, label in labels.items() if name.startswith("module")]
    assert len(modules) == 50 and modules[0].startswith("0 (Sequential)\n2 ops -> (2, 3) float32")
    assert not any(name.startswith("leaf") for name in labels)
    assert sum(name.startswith("op") for name in labels) == 1  # the final sum, outside the model
    assert len(labels) < 60


def test_higher_order_graphs_draw():
    x = ag.tensor([0.5, -1.0], requires_grad=True)
    (dx,) = ag.grad((x ** 3).sum(), (x,), create_graph=True)
    labels = nodes(ag.draw_graph(dx, params={"x": x}).source)
    assert any(label.startswith("Pow") for label in labels.values())
    assert any(label.startswith("x\n") for label in labels.values())


def test_after_backward_the_record_still_draws_without_its_inputs():
    model = nn.Linear(3, 2)
    loss = model(ag.randn(4, 3)).sum()
    loss.backward()
    labels = nodes(ag.draw_graph(loss, params=model).source)
    assert sorted(labels) == ["leaf0", "leaf1", "op0", "op1", "output"]


def test_bad_arguments():
    with pytest.raises(ValueError, match="draw_graph needs a Tensor, got ndarray"):
        ag.draw_graph(np.ones(2))
    with pytest.raises(ValueError, match="view must be 'forward' or 'backward'"):
        ag.draw_graph(ag.ones(1), view="sideways")

