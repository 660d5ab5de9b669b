"""Property-based tests (hypothesis): registry ops over random broadcast shapes, 0-d and size-1
dims and both float dtypes; random short compositions of them; hostile values through the stable
ops. Each property is checked against numpy references and central differences (gradcheck).

Derandomised, so that CI sees the same examples on every run."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag
import nn.functional as F
from autograd.registry import BY_NAME, SPECS
from tests.autograd.test_ops import sample

SETTINGS = settings(max_examples=100, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
DTYPES = st.sampled_from([np.float32, np.float64])
SEEDS = st.integers(0, 2 ** 32 - 1)
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
TOLERANCE = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-10, atol=1e-12)}

ELEMENTWISE = [spec for spec in SPECS if spec.elementwise]


def tensors_of(arrays, dtype, requires_grad=False):
    return [ag.tensor(a) if a.dtype == np.bool_ else ag.tensor(a, dtype=dtype, requires_grad=requires_grad)
            for a in arrays]


@SETTINGS
@given(spec=st.sampled_from(ELEMENTWISE), data=st.data(), dtype=DTYPES, seed=SEEDS)
def test_elementwise_ops_over_broadcast_shapes(spec, data, dtype, seed):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=len(spec.domains), min_dims=0, max_dims=3,
                                                         min_side=1, max_side=3)).input_shapes
    kwargs = spec.cases[0][1]
    rng = np.random.default_rng(seed)
    arrays = [sample(rng, shape, domain) for shape, domain in zip(shapes, spec.domains)]
    result = spec.under_test(*tensors_of(arrays, dtype), **kwargs)
    expected = np.asarray(spec.reference(*arrays, **kwargs))
    assert result.shape == np.broadcast_shapes(*shapes)
    if expected.dtype.kind == "f":
        assert result.dtype == dtype
        np.testing.assert_allclose(result.data, expected, **TOLERANCE[dtype])
    else:
        np.testing.assert_array_equal(result.data, expected)
    if spec.differentiable:
        inputs = tensors_of(arrays, np.float64, requires_grad=True)
        assert ag.gradcheck(lambda *xs: spec.under_test(*xs, **kwargs), inputs)


# --- random short compositions ------------------------------------------------------------------
# Real-domain elementwise ops whose compositions stay in range (exp is left out: exp(exp(exp(x))) overflows).
UNARY = [BY_NAME[name] for name in ("neg", "sin", "cos", "tanh", "sigmoid", "softplus", "clamp", "clone")]
BINARY = [BY_NAME[name] for name in ("add", "sub", "mul", "maximum", "minimum")]
REDUCTIONS = [BY_NAME[name] for name in ("sum", "mean", "logsumexp", "softmax", "log_softmax")]


@st.composite
def programs(draw):
    """(input shapes, steps): steps are (spec, kwargs, index of its second input or None), applied in order."""
    shapes = [draw(SHAPES)]
    current = shapes[0]
    steps = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            spec = draw(st.sampled_from(UNARY))
            steps.append((spec, spec.cases[0][1], None))
        else:
            other = draw(hnp.broadcastable_shapes(current, min_dims=0, max_dims=3, min_side=1, max_side=3))
            shapes.append(other)
            current = np.broadcast_shapes(current, other)
            steps.append((draw(st.sampled_from(BINARY)), {}, len(shapes) - 1))
    if draw(st.booleans()):
        spec = draw(st.sampled_from(REDUCTIONS))
        dims = st.integers(-len(current), len(current) - 1)
        if spec.name in ("softmax", "log_softmax"):
            kwargs = {"dim": draw(dims)} if current else None
        else:
            kwargs = draw(st.sampled_from([{}, {"dim": draw(dims), "keepdim": draw(st.booleans())}])) if current else {}
        if kwargs is not None:
            steps.append((spec, kwargs, None))
    return shapes, steps


def run(steps, inputs, call):
    """Apply `steps` to inputs[0], second operands taken from `inputs`; call(spec, *args, **kwargs) runs one."""
    value = inputs[0]
    for spec, kwargs, other in steps:
        args = (value,) if other is None else (value, inputs[other])
        value = call(spec, *args, **kwargs)
    return value


def call_ours(spec, *args, **kwargs):
    return spec.under_test(*args, **kwargs)


@SETTINGS
@given(program=programs(), dtype=DTYPES, seed=SEEDS)
def test_compositions_match_numpy_and_central_differences(program, dtype, seed):
    shapes, steps = program
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(shape) for shape in shapes]
    expected = run(steps, arrays, lambda spec, *args, **kwargs: np.asarray(spec.reference(*args, **kwargs)))
    ours = run(steps, tensors_of(arrays, dtype), call_ours)
    assert ours.shape == expected.shape and ours.dtype == dtype
    np.testing.assert_allclose(ours.data, expected, **TOLERANCE[dtype])
    assert ag.gradcheck(lambda *xs: run(steps, xs, call_ours), tensors_of(arrays, np.float64, requires_grad=True))


# --- hostile values through the stable ops ------------------------------------------------------
F32_MAX = float(np.finfo(np.float32).max)
HOSTILE = [1000.0, -1000.0, F32_MAX, -F32_MAX, 1e-40, -1e-40, 5e-324, np.nan, np.inf, -np.inf, 0.0, 0.5, -2.0]


def _log_softmax(x):
    """Each row shifted by its maximum, so that no large value meets another in a sum."""
    shifted = x - np.max(x, axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


def _bce_with_logits(x, t):
    return np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))


def _binary(targets, shape):
    """0/1 targets of `shape` from class indices: each row's parity."""
    return np.broadcast_to(targets[:, None] % 2, shape).astype(np.float64)


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


# name: (ours, stable float64 reference, whether each row (dim 1) is one computation)
STABLE = {
    "softmax": (lambda x, t: ag.softmax(x, dim=1), lambda x, t: np.exp(_log_softmax(x)), True),
    "log_softmax": (lambda x, t: ag.log_softmax(x, dim=1), lambda x, t: _log_softmax(x), True),
    "logsumexp": (lambda x, t: ag.logsumexp(x, dim=1, keepdim=True),
                  lambda x, t: np.max(x, axis=1, keepdims=True) - np.max(_log_softmax(x), axis=1, keepdims=True), True),
    "cross_entropy": (lambda x, t: ag.cross_entropy(x, ag.tensor(t), reduction="none")[:, None],
                      lambda x, t: -np.take_along_axis(_log_softmax(x), t[:, None], 1), True),
    "binary_cross_entropy_with_logits": (
        lambda x, t: F.binary_cross_entropy_with_logits(x, ag.tensor(_binary(t, x.shape), dtype=x.dtype),
                                                        reduction="none"),
        lambda x, t: _bce_with_logits(x, _binary(t, x.shape)), False),
    "softplus": (lambda x, t: ag.softplus(x), lambda x, t: np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20)))),
                 False),
    "sigmoid": (lambda x, t: ag.sigmoid(x), lambda x, t: _sigmoid(x), False),
}


@st.composite
def hostile_batches(draw):
    """(logits (N, C) of hostile and ordinary values, targets (N,) in [0, C))."""
    shape = draw(hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=4))
    values = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from(HOSTILE)))
    targets = draw(hnp.arrays(np.int64, shape[:1], elements=st.integers(0, shape[1] - 1)))
    return values, targets


@pytest.mark.parametrize("name", STABLE)
@SETTINGS
@given(batch=hostile_batches(), dtype=DTYPES)
def test_stable_ops_give_nan_only_where_nan_or_infinity_went_in(name, batch, dtype):
    """NaN comes out only where a NaN (or an infinity: inf - inf, as in PyTorch) went in, in the
    same element or, for the row-wise ops, the same row; elsewhere values match a stable float64
    reference and every gradient is finite."""
    ours, reference, rowwise = STABLE[name]
    values, targets = batch
    x = ag.tensor(values, dtype=dtype, requires_grad=True)
    with np.errstate(all="ignore"):   # numpy's overflow warnings on the way are expected here
        out = ours(x, targets)
        (grad,) = ag.grad(out, [x], grad_outputs=ag.ones(*out.shape, dtype=dtype))
        expected = reference(x.data.astype(np.float64), targets).astype(dtype)
    spoilt = ~np.isfinite(x.data)   # as stored in dtype
    if rowwise:
        spoilt = np.broadcast_to(spoilt.any(axis=1, keepdims=True), spoilt.shape)
    clean = ~spoilt[:, :out.shape[1]] if out.shape[1] == 1 else ~spoilt
    assert not np.isnan(out.data[clean]).any(), f"NaN from finite input {x.data}: {out.data}"
    np.testing.assert_allclose(out.data[clean], expected[clean], rtol=1e-5 if dtype == np.float32 else 1e-12,
                               atol=np.finfo(dtype).tiny)
    assert np.isfinite(grad.data[~spoilt]).all(), f"non-finite gradient from finite input {x.data}: {grad.data}"
