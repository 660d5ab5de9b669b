"""Elementwise primitives: each forward on numpy arrays beside its derivative rule.

Broadcasting is handled by the engine: a backward may return a gradient in the output's
(broadcast) shape, and `backends.unbroadcast` sums it back to the input's shape.

`scalar(xp, *inputs)` is the forward on one element, for the compiler's fused kernels (see
`compiler/fusion.py`): written with operators and `xp`'s math, it is traced, not run on arrays.
"""
import numpy as np

from .. import kernels
from ..dtypes import DEFAULT_FLOAT, result_dtype
from ..function import Function


def promote(a, b):
    """Cast array operands to the dtype PyTorch would compute `a op b` in."""
    if type(a) is type(b) is np.ndarray and a.dtype is b.dtype:
        return a, b  # the commonest case: operators make numbers 0-d arrays of a's dtype
    a_is_array, b_is_array = type(a) is np.ndarray, type(b) is np.ndarray
    if a_is_array != b_is_array:
        array, scalar = (a, b) if a_is_array else (b, a)
        if array.dtype.kind == "f" and not isinstance(scalar, complex):
            return a, b  # numpy's weak Python scalars already agree with PyTorch's here
    dtype = result_dtype(a, b)
    if a_is_array and a.dtype != dtype:
        a = a.astype(dtype)
    if b_is_array and b.dtype != dtype:
        b = b.astype(dtype)
    return a, b


def promote_to_float(a, b):
    """`promote(a, b)`, then float32 where that gives an integer or boolean dtype (true division)."""
    a, b = promote(a, b)
    if (a if type(a) is np.ndarray else b).dtype.kind == "f":
        return a, b
    return (np.asarray(a, DEFAULT_FLOAT) if type(a) is np.ndarray else a,
            np.asarray(b, DEFAULT_FLOAT) if type(b) is np.ndarray else b)


def as_float(x):
    return x if x.dtype.kind == "f" else x.astype(DEFAULT_FLOAT)


class Add(Function):
    def forward(self, a, b):
        a, b = promote(a, b)
        return a + b

    def scalar(self, xp, a, b):
        return a + b

    def backward(self, xp, grad, a, b):
        return grad, grad


class Sub(Function):
    def forward(self, a, b):
        a, b = promote(a, b)
        return a - b

    def scalar(self, xp, a, b):
        return a - b

    def backward(self, xp, grad, a, b):
        return grad, -grad


class Mul(Function):
    def forward(self, a, b):
        a, b = promote(a, b)
        return a * b

    def scalar(self, xp, a, b):
        return a * b

    def backward(self, xp, grad, a, b):
        return (grad * b if self.needs(0) else None), (grad * a if self.needs(1) else None)


class Div(Function):
    def forward(self, a, b):
        a, b = promote_to_float(a, b)
        return a / b

    def scalar(self, xp, a, b):
        return a / b

    def backward(self, xp, grad, a, b):
        grad_a = grad / b
        return grad_a, (-grad_a * a / b if self.needs(1) else None)


class Pow(Function):
    saves_output = True

    def forward(self, a, b):
        a, b = promote(a, b)
        return a ** b

    def scalar(self, xp, a, b):
        return a ** b

    def backward(self, xp, grad, a, b, out):
        # As PyTorch: x ** 0 has gradient 0 even at x = 0 (where b * a ** (b - 1) is 0 * inf), and
        # 0 ** y has gradient 0 in y for y >= 0 (where out * log(a) is 0 * -inf).
        grad_a = grad_b = None
        if self.needs(0):
            grad_a = grad * b * a ** (b - 1)
            if not _nonzero_number(b):
                grad_a = xp.where(b == 0, 0.0, grad_a)
        if self.needs(1):
            grad_b = grad * xp.where((a == 0) & (b >= 0), 0.0, out * xp.log(a))
        return grad_a, grad_b


def _nonzero_number(b):
    """Whether b is one number (a 0-d array or a Python number) other than 0; checked cheaply."""
    if type(b) is np.ndarray:
        return b.ndim == 0 and b.item() != 0
    return type(b) in (float, int) and b != 0


class Maximum(Function):
    """max(a, b) elementwise; at ties the gradient is split evenly, as in PyTorch."""

    def forward(self, a, b):
        a, b = promote(a, b)
        return np.maximum(a, b)

    def scalar(self, xp, a, b):
        return xp.maximum(a, b)

    def backward(self, xp, grad, a, b):
        share = xp.where(a == b, grad * 0.5, grad)
        return xp.where(a >= b, share, 0.0), xp.where(b >= a, share, 0.0)


class Minimum(Function):
    """min(a, b) elementwise; at ties the gradient is split evenly, as in PyTorch."""

    def forward(self, a, b):
        a, b = promote(a, b)
        return np.minimum(a, b)

    def scalar(self, xp, a, b):
        return xp.minimum(a, b)

    def backward(self, xp, grad, a, b):
        share = xp.where(a == b, grad * 0.5, grad)
        return xp.where(a <= b, share, 0.0), xp.where(b <= a, share, 0.0)


class Neg(Function):
    def forward(self, x):
        return -x

    def scalar(self, xp, x):
        return -x

    def backward(self, xp, grad, x):
        return (-grad,)


class Exp(Function):
    saves_output = True

    def forward(self, x):
        return np.exp(as_float(x))

    def scalar(self, xp, x):
        return xp.exp(x)

    def backward(self, xp, grad, x, out):
        return (grad * out,)


class Log(Function):
    def forward(self, x):
        return np.log(as_float(x))

    def scalar(self, xp, x):
        return xp.log(x)

    def backward(self, xp, grad, x):
        return (grad / x,)


class Sqrt(Function):
    saves_output = True

    def forward(self, x):
        return np.sqrt(as_float(x))

    def scalar(self, xp, x):
        return xp.sqrt(x)

    def backward(self, xp, grad, x, out):
        return (grad / (2 * out),)


class Abs(Function):
    def forward(self, x):
        return np.abs(x)

    def scalar(self, xp, x):
        return xp.abs(x)

    def backward(self, xp, grad, x):
        return (grad * xp.sign(x),)


class Sin(Function):
    def forward(self, x):
        return np.sin(as_float(x))

    def scalar(self, xp, x):
        return xp.sin(x)

    def backward(self, xp, grad, x):
        return (grad * xp.cos(x),)


class Cos(Function):
    def forward(self, x):
        return np.cos(as_float(x))

    def scalar(self, xp, x):
        return xp.cos(x)

    def backward(self, xp, grad, x):
        return (-grad * xp.sin(x),)


class Tanh(Function):
    saves_output = True

    def forward(self, x):
        return np.tanh(as_float(x))

    def scalar(self, xp, x):
        return xp.tanh(x)

    def backward(self, xp, grad, x, out):
        return (xp.tanh_backward(grad, out),)


class Sigmoid(Function):
    saves_output = True

    def forward(self, x):
        return kernels.sigmoid(as_float(x))

    def scalar(self, xp, x):
        return xp.sigmoid(x)

    def backward(self, xp, grad, x, out):
        return (xp.sigmoid_backward(grad, out),)


class Relu(Function):
    saves_output = True

    def forward(self, x):
        return np.maximum(x, 0)

    def scalar(self, xp, x):
        return xp.maximum(x, 0)

    def backward(self, xp, grad, x, out):
        return (xp.relu_backward(grad, out),)


class LeakyRelu(Function):
    def forward(self, x, negative_slope):
        return np.where(x > 0, x, x * negative_slope)

    def scalar(self, xp, x):
        return xp.where(x > 0, x, x * self.options["negative_slope"])

    def backward(self, xp, grad, x):
        return (xp.where(x > 0, grad, grad * self.options["negative_slope"]),)


class Elu(Function):
    saves_output = True

    def forward(self, x, alpha):
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))

    def scalar(self, xp, x):
        return xp.where(x > 0, x, self.options["alpha"] * xp.expm1(xp.minimum(x, 0)))

    def backward(self, xp, grad, x, out):
        return (xp.where(x > 0, grad, grad * (out + self.options["alpha"])),)


class Softplus(Function):
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (as PyTorch)."""

    def forward(self, x, beta, threshold):
        scaled = x * beta
        return np.where(scaled > threshold, x, np.logaddexp(0, scaled) / beta)

    def scalar(self, xp, x):
        beta, threshold = self.options["beta"], self.options["threshold"]
        return xp.where(x * beta > threshold, x, xp.log1p(xp.exp(x * beta)) / beta)

    def backward(self, xp, grad, x):
        beta, threshold = self.options["beta"], self.options["threshold"]
        scaled = x * beta
        return (xp.where(scaled > threshold, grad, grad * xp.sigmoid(scaled)),)


class Clamp(Function):
    """Clip to [low, high] (either may be None); the gradient passes where low <= x <= high."""

    def forward(self, x, low, high):
        return np.clip(x, low, high)

    def scalar(self, xp, x):
        low, high = self.options["low"], self.options["high"]
        if low is not None:
            x = xp.maximum(x, low)
        return x if high is None else xp.minimum(x, high)  # (min > max: every element is max)

    def backward(self, xp, grad, x):
        low, high = self.options["low"], self.options["high"]
        inside = True
        if low is not None:
            inside = x >= low
        if high is not None:
            inside = inside & (x <= high) if low is not None else x <= high
        return (xp.where(inside, grad, 0.0),)


class Where(Function):
    """condition ? a : b, with `condition` a boolean array (no gradient)."""

    def forward(self, condition, a, b):
        a, b = promote(a, b)
        return np.where(condition, a, b)

    def scalar(self, xp, condition, a, b):
        return xp.where(condition, a, b)

    def backward(self, xp, grad, condition, a, b):
        return None, xp.where(condition, grad, 0.0), xp.where(condition, 0.0, grad)


class Cast(Function):
    """Change dtype; the engine casts the gradient back to the input's dtype."""

    def forward(self, x, dtype):
        return x.astype(dtype)

    def backward(self, xp, grad, x):
        return (grad,)


class Clone(Function):
    """A copy of x that stays in the graph (its gradient flows back to x)."""

    def forward(self, x):
        return x.copy()

    def backward(self, xp, grad, x):
        return (grad,)
