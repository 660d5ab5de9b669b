"""Tape semantics as PyTorch's: recording, leaves, hooks, accumulation, retain_graph, versions."""
import gc

import numpy as np
import pytest

import autograd as ag
from autograd.function import Function


def test_no_grad_records_nothing_and_enable_grad_restores():
    w = ag.ones(3, requires_grad=True)
    with ag.no_grad():
        y = w * 2
        with ag.enable_grad():
            z = w * 2
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None
    assert ag.is_grad_enabled()


def test_no_grad_as_decorator():
    @ag.no_grad()
    def double(x):
        return x * 2

    assert not double(ag.ones(2, requires_grad=True)).requires_grad
    assert ag.is_grad_enabled()


def test_set_grad_enabled_restores_previous_mode():
    with ag.set_grad_enabled(False):
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()


def test_requires_grad_propagates_and_leaves_are_leaves():
    a = ag.ones(2, requires_grad=True)
    b = ag.ones(2)
    c = a * b
    assert a.is_leaf and b.is_leaf and not c.is_leaf
    assert c.requires_grad and not (b * b).requires_grad


def test_detach_shares_data_but_not_history():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    d = (a * 3).detach()
    assert d.is_leaf and not d.requires_grad
    e = a.detach()
    e.data[0] = 5.0
    assert a.data[0] == 5.0


def test_only_float_tensors_require_grad():
    with pytest.raises(RuntimeError, match="floating-point"):
        ag.tensor([1, 2], requires_grad=True)


def test_gradients_accumulate_across_backward_calls():
    x = ag.tensor([1.0, -2.0], requires_grad=True)
    (x * x).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * 2 * np.array([1.0, -2.0]))


def test_leaf_gradients_do_not_alias_each_other():
    a = ag.zeros(3, requires_grad=True)
    b = ag.zeros(3, requires_grad=True)
    (a + b).sum().backward()
    a.grad.data += 1
    np.testing.assert_allclose(b.grad.data, np.ones(3))
    np.testing.assert_allclose(a.grad.data, 2 * np.ones(3))


def test_user_gradient_is_not_taken_over_by_a_leaf():
    a = ag.zeros(3, requires_grad=True)
    seed = ag.tensor([1.0, 2.0, 3.0])
    (a + 0).backward(seed)
    (a + 0).backward(seed)
    np.testing.assert_allclose(seed.data, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(a.grad.data, [2.0, 4.0, 6.0])


def test_grad_is_cast_to_the_leaf_dtype():
    x = ag.ones(2, requires_grad=True)
    y = x * ag.tensor([1.0, 2.0], dtype=ag.float64)
    assert y.dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.data, [1.0, 2.0])


def test_retain_grad_keeps_a_non_leaf_gradient():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    (y * y).sum().backward()
    np.testing.assert_allclose(y.grad.data, 2 * 3 * np.array([1.0, 2.0]))
    assert (x * 3).grad is None


@pytest.mark.parametrize("on_leaf", [True, False])
def test_hooks_see_and_replace_the_gradient(on_leaf):
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    target = x if on_leaf else x * 1
    seen = []

    def hook(grad):
        seen.append(grad.data.copy())
        return grad * 10

    handle = target.register_hook(hook)
    (target * 2).sum().backward(retain_graph=True)
    np.testing.assert_allclose(seen[0], [2.0, 2.0])
    np.testing.assert_allclose(x.grad.data, [20.0, 20.0])
    handle.remove()
    x.grad = None
    (target * 2).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0])
    assert len(seen) == 1


@pytest.mark.parametrize("on_leaf", [True, False])
@pytest.mark.parametrize("create_graph", [False, True])
def test_a_hook_runs_once_with_the_total_gradient(on_leaf, create_graph):
    # As PyTorch: x * x + 3 x (x = [1, 2]) hands x three contributions, x, x and 3; the hook sees
    # their sum 2x + 3 once, and what it returns (doubled) is what reaches x.grad.
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    target = x if on_leaf else x * 1
    seen = []

    def hook(grad):
        seen.append(grad.data.copy())
        return grad * 2

    target.register_hook(hook)
    (target * target + 3 * target).sum().backward(create_graph=create_graph)
    assert len(seen) == 1
    np.testing.assert_allclose(seen[0], [5.0, 7.0])
    np.testing.assert_allclose(x.grad.data, [10.0, 14.0])


def test_a_hook_on_a_leaf_runs_once_under_grad_too():
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g.data.copy()))
    (dx,) = ag.grad((x * x).sum(), x)
    assert len(seen) == 1
    np.testing.assert_allclose(seen[0], [2.0, 4.0])
    np.testing.assert_allclose(dx.data, [2.0, 4.0])


def test_grad_runs_no_hook_of_a_leaf_it_was_not_asked_about():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([3.0, 4.0], requires_grad=True)
    seen = []
    a.register_hook(lambda g: seen.append("a"))
    (db,) = ag.grad((a * b).sum(), b)
    assert seen == [] and db.tolist() == [1.0, 2.0] and a.grad is None


def test_a_value_used_early_and_late_collects_every_gradient_before_its_backward():
    # h feeds an op recorded right after it and one recorded much later, past a long detour: the
    # walk must not run h's backward (Exp) until both consumers have passed their gradients down.
    x = ag.tensor([0.3, -0.7], dtype=ag.float64, requires_grad=True)
    h = x.exp()
    early = h * 2.0
    detour = early
    for _ in range(50):
        detour = detour * 0.99 + 0.01
    loss = (detour + h * h).sum()
    loss.backward()
    scale = 0.99 ** 50
    expected = np.exp(x.data) * (2 * scale + 2 * np.exp(x.data))
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-12)


def _chain(x):
    return ((x * 2.0 + 1.0) * 3.0).exp()


def _output_used_twice_by_one_op(x):
    y = x * 2.0
    return y * y


def _diamond_with_a_chain_on_one_side(x):
    y = x + 1.0
    return (y * 3.0 + 1.0) * 2.0 + y.exp()


def _chain_hands_two_gradients_to_one_op(x):
    y = x.tanh()
    return (y * 0.5).sin() + y.cos() * y


@pytest.mark.parametrize("graph", [_chain, _output_used_twice_by_one_op, _diamond_with_a_chain_on_one_side,
                                   _chain_hands_two_gradients_to_one_op])
def test_walk_over_graph_shapes_matches_central_differences(graph):
    # The walk hands a chain's gradient straight to the next op and queues the rest: every shape
    # where an op has one, two or repeated consumers must still sum all of them before it runs.
    x = ag.randn(3, 2, dtype=ag.float64, requires_grad=True)
    assert ag.gradcheck(graph, (x,))


def test_second_backward_through_released_graph_raises():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, [4.0, 8.0])


def test_non_scalar_backward_needs_gradient():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    with pytest.raises(RuntimeError, match="needs `gradient`"):
        y.backward()
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\)"):
        y.backward(ag.ones(3))
    y.backward(ag.tensor([1.0, 0.5]))
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0])


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.ones(1).sum().backward()


def test_inplace_change_of_saved_input_is_detected_at_backward():
    x = ag.tensor([1.0, 2.0])
    w = ag.tensor([3.0, 4.0], requires_grad=True)
    y = (x * w).sum()
    x += 1
    with pytest.raises(RuntimeError, match=r"Mul.*input 0 \(shape \(2,\), dtype float32\).*changed after Mul"):
        y.backward()


def test_inplace_change_before_recording_or_of_unsaved_tensors_is_fine():
    x = ag.tensor([1.0, 2.0])
    x += 1  # before the op that saves it
    w = ag.tensor([3.0, 4.0], requires_grad=True)
    other = ag.ones(2)
    y = (x * w).sum()
    other += 1  # saved by nothing
    y.backward()
    np.testing.assert_allclose(w.grad.data, [2.0, 3.0])


def test_inplace_change_between_two_backwards_of_a_retained_graph_is_detected():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    y.backward(retain_graph=True)
    with ag.no_grad():
        w -= 0.1
    with pytest.raises(RuntimeError, match="Mul.*in-place"):
        y.backward()


def test_inplace_change_of_saved_output_is_detected_at_backward():
    w = ag.tensor([0.0, 1.0], requires_grad=True)
    y = w.exp()
    with ag.no_grad():
        y += 1
    with pytest.raises(RuntimeError, match="output of Exp"):
        y.sum().backward()


def test_inplace_through_a_view_bumps_the_shared_version():
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    w = ag.ones(2, 2, requires_grad=True)
    y = (x * w).sum()
    row = x[0]
    row *= 2
    assert x.data[0, 0] == 2.0
    with pytest.raises(RuntimeError, match="in-place"):
        y.backward()


def test_inplace_on_tensors_that_require_grad():
    w = ag.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        w += 1
    with pytest.raises(RuntimeError, match="recorded on the tape"):
        y = w * 2
        y -= 1
    with ag.no_grad():
        w -= 0.5
    np.testing.assert_allclose(w.data, [0.5, 0.5])


def test_inplace_arithmetic_and_setitem_on_plain_tensors():
    x = ag.zeros(3)
    x += ag.tensor([1.0, 2.0, 3.0])
    x *= 2
    x /= 4
    x[1] = 10.0
    np.testing.assert_allclose(x.data, [0.5, 10.0, 1.5])
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        x += ag.ones(4)


def test_long_chain_backpropagates_without_recursion_error():
    x = ag.tensor(1.0, dtype=ag.float64, requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.backward()
    assert x.grad.item() == pytest.approx(1.0001 ** 10_000, rel=1e-9)


def _live_records():
    gc.collect()
    return sum(isinstance(obj, Function) and not obj.released for obj in gc.get_objects())


def test_tape_holds_nothing_after_backward_over_many_steps():
    ag.manual_seed(0)
    w = ag.randn(4, 3, requires_grad=True)
    b = ag.zeros(3, requires_grad=True)
    x = ag.randn(8, 4)
    counts = []
    for step in range(10_000):
        loss = ((x @ w + b).tanh() ** 2).mean()
        loss.backward()
        with ag.no_grad():
            w -= 0.01 * w.grad
            b -= 0.01 * b.grad
        w.grad = b.grad = None
        if step in (10, 9_999):
            counts.append(_live_records())
    assert counts == [0, 0]
    released = loss.grad_fn
    assert released.released and released.inputs is None and released.saved is None


def test_released_records_hold_no_arrays():
    ag.manual_seed(0)
    w = ag.randn(4, 3, requires_grad=True)
    x = ag.randn(5, 4)
    hidden = ag.linear(x, w.T).relu()[:, [0, 2, 2]] * 2.0
    loss = ag.cross_entropy(ag.cat([hidden, hidden.exp()], 1), ag.tensor([0, 1, 2, 3, 4]))
    loss.backward()
    records, stack = [], [loss.grad_fn]
    while stack:
        node = stack.pop()
        records.append(node)
        stack.extend(edge for edge in node.edges if isinstance(edge, Function))
    assert len(records) >= 7
    arrays = (np.ndarray, ag.Tensor)
    for node in records:
        held = [name for name, value in vars(node).items() if name != "edges" and (
            isinstance(value, arrays) or isinstance(value, (list, tuple)) and any(isinstance(v, arrays) for v in value))]
        assert node.released and held == [], f"{node.name} still holds {held}"


def test_grad_returns_gradients_without_touching_dot_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * x
    (dx, dh) = ag.grad((h * 3).sum(), (x, h))
    np.testing.assert_allclose(dx.data, [6.0, 12.0])
    np.testing.assert_allclose(dh.data, [3.0, 3.0])
    assert x.grad is None


def test_grad_unused_input():
    x = ag.tensor(1.0, requires_grad=True)
    z = ag.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="not used"):
        ag.grad(x * 2, (x, z), retain_graph=True)
    assert ag.grad(x * 2, (x, z), allow_unused=True)[1] is None


def test_create_graph_backward_gives_differentiable_grads():
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    first = x.grad
    assert first.requires_grad
    np.testing.assert_allclose(first.data, [3.0, 12.0])
    (second,) = ag.grad(first.sum(), x)
    np.testing.assert_allclose(second.data, [6.0, 12.0])


def test_hessian_at_a_saddle_and_a_minimum():
    saddle = ag.hessian(lambda p: p[0] ** 2 - p[1] ** 2 + p[0] * p[1], ag.tensor([0.3, -0.2], dtype=ag.float64))
    np.testing.assert_allclose(saddle.data, [[2.0, 1.0], [1.0, -2.0]])
    eigenvalues = np.linalg.eigvalsh(saddle.data)
    assert eigenvalues[0] < 0 < eigenvalues[1]
    bowl = ag.hessian(lambda p: (p ** 2 * ag.tensor([1.0, 5.0], dtype=ag.float64)).sum(),
                      ag.tensor([1.0, 1.0], dtype=ag.float64))
    np.testing.assert_allclose(bowl.data, [[2.0, 0.0], [0.0, 10.0]])


def test_hessian_of_rosenbrock_matches_the_formula():
    def rosenbrock(p):
        return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2

    x, y = 0.5, -0.3
    expected = [[2 - 400 * (y - x ** 2) + 800 * x ** 2, -400 * x], [-400 * x, 200]]
    np.testing.assert_allclose(ag.hessian(rosenbrock, ag.tensor([x, y], dtype=ag.float64)).data, expected)


def test_hvp_matches_hessian_times_vector():
    rng = np.random.default_rng(0)
    a = ag.tensor(rng.standard_normal((4, 4)), dtype=ag.float64)

    def f(p):
        return (p @ a @ p) * (p * p).sum().sqrt() + p.sin().sum()

    x = ag.tensor(rng.standard_normal(4), dtype=ag.float64)
    v = ag.tensor(rng.standard_normal(4), dtype=ag.float64)
    _, product = ag.hvp(f, x, v)
    np.testing.assert_allclose(product.data, ag.hessian(f, x).data @ v.data, rtol=1e-10)


def test_gradcheck_perturbs_non_contiguous_inputs():
    x = ag.tensor(np.random.default_rng(0).standard_normal((3, 4)), dtype=ag.float64).T.detach()
    x.requires_grad_()
    assert not x.data.flags.c_contiguous
    assert ag.gradcheck(lambda t: (t * t).sum(1), (x,))


def test_second_derivative_of_a_number_to_a_tensor_power():
    x = ag.tensor(0.7, dtype=ag.float64, requires_grad=True)
    (first,) = ag.grad(2 ** x, x, create_graph=True)
    (second,) = ag.grad(first, x)
    assert second.item() == pytest.approx(2 ** 0.7 * np.log(2) ** 2, rel=1e-12)


def test_a_queued_callback_runs_once_after_every_leaf_has_its_gradient():
    from autograd.engine import queue_callback

    a, b = ag.tensor([1.0, 2.0], requires_grad=True), ag.tensor(3.0, requires_grad=True)
    seen = []
    y = a * 2
    y.register_hook(lambda g: queue_callback(lambda: seen.append((a.grad.tolist(), b.grad.item()))))
    (y * b).sum().backward()
    assert seen == [([6.0, 6.0], 6.0)]
    (a * b).sum().backward()                   # no hook: nothing queued, nothing run again
    assert len(seen) == 1


@pytest.mark.parametrize("how", ["grad", "failing backward"])
def test_a_queued_callback_is_dropped_after_grad_or_a_failed_backward(how):
    from autograd.engine import queue_callback

    x = ag.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    y = x * 2
    y.register_hook(lambda g: queue_callback(lambda: seen.append("ran")))
    if how == "grad":
        ag.grad(y.sum(), x)
    else:
        handle = x.register_hook(lambda g: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            y.sum().backward()
        handle.remove()
    (x * 3).sum().backward()                   # a later pass does not run what was queued before
    assert seen == []
