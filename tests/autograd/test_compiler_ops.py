"""Every registered op under ag.compile: a replay on new values gives the eager values and
gradients, with fusion on (elementwise runs as generated kernels) and off, for row-major and
column-major inputs."""
import numpy as np
import pytest

import autograd as ag
from autograd.compiler import plan

from .test_ops import CASES, make_inputs


def _step(spec, kwargs):
    def step(*tensors):
        out = spec.under_test(*tensors, **kwargs)
        if spec.differentiable:
            # Elementwise ops after the op under test, so that an elementwise op fuses with them.
            ((out * 0.5).tanh() + out * out).sum().backward()
        return out

    return step


def _inputs(spec, shapes, seed, layout):
    arrays, tensors = make_inputs(spec, shapes, seed, requires_grad=spec.differentiable)
    if layout == "column-major":
        tensors = [ag.from_numpy(np.asfortranarray(t.data)).requires_grad_(spec.differentiable) for t in tensors]
    return tensors


@pytest.mark.parametrize("fusion", [True, False], ids=["fused", "unfused"])
@pytest.mark.parametrize("layout", ["row-major", "column-major"])
@pytest.mark.parametrize("spec, shapes, kwargs", CASES)
def test_replay_matches_eager(spec, shapes, kwargs, layout, fusion, monkeypatch):
    if layout == "column-major" and max(len(s) for s in shapes) < 2:
        return  # the same arrays as row-major
    monkeypatch.setattr(plan, "FUSION", fusion and plan.FUSION)
    compiled = ag.compile(_step(spec, kwargs))
    compiled(*_inputs(spec, shapes, 0, layout))  # the capture
    for seed in (1, 2):
        replayed_inputs = _inputs(spec, shapes, seed, layout)
        eager_inputs = _inputs(spec, shapes, seed, layout)
        replayed = compiled(*replayed_inputs)
        expected = _step(spec, kwargs)(*eager_inputs)
        np.testing.assert_allclose(replayed.data, expected.data, rtol=1e-12, atol=1e-12)
        for mine, theirs in zip(replayed_inputs, eager_inputs):
            assert (mine.grad is None) == (theirs.grad is None)
            if theirs.grad is not None:
                np.testing.assert_allclose(mine.grad.data, theirs.grad.data, rtol=1e-11, atol=1e-12)
    assert len(compiled.plans) == 1
