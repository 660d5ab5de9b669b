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
    (nn.HuberLoss, PRED, TRUE, np.where(np.abs(PRED - TRUE) < 1, 0.5 * (PRED - TRUE) ** 2, np.abs(PRED - TRUE) - 0.5)),
    (nn.SmoothL1Loss, PRED, TRUE, np.where(np.abs(PRED - TRUE) < 1, 0.5 * (PRED - TRUE) ** 2,
                                           np.abs(PRED - TRUE) - 0.5)),
    (nn.KLDivLoss, np.log(PROBS), PROBS[::-1], PROBS[::-1] * (np.log(PROBS[::-1]) - np.log(PROBS))),
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


@pytest.mark.parametrize("make, x, target, elementwise", LOSSES[:4] + LOSSES[6:],
                         ids=lambda v: getattr(v, "__name__", ""))
def test_elementwise_losses_refuse_mismatched_shapes(make, x, target, elementwise):
    with pytest.raises(ValueError, match=r"input shape \(4, 3\) and target shape \(3,\) differ"):
        make()(ag.tensor(x), ag.tensor(target[0]))


@pytest.mark.parametrize("delta", [0.3, 2.0])
def test_huber_is_smooth_l1_times_delta(delta):
    x, t = ag.tensor(PRED, dtype=ag.float64), ag.tensor(TRUE, dtype=ag.float64)
    np.testing.assert_allclose(F.huber_loss(x, t, delta=delta, reduction="none").data,
                               delta * F.smooth_l1_loss(x, t, beta=delta, reduction="none").data, rtol=1e-12)


def test_kl_div_reductions_and_log_target():
    p, q = PROBS / PROBS.sum(1, keepdims=True), BITS * 0.5 + 0.25
    q = q / q.sum(1, keepdims=True)
    x = ag.tensor(np.log(p), dtype=ag.float64)
    per_row = (q * np.log(q / p)).sum(1)  # KL(q || p) of each row
    np.testing.assert_allclose(F.kl_div(x, ag.tensor(q, dtype=ag.float64), reduction="batchmean").item(),
                               per_row.mean(), rtol=1e-12)
    np.testing.assert_allclose(F.kl_div(x, ag.tensor(np.log(q), dtype=ag.float64), reduction="mean", log_target=True)
                               .item(), per_row.sum() / q.size, rtol=1e-12)
    zero = F.kl_div(x, ag.tensor(np.where(np.arange(3) == 0, 1.0, 0.0) * np.ones((4, 3)), dtype=ag.float64),
                    reduction="none")
    np.testing.assert_allclose(zero.data[:, 1:], 0.0)  # 0 * log 0 counts as 0


@pytest.mark.parametrize("make, options", [
    (nn.CrossEntropyLoss, {"weight": ag.tensor([0.5, 2.0, 1.0, 0.1]), "ignore_index": 3, "label_smoothing": 0.2}),
    (nn.NLLLoss, {"weight": ag.tensor([0.5, 2.0, 1.0, 0.1]), "ignore_index": 1}),
])
def test_class_loss_modules_pass_their_options(make, options):
    x = ag.tensor(LOGITS if make is nn.CrossEntropyLoss else _log_softmax(LOGITS), dtype=ag.float64)
    target = ag.tensor(CLASSES)
    function = F.cross_entropy if make is nn.CrossEntropyLoss else F.nll_loss
    for reduction in ("mean", "sum", "none"):
        module = make(reduction=reduction, **options)
        np.testing.assert_allclose(module(x, target).data, function(x, target, reduction=reduction, **options).data,
                                   rtol=1e-12)
    assert "weight" in module.state_dict()  # a buffer, as PyTorch


def test_bce_modules_pass_weight_and_pos_weight():
    x, t = ag.tensor(PRED, dtype=ag.float64), ag.tensor(BITS, dtype=ag.float64)
    weight, pos_weight = ag.tensor([1.0, 0.5, 2.0]), ag.tensor([3.0, 1.0, 0.25])
    sig = 1 / (1 + np.exp(-PRED))
    expected = -np.array([1.0, 0.5, 2.0]) * (np.array([3.0, 1.0, 0.25]) * BITS * np.log(sig)
                                              + (1 - BITS) * np.log(1 - sig))
    loss = nn.BCEWithLogitsLoss(weight=weight, reduction="none", pos_weight=pos_weight)(x, t)
    np.testing.assert_allclose(loss.data, expected, rtol=1e-10)
    p = ag.tensor(PROBS, dtype=ag.float64)
    np.testing.assert_allclose(nn.BCELoss(weight=weight, reduction="sum")(p, t).item(),
                               -(np.array([1.0, 0.5, 2.0]) * (BITS * np.log(PROBS)
                                                              + (1 - BITS) * np.log(1 - PROBS))).sum(),
                               rtol=1e-12)


@pytest.mark.parametrize("call, message", [
    (lambda: F.binary_cross_entropy(ag.tensor(PROBS), ag.tensor(BITS), weight=ag.ones(4)),
     r"weight of shape \(4,\) does not broadcast to the input's shape \(4, 3\)"),
    (lambda: F.binary_cross_entropy_with_logits(ag.tensor(PRED), ag.tensor(BITS), pos_weight=ag.ones(2, 1, 3)),
     r"pos_weight of shape \(2, 1, 3\) does not broadcast to the input's shape \(4, 3\)"),
    (lambda: F.huber_loss(ag.tensor(PRED), ag.tensor(TRUE), delta=0.0), "delta must be positive, got 0.0"),
    (lambda: F.smooth_l1_loss(ag.tensor(PRED), ag.tensor(TRUE), beta=-1.0), "beta must be >= 0, got -1.0"),
    (lambda: nn.KLDivLoss(reduction="batch"), r"reduction must be one of \('mean', 'sum', 'none', 'batchmean'\)"),
    (lambda: F.nll_loss(ag.zeros(3, 4), ag.tensor([0, 1])), r"nll_loss: target must be class indices \(int64\) of "
                                                            r"shape \(3,\), got int64 of shape \(2,\) \(input \(3, 4\)\)"),
])
def test_loss_options_are_checked(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_unknown_reduction_is_refused():
    with pytest.raises(ValueError, match="reduction must be one of"):
        nn.MSELoss(reduction="avg")


def test_cross_entropy_with_class_probabilities():
    soft = RNG.dirichlet(np.ones(4), 5)
    x = ag.tensor(LOGITS, dtype=ag.float64, requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor(soft, dtype=ag.float64))
    np.testing.assert_allclose(loss.item(), -(soft * _log_softmax(LOGITS)).sum(1).mean(), rtol=1e-12)
    assert ag.gradcheck(lambda x: F.cross_entropy(x, ag.tensor(soft, dtype=ag.float64)), (x,))


@pytest.mark.parametrize("dtype, worst", [(ag.float64, 100.0), (ag.float32, -np.log(np.finfo(np.float32).tiny))])
def test_bce_at_exact_zero_and_one_is_finite(dtype, worst):
    # As PyTorch each log is at least -100 (in float32 the smallest normal number's log comes first).
    p = ag.tensor([0.0, 1.0, 0.0, 1.0], dtype=dtype, requires_grad=True)
    loss = F.binary_cross_entropy(p, ag.tensor([0.0, 1.0, 1.0, 0.0], dtype=dtype), reduction="none")
    loss.sum().backward()
    np.testing.assert_allclose(loss.data, [0.0, 0.0, worst, worst], rtol=1e-6)
    assert np.isfinite(p.grad.data).all()
    with pytest.raises(ValueError, match="needs probabilities in \\[0, 1\\], got values from -0.5 to 2.0"):
        F.binary_cross_entropy(ag.tensor([-0.5, 2.0]), ag.tensor([0.0, 1.0]))


@pytest.mark.parametrize("dtype", [ag.float32, ag.float64])
def test_bce_with_logits_is_stable_at_1000(dtype):
    x = ag.tensor([1000.0, -1000.0, 1000.0, -1000.0], dtype=dtype, requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, ag.tensor([1.0, 0.0, 0.0, 1.0], dtype=dtype), reduction="none")
    np.testing.assert_allclose(loss.data, [0.0, 0.0, 1000.0, 1000.0], atol=1e-12)
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.data, [0.0, 0.0, 1.0, -1.0], atol=1e-12)
    # weight w and pos_weight c scale the same terms: w * c * 1000 for a positive at -1000
    x.grad = None
    loss = F.binary_cross_entropy_with_logits(x, ag.tensor([1.0, 0.0, 0.0, 1.0], dtype=dtype), reduction="none",
                                              weight=ag.tensor([2.0]), pos_weight=ag.tensor([3.0]))
    np.testing.assert_allclose(loss.data, [0.0, 0.0, 2000.0, 6000.0], atol=1e-12)
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.data, [0.0, 0.0, 2.0, -6.0], atol=1e-12)


def test_bce_with_logits_pos_weight_scales_the_positive_term():
    x, t = ag.tensor([0.3, -1.2], dtype=ag.float64), ag.tensor([1.0, 1.0], dtype=ag.float64)
    plain = F.binary_cross_entropy_with_logits(x, t, reduction="none").data
    weighted = F.binary_cross_entropy_with_logits(x, t, reduction="none", pos_weight=3.0).data
    np.testing.assert_allclose(weighted, 3 * plain, rtol=1e-12)


def test_nll_loss_bad_targets():
    with pytest.raises(ValueError, match=r"nll_loss: targets must lie in \[0, 4\) or equal ignore_index=-100, got "
                                         r"values from 0 to 4"):
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


@pytest.mark.parametrize("options", [{}, {"label_smoothing": 0.2}, {"weight": [0.5, 2.0, 1.0, 0.1]},
                                     {"weight": [0.5, 2.0, 1.0, 0.1], "ignore_index": 2, "label_smoothing": 0.1},
                                     {"reduction": "none", "label_smoothing": 0.1}])
def test_compiled_cross_entropy_follows_new_targets(options):
    # What depends on the targets' values is recorded, so replays with other targets (ignored
    # ones included) give the eager loss and gradient.
    options = {k: ag.tensor(v) if k == "weight" else v for k, v in options.items()}
    ignored = options.get("ignore_index", -100)
    x = ag.randn(6, 4, requires_grad=True)

    def step(target):
        x.grad = None
        loss = F.cross_entropy(x, target, **options)
        loss.sum().backward()
        return loss

    compiled = ag.compile(step)
    rng = np.random.default_rng(3)
    for call in range(4):
        target = rng.integers(0, 4, 6)
        target[call] = ignored
        replayed, replayed_grad = compiled(ag.tensor(target)).data, x.grad.data.copy()
        np.testing.assert_allclose(replayed, step(ag.tensor(target)).data, rtol=1e-6)
        np.testing.assert_allclose(replayed_grad, x.grad.data, rtol=1e-6, atol=1e-7)
