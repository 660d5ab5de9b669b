"""ag.compile on training steps: compiled and eager runs from the same seed give the same losses
and parameters, step after step (float64 within 1e-12, float32 within 1e-6 relative)."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import optim

STEPS = 30
TOLERANCE = {np.float64: dict(rtol=1e-12, atol=1e-12), np.float32: dict(rtol=1e-6, atol=1e-6)}


def _mlp(dtype, hidden=(16,), activation=nn.ReLU, extra=()):
    sizes = (6,) + hidden
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), *[make() for make in extra], activation()]
    return nn.Sequential(*layers, nn.Linear(sizes[-1], 3)).to(dtype)


def _batches(dtype, sizes):
    ag.manual_seed(123)
    return [(ag.randn(n, 6, dtype=dtype), ag.randint(0, 3, (n,))) for n in sizes]


def _adam(model):
    return optim.Adam(model.parameters(), lr=1e-2), None


def _sgd(model):
    return optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3), None


def _scheduled(model):
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    return opt, optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)


def _train(compiled, dtype, make_model, make_optimizer, sizes=(8,) * STEPS, clip=None, between=None):
    ag.manual_seed(0)
    model = make_model(dtype)
    opt, scheduler = make_optimizer(model)
    loss_fn = nn.CrossEntropyLoss()

    def step(x, y):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        return loss

    if compiled:
        step = ag.compile(step)
    batches = _batches(dtype, sizes)
    ag.manual_seed(7)  # the stream dropout draws from
    losses = []
    for number, (x, y) in enumerate(batches):
        if between is not None:
            between(model, number)
        losses.append(step(x, y).data.copy())
        if scheduler is not None:
            scheduler.step()
    return np.array(losses), [p.data.copy() for p in model.parameters()], step


CASES = {
    "mlp-adam": dict(make_model=_mlp, make_optimizer=_adam),
    "sgd-momentum-decay": dict(make_model=lambda d: _mlp(d, (16, 8), nn.Tanh), make_optimizer=_sgd),
    "dropout": dict(make_model=lambda d: _mlp(d, extra=(lambda: nn.Dropout(0.3),)), make_optimizer=_adam),
    "batchnorm": dict(make_model=lambda d: _mlp(d, extra=(lambda: nn.BatchNorm1d(16),)), make_optimizer=_adam),
    "scheduler": dict(make_model=_mlp, make_optimizer=_scheduled),
    "clip-norm": dict(make_model=_mlp, make_optimizer=_adam, clip=0.05),
    "partial-batch": dict(make_model=_mlp, make_optimizer=_adam, sizes=(8, 8, 8, 5) * 8),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_compiled_training_matches_eager(case, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may fall back to eager
        eager_losses, eager_params, _ = _train(False, dtype, **CASES[case])
        losses, params, step = _train(True, dtype, **CASES[case])
    assert step.plans, "nothing was captured"
    np.testing.assert_allclose(losses, eager_losses, **TOLERANCE[dtype])
    for p, q in zip(params, eager_params):
        np.testing.assert_allclose(p, q, **TOLERANCE[dtype])
    assert len(step.plans) == len(set(CASES[case].get("sizes", (8,))))  # one capture per batch size


def _toggle_first_layer(model, number):
    model[0].weight.requires_grad_(number % 3 != 2)


def _train_then_eval(model, number):
    model.train(number < STEPS // 2)


@pytest.mark.parametrize("between, captures", [(_toggle_first_layer, 2), (_train_then_eval, 2)],
                         ids=["frozen-layer-toggled", "train-then-eval"])
def test_guards_retrace_and_stay_equal(between, captures):
    make = dict(make_model=lambda d: _mlp(d, extra=(lambda: nn.BatchNorm1d(16), lambda: nn.Dropout(0.2))),
                make_optimizer=_sgd, between=between)
    eager_losses, eager_params, _ = _train(False, np.float64, **make)
    losses, params, step = _train(True, np.float64, **make)
    assert len(step.plans) == captures
    np.testing.assert_allclose(losses, eager_losses, rtol=1e-12, atol=1e-12)
    for p, q in zip(params, eager_params):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-12)


def test_compiled_forward_under_no_grad_equals_eager():
    ag.manual_seed(0)
    model = _mlp(np.float32, (32, 32)).eval()

    @ag.compile
    def predict(x):
        with ag.no_grad():
            return model(x).softmax(-1)

    for x, _ in _batches(np.float32, (10, 10, 4)):
        with ag.no_grad():
            expected = model(x).softmax(-1)
        np.testing.assert_allclose(predict(x).data, expected.data, rtol=1e-6, atol=1e-7)
    assert len(predict.plans) == 2


def test_replacing_a_parameter_retraces():
    ag.manual_seed(0)
    model = nn.Linear(3, 2)
    step = ag.compile(lambda x: model(x).sum())
    x = ag.ones(4, 3)
    step(x)
    step(x)
    model.weight = nn.Parameter(ag.zeros(2, 3))
    assert step(x).item() == pytest.approx(4 * model.bias.data.sum(), rel=1e-6)
    assert len(step.plans) == 2


def _set_training_attribute(model):
    model[1].training = False


def _replace_a_layer(model):
    model[0] = nn.Linear(3, 4)


def _drop_a_bias(model):
    model[0].register_parameter("bias", None)


def _swap_a_buffer(model):
    model[1].register_buffer("running_mean", ag.ones(4))


@pytest.mark.parametrize("change", [_set_training_attribute, _replace_a_layer, _drop_a_bias, _swap_a_buffer])
def test_every_change_of_a_module_is_seen_by_the_guard(change):
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1))
    step = ag.compile(lambda x: model(x).sum())
    x = ag.tensor(np.random.default_rng(0).standard_normal((5, 3)))
    step(x)
    step(x)
    change(model)
    compiled = step(x).item()
    assert len(step.plans) == 2
    assert compiled == pytest.approx(model(x).sum().item(), rel=1e-6)


def test_new_parameter_group_retraces():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    opt = optim.SGD(model[0].parameters(), lr=0.1)

    @ag.compile
    def step(x):
        opt.zero_grad()
        model(x).sum().backward()
        opt.step()

    x = ag.ones(4, 3)
    step(x)
    step(x)
    before = model[1].weight.data.copy()
    opt.add_param_group({"params": model[1].parameters()})
    step(x)
    assert len(step.plans) == 2
    assert not np.allclose(model[1].weight.data, before)  # the new group is stepped


def test_item_inside_falls_back_once_and_stays_correct():
    ag.manual_seed(0)
    model = nn.Linear(3, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)
    seen = []

    def step(x):
        opt.zero_grad()
        loss = model(x).pow(2).mean()
        seen.append(loss.item())
        loss.backward()
        opt.step()
        return loss

    compiled = ag.compile(step)
    x = ag.ones(2, 3)
    with pytest.warns(ag.compiler.CompileWarning, match=r"item\(\)"):
        compiled(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one warning only
        compiled(x)
        compiled(x)
    # The same three steps eagerly, from the same start.
    ag.manual_seed(0)
    model = nn.Linear(3, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)
    expected = seen[:]
    seen.clear()
    for _ in range(3):
        step(x)
    assert seen == expected


def test_fit_with_compile_matches_fit_epoch_by_epoch():
    from nn.data import DataLoader, TensorDataset

    def run(compile):
        ag.manual_seed(0)
        x = ag.randn(70, 6)
        y = (x[:, 0] > 0).long()
        model = _mlp(np.float32)
        opt = optim.Adam(model.parameters(), lr=1e-2)
        history = nn.fit(model, nn.CrossEntropyLoss(), opt, DataLoader(TensorDataset(x, y), batch_size=16, seed=1),
                         epochs=4, val_loader=DataLoader(TensorDataset(x, y), batch_size=32), progress=False,
                         compile=compile)
        return history.history, [p.data.copy() for p in model.parameters()]

    eager, eager_params = run(False)
    compiled, params = run(True)
    assert sorted(compiled) == sorted(eager)
    for name in eager:
        np.testing.assert_allclose(compiled[name], eager[name], rtol=1e-6)
    for p, q in zip(params, eager_params):
        np.testing.assert_allclose(p, q, rtol=1e-6, atol=1e-7)
