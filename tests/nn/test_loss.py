"""Losses and penalties: values against numpy formulas, reductions, gradients, stability, errors."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

RNG = np.random.default_rng(0)
PRED, TRUE = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))
PROBS, BITS = RNG.uniform(0.05, 0.95, (4, 3)), RNG.integers(0, 2, (4, 3)).astype(float)
LOGITS, CLASSES = RNG.standard_normal((5, 4)) * 3, np.array([0, 3, 1, 1, 2])


def _log_softmax(x):
    shifted = x - x.max(1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(1, keepdims=True))


# (loss module, input, target, per-element numpy loss)
LOSSES = [
    (nn.MSELoss, PRED, TRUE, (PRED - TRUE) ** 2),
    (nn.L1Loss, PRED, TRUE, np.abs(PRED - TRUE)),
    (nn.BCELoss, PROBS, BITS, -(BITS * np.log(PROBS) + (1 - BITS) * np.log(1 - PROBS))),
    (nn.BCEWithLogitsLoss, PRED, BITS, -(BITS * np.log(1 / (1 + np.exp(-PRED)))
                                         + (1 - BITS) * np.log(1 - 1 / (1 + np.exp(-PRED))))),
    (nn.CrossEntropyLoss, LOGITS, CLASSES, -_log_softmax(LOGITS)[np.arange(5), CLASSES]),
    (nn.NLLLoss, _log_softmax(LOGITS), CLASSES, -_log_softmax(LOGITS)[np.arange(5), CLASSES]),
]
REDUCE = {"mean": np.mean, "sum": np.sum, "none": lambda v: v}


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("make, x, target, elementwise", LOSSES, ids=lambda v: getattr(v, "__name__", ""))
def test_loss_values_and_gradients(make, x, target, elementwise, reduction):
    loss = make(reduction=reduction)
    x_tensor = ag.tensor(x, dtype=ag.float64, requires_grad=True)
    target_tensor = ag.tensor(target) if target.dtype == np.int64 else ag.tensor(target, dtype=ag.float64)
    np.testing.assert_allclose(loss(x_tensor, target_tensor).data, REDUCE[reduction](elementwise), rtol=1e-10)
    assert ag.gradcheck(lambda x: loss(x, target_tensor), (x_tensor,))


@pytest.mark.parametrize("make, x, target, elementwise", LOSSES[:4], ids=lambda v: getattr(v, "__name__", ""))
def test_elementwise_losses_refuse_mismatched_shapes(make, x, target, elementwise):
    with pytest.raises(ValueError, match=r"input shape \(4, 3\) and target shape \(3,\) differ"):
        make()(ag.tensor(x), ag.tensor(target[0]))


def test_unknown_reduction_is_refused():
    with pytest.raises(ValueError, match="reduction must be one of"):
        nn.MSELoss(reduction="avg")


def test_cross_entropy_with_class_probabilities():
    soft = RNG.dirichlet(np.ones(4), 5)
    x = ag.tensor(LOGITS, dtype=ag.float64, requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor(soft, dtype=ag.float64))
    np.testing.assert_allclose(loss.item(), -(soft * _log_softmax(LOGITS)).sum(1).mean(), rtol=1e-12)
    assert ag.gradcheck(lambda x: F.cross_entropy(x, ag.tensor(soft, dtype=ag.float64)), (x,))


def test_bce_at_exact_zero_and_one_is_finite():
    p = ag.tensor([0.0, 1.0, 0.0, 1.0], requires_grad=True)
    loss = F.binary_cross_entropy(p, ag.tensor([0.0, 1.0, 1.0, 0.0]))
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(p.grad.data).all()
    with pytest.raises(ValueError, match="needs probabilities in \\[0, 1\\], got values from -0.5 to 2.0"):
        F.binary_cross_entropy(ag.tensor([-0.5, 2.0]), ag.tensor([0.0, 1.0]))


def test_bce_with_logits_is_stable_at_1000():
    x = ag.tensor([1000.0, -1000.0, 1000.0, -1000.0], dtype=ag.float64, requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, ag.tensor([1.0, 0.0, 0.0, 1.0], dtype=ag.float64), reduction="none")
    np.testing.assert_allclose(loss.data, [0.0, 0.0, 1000.0, 1000.0], atol=1e-12)
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.data, [0.0, 0.0, 1.0, -1.0], atol=1e-12)


def test_bce_with_logits_pos_weight_scales_the_positive_term():
    x, t = ag.tensor([0.3, -1.2], dtype=ag.float64), ag.tensor([1.0, 1.0], dtype=ag.float64)
    plain = F.binary_cross_entropy_with_logits(x, t, reduction="none").data
    weighted = F.binary_cross_entropy_with_logits(x, t, reduction="none", pos_weight=3.0).data
    np.testing.assert_allclose(weighted, 3 * plain, rtol=1e-12)


def test_nll_loss_bad_targets():
    with pytest.raises(ValueError, match=r"nll_loss: targets must lie in \[0, 4\) or equal ignore_index=-100, got values from 0 to 4"):
        F.nll_loss(ag.zeros(2, 4), ag.tensor([0, 4]))


# --- penalties ---------------------------------------------------------------------------------
WEIGHTS = [RNG.standard_normal((3, 2)), RNG.standard_normal(4)]


@pytest.mark.parametrize("penalty, expected", [
    (nn.l1_penalty, sum(np.abs(w).sum() for w in WEIGHTS)),
    (nn.l2_penalty, sum((w ** 2).sum() for w in WEIGHTS)),
    (lambda ws: nn.elastic_net_penalty(ws, l1_ratio=0.3),
     0.3 * sum(np.abs(w).sum() for w in WEIGHTS) + 0.7 * sum((w ** 2).sum() for w in WEIGHTS)),
])
def test_penalties_values_and_gradients(penalty, expected):
    tensors = [ag.tensor(w, dtype=ag.float64, requires_grad=True) for w in WEIGHTS]
    np.testing.assert_allclose(penalty(tensors).item(), expected, rtol=1e-12)
    assert ag.gradcheck(lambda *ws: penalty(ws), tensors)


def test_l2_penalty_gradient_is_weight_decay():
    # d/dw (lambda * sum w²) = 2 lambda w: the same as SGD's weight_decay = 2 lambda.
    w = ag.tensor(WEIGHTS[0], dtype=ag.float64, requires_grad=True)
    (0.05 * nn.l2_penalty([w])).backward()
    np.testing.assert_allclose(w.grad.data, 0.1 * WEIGHTS[0], rtol=1e-12)


def test_penalties_need_tensors():
    with pytest.raises(ValueError, match="non-empty iterable of tensors"):
        nn.l1_penalty([])
    with pytest.raises(ValueError, match="l1_ratio must be in \\[0, 1\\]"):
        nn.elastic_net_penalty(WEIGHTS, l1_ratio=2)
