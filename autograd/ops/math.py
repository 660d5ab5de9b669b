"""More elementwise math: inverse trigonometric and hyperbolic functions, logarithms and
exponentials in other bases, rounding, erf, and the remainders and rounding divisions.

Each op names its numpy ufunc once: the eager forward calls it on arrays and `scalar` calls the
function of the same name on `xp` (the compiler's fused kernels, see `compiler/fusion.py`).
Gradients are PyTorch's: rounding ops and rounding divisions pass a zero gradient.
"""
import math

import numpy as np

from .. import kernels
from ..function import Function
from .elementwise import as_float, promote, promote_to_float

LN2, LN10 = math.log(2.0), math.log(10.0)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class _FloatUnary(Function):
    """`ufunc(x)` computed in floating point (integer inputs give float32, as PyTorch)."""

    ufunc = None

    def forward(self, x):
        return self.ufunc(as_float(x))

    def scalar(self, xp, x):
        return getattr(xp, self.ufunc.__name__)(x)


class Tan(_FloatUnary):
    saves_output = True
    ufunc = staticmethod(np.tan)

    def backward(self, xp, grad, x, out):
        return (grad * (1 + out * out),)


class Arcsin(_FloatUnary):
    ufunc = staticmethod(np.arcsin)

    def backward(self, xp, grad, x):
        return (grad * (1 - x * x) ** -0.5,)


class Arccos(_FloatUnary):
    ufunc = staticmethod(np.arccos)

    def backward(self, xp, grad, x):
        return (-grad * (1 - x * x) ** -0.5,)


class Arctan(_FloatUnary):
    ufunc = staticmethod(np.arctan)

    def backward(self, xp, grad, x):
        return (grad / (1 + x * x),)


class Sinh(_FloatUnary):
    ufunc = staticmethod(np.sinh)

    def backward(self, xp, grad, x):
        return (grad * xp.cosh(x),)


class Cosh(_FloatUnary):
    ufunc = staticmethod(np.cosh)

    def backward(self, xp, grad, x):
        return (grad * xp.sinh(x),)


class Arcsinh(_FloatUnary):
    ufunc = staticmethod(np.arcsinh)

    def backward(self, xp, grad, x):
        return (grad * (x * x + 1) ** -0.5,)


class Arccosh(_FloatUnary):
    ufunc = staticmethod(np.arccosh)

    def backward(self, xp, grad, x):
        return (grad * (x * x - 1) ** -0.5,)


class Arctanh(_FloatUnary):
    ufunc = staticmethod(np.arctanh)

    def backward(self, xp, grad, x):
        return (grad / (1 - x * x),)


class Log2(_FloatUnary):
    ufunc = staticmethod(np.log2)

    def backward(self, xp, grad, x):
        return (grad / (x * LN2),)


class Log10(_FloatUnary):
    ufunc = staticmethod(np.log10)

    def backward(self, xp, grad, x):
        return (grad / (x * LN10),)


class Log1p(_FloatUnary):
    """log(1 + x), accurate for small x."""

    ufunc = staticmethod(np.log1p)

    def backward(self, xp, grad, x):
        return (grad / (x + 1),)


class Exp2(_FloatUnary):
    saves_output = True
    ufunc = staticmethod(np.exp2)

    def backward(self, xp, grad, x, out):
        return (grad * out * LN2,)


class Expm1(_FloatUnary):
    """exp(x) - 1, accurate for small x."""

    saves_output = True
    ufunc = staticmethod(np.expm1)

    def backward(self, xp, grad, x, out):
        return (grad * (out + 1),)


class Rsqrt(Function):
    """1 / sqrt(x)."""

    saves_output = True

    def forward(self, x):
        return 1 / np.sqrt(as_float(x))

    def scalar(self, xp, x):
        return 1 / xp.sqrt(x)

    def backward(self, xp, grad, x, out):
        return (grad * -0.5 * out * out * out,)


class Erf(Function):
    def forward(self, x):
        return kernels.erf(as_float(x))

    def scalar(self, xp, x):
        return xp.erf(x)

    def backward(self, xp, grad, x):
        return (grad * TWO_OVER_SQRT_PI * xp.exp(-x * x),)


class Hardtanh(Function):
    """x clipped to [low, high]; the gradient passes strictly inside (PyTorch's hardtanh, where
    clamp's passes at the bounds too)."""

    def forward(self, x, low, high):
        return np.minimum(np.maximum(x, low), high).astype(x.dtype, copy=False)  # integers stay integers

    def scalar(self, xp, x):
        return xp.minimum(xp.maximum(x, self.options["low"]), self.options["high"])

    def backward(self, xp, grad, x):
        return (xp.where((x > self.options["low"]) & (x < self.options["high"]), grad, 0.0),)


# --- piecewise constant: a zero gradient, integer inputs kept as they are -----------------------
class _Stepwise(Function):
    """`ufunc(x)` with a zero gradient; integer tensors come back unchanged (as PyTorch)."""

    ufunc = None

    def forward(self, x):
        return x.copy() if x.dtype.kind in "biu" else self.ufunc(x)

    def scalar(self, xp, x):
        return getattr(xp, self.ufunc.__name__)(x)

    def backward(self, xp, grad, x):
        return (xp.zeros_like(grad),)


class Floor(_Stepwise):
    ufunc = staticmethod(np.floor)


class Ceil(_Stepwise):
    ufunc = staticmethod(np.ceil)


class Trunc(_Stepwise):
    ufunc = staticmethod(np.trunc)


class Sign(_Stepwise):
    """-1, 0 or 1 by the sign of each element."""

    ufunc = staticmethod(np.sign)

    def forward(self, x):
        if x.dtype.kind == "f":
            return np.sign(np.nan_to_num(x, nan=0.0, posinf=1.0, neginf=-1.0))  # sign(nan) is 0, as PyTorch
        return x.copy() if x.dtype.kind == "b" else np.sign(x)


class Round(_Stepwise):
    """Round half to even, at `decimals` places (negative: tens, hundreds, ...) as PyTorch."""

    def forward(self, x, decimals):
        if x.dtype.kind in "biu":
            return x.copy()
        if decimals == 0:
            return np.rint(x)
        scale = x.dtype.type(10.0 ** abs(decimals))
        return np.rint(x * scale) / scale if decimals > 0 else np.rint(x / scale) * scale

    def scalar(self, xp, x):
        if self.options["decimals"]:
            # A fused loop may divide by multiplying with the reciprocal (fastmath), one ulp off
            # the eager result: with decimals the op stays a numpy call.
            raise TypeError("round with decimals is not fused")
        return xp.rint(x)


# --- binary ------------------------------------------------------------------------------------
def promote_checking_zero(a, b, name):
    """`promote(a, b)`, refusing an integer division by zero (numpy would give 0 silently)."""
    a, b = promote(a, b)
    dtype = (a if type(a) is np.ndarray else b).dtype
    if dtype.kind in "biu" and not np.all(b):
        raise ZeroDivisionError(f"{name}: integer division by zero (a divisor of dtype {dtype} holds 0)")
    return a, b


class Copysign(Function):
    """|a| with the sign of b (b's sign bit: -0.0 counts as negative)."""

    saves_output = True

    def forward(self, a, b):
        a, b = promote_to_float(a, b)
        return np.copysign(a, b)

    def scalar(self, xp, a, b):
        return xp.copysign(a, b)

    def backward(self, xp, grad, a, b, out):
        grad_a = grad * xp.sign(a) * xp.sign(out) if self.needs(0) else None
        return grad_a, (xp.zeros_like(grad) if self.needs(1) else None)


class _Remainder(Function):
    """a - rounded(a / b) * b, `quotient` naming the rounding; its gradient in b is -rounded(a / b)."""

    ufunc = None

    def forward(self, a, b):
        a, b = promote_checking_zero(a, b, self.ufunc.__name__)
        return self.ufunc(a, b)

    def scalar(self, xp, a, b):
        return getattr(xp, self.ufunc.__name__)(a, b)

    def backward(self, xp, grad, a, b):
        return grad, (-grad * self.quotient(xp, a, b) if self.needs(1) else None)


class Fmod(_Remainder):
    """a - trunc(a / b) * b: the remainder with the sign of a (C's fmod)."""

    ufunc = staticmethod(np.fmod)

    @staticmethod
    def quotient(xp, a, b):
        return xp.trunc(a / b)


class Remainder(_Remainder):
    """a - floor(a / b) * b: the remainder with the sign of b (Python's %)."""

    ufunc = staticmethod(np.remainder)

    @staticmethod
    def quotient(xp, a, b):
        return xp.floor_divide(a, b)  # a // b, as PyTorch: floor(a / b) can round up to the next integer


class RoundingDiv(Function):
    """a / b rounded toward zero (`rounding_mode="trunc"`) or down ("floor"); integers stay
    integers, and the gradient is zero (as PyTorch)."""

    def forward(self, a, b, rounding_mode):
        a, b = promote_checking_zero(a, b, "div")
        dtype = (a if type(a) is np.ndarray else b).dtype
        if rounding_mode == "floor":
            return np.floor_divide(a, b)
        if dtype.kind == "f":
            return np.trunc(a / b)
        return np.floor_divide(np.abs(a), np.abs(b)) * (np.sign(a) * np.sign(b))

    def scalar(self, xp, a, b):
        return xp.floor_divide(a, b) if self.options["rounding_mode"] == "floor" else xp.trunc(a / b)

    def backward(self, xp, grad, a, b):
        zero = xp.zeros_like(grad)  # not grad * 0, which is nan where grad is inf
        return (zero if self.needs(0) else None), (zero if self.needs(1) else None)
