"""The registry covers every primitive: each `Function` subclass in autograd/ops is run (forward,
or backward under create_graph=True) by some registry entry, so test_ops.py tests it."""
import inspect

import numpy as np
import pytest

import autograd as ag
from autograd import ops
from autograd.function import Function
from autograd.registry import SPECS
from tests.autograd.test_ops import make_inputs

PRIMITIVES = {cls for name, cls in inspect.getmembers(ops, inspect.isclass)
              if issubclass(cls, Function) and not name.startswith("_")}


@pytest.fixture
def applied(monkeypatch):
    """The set of Function classes applied while the fixture is active."""
    seen = set()
    apply = Function.apply.__func__

    def recording_apply(cls, *args, **options):
        seen.add(cls)
        return apply(cls, *args, **options)

    monkeypatch.setattr(Function, "apply", classmethod(recording_apply))
    return seen


def run_spec(spec):
    """Every case of `spec` forward, and for differentiable ones backward with create_graph=True."""
    for number, (shapes, kwargs) in enumerate(spec.cases):
        _, tensors = make_inputs(spec, shapes, seed=number, requires_grad=spec.differentiable)
        out = spec.under_test(*tensors, **kwargs)
        if spec.differentiable:
            weights = ag.tensor(np.random.default_rng(number).standard_normal(out.shape), dtype=ag.float64)
            ag.grad((out * weights).sum(), tensors, create_graph=True, allow_unused=True)


def test_every_primitive_is_exercised_by_a_registry_entry(applied):
    for spec in SPECS:
        run_spec(spec)
    unexercised = sorted(cls.__name__ for cls in PRIMITIVES - applied)
    assert unexercised == []


def test_the_check_notices_a_primitive_no_entry_runs(applied):
    run_spec(next(spec for spec in SPECS if spec.name == "add"))
    assert ops.Add in applied and ops.Matmul not in applied
