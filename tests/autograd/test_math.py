"""Elementwise math, logic and casts beyond the registry's numpy references: PyTorch's dtype
rules, values at special points (worked by hand), and integer and boolean behaviour."""
import numpy as np
import pytest

import autograd as ag

INTS = ag.tensor([7, -7, 6, -6])


@pytest.mark.parametrize("result, expected, dtype", [
    (lambda: INTS // 2, [3, -4, 3, -3], ag.int64),
    (lambda: INTS // -2, [-4, 3, -3, 3], ag.int64),
    (lambda: INTS.div(2, rounding_mode="trunc"), [3, -3, 3, -3], ag.int64),
    (lambda: INTS / 2, [3.5, -3.5, 3.0, -3.0], ag.float32),
    (lambda: INTS % 3, [1, 2, 0, 0], ag.int64),
    (lambda: INTS % -3, [-2, -1, 0, 0], ag.int64),
    (lambda: ag.fmod(INTS, 3), [1, -1, 0, 0], ag.int64),
    (lambda: 20 // INTS, [2, -3, 3, -4], ag.int64),
    (lambda: 20 % INTS, [6, -1, 2, -4], ag.int64),
    (lambda: INTS // 2.0, [3.0, -4.0, 3.0, -3.0], ag.float32),
    (lambda: ag.tensor([7.5, -7.5]) // 2, [3.0, -4.0], ag.float32),
    (lambda: ag.tensor([7.5, -7.5]) % 2, [1.5, 0.5], ag.float32),
    (lambda: ag.fmod(ag.tensor([7.5, -7.5]), 2), [1.5, -1.5], ag.float32),
    (lambda: ag.copysign(INTS, -1), [-7.0, -7.0, -6.0, -6.0], ag.float32),
    (lambda: ag.floor(INTS), [7, -7, 6, -6], ag.int64),
    (lambda: ag.round(INTS), [7, -7, 6, -6], ag.int64),
    (lambda: ag.sign(INTS), [1, -1, 1, -1], ag.int64),
    (lambda: ag.sqrt(INTS.abs()), np.sqrt([7.0, 7.0, 6.0, 6.0]), ag.float32),
])
def test_dtype_rules_as_pytorch(result, expected, dtype):
    out = result()
    assert out.dtype == dtype
    np.testing.assert_allclose(out.data, expected, rtol=1e-6)


def test_round_is_half_to_even_at_any_decimals():
    x = ag.tensor([0.5, 1.5, 2.5, -2.5, 0.25, 0.35], dtype=ag.float64)
    assert ag.round(x).tolist() == [0.0, 2.0, 2.0, -2.0, 0.0, 0.0]
    # Scaled by 10 before rounding (as PyTorch): 2.5 goes to the even 2; 0.35 (a little below it in
    # binary) times 10 rounds to exactly 3.5, which goes to the even 4.
    assert ag.round(x[4:], decimals=1).tolist() == [0.2, 0.4]
    assert ag.round(ag.tensor([1250.0, 1350.0, -15.0]), decimals=-2).tolist() == [1200.0, 1400.0, -0.0]


@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc", "sign"])
def test_rounding_ops_pass_a_zero_gradient(name):
    x = ag.tensor([-1.5, 0.0, 0.3, 2.0], dtype=ag.float64, requires_grad=True)
    (getattr(ag, name)(x) * 3).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 0.0]


def test_rounding_division_has_a_zero_gradient():
    a = ag.tensor([7.5, -3.0], dtype=ag.float64, requires_grad=True)
    b = ag.tensor([2.0, 4.0], dtype=ag.float64, requires_grad=True)
    (a // b + a.div(b, rounding_mode="trunc")).sum().backward()
    assert a.grad.tolist() == [0.0, 0.0] and b.grad.tolist() == [0.0, 0.0]


def test_remainder_gradients_by_hand():
    # d/da (a % b) = 1; d/db (a % b) = -floor(a / b), and -trunc(a / b) for fmod.
    a = ag.tensor([7.5, -7.5], dtype=ag.float64, requires_grad=True)
    b = ag.tensor([2.0, 2.0], dtype=ag.float64, requires_grad=True)
    (a % b).sum().backward()
    assert a.grad.tolist() == [1.0, 1.0] and b.grad.tolist() == [-3.0, 4.0]
    a.grad = b.grad = None
    ag.fmod(a, b).sum().backward()
    assert a.grad.tolist() == [1.0, 1.0] and b.grad.tolist() == [-3.0, 3.0]


def test_copysign_follows_the_sign_bit_of_minus_zero():
    out = ag.copysign(ag.tensor([1.0, 2.0, 3.0]), ag.tensor([-0.0, 0.0, -5.0]))
    assert out.tolist() == [-1.0, 2.0, -3.0]


@pytest.mark.parametrize("a, b, expected", [
    ([True, True, False], [True, False, False], {"&": [True, False, False], "|": [True, True, False],
                                                 "^": [False, True, False]}),
    ([12, -1, 5], [10, 6, 0], {"&": [8, 6, 0], "|": [14, -1, 5], "^": [6, -7, 5]}),
])
def test_bitwise_operators_on_bool_and_int64(a, b, expected):
    x, y = ag.tensor(a), ag.tensor(b)
    for symbol, result in (("&", x & y), ("|", x | y), ("^", x ^ y)):
        assert result.dtype == x.dtype and result.tolist() == expected[symbol]


def test_invert_and_shifts():
    assert (~ag.tensor([True, False])).tolist() == [False, True]
    assert (~ag.tensor([0, 5, -1])).tolist() == [-1, -6, 0]
    assert (ag.tensor([1, -3, 5]) << ag.tensor([3, 1, 0])).tolist() == [8, -6, 5]
    assert (ag.tensor([16, -16, 5]) >> 2).tolist() == [4, -4, 1]  # arithmetic: the sign is kept


def test_logical_ops_take_any_dtype_and_give_bool():
    x, y = ag.tensor([0.0, 2.0, -1.0]), ag.tensor([3, 0, 1])
    assert ag.logical_and(x, y).tolist() == [False, False, True]
    assert ag.logical_or(x, y).tolist() == [True, True, True]
    assert ag.logical_xor(x, y).tolist() == [True, True, False]
    assert ag.logical_not(y).tolist() == [False, True, False]
    assert x.logical_and(y).dtype == ag.bool


def test_isclose_and_allclose_follow_pytorchs_rule():
    a = ag.tensor([1.0, 1.0, float("inf"), float("nan"), 0.0], dtype=ag.float64)
    b = ag.tensor([1.0 + 9e-6, 1.0 + 2e-5, float("inf"), float("nan"), 1e-8], dtype=ag.float64)
    # |a - b| <= atol + rtol * |b|: 9e-6 <= 1e-8 + 1e-5 * 1.000009, but 2e-5 is not.
    assert ag.isclose(a, b).tolist() == [True, False, True, False, True]
    assert ag.isclose(a, b, equal_nan=True).tolist() == [True, False, True, True, True]
    assert ag.isclose(a, b, rtol=0.0, atol=0.0).tolist() == [False, False, True, False, False]
    assert ag.allclose(a[:1], b[:1]) is True and ag.allclose(a, b, equal_nan=True) is False


@pytest.mark.parametrize("method, dtype", [("float", ag.float32), ("double", ag.float64), ("long", ag.int64),
                                           ("int", ag.int64), ("bool", ag.bool)])
def test_cast_methods(method, dtype):
    out = getattr(ag.tensor([-1.7, 0.0, 2.5], dtype=ag.float64), method)()
    assert out.dtype == dtype
    assert out.tolist() == np.array([-1.7, 0.0, 2.5]).astype(dtype).tolist()


def test_type_as_and_to_keep_the_gradient():
    x = ag.tensor([1.5, -2.0], requires_grad=True)
    y = x.type_as(ag.zeros(1, dtype=ag.float64))
    assert y.dtype == ag.float64
    (y * y).sum().backward()
    assert x.grad.dtype == ag.float32 and x.grad.tolist() == [3.0, -4.0]
    assert x.to(ag.int64).tolist() == [1, -2]


# --- the parity points of issue 13: values at 0 worked by hand ------------------------------------
@pytest.mark.parametrize("exponent, value, grad", [
    (0, 1.0, 0.0),              # x ** 0 is 1 everywhere: gradient 0, not 0 * 0 ** -1 = nan
    (0.0, 1.0, 0.0),
    (2, 0.0, 0.0),
    (0.5, 0.0, float("inf")),   # 0.5 * 0 ** -0.5
    (-1, float("inf"), float("-inf")),
])
def test_pow_at_zero_with_a_constant_exponent(exponent, value, grad):
    x = ag.tensor([0.0], dtype=ag.float64, requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = x ** exponent
        y.sum().backward()
    assert y.item() == value and x.grad.item() == grad


def test_pow_of_zero_base_gradient_in_the_exponent():
    # d/dy 0 ** y = 0 ** y * log(0): 0 for y >= 0 (PyTorch's choice), -inf for y < 0 (inf * -inf).
    y = ag.tensor([0.0, 2.0, -1.0], dtype=ag.float64, requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = ag.pow(ag.zeros(3, dtype=ag.float64), y)
        out.sum().backward()
    assert out.tolist() == [1.0, 0.0, float("inf")]
    assert y.grad.tolist() == [0.0, 0.0, float("-inf")]


def test_pow_with_tensor_exponent_zero_at_base_zero():
    x = ag.tensor([0.0, 0.0], dtype=ag.float64, requires_grad=True)
    e = ag.tensor([0.0, 1.0], dtype=ag.float64, requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        (x ** e).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0] and e.grad.tolist() == [0.0, 0.0]


def test_sqrt_at_zero_has_an_infinite_gradient():
    x = ag.tensor([0.0, 4.0], dtype=ag.float64, requires_grad=True)
    with np.errstate(divide="ignore"):
        x.sqrt().sum().backward()
    assert x.grad.tolist() == [float("inf"), 0.25]


@pytest.mark.parametrize("a, b, expected, dtype", [
    (1.5, -2.0, [1.5, -2.0], ag.float32),   # two Python floats: PyTorch's default dtype
    (3, -1, [3, -1], ag.int64),
    (2, 0.5, [2.0, 0.5], ag.float32),
    (True, False, [True, False], ag.bool),
])
def test_where_with_two_numbers(a, b, expected, dtype):
    out = ag.where(ag.tensor([True, False]), a, b)
    assert out.dtype == dtype and out.tolist() == expected


def test_where_with_a_number_on_either_side_keeps_the_tensors_dtype_and_gradient():
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    condition = ag.tensor([True, False])
    left, right = ag.where(condition, 5, x), ag.where(condition, x, 0.5)
    assert left.dtype == right.dtype == ag.float64
    assert left.tolist() == [5.0, 2.0] and right.tolist() == [1.0, 0.5]
    (left + 10 * right).sum().backward()
    assert x.grad.tolist() == [10.0, 1.0]


def test_clamp_with_min_above_max_gives_max_everywhere_and_no_gradient():
    x = ag.tensor([-3.0, 0.0, 0.7, 3.0], requires_grad=True)
    out = x.clamp(1.0, 0.5)
    assert out.tolist() == [0.5, 0.5, 0.5, 0.5]
    out.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 0.0]


def test_bitwise_operators_with_a_python_number_on_the_left():
    mask = ag.tensor([True, False])
    assert (True & mask).tolist() == [True, False] and (False | mask).tolist() == [True, False]
    assert (True ^ mask).tolist() == [False, True]
    assert (6 & ag.tensor([3, 5])).tolist() == [2, 4] and (1 | ag.tensor([2, 4])).tolist() == [3, 5]
    assert (1 ^ ag.tensor([3])).tolist() == [2]


@pytest.mark.parametrize("function, bounds, slope", [
    (ag.hardtanh, (-1.0, 1.0), 1.0),
    (ag.hardsigmoid, (-3.0, 3.0), 1 / 6),
])
def test_hardtanh_and_hardsigmoid_pass_no_gradient_at_their_bounds(function, bounds, slope):
    # PyTorch's kernels use strict inequalities: gradient 0 at the bounds, unlike clamp's.
    x = ag.tensor([bounds[0], 0.5, bounds[1], 10.0], dtype=ag.float64, requires_grad=True)
    function(x).sum().backward()
    assert x.grad.tolist() == [0.0, slope, 0.0, 0.0]


def test_remainders_gradient_in_b_is_minus_the_floored_quotient_of_a_by_b():
    """1.0 / 0.1 rounds up to 10.0 in float64, but 1.0 // 0.1 is 9 (0.1 is a little over a tenth)."""
    a = ag.tensor([1.0, 7.0], dtype=ag.float64, requires_grad=True)
    b = ag.tensor([0.1, 0.7], dtype=ag.float64, requires_grad=True)
    ag.remainder(a, b).sum().backward()
    np.testing.assert_array_equal(b.grad.data, -np.floor_divide([1.0, 7.0], [0.1, 0.7]))


@pytest.mark.parametrize("expression, expected", [
    (lambda t: 0.3 // t, 0.3 // 0.1), (lambda t: ag.remainder(2.3, t * 10), 2.3 % 1.0),
    (lambda t: ag.div(0.3, t, rounding_mode="floor"), 0.3 // 0.1), (lambda t: ag.fmod(0.7, t), np.fmod(0.7, 0.1))])
def test_a_python_float_on_the_left_takes_the_tensors_dtype(expression, expected):
    result = expression(ag.tensor([0.1], dtype=ag.float64))
    assert result.dtype == np.float64 and result.item() == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("op", [ag.floor, ag.ceil, ag.trunc, ag.round, ag.sign, lambda x: x // 2.0],
                         ids=["floor", "ceil", "trunc", "round", "sign", "floordiv"])
def test_a_zero_gradient_stays_zero_under_an_infinite_upstream_gradient(op):
    x = ag.tensor([1.5, -2.5], requires_grad=True)
    (grad,) = ag.grad(op(x), x, grad_outputs=ag.tensor([np.inf, -np.inf]))
    np.testing.assert_array_equal(grad.data, [0.0, 0.0])


def test_sign_of_nan_is_zero_and_hardtanh_keeps_integers():
    assert ag.sign(ag.tensor([np.nan, -np.inf, 0.0, 3.0])).tolist() == [0.0, -1.0, 0.0, 1.0]
    clipped = ag.hardtanh(ag.tensor([7, -7, 0, 3]), -2, 2)
    assert clipped.dtype == np.int64 and clipped.tolist() == [2, -2, 0, 2]


@pytest.mark.parametrize("alpha", [0.0, -1.0])
def test_celu_refuses_an_alpha_that_is_not_positive(alpha):
    with pytest.raises(ValueError, match=f"celu: alpha must be positive, got {alpha}"):
        ag.celu(ag.ones(2), alpha=alpha)
