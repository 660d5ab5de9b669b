"""Dtypes and promotion as PyTorch's, constructors and seeding."""
import numpy as np
import pytest

import autograd as ag


def test_float32_by_default_and_float64_on_request():
    assert ag.tensor([1.0, 2.0]).dtype == np.float32
    assert ag.zeros(2).dtype == np.float32 and ag.randn(2).dtype == np.float32
    assert ag.tensor([1, 2]).dtype == np.int64
    assert ag.tensor([True]).dtype == np.bool_
    assert ag.tensor(np.zeros(2)).dtype == np.float64
    assert ag.randn(2, dtype=ag.float64).dtype == np.float64


@pytest.mark.parametrize("make_a, make_b, expected", [
    (lambda: ag.ones(2), lambda: 2.0, np.float32),                                 # weak Python float
    (lambda: ag.ones(2), lambda: ag.ones(2, dtype=ag.float64), np.float64),
    (lambda: ag.tensor([1, 2]), lambda: ag.ones(2), np.float32),                    # int64 + float32
    (lambda: ag.tensor([1, 2]), lambda: 2.5, np.float32),                           # int64 + Python float
    (lambda: ag.tensor([1, 2]), lambda: 3, np.int64),
    (lambda: ag.tensor([True, False]), lambda: ag.ones(2, dtype=ag.float64), np.float64),
    (lambda: ag.ones(2, dtype=ag.float64), lambda: ag.tensor(1.0), np.float64),
])
def test_promotion_matches_pytorch(make_a, make_b, expected):
    assert (make_a() * make_b()).dtype == expected
    assert (make_a() + make_b()).dtype == expected


@pytest.mark.parametrize("dtype", [ag.float32, ag.float64])
@pytest.mark.parametrize("combine", [
    lambda x: x * 0.1, lambda x: 0.1 * x, lambda x: ag.mul(x, 0.1), lambda x: x + 0.1, lambda x: 0.1 - x,
    lambda x: x / 0.1, lambda x: 0.1 / x, lambda x: x * 3, lambda x: 3 + x, lambda x: x * True,
])
def test_numbers_take_the_tensors_dtype_and_precision(dtype, combine):
    x = ag.tensor([0.3, 7.0], dtype=dtype)
    reference = np.asarray(combine(x.data.astype(np.float64)), np.float64)  # in double
    result = combine(x)
    assert result.dtype == dtype
    # The number is rounded to the tensor's dtype once and the result once: within 2 units of the last place.
    np.testing.assert_allclose(result.data, reference, rtol=2 * np.finfo(dtype).eps)


def test_wrapped_numbers_keep_the_sign_of_zero_and_nan():
    x = ag.tensor([1.0, -2.0])
    assert not np.signbit((x * 0.0).data[0])
    signs = np.signbit((x * -0.0).data)  # after 0.0: the two must not share a wrapped array
    assert signs[0] and not signs[1]
    for _ in range(2):  # NaN is never found again (nan != nan): each one is wrapped afresh
        assert np.isnan((x + float("nan")).data).all()


def test_wrapped_numbers_are_shared_read_only_and_their_table_stops_growing():
    from autograd import api

    wrapped = api.wrap_number(0.25, np.dtype(np.float32))
    assert wrapped is api.wrap_number(0.25, np.dtype(np.float32)) and not wrapped.flags.writeable
    x = ag.ones(1, dtype=ag.float64)
    for i in range(api.WRAPPED_LIMIT + 50):
        number = 1.0 + i / 7
        assert (x * number).item() == number
    assert len(api._WRAPPED[np.dtype(np.float64)]) <= api.WRAPPED_LIMIT


def test_integer_division_is_true_division_in_float32():
    result = ag.tensor([1, 2]) / ag.tensor([2, 4])
    assert result.dtype == np.float32
    np.testing.assert_allclose(result.data, [0.5, 0.5])


def test_reflected_operators_with_numbers_and_arrays():
    x = ag.tensor([1.0, 2.0])
    np.testing.assert_allclose((1 - x).data, [0.0, -1.0])
    np.testing.assert_allclose((2 / x).data, [2.0, 1.0])
    np.testing.assert_allclose((2 ** x).data, [2.0, 4.0])
    result = np.array([1.0, 1.0], dtype=np.float32) * x
    assert isinstance(result, ag.Tensor)
    np.testing.assert_allclose(result.data, [1.0, 2.0])


def test_manual_seed_makes_random_tensors_repeatable():
    ag.manual_seed(42)
    first = (ag.randn(3).data, ag.rand(2).data, ag.randint(0, 10, (4,)).data)
    ag.manual_seed(42)
    second = (ag.randn(3).data, ag.rand(2).data, ag.randint(0, 10, (4,)).data)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_constructors():
    np.testing.assert_array_equal(ag.arange(5).data, np.arange(5))
    assert ag.arange(0, 1, 0.25).dtype == np.float32
    np.testing.assert_allclose(ag.linspace(0, 1, 5).data, [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_array_equal(ag.eye(2).data, np.eye(2))
    assert ag.full((2, 2), 7.0).dtype == np.float32 and ag.full((2,), 3).dtype == np.int64
    assert ag.zeros_like(ag.ones(2, 3, dtype=ag.float64)).dtype == np.float64
    assert ag.ones_like(ag.ones(2)).shape == (2,)
    shared = np.zeros(3)
    ag.from_numpy(shared).data[0] = 1
    assert shared[0] == 1
    copied = np.zeros(3)
    ag.tensor(copied).data[0] = 1
    assert copied[0] == 0


def test_item_tolist_numpy_and_repr():
    x = ag.tensor([[1.0, 2.0]], requires_grad=True)
    assert x.tolist() == [[1.0, 2.0]]
    assert x.sum().item() == 3.0
    assert "requires_grad=True" in repr(x)
    assert "grad_fn=<Sum>" in repr(x.sum())
    assert isinstance(x.numpy(), np.ndarray)
    with pytest.raises(ValueError, match=r"one element.*\(1, 2\)"):
        x.item()


def test_to_changes_dtype_and_gradient_flows_back():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x.to(ag.float64)
    assert y.dtype == np.float64
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.data, [2.0, 4.0])
