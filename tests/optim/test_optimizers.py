"""Optimisers: first steps against hand-computed numbers, trajectories against PyTorch's
(recorded by tests/fixtures/make_run_fixtures.py), the fused kernels against their numpy
references, parameter groups and state dicts."""
import numpy as np
import pytest

import autograd as ag
import optim
from optim import kernels
from optim.kernels import jit, reference
from tests.fixtures import runs


def quadratic_steps(make, steps, start=(1.0, -2.0), scale=(1.0, 3.0)):
    """Run `steps` steps on f(w) = sum(scale * w²) (gradient 2 * scale * w); returns each w."""
    w = ag.tensor(start, dtype=ag.float64, requires_grad=True)
    opt = make([w])
    scale = ag.tensor(scale, dtype=ag.float64)
    path = []
    for _ in range(steps):
        opt.zero_grad()
        (scale * w * w).sum().backward()
        opt.step()
        path.append(w.data.copy())
    return np.array(path)


def test_sgd_by_hand():
    # w = 1: g = 2, then 2 * 0.8 = 1.6
    np.testing.assert_allclose(quadratic_steps(lambda p: optim.SGD(p, lr=0.1), 2, (1.0,), (1.0,))[:, 0], [0.8, 0.64])


def test_sgd_momentum_and_dampening_by_hand():
    # g1 = 2, b1 = g1 = 2, w1 = 1 - 0.1 * 2 = 0.8;  g2 = 1.6, b2 = 0.9 * 2 + 0.5 * 1.6 = 2.6, w2 = 0.8 - 0.26
    path = quadratic_steps(lambda p: optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.5), 2, (1.0,), (1.0,))
    np.testing.assert_allclose(path[:, 0], [0.8, 0.54])


def test_sgd_nesterov_and_weight_decay_by_hand():
    # g1 = 2 + 0.1 * 1 = 2.1, b1 = 2.1, step = g1 + 0.9 * b1 = 3.99, w1 = 1 - 0.399 = 0.601
    # g2 = 2 * 0.601 + 0.0601 = 1.2621, b2 = 0.9 * 2.1 + 1.2621 = 3.1521, step = 1.2621 + 0.9 * 3.1521 = 4.09899
    path = quadratic_steps(lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1), 2,
                           (1.0,), (1.0,))
    np.testing.assert_allclose(path[:, 0], [0.601, 0.601 - 0.409899])


def test_adagrad_by_hand():
    # g1 = 2, sum = 4, w1 = 1 - 0.1 * 2 / 2 = 0.9;  g2 = 1.8, sum = 7.24, w2 = 0.9 - 0.1 * 1.8 / sqrt(7.24)
    path = quadratic_steps(lambda p: optim.Adagrad(p, lr=0.1), 2, (1.0,), (1.0,))
    np.testing.assert_allclose(path[:, 0], [0.9, 0.9 - 0.18 / np.sqrt(7.24)])


def test_adagrad_lr_decay_by_hand():
    # step 2 uses clr = 0.1 / (1 + 1 * 0.5)
    path = quadratic_steps(lambda p: optim.Adagrad(p, lr=0.1, lr_decay=0.5), 2, (1.0,), (1.0,))
    np.testing.assert_allclose(path[1, 0], 0.9 - 0.1 / 1.5 * 1.8 / np.sqrt(7.24))


def test_rmsprop_by_hand():
    # g1 = 2, s = 0.01 * 4 = 0.04, w1 = 1 - 0.01 * 2 / (0.2 + 1e-8)
    path = quadratic_steps(lambda p: optim.RMSprop(p, lr=0.01), 1, (1.0,), (1.0,))
    np.testing.assert_allclose(path[0, 0], 1 - 0.01 * 2 / (0.2 + 1e-8))


def test_rmsprop_centered_momentum_by_hand():
    # g = 2, s = 0.04, a = 0.02, avg = sqrt(0.04 - 0.0004) + eps, b = g / avg, w = 1 - 0.01 * b
    path = quadratic_steps(lambda p: optim.RMSprop(p, lr=0.01, centered=True, momentum=0.5), 1, (1.0,), (1.0,))
    np.testing.assert_allclose(path[0, 0], 1 - 0.01 * 2 / (np.sqrt(0.0396) + 1e-8))


def test_adam_bias_correction_makes_the_first_step_lr_times_the_sign():
    path = quadratic_steps(lambda p: optim.Adam(p, lr=0.1), 1, (1.0, -2.0), (1.0, 3.0))
    # m̂ = g, v̂ = g²: the step is lr * g / (|g| + eps) in each coordinate
    np.testing.assert_allclose(path[0], [1 - 0.1 * 2 / (2 + 1e-8), -2 + 0.1 * 12 / (12 + 1e-8)])


def test_adam_second_step_by_hand():
    b1, b2, lr, eps = 0.9, 0.999, 0.1, 1e-8
    w, m, v = 1.0, 0.0, 0.0
    for step in (1, 2):
        g = 2 * w
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        w -= lr * (m / (1 - b1 ** step)) / (np.sqrt(v / (1 - b2 ** step)) + eps)
    np.testing.assert_allclose(quadratic_steps(lambda p: optim.Adam(p, lr=lr), 2, (1.0,), (1.0,))[1, 0], w)


def test_adamw_decays_the_weights_outside_the_moments():
    # zero gradient: only the decoupled decay acts, w = w * (1 - lr * wd) each step
    w = ag.tensor([2.0], dtype=ag.float64, requires_grad=True)
    opt = optim.AdamW([w], lr=0.1, weight_decay=0.5)
    for _ in range(3):
        w.grad = ag.zeros(1, dtype=ag.float64)
        opt.step()
    np.testing.assert_allclose(w.data, 2 * 0.95 ** 3)


@pytest.mark.parametrize("index", range(len(runs.OPTIMIZERS)), ids=runs.OPTIMIZER_IDS)
def test_trajectories_match_pytorch(index):
    name, kwargs = runs.OPTIMIZERS[index]
    np.testing.assert_allclose(runs.trajectory("tapegrad", name, kwargs), runs.recorded(f"trajectory/{index}"),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name, kwargs", runs.OPTIMIZERS, ids=runs.OPTIMIZER_IDS)
def test_float32_trajectories_follow_float64(name, kwargs):
    np.testing.assert_allclose(runs.trajectory("tapegrad", name, kwargs, dtype="float32"),
                               runs.trajectory("tapegrad", name, kwargs), atol=2e-4)


# --- the fused kernels against their references ------------------------------------------------
KERNEL_ARGS = {
    "sgd": lambda s: (s[0], 0.1, 0.9, 0.1, True, 0.01, False),
    "adagrad": lambda s: (s[0], 0.1, 0.01, 1e-10),
    "rmsprop": lambda s: (s[0], s[1], s[2], 0.01, 0.99, 1e-8, 0.1, 0.9, True),
    "adam": lambda s: (s[0], s[1], 0.01, 0.9, 0.999, 1e-8, 0.1, 3, False),
}


def layouts(shape, dtype):
    rng = np.random.default_rng(1)
    base = lambda: rng.uniform(0.1, 1.0, shape).astype(dtype)  # noqa: E731  (positive: valid state)
    return {
        "contiguous": base,
        "column-major": lambda: np.asfortranarray(base()),
        "strided": lambda: rng.uniform(0.1, 1.0, (shape[0], 2 * shape[1])).astype(dtype)[:, ::2],
        "small": lambda: rng.uniform(0.1, 1.0, (2,)).astype(dtype),
    }


@pytest.mark.parametrize("name", kernels.NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["contiguous", "column-major", "strided", "small"])
def test_fused_updates_agree_with_the_references(name, dtype, layout, monkeypatch):
    monkeypatch.setattr(getattr(jit, name), "min_size", 0)  # the kernel at every size
    make = layouts((64, 33), dtype)[layout]
    arrays = [make() for _ in range(5)]   # param, grad, three state arrays
    arrays[2] += 1  # a valid RMSprop state: square_avg above grad_avg²
    copies = [a.copy() for a in arrays]
    param, grad, *state = arrays
    getattr(jit, name)(param, grad, *KERNEL_ARGS[name](state))
    param2, grad2, *state2 = copies
    getattr(reference, name)(param2, grad2, *KERNEL_ARGS[name](state2))
    tolerance = dict(rtol=2e-6, atol=1e-7) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)
    for ours, expected in zip(arrays, copies):
        np.testing.assert_allclose(ours, expected, **tolerance)
    np.testing.assert_array_equal(grad, grad2)  # the gradient is read, never written


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_decaying_state_is_flushed_to_zero_below_the_smallest_normal(dtype):
    tiny = np.finfo(dtype).tiny
    param, grad = np.ones(8192, dtype), np.zeros(8192, dtype)
    exp_avg, exp_avg_sq = np.full(8192, 1.05 * tiny, dtype), np.full(8192, 3 * tiny, dtype)
    jit.adam(param, grad, exp_avg, exp_avg_sq, 0.1, 0.9, 0.5, 1e-8, 0.0, 3, False)
    # m = 0.9 * 1.05 tiny and v = 0.5 * 3 tiny: the first is subnormal and becomes 0, the second stays
    assert not exp_avg.any() and np.all(exp_avg_sq == dtype(1.5) * dtype(tiny))
    buffer = np.full(8192, 1.05 * tiny, dtype)
    jit.sgd(param, grad, buffer, 0.1, 0.9, 0.0, False, 0.0, False)
    assert not buffer.any()


def test_a_mixed_layout_falls_back_to_the_reference():
    param = np.asfortranarray(np.ones((4, 3)))
    grad = np.ones((4, 3))   # row-major while param is column-major
    jit.sgd(param, grad, None, 0.5, 0.0, 0.0, False, 0.0, True)
    np.testing.assert_array_equal(param, np.full((4, 3), 0.5))


# --- groups, state, errors ---------------------------------------------------------------------
def test_parameter_groups_use_their_own_hyperparameters():
    a, b = (ag.ones(1, dtype=ag.float64, requires_grad=True) for _ in range(2))
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    a.grad, b.grad = ag.ones(1, dtype=ag.float64), ag.ones(1, dtype=ag.float64)
    opt.step()
    assert (a.item(), b.item()) == (0.9, 0.5)


def test_parameters_without_gradients_are_left_alone():
    a, b = ag.ones(2, requires_grad=True), ag.ones(2, requires_grad=True)
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = ag.ones(2)
    opt.step()
    assert b.tolist() == [1.0, 1.0] and b not in opt.state and opt.state[a]["step"] == 1


def test_state_dict_round_trip_continues_the_same_trajectory():
    def run(opt_from, steps):
        w = ag.tensor([1.0, -2.0], dtype=ag.float64, requires_grad=True)
        opt = opt_from([w])
        for _ in range(steps):
            opt.zero_grad()
            (w * w * ag.tensor([1.0, 3.0], dtype=ag.float64)).sum().backward()
            opt.step()
        return w, opt

    w_full, _ = run(lambda p: optim.Adam(p, lr=0.1), 6)
    w_half, opt_half = run(lambda p: optim.Adam(p, lr=0.1), 3)
    saved = opt_half.state_dict()
    resumed = optim.Adam([w_half], lr=0.7)
    resumed.load_state_dict(saved)
    assert resumed.param_groups[0]["lr"] == 0.1 and resumed.state[w_half]["step"] == 3
    for _ in range(3):
        resumed.zero_grad()
        (w_half * w_half * ag.tensor([1.0, 3.0], dtype=ag.float64)).sum().backward()
        resumed.step()
    np.testing.assert_array_equal(w_half.data, w_full.data)


def test_a_failed_load_state_dict_changes_nothing():
    w = ag.ones(3, requires_grad=True)
    other = optim.Adam([ag.ones(4, requires_grad=True)], lr=0.5)
    other.param_groups[0]["params"][0].grad = ag.ones(4)
    other.step()
    opt = optim.Adam([w], lr=0.1)
    with pytest.raises(ValueError, match=r"'exp_avg' of parameter 0 has shape \(4,\), the parameter has shape \(3,\)"):
        opt.load_state_dict(other.state_dict())
    assert opt.param_groups[0]["lr"] == 0.1 and opt.state == {}
    with pytest.raises(ValueError, match="the saved state has 1 parameter groups, this Adam has 2"):
        optim.Adam([{"params": [w]}, {"params": [ag.ones(1, requires_grad=True)]}]).load_state_dict(other.state_dict())


def test_state_arrays_are_staggered_within_the_page_and_keep_the_layout():
    import nn

    layer = nn.Linear(300, 200)
    opt = optim.Adam(layer.parameters())
    layer(ag.ones(2, 300)).sum().backward()
    opt.step()
    state = opt.state[layer.weight]
    offsets = {state[k].data.ctypes.data % 4096 for k in ("exp_avg", "exp_avg_sq")}
    assert len(offsets) == 2
    assert all(state[k].data.flags.f_contiguous for k in ("exp_avg", "exp_avg_sq"))


@pytest.mark.parametrize("make, message", [
    (lambda p: optim.SGD(p, lr=-1), "invalid learning rate -1"),
    (lambda p: optim.SGD(p, lr=0.1, nesterov=True), "Nesterov momentum needs momentum > 0"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.9)), r"betas in \[0, 1\)"),
    (lambda p: optim.SGD([{"params": p, "momentun": 0.9}], lr=0.1), r"no hyperparameter\(s\) \['momentun'\]"),
    (lambda p: optim.SGD([], lr=0.1), "empty parameter list"),
    (lambda p: optim.SGD(p + p, lr=0.1), "appears more than once"),
    (lambda p: optim.SGD([p[0] * 2], lr=0.1), "non-leaf tensor"),
])
def test_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make([ag.ones(2, requires_grad=True)])


def test_a_step_between_forward_and_backward_is_caught():
    w = ag.ones(3, requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    w.grad = ag.ones(3)
    loss = (w * w).sum()
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        loss.backward()


def test_step_with_a_closure_returns_its_loss():
    w = ag.tensor([3.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == 9.0 and w.item() == pytest.approx(2.4)


@pytest.mark.parametrize("make, error, message", [
    (lambda p: optim.SGD(p, lr=float("nan")), ValueError, "SGD: lr must be finite, got nan"),
    (lambda p: optim.SGD(p, lr=float("inf")), ValueError, "SGD: lr must be finite, got inf"),
    (lambda p: optim.SGD(p, lr="0.1"), TypeError, r"SGD: lr must be a real number, got '0.1' \(str\)"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=None), TypeError, "SGD: momentum must be a real number, got None"),
    (lambda p: optim.Adam(p, betas=0.9), TypeError, "Adam: betas must be a tuple of 2 numbers, got 0.9"),
    (lambda p: optim.Adam(p, betas=(0.9, float("nan"))), ValueError, "Adam: betas must be finite, got nan"),
    (lambda p: optim.Adam(p, weight_decay=float("nan")), ValueError, "Adam: weight_decay must be finite, got nan"),
    (lambda p: optim.AdamW(p, eps=True), TypeError, r"AdamW: eps must be a real number, got True \(bool\)"),
    (lambda p: optim.RMSprop(p, alpha=float("nan")), ValueError, "RMSprop: alpha must be finite, got nan"),
    (lambda p: optim.Adagrad(p, lr_decay=float("-inf")), ValueError, "Adagrad: lr_decay must be finite, got -inf"),
    (lambda p: optim.SGD([{"params": p, "lr": float("nan")}], lr=0.1), ValueError, "SGD: lr must be finite"),
    (lambda p: optim.SGD([{"params": p, "momentum": -1.0}], lr=0.1), ValueError, "SGD: invalid momentum -1.0"),
])
def test_hyperparameters_that_are_not_finite_numbers_are_named(make, error, message):
    w = ag.ones(2, requires_grad=True)
    with pytest.raises(error, match=message):
        make([w])


def test_a_model_instead_of_its_parameters_is_named():
    import nn

    with pytest.raises(TypeError, match=r"SGD: params must be an iterable of tensors, got a Linear; pass "
                                        r"model.parameters\(\)"):
        optim.SGD(nn.Linear(2, 2), lr=0.1)


def test_numpy_numbers_and_lists_are_accepted_as_hyperparameters():
    opt = optim.Adam([ag.ones(2, requires_grad=True)], lr=np.float32(0.5), betas=[0.8, 0.9], eps=1)
    assert opt.param_groups[0]["betas"] == (0.8, 0.9) and opt.param_groups[0]["lr"] == np.float32(0.5)
