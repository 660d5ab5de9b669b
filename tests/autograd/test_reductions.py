"""The reductions of autograd/api.py where PyTorch's answer is particular: max/min along a dim,
var/std with too few elements, sum and mean with a dtype, norm at zero."""
import warnings

import numpy as np
import pytest

import autograd as ag

TIED = [[1.0, 3.0, 3.0, 2.0], [2.0, 2.0, 1.0, 2.0]]


@pytest.mark.parametrize("name, indices, grad", [
    ("max", [1, 0], [[0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]]),
    ("min", [0, 2], [[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])])
def test_max_and_min_along_a_dim_send_the_gradient_to_the_returned_index(name, indices, grad):
    x = ag.tensor(TIED, requires_grad=True)
    result = getattr(x, name)(1)
    assert result.indices.dtype == ag.int64 and result.indices.tolist() == indices
    np.testing.assert_array_equal(result.values.data, getattr(np, name)(TIED, axis=1))
    result.values.sum().backward()
    np.testing.assert_array_equal(x.grad.data, grad)


@pytest.mark.parametrize("kwargs, shape, share", [
    ({"dim": (0, 1)}, (), 1 / 2), ({"keepdim": True}, (1, 1), 1 / 2), ({"dim": (1,), "keepdim": True}, (2, 1), None)])
def test_max_over_several_dims_reduces_like_amax(kwargs, shape, share):
    x = ag.tensor(TIED, requires_grad=True)
    result = ag.max(x, **kwargs)
    assert result.shape == shape
    result.sum().backward()
    if share is not None:  # the two tied 3s share the gradient
        np.testing.assert_array_equal(x.grad.data, [[0.0, share, share, 0.0], [0.0, 0.0, 0.0, 0.0]])
    else:  # row 2 has three tied 2s
        np.testing.assert_allclose(x.grad.data, [[0.0, 0.5, 0.5, 0.0], [1 / 3, 1 / 3, 0.0, 1 / 3]])


@pytest.mark.parametrize("shape, kwargs, value, grad", [
    ((1,), {"dim": 0}, np.nan, [np.nan]),                           # n - correction = 0: 0 / 0
    ((2,), {"dim": 0, "correction": 3}, np.inf, [1.0, -1.0]),       # divides by max(0, -1); grad by -1
    ((0, 2), {"dim": 0}, [np.nan, np.nan], np.zeros((0, 2)))])
def test_var_with_too_few_elements_warns_and_answers_as_pytorch(shape, kwargs, value, grad):
    x = ag.tensor(np.arange(2.0, 2.0 + np.prod(shape)).reshape(shape), dtype=ag.float64, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = x.var(**kwargs)
        result.sum().backward()
    assert len(caught) == 1 and caught[0].category is UserWarning and caught[0].filename == __file__
    assert str(caught[0].message).startswith("var(): degrees of freedom is <= 0")
    np.testing.assert_array_equal(result.data, value)
    np.testing.assert_array_equal(x.grad.data, grad)


@pytest.mark.parametrize("name", ["std", "var_mean", "std_mean"])
def test_the_others_warn_in_their_own_name_at_their_caller(name):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = getattr(ag, name)(ag.tensor([1.0]))
    assert len(caught) == 1 and caught[0].filename == __file__
    assert str(caught[0].message).startswith(f"{name}(): degrees of freedom is <= 0")
    assert np.isnan((result[0] if isinstance(result, tuple) else result).item())


@pytest.mark.parametrize("name, expected", [("var_mean", (7 / 3, 7 / 3)), ("std_mean", (np.sqrt(7 / 3), 7 / 3))])
def test_spread_and_mean_together(name, expected):
    spread, mean = getattr(ag, name)(ag.tensor([1.0, 2.0, 4.0], dtype=ag.float64))
    assert (spread.item(), mean.item()) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("data, kwargs, dtype, value", [
    ([True, True, False], {}, ag.int64, 2), ([1, 2, 3], {}, ag.int64, 6),
    ([1, 2, 3], {"dtype": ag.float64}, ag.float64, 6.0), ([1.5, 2.0], {"dtype": ag.float64}, ag.float64, 3.5)])
def test_sum_dtype_as_pytorch(data, kwargs, dtype, value):
    result = ag.tensor(data).sum(**kwargs)
    assert result.dtype == dtype and result.item() == value


def test_mean_dtype_casts_first_and_must_be_floating():
    assert ag.tensor([1, 2]).mean(dtype=ag.float64).dtype == ag.float64
    with pytest.raises(ValueError, match="mean: dtype must be a floating dtype, got int64"):
        ag.tensor([1, 2]).mean(dtype=ag.int64)


@pytest.mark.parametrize("p, value", [("fro", 5.0), (2, 5.0), (1, 7.0), (3, 91 ** (1 / 3)), (0.5, (3 ** 0.5 + 2) ** 2),
                                      (float("inf"), 4.0), (float("-inf"), 3.0), (0, 2.0), (-1, 12 / 7)])
def test_norm_values(p, value):
    assert ag.tensor([3.0, -4.0], dtype=ag.float64).norm(p).item() == pytest.approx(value, rel=1e-14)


@pytest.mark.parametrize("p", ["fro", 1, 0.5, 3, float("inf"), float("-inf"), -1])
def test_norm_gradient_at_zero_is_zero(p):
    x = ag.zeros(2, 3, dtype=ag.float64, requires_grad=True)
    x.norm(p, dim=1).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros((2, 3)))


def test_norm_gradient_skips_zero_elements():
    x = ag.tensor([0.0, 1.0, -1.0], dtype=ag.float64, requires_grad=True)
    x.norm(0.5).backward()  # (2 * 1)^2 = 4; d/dx = sign(x) |x|^-0.5 * 4^0.5, and 0 at 0
    np.testing.assert_array_equal(x.grad.data, [0.0, 2.0, -2.0])


def test_norm_0_counts_nonzeros_and_has_no_gradient():
    x = ag.tensor([0.0, 1.0, -2.0], requires_grad=True)
    x.norm(0).backward()
    assert x.grad is None


@pytest.mark.parametrize("call, message", [
    (lambda: ag.ones(2).norm("nuc"), r"norm: p must be a number \(inf and -inf included\) or 'fro', got 'nuc'"),
    (lambda: ag.tensor([1, 2]).norm(), "norm needs a floating-point tensor, got dtype int64"),
    (lambda: ag.ones(2, 3).norm(dim=2), "norm: dim 2 is out of range for a tensor with 2 dims"),
    (lambda: ag.ones(2, 3).max(2), "max: dim 2 is out of range for a tensor with 2 dims"),
])
def test_bad_arguments_raise_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("function", [lambda x: x.std(1), lambda x: ag.std_mean(x, 1)[0]], ids=["std", "std_mean"])
def test_std_has_gradient_zero_where_it_is_zero(function):
    """sqrt's own gradient at 0 is inf, and inf * 0 would make every element's gradient nan."""
    x = ag.tensor([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]], dtype=ag.float64, requires_grad=True)
    function(x).sum().backward()
    row = np.array([1.0, 2.0, 4.0])
    expected = (row - row.mean()) / (2 * np.std(row, ddof=1))  # d std / dx = (x - mean) / ((n - 1) std)
    np.testing.assert_array_equal(x.grad.data[0], np.zeros(3))
    np.testing.assert_allclose(x.grad.data[1], expected, rtol=1e-12)


@pytest.mark.parametrize("name, expected", [("sum", 10.0), ("mean", 2.5), ("var", 5 / 3), ("amax", 4.0),
                                            ("amin", 1.0), ("norm", np.sqrt(30.0))])
def test_an_empty_tuple_of_dims_reduces_over_every_dim(name, expected):
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=ag.float64)
    assert getattr(x, name)(dim=()).item() == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("reduce", [lambda x: x.max(1).values, lambda x: x.min(1).values, lambda x: x.amax(1),
                                    lambda x: x.argmax(1)], ids=["max", "min", "amax", "argmax"])
def test_an_empty_batch_reduces_over_a_dim_that_is_not_empty(reduce):
    assert reduce(ag.zeros(0, 3)).shape == (0,)


def test_a_reduction_over_an_empty_dim_names_it():
    with pytest.raises(ValueError, match=r"max of an empty tensor of shape \(0, 3\) over dim 0"):
        ag.zeros(0, 3).max(0)
