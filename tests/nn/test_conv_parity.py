"""Convolution, pooling and resampling against PyTorch: outputs and input gradients recorded by
tests/fixtures/make_conv_fixtures.py (float64), checked here without PyTorch installed."""
import pathlib

import numpy as np
import pytest

import nn.functional as F
from tests.fixtures import parity

CASES = parity.load(pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "conv_parity.npz")


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch(name):
    parity.check(CASES[name], getattr(F, CASES[name].function))


def test_the_fixtures_cover_every_new_function():
    assert {case.function for case in CASES.values()} == {
        "conv1d", "conv2d", "conv_transpose2d", "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d",
        "adaptive_avg_pool2d", "interpolate", "normalize", "scaled_dot_product_attention"}


def test_max_pool_ties_are_really_there():
    x = CASES["max_pool2d_ties"].inputs[0]
    assert len(np.unique(x)) == 3  # integer inputs 0..2 in windows of 9: most windows hold tied maxima
