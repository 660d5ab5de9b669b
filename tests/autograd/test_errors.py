"""Bad input raises at the call that caused it, naming the shapes, dtypes or values involved."""
import pytest

import autograd as ag


@pytest.mark.parametrize("call, error, message", [
    (lambda: ag.ones(2, 3) @ ag.ones(4, 5), ValueError, r"\(2, 3\) and \(4, 5\)"),
    (lambda: ag.ones(3) @ ag.ones(()), ValueError, r"at least 1-d"),
    (lambda: ag.ones(2, 3, 4) @ ag.ones(5, 4, 2), ValueError, r"batch dimensions"),
    (lambda: ag.ones(2, 3) + ag.ones(4), ValueError, r"\(2,3\).*\(4,\)"),
    (lambda: ag.ones(2, 3).reshape(4, 2), ValueError, r"shape \(2, 3\).*\(4, 2\)"),
    (lambda: ag.ones(2, 3).sum(dim=2), ValueError, r"dim 2 is out of range .* 2 dims"),
    (lambda: ag.ones(2, 3).sum(dim=(0, -2)), ValueError, r"same axis twice"),
    (lambda: ag.ones(2, 3).permute(0, 0), ValueError, r"not a permutation"),
    (lambda: ag.cat([ag.ones(2, 3), ag.ones(2, 4)]), ValueError, r"\[\(2, 3\), \(2, 4\)\]"),
    (lambda: ag.stack([ag.ones(2), ag.ones(3)]), ValueError, r"one shape"),
    (lambda: ag.ones(3).broadcast_to(2, 4), ValueError, r"\(3,\) cannot be broadcast to \(2, 4\)"),
    (lambda: ag.ones(3)[5], IndexError, r"out of bounds.*shape \(3,\)"),
    (lambda: ag.ones(3)[ag.tensor([0.5])], IndexError, r"integer or boolean"),
    (lambda: ag.ones(3).clamp(), ValueError, r"at least one"),
    (lambda: ag.ones(3).div(2, rounding_mode="round"), ValueError, r"rounding_mode .* got 'round'"),
    (lambda: ag.ones(3) & ag.ones(3), ValueError, r"operator & needs integer or boolean operands, got dtype float32"),
    (lambda: ag.tensor([1, 2]) | 1.5, ValueError, r"operator \| .* got dtype float64"),
    (lambda: ~ag.ones(2, dtype=ag.float64), ValueError, r"operator ~ .* got dtype float64"),
    (lambda: ag.tensor([True]) << 1, ValueError, r"operator << needs integer operands, got dtype bool"),
    (lambda: ag.tensor([1, 2]) // ag.tensor([1, 0]), ZeroDivisionError, r"div: integer division by zero"),
    (lambda: ag.tensor([1, 2]) % 0, ZeroDivisionError, r"remainder: integer division by zero"),
    (lambda: ag.gelu(ag.ones(2), approximate="fast"), ValueError, r"approximate .* got 'fast'"),
    (lambda: ag.hardtanh(ag.ones(2), 1.0, -1.0), ValueError, r"min_val 1.0 is greater than max_val -1.0"),
    (lambda: ag.round(ag.ones(2), decimals=1.5), ValueError, r"decimals must be an int, got 1.5"),
    (lambda: ag.isclose(ag.ones(2), ag.ones(2), rtol=-1.0), ValueError, r"rtol=-1.0"),
    (lambda: ag.where(ag.ones(2), ag.ones(2), 0.0), ValueError, r"boolean"),
    (lambda: ag.tensor(["a"]), ValueError, r"cannot make a tensor"),
    (lambda: ag.zeros(2, dtype="float16"), ValueError, r"float16 is not supported"),
    (lambda: ag.ones(2).amax(dim=5), ValueError, r"dim 5"),
    (lambda: ag.zeros(0).amax(), ValueError, r"empty tensor"),
    (lambda: ag.pad(ag.ones(2), (1,)), ValueError, r"pairs"),
    (lambda: ag.gradcheck(lambda x: x.sum(), (ag.ones(2, requires_grad=True),)), ValueError, r"float64"),
])
def test_bad_input_raises_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_gradcheck_reports_a_wrong_gradient():
    class WrongSquare(ag.Function):
        def forward(self, x):
            return x * x

        def backward(self, xp, grad, x):
            return (grad * 3 * x,)

    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    with pytest.raises(ag.GradcheckError, match="does not match"):
        ag.gradcheck(lambda t: WrongSquare.apply(t), (x,))


def test_mismatched_shapes_are_never_broadcast_silently_in_backward():
    x = ag.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"gradient has shape \(1,\) but the output has shape \(3,\)"):
        (x * 2).backward(ag.ones(1))
    assert x.grad is None
