"""The numba kernels agree with their numpy references on contiguous, strided, broadcast, small
and large inputs; AUTOGRAD_KERNELS=numpy runs without numba."""
import subprocess
import sys

import numpy as np
import pytest

from autograd import kernels
from autograd.kernels import jit, reference

FROM_OUTPUT = [name for name in kernels.NAMES if name.endswith("_backward")]  # (grad, out) -> grad in


def layouts(rng, dtype):
    """(name, array factory) pairs covering the memory layouts the kernels meet."""
    big = (128, 96)  # above jit.MIN_SIZE, so the compiled loops run
    return {
        "contiguous": lambda: rng.standard_normal(big).astype(dtype),
        "transposed": lambda: rng.standard_normal(big[::-1]).astype(dtype).T,
        "strided": lambda: rng.standard_normal((128, 192)).astype(dtype)[:, ::2],
        "small": lambda: rng.standard_normal((3, 5)).astype(dtype),
        "zero-d": lambda: np.asarray(rng.standard_normal(), dtype=dtype),
    }


LAYOUTS = ("contiguous", "transposed", "strided", "small", "zero-d")
FLOATS = (np.float32, np.float64)


@pytest.mark.parametrize("name", FROM_OUTPUT)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_backward_from_output_agrees(name, layout, dtype):
    make = layouts(np.random.default_rng(1), dtype)[layout]
    grad, out = make(), make()
    expected = getattr(reference, name)(grad, out)
    # float32 tolerances allow for the kernels' fused multiply-adds where 1 - t² cancels.
    tolerance = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(getattr(jit, name)(grad, out), expected, **tolerance)


@pytest.mark.parametrize("name", FROM_OUTPUT)
def test_backward_from_output_with_a_broadcast_gradient(name):
    out = np.random.default_rng(2).standard_normal((128, 96)).astype(np.float32)
    grad = np.broadcast_to(np.float32(0.5), out.shape)
    np.testing.assert_allclose(getattr(jit, name)(grad, out), getattr(reference, name)(grad, out), rtol=1e-6)


@pytest.mark.parametrize("name", FROM_OUTPUT)
def test_compiled_loops_match_the_reference(name):
    loop = getattr(jit, "_" + name)
    rng = np.random.default_rng(3)
    grad, out = rng.standard_normal(1000), rng.standard_normal(1000)
    result = np.empty_like(grad)
    takes_one = loop.py_func.__code__.co_argcount == 4  # (grad, out, result, one)
    loop(grad, out, result, *([1.0] if takes_one else []))
    np.testing.assert_allclose(result, getattr(reference, name)(grad, out), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("ignore_index", [-100, 2])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "small"])
def test_softmax_cross_entropy_agrees(layout, dtype, ignore_index):
    rng = np.random.default_rng(4)
    logits = layouts(rng, dtype)[layout]() * 100
    target = rng.integers(0, logits.shape[1], logits.shape[0])
    target[::3] = ignore_index
    loss, dlogits = jit.softmax_cross_entropy(logits, target, ignore_index)
    ref_loss, ref_dlogits = reference.softmax_cross_entropy(logits, target, ignore_index)
    ignored = target == ignore_index
    assert (loss[ignored] == 0).all() and (dlogits[ignored] == 0).all() and (loss[~ignored] > 0).all()
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(loss, ref_loss, rtol=tolerance, atol=tolerance)
    np.testing.assert_allclose(dlogits, ref_dlogits, rtol=tolerance, atol=tolerance)
    assert loss.dtype == dtype and dlogits.dtype == dtype


@pytest.mark.parametrize("implementation", [jit.softmax_cross_entropy, reference.softmax_cross_entropy])
@pytest.mark.parametrize("bad", [-1, 7])
def test_softmax_cross_entropy_rejects_targets_outside_the_classes(implementation, bad):
    logits = np.zeros((64, 7), np.float32)
    target = np.arange(64) % 7
    target[40] = bad
    target[41] = -100  # ignored, so not part of the range reported
    with pytest.raises(ValueError, match=rf"\[0, 7\) or equal ignore_index=-100, got values from {min(bad, 0)} to "
                                         rf"{max(bad, 6)}"):
        implementation(logits, target)


def test_softmax_cross_entropy_reference_against_definition():
    logits = np.array([[1.0, 2.0, 3.0], [1000.0, -1000.0, 0.0]])
    target = np.array([2, 1])
    loss, dlogits = reference.softmax_cross_entropy(logits, target)
    np.testing.assert_allclose(loss, [np.log(np.exp([1, 2, 3]).sum()) - 3, 2000.0])
    probabilities = np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum()
    np.testing.assert_allclose(dlogits[0], probabilities - [0, 0, 1])
    np.testing.assert_allclose(dlogits[1], [1, -1, 0], atol=1e-300)


def test_numpy_switch_runs_without_numba():
    code = (
        "import sys, autograd as ag; from autograd import kernels; from autograd.kernels import reference\n"
        "x = ag.randn(300, 40, requires_grad=True)\n"
        "ag.cross_entropy((x.sigmoid() * x.tanh()).relu(), ag.randint(0, 40, (300,))).backward()\n"
        "assert kernels.relu_backward is reference.relu_backward\n"
        "print('numba' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], env={"AUTOGRAD_KERNELS": "numpy", "PATH": ""},
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_every_kernel_has_a_reference_and_a_test_here():
    for name in kernels.NAMES:
        assert callable(getattr(reference, name)), name
    assert set(kernels.NAMES) == {*FROM_OUTPUT, "sigmoid", "softmax_cross_entropy", "erf", "outer"}


def test_bind_falls_back_to_the_reference_where_no_compiled_version_exists(monkeypatch):
    monkeypatch.setattr(kernels, "BACKEND", "numba")
    namespace = {}
    kernels.bind(namespace, ("sigmoid", "relu_backward"), reference, "autograd.kernels.jit")
    x = np.linspace(-3, 3, 7)
    np.testing.assert_array_equal(namespace["sigmoid"](x), 1 / (1 + np.exp(-x)))
    np.testing.assert_array_equal(namespace["relu_backward"](x, x), np.where(x > 0, x, 0))
    assert namespace["sigmoid"] is reference.sigmoid and not hasattr(jit, "sigmoid")
    assert namespace["relu_backward"] is jit.relu_backward


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_erf_agrees(layout, dtype):
    x = layouts(np.random.default_rng(4), dtype)[layout]() * 2
    result = jit.erf(x)
    assert result.dtype == x.dtype and result.shape == x.shape
    # numba's float32 erf is computed in float32, the reference's in float64 and then rounded.
    tolerance = dict(rtol=1e-6, atol=1e-7) if dtype == np.float32 else dict(rtol=1e-15, atol=0)
    np.testing.assert_allclose(result, reference.erf(x), **tolerance)


def test_erf_reference_at_known_values():
    # erf(0) = 0, erf(-x) = -erf(x), erf(1) = 0.8427007929497149 (Abramowitz and Stegun, table 7.1)
    values = reference.erf(np.array([0.0, 1.0, -1.0, 10.0]))
    np.testing.assert_allclose(values, [0.0, 0.8427007929497149, -0.8427007929497149, 1.0], rtol=1e-15)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("vectors", ["contiguous", "strided", "column of a matrix", "one element"])
@pytest.mark.parametrize("order", ["C", "F"])
def test_outer_agrees(vectors, order, dtype):
    """out[i, j] = a[i] * b[j], exactly (one product per element), into a row-major `out` (the
    loop) or a column-major one (the reference)."""
    rng = np.random.default_rng(5)
    a, b = {
        "contiguous": lambda: (rng.standard_normal(37), rng.standard_normal(300)),
        "strided": lambda: (rng.standard_normal(74)[::2], rng.standard_normal(600)[::2]),
        "column of a matrix": lambda: (rng.standard_normal((37, 3))[:, 1], rng.standard_normal((2, 300))[1]),
        "one element": lambda: (rng.standard_normal(1), rng.standard_normal(1)),
    }[vectors]()
    a, b = a.astype(dtype), b.astype(dtype)
    target = np.empty((len(a), len(b)), dtype, order=order)
    result = jit.outer(a, b, target)
    assert result is target
    np.testing.assert_array_equal(result, reference.outer(a, b, np.empty_like(target)))
    np.testing.assert_array_equal(result, np.multiply.outer(a, b))


def test_outer_of_mixed_dtypes_takes_the_reference():
    a, b = np.arange(3, dtype=np.float32), np.arange(4, dtype=np.float64)
    out = np.empty((3, 4))
    np.testing.assert_array_equal(jit.outer(a, b, out), np.multiply.outer(a.astype(np.float64), b))
