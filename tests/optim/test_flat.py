"""The flat layout of a parameter group (optim/flat.py): one update over all of a group's
parameters gives the per-parameter trajectory, and the model, state dicts and replaced arrays
behave as without it."""
import numpy as np
import pytest

import autograd as ag
import optim

from ..fixtures.runs import OPTIMIZER_IDS, OPTIMIZERS as CONFIGS

STEPS = 12


def _params(dtype, seed=0):
    """A row-major weight, a column-major weight (as nn.Linear stores it), a bias and a 0-d scale."""
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal((5, 4)), np.asfortranarray(rng.standard_normal((4, 3))), rng.standard_normal(3),
              np.array(0.7)]
    return [ag.tensor(a, dtype=dtype, requires_grad=True) for a in arrays]


def _loss(params, x):
    w1, w2, b, scale = params
    return (((x @ w1).tanh() @ w2 + b) * scale).pow(2).mean()


def _train(params, opt, steps=STEPS):
    x = ag.tensor(np.random.default_rng(1).standard_normal((8, 5)), dtype=params[0].dtype)
    for _ in range(steps):
        opt.zero_grad()
        _loss(params, x).backward()
        opt.step()
    return [p.data.copy() for p in params]


@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-12), (np.float32, 1e-5)], ids=["float64", "float32"])
@pytest.mark.parametrize("name, kwargs", CONFIGS, ids=OPTIMIZER_IDS)
def test_one_flat_update_follows_the_per_parameter_updates(name, kwargs, dtype, tolerance):
    flat_params, single_params = _params(dtype), _params(dtype)
    flat = getattr(optim, name)(flat_params, **kwargs)
    single = getattr(optim, name)([{"params": [p]} for p in single_params], **kwargs)  # groups of one: never flat
    got, expected = _train(flat_params, flat), _train(single_params, single)
    assert flat._flat and not single._flat
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b, rtol=tolerance, atol=tolerance)


def test_parameters_keep_their_own_arrays_and_the_state_is_laid_out_as_they_are():
    arrays = [np.ones((5, 4)), np.asfortranarray(np.ones((4, 3))), np.ones(3), np.array(0.7)]
    params = [ag.from_numpy(a).requires_grad_() for a in arrays]
    opt = optim.Adam(params, lr=0.01)
    _train(params, opt, steps=3)
    (flat,) = opt._flat.values()
    for p, array in zip(params, arrays):
        assert p.data is array  # memory shared with the caller's array (or a state_dict) still is
    assert not np.array_equal(arrays[0], np.ones((5, 4)))  # ...and sees the updates
    for state, p in zip(flat.states, params):
        assert np.shares_memory(state["exp_avg"].data, flat.state["exp_avg"].data)
        assert state["step"] == 3 and state["exp_avg"].shape == p.shape
        assert state["exp_avg"].data.flags.f_contiguous == p.data.flags.f_contiguous


def test_state_dict_after_flat_steps_resumes_the_same_trajectory():
    params, twin = _params(np.float64), _params(np.float64)
    opt, resumed = optim.Adam(params, lr=0.01), optim.Adam(twin, lr=0.01)
    _train(params, opt, steps=4)
    for p, q in zip(params, twin):
        q.data[...] = p.data
    resumed.load_state_dict(opt.state_dict())
    for a, b in zip(_train(params, opt, steps=5), _train(twin, resumed, steps=5)):
        np.testing.assert_allclose(a, b, rtol=1e-13)


def test_a_parameter_whose_array_is_replaced_is_updated_not_overwritten():
    params = _params(np.float64)
    opt = optim.SGD(params, lr=0.1)
    _train(params, opt, steps=3)
    params[2].data = np.full(3, 5.0)  # replaced, as Module.to or a user might
    x = ag.tensor(np.random.default_rng(1).standard_normal((8, 5)))
    opt.zero_grad()
    _loss(params, x).backward()
    expected = 5.0 - 0.1 * params[2].grad.data
    opt.step()
    np.testing.assert_allclose(params[2].data, expected, rtol=1e-14)


def test_a_parameter_without_a_gradient_leaves_the_flat_update_for_that_step():
    params = _params(np.float64)
    opt = optim.Adam(params, lr=0.01)
    _train(params, opt, steps=3)
    frozen = params[0].data.copy()
    params[0].requires_grad_(False)
    _train(params, opt, steps=1)
    np.testing.assert_array_equal(params[0].data, frozen)
    assert opt.state[params[0]]["step"] == 3 and opt.state[params[1]]["step"] == 4


def test_large_parameters_keep_their_own_updates():
    """Where parameters are large the gradients' copy costs more than the calls it saves."""
    from optim.flat import MEAN_SIZE

    small, large = _params(np.float64), [ag.zeros(MEAN_SIZE + 1, dtype=ag.float64, requires_grad=True),
                                         ag.zeros(MEAN_SIZE + 1, dtype=ag.float64, requires_grad=True)]
    for params, flat in ((small, True), (large, False)):
        opt = optim.SGD(params, lr=0.1)
        for _ in range(3):
            for p in params:
                p.grad = ag.ones_like(p)
            opt.step()
        assert bool(opt._flat) == flat
