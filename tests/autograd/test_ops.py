"""Every registered op: forward against its numpy reference, backward against central differences
(first and second order), over the registry's sample cases and random broadcast shapes."""
import numpy as np
import pytest

import autograd as ag
from autograd.registry import BOOL, NONZERO, POSITIVE, SPECS


def sample(rng, shape, domain):
    if domain == BOOL:
        return rng.random(shape) < 0.5
    if domain == POSITIVE:
        return rng.uniform(0.5, 2.0, shape)
    if domain == NONZERO:
        return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.3, 2.0, shape)
    return rng.standard_normal(shape)


def random_broadcast_shapes(rng, count):
    """`count` shapes that broadcast together: some leading dims dropped, some set to 1."""
    ndim = int(rng.integers(0, 4))
    full = rng.integers(2, 4, ndim)
    shapes = []
    for _ in range(count):
        kept = int(rng.integers(0, ndim + 1))
        shape = full[ndim - kept:].copy()
        shape[rng.random(kept) < 0.4] = 1
        shapes.append(tuple(int(n) for n in shape))
    return tuple(shapes)


def all_cases():
    rng = np.random.default_rng(1234)
    for spec in SPECS:
        cases = list(spec.cases)
        if spec.elementwise:
            cases += [(random_broadcast_shapes(rng, len(spec.domains)), spec.cases[0][1]) for _ in range(4)]
        for number, (shapes, kwargs) in enumerate(cases):
            yield pytest.param(spec, shapes, kwargs, id=f"{spec.name}-{number}-{shapes}")


CASES = list(all_cases())


def make_inputs(spec, shapes, seed, dtype=np.float64, requires_grad=False):
    rng = np.random.default_rng(seed)
    arrays = [sample(rng, shape, domain) for shape, domain in zip(shapes, spec.domains)]
    tensors = [ag.tensor(a, dtype=dtype, requires_grad=requires_grad) if domain != BOOL else ag.tensor(a)
               for a, domain in zip(arrays, spec.domains)]
    return arrays, tensors


@pytest.mark.parametrize("spec, shapes, kwargs", CASES)
def test_forward_matches_numpy(spec, shapes, kwargs):
    arrays, tensors = make_inputs(spec, shapes, seed=0)
    result = spec.under_test(*tensors, **kwargs)
    expected = np.asarray(spec.reference(*arrays, **kwargs))
    assert result.shape == expected.shape
    np.testing.assert_allclose(result.data, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("spec, shapes, kwargs", CASES)
def test_float32_stays_float32(spec, shapes, kwargs):
    arrays, tensors = make_inputs(spec, shapes, seed=1, dtype=np.float32)
    result = spec.under_test(*tensors, **kwargs)
    expected = np.asarray(spec.reference(*arrays, **kwargs))
    if expected.dtype.kind == "f":
        assert result.dtype == np.float32
        np.testing.assert_allclose(result.data, expected, rtol=2e-5, atol=2e-6)
    else:
        assert result.dtype == expected.dtype or (result.dtype == np.int64 and expected.dtype.kind == "i")


DIFFERENTIABLE = [case for case in CASES if case.values[0].differentiable]


@pytest.mark.parametrize("spec, shapes, kwargs", DIFFERENTIABLE)
def test_backward_matches_central_differences(spec, shapes, kwargs):
    _, tensors = make_inputs(spec, shapes, seed=2, requires_grad=True)
    assert ag.gradcheck(lambda *xs: spec.under_test(*xs, **kwargs), tensors)


@pytest.mark.parametrize("spec, shapes, kwargs", DIFFERENTIABLE)
def test_double_backward_matches_central_differences(spec, shapes, kwargs):
    """The backward pass recorded with create_graph=True is itself differentiated correctly."""
    _, tensors = make_inputs(spec, shapes, seed=3, requires_grad=True)
    out_shape = spec.under_test(*tensors, **kwargs).shape
    weights = ag.tensor(np.random.default_rng(4).standard_normal(out_shape), dtype=ag.float64)

    def first_derivatives(*xs):
        out = (spec.under_test(*xs, **kwargs) * weights).sum()
        grads = ag.grad(out, xs, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None and g.requires_grad)

    if not first_derivatives(*tensors):
        # Linear ops (add, reshape, ...): the first derivative is a constant with no graph to check
        # (its values are checked by test_backward_matches_central_differences); only its shapes here.
        grads = ag.grad((spec.under_test(*tensors, **kwargs) * weights).sum(), tensors)
        assert all(g.shape == t.shape for g, t in zip(grads, tensors))
        return
    assert ag.gradcheck(first_derivatives, tensors)
