"""Comparisons, logical and bitwise ops: values that carry no gradient.

They are primitives all the same, so that every tensor computed from other tensors comes out of
`Function.apply` (where the tape, and anything that watches it, sees it made).
"""
import numpy as np

from ..function import Function


class _Binary(Function):
    """`ufunc(a, b)` (a Python number as b is used as it is)."""

    differentiable = False
    ufunc = None

    def forward(self, a, b):
        return self.ufunc(a, b)


class _Unary(_Binary):
    """`ufunc(x)`."""

    def forward(self, x):
        return self.ufunc(x)


def _elementwise(name, ufunc, doc, base=_Binary):
    return type(name, (base,), {"ufunc": staticmethod(ufunc), "__doc__": doc, "__module__": __name__})


Equal = _elementwise("Equal", np.equal, "a == b")
NotEqual = _elementwise("NotEqual", np.not_equal, "a != b")
Less = _elementwise("Less", np.less, "a < b")
LessEqual = _elementwise("LessEqual", np.less_equal, "a <= b")
Greater = _elementwise("Greater", np.greater, "a > b")
GreaterEqual = _elementwise("GreaterEqual", np.greater_equal, "a >= b")
LogicalAnd = _elementwise("LogicalAnd", np.logical_and, "a and b")
LogicalOr = _elementwise("LogicalOr", np.logical_or, "a or b")
LogicalXor = _elementwise("LogicalXor", np.logical_xor, "a xor b")
LogicalNot = _elementwise("LogicalNot", np.logical_not, "not x", _Unary)
BitwiseAnd = _elementwise("BitwiseAnd", np.bitwise_and, "a & b bit by bit")
BitwiseOr = _elementwise("BitwiseOr", np.bitwise_or, "a | b bit by bit")
BitwiseXor = _elementwise("BitwiseXor", np.bitwise_xor, "a ^ b bit by bit")
BitwiseNot = _elementwise("BitwiseNot", np.invert, "~x bit by bit", _Unary)
LeftShift = _elementwise("LeftShift", np.left_shift, "a << b")
RightShift = _elementwise("RightShift", np.right_shift, "a >> b (arithmetic: the sign is kept)")


class IsClose(Function):
    """|a - b| <= atol + rtol * |b| elementwise (equal infinities are close; NaNs only with
    `equal_nan`)."""

    differentiable = False

    def forward(self, a, b, rtol, atol, equal_nan):
        return np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
