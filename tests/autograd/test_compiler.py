"""ag.compile on autograd alone: replays equal eager runs, retrace on new signatures, fall back
(with one warning) on what cannot be captured, and hold no more memory as they repeat."""
import gc
import pathlib
import re
import tracemalloc
import warnings

import numpy as np
import pytest

import autograd as ag
from autograd.compiler import CompileCheckError, CompileWarning


def _chain(x, w):
    """A small step: forward with broadcasting, a shared input, backward into two leaves."""
    h = (x * w + 0.5).tanh()
    h = h.sigmoid() * h + (x.exp() * 0.1).sum(0)
    loss = (h ** 2).mean()
    loss.backward()
    return loss


def _leaves(seed, dtype=np.float64):
    ag.manual_seed(seed)
    return ag.randn(4, 3, dtype=dtype, requires_grad=True), ag.randn(3, dtype=dtype, requires_grad=True)


def test_replay_matches_eager_values_and_gradients():
    step = ag.compile(_chain)
    for seed in range(5):
        x, w = _leaves(seed)
        loss = step(x, w)
        ex, ew = _leaves(seed)
        expected = _chain(ex, ew)
        np.testing.assert_allclose(loss.data, expected.data, rtol=1e-13)
        np.testing.assert_allclose(x.grad.data, ex.grad.data, rtol=1e-13)
        np.testing.assert_allclose(w.grad.data, ew.grad.data, rtol=1e-13)
    assert len(step.plans) == 1


def _three_steps_against_eager(step):
    """Three calls of `step` and of the eager `_chain` on the same leaves: their gradients agree."""
    x, w = _leaves(0)
    ex, ew = _leaves(0)
    for _ in range(3):
        step(x, w)
        _chain(ex, ew)
    np.testing.assert_allclose(x.grad.data, ex.grad.data, rtol=1e-13)
    np.testing.assert_allclose(w.grad.data, ew.grad.data, rtol=1e-13)


def test_gradients_accumulate_across_replays_as_eagerly():
    _three_steps_against_eager(ag.compile(_chain))


@pytest.mark.parametrize("change", ["shape", "dtype", "requires_grad", "grad_mode"])
def test_a_new_signature_captures_again(change):
    calls = []

    def f(x):
        calls.append(1)
        return (x * 2).sum()

    step = ag.compile(f)
    x = ag.ones(3)
    other = {"shape": ag.ones(4), "dtype": ag.ones(3, dtype=ag.float64),
             "requires_grad": ag.ones(3, requires_grad=True), "grad_mode": x}[change]
    step(x)
    step(x)
    assert len(calls) == 1  # the second call replayed
    if change == "grad_mode":
        with ag.no_grad():
            result = step(other)
    else:
        result = step(other)
    assert len(calls) == 2
    assert result.item() == pytest.approx(2 * other.numel())
    assert len(step.plans) == 2


def test_random_draws_follow_the_generator_stream():
    def noisy(x):
        return x + ag.randn(*x.shape) * 0.1 + ag.rand(*x.shape)

    step = ag.compile(noisy)
    x = ag.zeros(5)
    ag.manual_seed(3)
    compiled = [step(x).data.copy() for _ in range(4)]
    ag.manual_seed(3)
    eager = [noisy(x).data.copy() for _ in range(4)]
    np.testing.assert_array_equal(np.array(compiled), np.array(eager))
    assert len({row.tobytes() for row in compiled}) == 4  # fresh numbers every call


def test_a_constant_changed_in_place_starts_afresh_each_replay():
    def f(x):
        total = ag.zeros(3)
        total += x
        total += x
        return total

    step = ag.compile(f)
    for value in (1.0, 2.0, 3.0):
        np.testing.assert_array_equal(step(ag.full((3,), value)).data, [2 * value] * 3)


def test_in_place_change_of_a_persistent_tensor_is_replayed():
    counter = ag.zeros(2)

    @ag.compile
    def count(x):
        nonlocal counter
        counter += x  # Tensor.__iadd__: in place, on a tensor made before the capture
        return counter * 1

    for _ in range(4):
        out = count(ag.ones(2))
    np.testing.assert_array_equal(counter.data, [4.0, 4.0])
    np.testing.assert_array_equal(out.data, [4.0, 4.0])


@pytest.mark.parametrize("body, reason", [
    (lambda x: x * x.sum().item(), r"item\(\)"),
    (lambda x: x * float(x.numpy().sum()), r"numpy\(\)"),
    (lambda x: x * 2 if bool(x.sum() > 0) else x, r"bool\(\)"),
    (lambda x: x * ag.from_numpy(np.ones(3) * 2), r"from_numpy"),
])
def test_what_cannot_be_captured_runs_eagerly_with_one_warning(body, reason):
    step = ag.compile(body)
    x = ag.tensor([1.0, 2.0, 3.0], dtype=ag.float64)
    with pytest.warns(CompileWarning, match=reason):
        first = step(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        second = step(x * 2)
    np.testing.assert_allclose(first.data, body(x).data)
    np.testing.assert_allclose(second.data, body(x * 2).data)
    assert step.plans == []


def test_a_hook_runs_eagerly_with_a_warning():
    def f(w):
        w.register_hook(lambda g: g * 2)
        (w * 3).sum().backward()

    w = ag.ones(2, requires_grad=True)
    with pytest.warns(CompileWarning, match="hook"):
        ag.compile(f)(w)
    np.testing.assert_array_equal(w.grad.data, [6.0, 6.0])


def test_check_passes_a_faithful_replay_and_catches_an_unseen_change():
    _three_steps_against_eager(ag.compile(_chain, check=True))

    def sneaky(v):
        v.data += 1  # a raw array write: invisible to the capture
        return v * 2

    checked = ag.compile(sneaky, check=True)
    v = ag.zeros(2)
    checked(v)  # the capture (an eager run)
    with pytest.raises(CompileCheckError, match="differ"):
        checked(v)


def test_too_many_signatures_fall_back_to_eager():
    step = ag.compile(lambda x: x * 2)
    with pytest.warns(CompileWarning, match="captures"):
        for n in range(1, ag.compiler.compiled.MAX_REPLAYS + 3):
            np.testing.assert_array_equal(step(ag.ones(n)).data, np.full(n, 2.0))


def test_replays_hold_no_more_memory_over_ten_thousand_calls():
    x, w = _leaves(0, np.float32)
    step = ag.compile(_chain)
    for _ in range(3_000):  # numpy keeps a bounded cache of small shape buffers: let it fill
        step(x, w)
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for _ in range(10_000):
            step(x, w)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    # Keeping even one of the smallest objects (56 bytes) per call would grow by 560 KB.
    assert grown < 80_000, f"10,000 replays grew traced memory by {grown} bytes"
    assert len(step.plans) == 1


def test_only_ops_and_known_sources_make_tensors_from_computed_arrays():
    """The compiler treats a tensor it has not seen made as one that lives across calls. That is
    sound only while every tensor made from a computed array inside autograd comes from an op
    (Function.apply) or reports itself: this lists the places that call Tensor._make directly."""
    root = pathlib.Path(ag.__file__).parent
    allowed = {"function.py", "tensor.py", "creation.py", "engine.py", "higher.py", "gradcheck.py", "backends.py"}
    found = {path.name for path in root.rglob("*.py")
             if "compiler" not in path.parts and re.search(r"Tensor\._make\(", path.read_text())}
    assert found <= allowed, f"Tensor._make called in {sorted(found - allowed)}"


def _deep_chain(x):
    h = x
    for _ in range(10):
        h = (h * 1.01).tanh() + 0.5
        h = h.sigmoid()
    loss = (h * h).sum()
    loss.backward()
    return loss


def test_a_chain_of_elementwise_ops_fuses_into_two_kernels_and_matches_eager():
    step = ag.compile(_deep_chain)
    for seed in range(3):
        ag.manual_seed(seed)
        x = ag.randn(7, 5, dtype=ag.float64, requires_grad=True)
        ag.manual_seed(seed)
        ex = ag.randn(7, 5, dtype=ag.float64, requires_grad=True)
        np.testing.assert_allclose(step(x).data, _deep_chain(ex).data, rtol=1e-13)
        np.testing.assert_allclose(x.grad.data, ex.grad.data, rtol=1e-12)
    kinds = [s.kind for s in step.plans[0].steps]
    if ag.compiler.plan.FUSION:
        # forward and backward each one loop (the sum a running total of the forward's); the
        # forward's 40 intermediate results are recomputed in the backward's loop, not stored
        assert kinds == ["fused", "fused", "leaf"]
    else:
        assert kinds.count("op") == 42


def test_draw_shows_each_step_and_fused_kernels():
    step = ag.compile(_deep_chain)
    x = ag.ones(3, requires_grad=True)
    step(x)
    source = step.draw().source
    assert source.count("input 0") == 1 and source.count("output 0") == 1
    if ag.compiler.plan.FUSION:
        assert "Tanh x10" in source and "Tanh backward x10" in source
    else:
        assert source.count("label=Tanh ") == 10


def test_a_gradient_given_to_backward_enters_the_fused_loop():
    """backward(gradient) with an array made outside: forward and backward fuse into one loop
    that reads the given gradient, and the given gradient's later values are seen."""
    x = ag.tensor(np.linspace(-1, 1, 16), dtype=ag.float64, requires_grad=True)
    seed = ag.ones(16, dtype=ag.float64)

    def step():
        y = x
        for _ in range(10):
            y = y * 1.5 + 0.25
        y.backward(seed)
        return y

    compiled = ag.compile(step)
    for scale in (1.0, 2.0, 3.0):
        seed.fill_(scale)
        x.grad = None
        out = compiled()
        np.testing.assert_allclose(x.grad.data, np.full(16, scale * 1.5 ** 10), rtol=1e-13)
        np.testing.assert_allclose(out.data, step().data, rtol=1e-13)
        x.grad = None
    if ag.compiler.plan.FUSION:
        assert [s.kind for s in compiled.plans[0].steps].count("fused") == 1


def test_a_run_whose_values_are_all_recomputed_elsewhere_makes_no_kernel():
    """A fusible run (here the scaled log-probability sums) whose every value the next run
    recomputes rather than loads writes nothing: it must not become an empty loop."""
    w = ag.tensor(np.random.default_rng(0).standard_normal((5, 4)), requires_grad=True)
    weights = ag.ones(6, dtype=ag.float64)

    def step(x):
        w.grad = None
        log_probs = ag.log_softmax(x @ w, 1)
        loss = (0.9 * -log_probs.sum(1) - 0.1 * log_probs.sum(1) * weights).sum()
        loss.backward()
        return loss

    compiled = ag.compile(step)
    for seed in range(3):
        x = ag.tensor(np.random.default_rng(seed).standard_normal((6, 5)))
        expected, expected_grad = step(x).item(), w.grad.data.copy()
        assert compiled(x).item() == pytest.approx(expected, rel=1e-13)
        np.testing.assert_allclose(w.grad.data, expected_grad, rtol=1e-12)
    assert all(step.kind != "fused" or step.outputs for step in compiled.plans[0].steps)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("size", [1, 37, 20_000])
def test_a_sum_of_squares_fuses_as_a_running_total_up_to_its_size_limit(size, dtype):
    """The sum joins the loop (as a float64 total) up to MAX_TOTAL elements; beyond, numpy sums.
    Either way the loss is the float64 sum of squares rounded to the dtype, within numpy's own
    float32 rounding, and the gradient 2 (p - y) exactly."""
    rng = np.random.default_rng(size)
    p = ag.tensor(rng.standard_normal(size).astype(dtype), requires_grad=True)

    @ag.compile
    def step(p, y):
        p.grad = None
        loss = ((p - y) ** 2).sum()
        loss.backward()
        return loss

    for _ in range(3):
        y = rng.standard_normal(size).astype(dtype)
        loss = step(p, ag.tensor(y))
        exact = np.sum((p.data.astype(np.float64) - y) ** 2)
        assert loss.dtype == dtype
        assert loss.item() == pytest.approx(exact, rel=1e-6 if dtype == np.float32 else 1e-13)
        np.testing.assert_array_equal(p.grad.data, 2 * (p.data - y))
    if ag.compiler.plan.FUSION:
        kinds = [s.kind for s in step.plans[0].steps]
        fused = size <= ag.compiler.fusion.MAX_TOTAL
        assert kinds.count("fused") == 2 and kinds.count("op") == (0 if fused else 1)


def test_a_fused_total_is_loaded_by_the_loops_that_read_it_not_recomputed():
    """x scaled by its own sum of squares: the next loop needs the whole total, so it reads the
    total from memory; values and gradients as eager."""
    def step(x):
        x.grad = None
        s = (x * x).sum()
        y = (x * s).tanh()
        y.sum().backward()
        return y

    compiled = ag.compile(step)
    for seed in range(3):
        x = ag.tensor(np.random.default_rng(seed).standard_normal((4, 5)) * 0.2, requires_grad=True)
        got, got_grad = compiled(x).data, x.grad.data
        np.testing.assert_allclose(got, step(x).data, rtol=1e-13)
        np.testing.assert_allclose(got_grad, x.grad.data, rtol=1e-12)
    if ag.compiler.plan.FUSION:
        totals = [step.function for step in compiled.plans[0].steps if step.kind == "fused"
                  and any(result.op == "total" for result in step.function.results)]
        assert len(totals) >= 1
        readers = [step for step in compiled.plans[0].steps if step.kind == "fused"
                   and any(ref.number == totals[0].outputs[0] for ref in step.inputs if hasattr(ref, "number"))]
        assert readers  # a later loop reads the total as an input


def _kernels(compiled):
    """The ops fused into each kernel of `compiled`'s first plan, as (kind, op name) lists."""
    return [[(s.kind, type(s.node).__name__) for s in step.function.steps]
            for step in compiled.plans[0].steps if step.kind == "fused"]


@pytest.mark.parametrize("second", ["the same weight", "another tensor"])
def test_a_lone_op_gets_a_kernel_only_for_several_arithmetic_operations(second):
    """Between two matmuls, tanh's backward g (1 - t^2) (three operations, t loaded) becomes a
    loop of its own; tanh itself (numpy's vectorised tanh) and a lone sum of a matmul's result do
    not. With another tensor as the second matmul's operand no gradient accumulation separates
    tanh from its backward: t must still be loaded, not recomputed with a tanh."""
    rng = np.random.default_rng(0)
    v = ag.tensor(rng.standard_normal((4, 4)))

    def step(x, w):
        w.grad = None
        loss = ((x @ w).tanh() @ (w.T if second == "the same weight" else v)).sum()
        loss.backward()
        return loss

    compiled = ag.compile(step)
    w = ag.tensor(rng.standard_normal((4, 4)), requires_grad=True)
    for _ in range(3):
        x = ag.tensor(rng.standard_normal((3, 4)))
        got, got_grad = compiled(x, w).item(), w.grad.data.copy()
        assert got == pytest.approx(step(x, w).item(), rel=1e-13)
        np.testing.assert_allclose(got_grad, w.grad.data, rtol=1e-12)
    if ag.compiler.plan.FUSION:
        assert _kernels(compiled) == [[("backward", "Tanh")]]
        assert "tanh" not in _sources(compiled)


def test_a_value_a_lone_op_left_to_numpy_made_is_loaded_not_recomputed():
    """h = tanh(x @ w) is not a kernel of its own; the loop of (h @ w2) * 2 + h reads h."""
    def forward(x, w, w2):
        h = (x @ w).tanh()
        return (h @ w2) * 2 + h

    rng = np.random.default_rng(2)
    x, w, w2 = (ag.tensor(rng.standard_normal(shape)) for shape in ((3, 4), (4, 4), (4, 4)))
    compiled = ag.compile(forward)
    with ag.no_grad():
        for _ in range(2):
            np.testing.assert_allclose(compiled(x, w, w2).data, forward(x, w, w2).data, rtol=1e-13)
    if ag.compiler.plan.FUSION:
        assert _kernels(compiled) == [[("op", "Mul"), ("op", "Add")]]
        assert "tanh" not in _sources(compiled)


def _sources(compiled):
    """The source of every kernel of `compiled`'s first plan, joined."""
    return "".join(ag.compiler.codegen.kernel_source(step.function)
                   for step in compiled.plans[0].steps if step.kind == "fused")


@pytest.mark.parametrize("name", sorted(ag.compiler.fusion.LOOP_LIMITS))
def test_a_loop_calls_a_transcendental_function_only_up_to_its_size_limit(name):
    """(f(z * z / 4 + 1/2) * t).sum() with its backward: one loop calling f up to f's limit; past
    it f is numpy's, and no loop calls it, while the arithmetic around it still makes loops. The
    results equal the eager ones either way."""
    function, limit = getattr(ag, name), ag.compiler.fusion.LOOP_LIMITS[name]
    # how a fused loop's source calls f (sigmoid is written out with exp)
    call = "np.exp(" if name == "sigmoid" else ag.compiler.codegen.CALLS[name] + "("

    def step(z, t):
        z.grad = None
        loss = (function(z * z * 0.25 + 0.5) * t).sum()
        loss.backward()
        return loss

    rng = np.random.default_rng(3)
    for size in (limit, 2 * limit):
        compiled = ag.compile(step)
        for _ in range(2):
            z, t = rng.standard_normal(size), ag.tensor(rng.standard_normal(size))
            mine, theirs = ag.tensor(z, requires_grad=True), ag.tensor(z, requires_grad=True)
            assert compiled(mine, t).item() == pytest.approx(step(theirs, t).item(), rel=1e-12)
            np.testing.assert_allclose(mine.grad.data, theirs.grad.data, rtol=1e-12)
        if ag.compiler.plan.FUSION:
            assert (call in _sources(compiled)) == (size == limit)
            assert _kernels(compiled)  # z * z / 4 + 1/2, and the product with t and its sum


@pytest.mark.parametrize("name, activation", [("Clamp", lambda y: y.clamp(-0.5, 0.5)),
                                              ("LeakyRelu", lambda y: ag.leaky_relu(y, 0.1))])
def test_an_op_run_without_gradients_joins_its_neighbours_loop(name, activation):
    """Under no_grad an op keeps no record of its options; its loop needs them all the same."""
    def forward(x):
        y = activation(x * 3.0 + 1.0)
        return (y * 2.0 - 1.0) * y

    compiled = ag.compile(forward)
    with ag.no_grad():
        for seed in range(2):
            x = ag.tensor(np.random.default_rng(seed).standard_normal((4, 5)))
            np.testing.assert_allclose(compiled(x).data, forward(x).data, rtol=1e-13)  # (a loop may fuse a * b + c)
    if ag.compiler.plan.FUSION:
        assert any(("op", name) in kernel for kernel in _kernels(compiled))


@pytest.mark.parametrize("bound", [np.inf, -np.inf, np.nan])
def test_a_constant_that_is_not_a_finite_number_enters_a_loop(bound):
    """inf and nan are numbers to numba only as np.inf and np.nan (a clamp with no upper bound
    given as inf, a minimum with nan)."""
    def forward(x):
        return ag.minimum(x * 2.0, bound) * 0.5, ag.maximum(x * 2.0, -bound) * 0.5, (x * 2.0).clamp(-1.0, bound)

    compiled = ag.compile(forward)
    with ag.no_grad():
        for seed in range(2):
            x = ag.tensor(np.random.default_rng(seed).standard_normal(6))
            for got, expected in zip(compiled(x), forward(x)):
                np.testing.assert_array_equal(got.data, expected.data)
    if ag.compiler.plan.FUSION:
        assert _kernels(compiled)


def test_a_clamp_in_a_loop_keeps_nans_and_infinities_as_np_clip():
    """NaN stays NaN, inf is clipped, min > max gives max, in a loop as in np.clip. (Which of
    0.0 and -0.0 a tie gives is numba's code generation's choice: compared as values.)"""
    values = np.array([-0.0, 0.0, -1.5, 1.5, np.nan, np.inf, -np.inf])

    def forward(x):
        y = x * 1.0
        return y.clamp(min=0.0), y.clamp(max=-0.5), y.clamp(-1.0, 1.0), y.clamp(1.0, -1.0)

    compiled = ag.compile(forward)
    with ag.no_grad():
        compiled(ag.tensor(values[::-1].copy()))  # the capture (eager); the next call replays
        for got, expected in zip(compiled(ag.tensor(values)), forward(ag.tensor(values))):
            np.testing.assert_array_equal(got.data, expected.data)
    if ag.compiler.plan.FUSION:
        assert _kernels(compiled) == [[("op", "Mul")] + [("op", "Clamp")] * 4]


def test_a_value_of_another_shape_is_loaded_not_computed_again_at_every_element():
    """a = erf(3w) is 0-d; the loop over x's 5,000 elements reads it, rather than calling erf
    5,000 times."""
    def forward(w, x):
        a = (w * 3.0).erf()
        return ((x * a + 1.0) * x).sum()

    rng = np.random.default_rng(4)
    compiled = ag.compile(forward)
    with ag.no_grad():
        for _ in range(2):
            w, x = ag.tensor(rng.standard_normal(())), ag.tensor(rng.standard_normal(5000))
            assert compiled(w, x).item() == pytest.approx(forward(w, x).item(), rel=1e-12)
    if ag.compiler.plan.FUSION:
        loops = [step.function for step in compiled.plans[0].steps if step.kind == "fused"]
        assert [group.shape for group in loops] == [(), (5000,)]
        assert "erf" not in ag.compiler.codegen.kernel_source(loops[1])


def test_a_loop_is_handed_only_the_arrays_it_reads():
    """Add's backward gets both operands and uses neither; tanh splits the run (257 elements,
    beyond its loop limit). No loop may list an input it does not read, nor another loop write
    an array only for that."""
    def step(z, t):
        z.grad = None
        loss = ((z * 2 + 1).tanh() * t + z.exp()).sum()
        loss.backward()
        return loss

    rng = np.random.default_rng(5)
    compiled = ag.compile(step)
    for _ in range(2):
        z, t = rng.standard_normal(257), ag.tensor(rng.standard_normal(257))
        mine, theirs = ag.tensor(z, requires_grad=True), ag.tensor(z, requires_grad=True)
        assert compiled(mine, t).item() == pytest.approx(step(theirs, t).item(), rel=1e-12)
        np.testing.assert_allclose(mine.grad.data, theirs.grad.data, rtol=1e-12)
    if ag.compiler.plan.FUSION:
        loops = [step.function for step in compiled.plans[0].steps if step.kind == "fused"]
        assert len(loops) >= 3
        for group in loops:
            source = ag.compiler.codegen.kernel_source(group)
            assert all(f"in{k}[" in source for k in range(len(group.inputs))), source


def test_a_lone_sum_recomputing_its_elements_runs_over_all_of_them():
    """p = 2ab is written for the matmul; the sum of p, alone in its run, recomputes 2ab in a
    loop of its own, which must run over all 15 elements (a 0-d result, a (5, 3) loop)."""
    def f(a, b, c):
        p = (a * b) * 2.0
        through_matmul = (p @ c).sum()
        return through_matmul + p.sum()

    rng = np.random.default_rng(1)
    a, b, c = (ag.tensor(rng.standard_normal(shape)) for shape in ((5, 3), (5, 3), (3, 2)))
    compiled = ag.compile(f)
    with ag.no_grad():
        for _ in range(2):
            assert compiled(a, b, c).item() == pytest.approx(f(a, b, c).item(), rel=1e-13)
    if ag.compiler.plan.FUSION:
        assert [("op", "Sum")] in _kernels(compiled)


def test_a_callback_queued_in_a_capture_that_runs_no_backward_is_dropped():
    """What code queues while captured (see `capturing`) belongs to the function's own backward:
    without one, it must not run at the next, unrelated backward."""
    calls = []

    def double(x):
        if ag.compiler.capturing():
            ag.engine.queue_callback(lambda: calls.append("queued"))
        return x * 2

    compiled = ag.compile(double)
    assert not ag.compiler.capturing()
    np.testing.assert_array_equal(compiled(ag.ones(2)).data, [2.0, 2.0])
    (ag.ones(2, requires_grad=True) * 3).sum().backward()
    assert calls == []


def test_a_gradient_of_another_dtype_given_to_backward_is_cast_at_every_call():
    x = ag.tensor([0.0, 1.0, 2.0], dtype=ag.float64, requires_grad=True)

    def step(seed):
        x.grad = None
        (x * x).backward(seed)

    compiled = ag.compile(step)
    for scale in (1.0, 2.0, 3.0):
        compiled(ag.full((3,), scale, dtype=ag.float32))
        assert x.grad.dtype == ag.float64
        np.testing.assert_array_equal(x.grad.data, [0.0, 2 * scale, 4 * scale])
