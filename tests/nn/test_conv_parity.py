"""Convolution, pooling and resampling against PyTorch: outputs and input gradients recorded by
tests/fixtures/make_conv_fixtures.py (float64), checked here without PyTorch installed."""
import json
import pathlib

import numpy as np
import pytest

import autograd as ag
import nn.functional as F

FIXTURES = np.load(pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "conv_parity.npz")
NAMES = sorted({key.split("/")[0] for key in FIXTURES.files})


@pytest.mark.parametrize("name", NAMES)
def test_matches_pytorch(name):
    case = {key.split("/")[1]: FIXTURES[key] for key in FIXTURES.files if key.split("/")[0] == name}
    count = sum(key.startswith("input") for key in case)
    inputs = [ag.tensor(case[f"input{i}"], dtype=ag.float64, requires_grad=True) for i in range(count)]
    out = getattr(F, str(case["function"]))(*inputs, **json.loads(str(case["kwargs"])))
    np.testing.assert_allclose(out.data, case["output"], rtol=1e-10, atol=1e-12)
    grads = ag.grad(out, inputs, grad_outputs=ag.tensor(case["upstream"], dtype=ag.float64))
    for i, grad in enumerate(grads):
        np.testing.assert_allclose(grad.data, case[f"grad{i}"], rtol=1e-10, atol=1e-12, err_msg=f"input {i}")


def test_the_fixtures_cover_every_new_function():
    covered = {str(FIXTURES[f"{name}/function"]) for name in NAMES}
    assert covered == {"conv1d", "conv2d", "conv_transpose2d", "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d",
                       "adaptive_avg_pool2d", "interpolate", "normalize", "scaled_dot_product_attention"}


def test_max_pool_ties_are_really_there():
    x = FIXTURES["max_pool2d_ties/input0"]
    assert len(np.unique(x)) == 3  # integer inputs 0..2 in windows of 9: most windows hold tied maxima
