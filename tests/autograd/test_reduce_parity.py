"""Reductions, scans and sorts against PyTorch: outputs and input gradients recorded by
tests/fixtures/make_reduce_fixtures.py (float64), checked here without PyTorch installed."""
import pathlib
import warnings

import numpy as np
import pytest

import autograd as ag
from tests.fixtures import parity

CASES = parity.load(pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "reduce_parity.npz")


def ours(name):
    function = getattr(ag, name)

    def call(*tensors, **kwargs):
        if "dtype" in kwargs:
            kwargs["dtype"] = getattr(ag, kwargs["dtype"])
        return function(*tensors, **kwargs)

    return call


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch(name):
    case = CASES[name]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "(var|std)(_mean)?\\(\\): degrees of freedom", UserWarning)
        parity.check(case, ours(case.function))


def test_the_fixtures_cover_every_function_of_the_area():
    assert {case.function for case in CASES.values()} == {
        "cumsum", "cumprod", "logcumsumexp", "cummax", "cummin", "var_mean", "std_mean", "topk", "sort", "argsort",
        "norm", "max", "min", "var", "std", "sum", "mean"}


@pytest.mark.parametrize("name", ["cummax_ties", "max_dim_ties", "sort_ties_stable_descending", "norm_inf_ties"])
def test_tied_inputs_hold_ties(name):
    rows = CASES[name].inputs[0]
    assert all(len(np.unique(row)) < len(row) for row in rows)


def test_cumprod_inputs_hold_zeros_past_which_the_gradient_is_not_zero():
    case = CASES["cumprod_zeros"]
    first_zero = (case.inputs[0] == 0).argmax(axis=1)
    assert (case.inputs[0] == 0).sum(axis=1).min() >= 2
    assert all(case.grads[0][row, zero] != 0 for row, zero in enumerate(first_zero))


def test_norm_at_zero_is_at_zero():
    assert not CASES["norm_at_zero"].inputs[0].any()


def test_stable_scan_inputs_reach_a_thousand():
    assert np.abs(CASES["logcumsumexp_1000"].inputs[0]).max() > 900
