"""Learning-rate schedules against their closed forms, hand-traced plateaus, and PyTorch's schedules
(recorded by tests/fixtures/make_run_fixtures.py)."""
import math

import numpy as np
import pytest

import autograd as ag
import optim
from optim import lr_scheduler
from tests.fixtures import runs


def rates(make, epochs=12, lr=0.5, groups=1):
    params = [{"params": [ag.zeros(1, requires_grad=True)], "lr": lr * (g + 1)} for g in range(groups)]
    opt = optim.SGD(params, lr=lr)
    scheduler = make(opt)
    seen = []
    for _ in range(epochs):
        seen.append(scheduler.get_last_lr())
        scheduler.step()
    return np.array(seen)


FORMULAS = {
    "StepLR": lambda base, e: base * 0.5 ** (e // 3),
    "ExponentialLR": lambda base, e: base * 0.9 ** e,
    "CosineAnnealingLR": lambda base, e: 0.01 + (base - 0.01) * (1 + math.cos(math.pi * e / 10)) / 2,
    "LambdaLR": lambda base, e: base / (1 + e),
}


@pytest.mark.parametrize("name", runs.SCHEDULES)
def test_schedules_follow_their_formula_in_every_group(name):
    seen = rates(lambda opt: getattr(lr_scheduler, name)(opt, **runs.SCHEDULES[name]), groups=2)
    expected = [[FORMULAS[name](0.5, e), FORMULAS[name](1.0, e)] for e in range(12)]
    np.testing.assert_allclose(seen, expected, rtol=1e-12)


@pytest.mark.parametrize("name", runs.SCHEDULES)
def test_schedules_match_pytorch(name):
    np.testing.assert_allclose(runs.schedule("tapegrad", name), runs.recorded(f"schedule/{name}"), rtol=1e-12)


def plateau_rates(losses, **kwargs):
    opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=1.0)
    scheduler = lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    seen = []
    for loss in losses:
        scheduler.step(loss)
        seen.append(scheduler.get_last_lr()[0])
    return seen


def test_reduce_on_plateau_by_hand():
    # best 1.0 at epoch 0; epochs 1-2 are bad: the second bad epoch exceeds patience 1 and halves
    # the rate; cooldown 1 then skips counting epoch 3; epochs 4 and 5 bad again -> halve.
    losses = [1.0, 1.0, 1.2, 1.3, 1.1, 1.0, 0.5, 0.6]
    assert plateau_rates(losses, patience=1, factor=0.5, cooldown=1) == [1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]


def test_reduce_on_plateau_respects_min_lr_and_max_mode():
    assert plateau_rates([1, 1, 1, 1], patience=0, factor=0.1, min_lr=0.05) == [1.0, 0.1, 0.05, 0.05]
    assert plateau_rates([0.5, 0.6, 0.7, 0.65], mode="max", patience=0, factor=0.5) == [1.0, 1.0, 1.0, 0.5]


def test_reduce_on_plateau_matches_pytorch():
    assert list(runs.plateau("tapegrad")) == pytest.approx(runs.recorded("plateau/rates"))


def test_scheduler_state_dict_round_trip():
    opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=1.0)
    scheduler = lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
    for _ in range(3):
        scheduler.step()
    state = scheduler.state_dict()
    fresh = lr_scheduler.StepLR(optim.SGD([ag.zeros(1, requires_grad=True)], lr=1.0), step_size=2, gamma=0.1)
    fresh.load_state_dict(state)
    assert fresh.last_epoch == 3 and fresh.base_lrs == [1.0]


def test_scheduler_argument_errors():
    opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=1.0)
    with pytest.raises(ValueError, match="step_size must be a positive int"):
        lr_scheduler.StepLR(opt, step_size=0)
    with pytest.raises(ValueError, match="2 functions for 1 parameter groups"):
        lr_scheduler.LambdaLR(opt, [lambda e: 1, lambda e: 1])
    with pytest.raises(ValueError, match=r"factor must be in \[0, 1\)"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.5)
