"""A soak test: 10,000 training steps of a tiny model, eager and compiled, hold the same objects
at the end as after the first thousand steps. Counts, not times: the Python objects of every
type that autograd, nn and optim define, all objects the collector tracks, the wrapped-number
tables, the bounded array caches, the optimiser's state, the hooks queued on the engine and the
compiler's plans."""
import collections
import gc

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from autograd import api, arrays, engine
from optim.kernels import jit as optim_jit

STEPS, CHECKPOINT = 10_000, 1_000
PACKAGES = ("autograd", "nn", "optim")


def census():
    """What the process holds after a full collection: objects per type of this library, every
    tracked object, and the sizes of the library's caches."""
    gc.collect()
    objects = gc.get_objects()
    ours = collections.Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in objects
                               if str(type(o).__module__).split(".")[0] in PACKAGES)
    caches = {"wrapped numbers": {str(dtype): len(table) for dtype, table in api._WRAPPED.items()},
              "queued hooks": len(engine._queued),
              "bounded caches": [cache.cache_info().currsize for cache in (
                  arrays._ones, optim_jit._coefficients, optim_jit._adam_coefficients)]}
    return ours, len(objects), caches


def soak(compiled):
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Dropout(0.1), nn.Linear(8, 3))
    opt = optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss()

    def step(x, y):
        opt.zero_grad()
        loss = loss_fn(model(x) * 0.5 + 1.0, y)   # Python numbers: the wrapped-number table
        loss.backward()
        opt.step()
        return loss

    step = ag.compile(step) if compiled else step
    rng = np.random.default_rng(0)
    batches = [(ag.tensor(rng.standard_normal((2, 4)), dtype=ag.float32), ag.tensor(rng.integers(0, 3, 2)))
               for _ in range(7)]
    losses = []
    for i in range(STEPS):
        losses.append(step(*batches[i % len(batches)]).item())
        if i + 1 == CHECKPOINT:
            early = census(), len(opt.state)
    return early, (census(), len(opt.state)), step, losses


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
def test_ten_thousand_steps_hold_what_the_first_thousand_held(compiled):
    early, end, step, losses = soak(compiled)
    (ours_early, count_early, caches_early), state_early = early
    (ours, count, caches), state = end
    assert ours == ours_early, f"objects of this library changed: {ours - ours_early} more, {ours_early - ours} fewer"
    assert caches == caches_early
    assert state == state_early == 4   # Adam's state: one entry per parameter
    # A few objects may come and go with the interpreter's own state; a leak of one per step would be thousands.
    assert abs(count - count_early) < 100, f"{count - count_early} more tracked objects after {STEPS} steps"
    assert np.all(np.isfinite(losses)) and np.mean(losses[-500:]) < np.mean(losses[:500])   # it did train
    if compiled:
        assert len(step.plans) == 1 and step.captures == 1   # one signature: captured once, replayed since
