"""Every loss and option against PyTorch: values and input gradients (targets' too, where they
are floats) recorded by tests/fixtures/make_loss_fixtures.py in float64, checked without PyTorch."""
import pathlib

import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from tests.fixtures import parity
from tests.fixtures.make_loss_fixtures import with_tensor_options

CASES = parity.load(pathlib.Path(parity.__file__).with_name("loss_parity.npz"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch(name):
    case = CASES[name]
    ours = with_tensor_options(getattr(F, case.function), lambda v: ag.tensor(v, dtype=ag.float64))
    parity.check(case, ours)


def test_the_fixtures_cover_every_loss_and_option():
    options = {}  # function -> option -> the values recorded
    for case in CASES.values():
        recorded = options.setdefault(case.function, {"reduction": set()})
        for key, value in {"reduction": "mean", **case.kwargs}.items():
            recorded.setdefault(key, set()).add(str(value))
    assert set(options) == {"cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
                            "huber_loss", "smooth_l1_loss", "kl_div", "mse_loss", "l1_loss"}
    assert set(options["cross_entropy"]) == {"reduction", "weight", "ignore_index", "label_smoothing"}
    assert set(options["nll_loss"]) == {"reduction", "weight"}
    assert set(options["binary_cross_entropy"]) == {"reduction", "weight"}
    assert set(options["binary_cross_entropy_with_logits"]) == {"reduction", "weight", "pos_weight"}
    assert set(options["huber_loss"]) == {"reduction", "delta"} and set(options["smooth_l1_loss"]) == {"reduction",
                                                                                                     "beta"}
    assert options["kl_div"]["reduction"] == {"mean", "sum", "none", "batchmean"} and "log_target" in options["kl_div"]
    for function, recorded in options.items():
        assert recorded["reduction"] >= {"mean", "sum", "none"}, function


def test_the_fixtures_hold_ignored_targets_k_dims_probabilities_and_nan():
    ce = [case for case in CASES.values() if case.function == "cross_entropy"]
    assert any((case.inputs[1] == -100).any() for case in ce if case.inputs[1].dtype == np.int64)
    assert any(case.inputs[0].ndim == 4 for case in ce) and any(case.inputs[0].ndim == 1 for case in ce)
    assert any(case.inputs[1].dtype == np.float64 for case in ce)
    assert np.isnan(CASES["ce_all_ignored"].outputs[0])  # PyTorch's mean over no targets
