"""The fused cross-entropy op (ops/loss.py): values, gradients (first and second order), reductions, errors."""
import numpy as np
import pytest

import autograd as ag


def reference_losses(logits, target):
    shifted = logits - logits.max(axis=1, keepdims=True)
    return np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(len(target)), target]


@pytest.mark.parametrize("reduction, combine", [("mean", np.mean), ("sum", np.sum), ("none", lambda v: v)])
@pytest.mark.parametrize("rows, classes", [(5, 3), (1, 10), (300, 7)])
def test_cross_entropy_values_and_gradients(reduction, combine, rows, classes):
    rng = np.random.default_rng(rows)
    logits = rng.standard_normal((rows, classes)) * 3
    target = rng.integers(0, classes, rows)
    x = ag.tensor(logits, requires_grad=True)
    loss = ag.cross_entropy(x, ag.tensor(target), reduction=reduction)
    np.testing.assert_allclose(loss.data, combine(reference_losses(logits, target)), rtol=1e-12)
    small = ag.tensor(logits[:4], requires_grad=True)
    assert ag.gradcheck(lambda z: ag.cross_entropy(z, ag.tensor(target[:4]), reduction=reduction), (small,))


def test_cross_entropy_matches_log_softmax_composition_in_float32():
    ag.manual_seed(0)
    x = ag.randn(64, 10, requires_grad=True)
    y = ag.randint(0, 10, (64,))
    ag.cross_entropy(x, y).backward()
    fused = x.grad.data.copy()
    x.grad = None
    (-(x.log_softmax(1)[ag.arange(64), y]).mean()).backward()
    np.testing.assert_allclose(fused, x.grad.data, rtol=1e-5, atol=1e-7)


def test_cross_entropy_second_derivatives():
    rng = np.random.default_rng(0)
    x = ag.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    target = ag.tensor([0, 3, 1])

    def gradient(z):
        (g,) = ag.grad(ag.cross_entropy(z, target), z, create_graph=True)
        return g

    assert ag.gradcheck(gradient, (x,))


@pytest.mark.parametrize("logits, target, message", [
    (ag.zeros(3), ag.tensor([0, 1, 2]), r"\(N, C\) logits"),
    (ag.zeros(3, 2), ag.tensor([0, 1]), r"int64 targets of shape \(3,\)"),
    (ag.zeros(2, 2), ag.tensor([0.0, 1.0]), r"int64 targets"),
    (ag.zeros(2, 2), ag.tensor([0, 2]), r"\[0, 2\).*from 0 to 2"),
    (ag.zeros(3, 4), ag.tensor([1, -1, 0]), r"\[0, 4\).*from -1 to 1"),
    (ag.zeros(200, 50), ag.tensor([3] * 199 + [50]), r"\[0, 50\).*from 3 to 50"),
])
def test_cross_entropy_rejects_bad_input(logits, target, message):
    with pytest.raises(ValueError, match=message):
        ag.cross_entropy(logits, target)
