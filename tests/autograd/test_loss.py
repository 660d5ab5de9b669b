"""The fused cross-entropy op (ops/loss.py): values, gradients (first and second order), reductions, errors."""
import warnings

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


@pytest.mark.parametrize("logits, target, options, message", [
    (ag.zeros(3), ag.tensor([0, 1, 2]), {}, r"class indices \(int64\) of shape \(\) or .* got int64 of shape \(3,\)"),
    (ag.zeros(3, 2), ag.tensor([0, 1]), {}, r"class indices \(int64\) of shape \(3,\) .* got int64 of shape \(2,\)"),
    (ag.zeros(2, 2), ag.tensor([0.0, 1.0]), {},
     r"class indices \(int64\) of shape \(2,\) or probabilities of the input's shape \(2, 2\), got float32 of "
     r"shape \(2,\)"),
    (ag.zeros(2, 3, 4), ag.tensor([[0, 1, 2]] * 2), {},
     r"of shape \(2, 4\) or .* shape \(2, 3, 4\), got int64 of shape \(2, 3\)"),
    (ag.zeros(2, 2), ag.tensor([0, 2]), {}, r"\[0, 2\).*from 0 to 2"),
    (ag.zeros(3, 4), ag.tensor([1, -1, 0]), {}, r"\[0, 4\).*from -1 to 1"),
    (ag.zeros(200, 50), ag.tensor([3] * 199 + [50]), {}, r"\[0, 50\).*from 3 to 50"),
    (ag.zeros(3, 4), ag.tensor([1, -100, 7]), {"label_smoothing": 0.1},
     r"\[0, 4\) or equal ignore_index=-100.*from 1 to 7"),
    (ag.zeros(2, 2), ag.tensor([[0.5, 0.5]] * 2), {"ignore_index": 3}, r"ignore_index=3 does not apply to class-prob"),
    (ag.zeros(2, 2), ag.tensor([0, 1]), {"label_smoothing": 1.5}, r"label_smoothing must be in \[0, 1\], got 1.5"),
    (ag.zeros(2, 3), ag.tensor([0, 1]), {"weight": ag.ones(2)}, r"one value per class, shape \(3,\), got shape \(2,\)"),
    (ag.zeros(2, 3), ag.tensor([0, 1]), {"reduction": "avg"}, r"reduction must be one of"),
])
def test_cross_entropy_rejects_bad_input(logits, target, options, message):
    with pytest.raises(ValueError, match=message):
        ag.cross_entropy(logits, target, **options)


OPTIONS = [
    ((5, 4), [0, -100, 3, 1, -100], {}),
    ((5, 4), [0, 2, 3, 1, 2], {"ignore_index": 2, "reduction": "sum"}),
    ((5, 4), [0, -100, 3, 1, 2], {"weight": [0.2, 1.0, 3.0, 0.5], "label_smoothing": 0.25}),
    ((2, 3, 4), [[0, 2, -100, 1], [1, 1, 0, 2]], {"weight": [0.2, 1.0, 3.0], "reduction": "none"}),
    ((4,), 3, {"label_smoothing": 0.1}),
]


@pytest.mark.parametrize("shape, target, options", OPTIONS)
def test_cross_entropy_options_against_definition_and_gradcheck(shape, target, options):
    rng = np.random.default_rng(1)
    logits, target = rng.standard_normal(shape), np.array(target)
    # The definition, written out over rows with classes on dim 1 (dim 0 without a batch).
    rows = np.moveaxis(logits, 0 if logits.ndim == 1 else 1, -1).reshape(-1, shape[0 if logits.ndim == 1 else 1])
    picks, classes = target.reshape(-1), rows.shape[1]
    weight = np.array(options.get("weight", np.ones(classes)))
    smoothing, ignore = options.get("label_smoothing", 0.0), options.get("ignore_index", -100)
    log_probs = rows - np.log(np.exp(rows).sum(1, keepdims=True))
    kept = picks != ignore
    row_weight = np.where(kept, weight[np.where(kept, picks, 0)], 0)
    losses = -(1 - smoothing) * row_weight * log_probs[np.arange(len(picks)), np.where(kept, picks, 0)] \
        - smoothing / classes * kept * (log_probs * weight).sum(1)
    expected = {"mean": losses.sum() / row_weight.sum(), "sum": losses.sum(),
                "none": losses.reshape(target.shape)}[options.get("reduction", "mean")]
    x = ag.tensor(logits, requires_grad=True)
    targets = ag.tensor(target)
    kwargs = {k: ag.tensor(v, dtype=ag.float64) if k == "weight" else v for k, v in options.items()}
    np.testing.assert_allclose(ag.cross_entropy(x, targets, **kwargs).data, expected, rtol=1e-12)
    assert ag.gradcheck(lambda z: ag.cross_entropy(z, targets, **kwargs), (x,))


def test_cross_entropy_with_ignored_targets_second_derivatives():
    x = ag.tensor(np.random.default_rng(2).standard_normal((4, 3)), requires_grad=True)
    target = ag.tensor([0, -100, 2, 1])

    def gradient(z):
        (g,) = ag.grad(ag.cross_entropy(z, target), z, create_graph=True)
        return g

    assert ag.gradcheck(gradient, (x,))


def test_cross_entropy_all_ignored_mean_is_nan_with_zero_gradient():
    # As PyTorch: the mean over no targets is 0/0; nothing flows back.
    for options in ({}, {"label_smoothing": 0.1}):
        x = ag.randn(3, 4, requires_grad=True)
        loss = ag.cross_entropy(x, ag.tensor([-100, -100, -100]), **options)
        loss.backward()
        assert np.isnan(loss.item()) and not x.grad.data.any()


def test_fused_plain_case_keeps_float32():
    x = ag.randn(6, 4, requires_grad=True)
    for target in ([0, 1, 2, 3, 0, 1], [0, -100, 2, 3, 0, 1]):
        loss = ag.cross_entropy(x, ag.tensor(target))
        assert loss.dtype == ag.float32 and loss.grad_fn.name == "SoftmaxCrossEntropy"


def test_a_compiled_loss_with_options_checks_every_new_batchs_targets():
    logits = ag.zeros(3, 4)
    step = ag.compile(lambda x, t: ag.cross_entropy(x, t, label_smoothing=0.1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # captured, not run eagerly
        for _ in range(2):
            step(logits, ag.tensor([0, 1, 3]))
    assert step.plans
    with pytest.raises(ValueError, match=r"cross_entropy: targets must lie in \[0, 4\).*got values from 0 to 7"):
        step(logits, ag.tensor([0, 7, 3]))
