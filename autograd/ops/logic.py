"""Comparisons, logical ops and sign: values that carry no gradient.

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
Sign = _elementwise("Sign", np.sign, "-1, 0 or 1 by the sign of each element (a value: no gradient flows through it)",
                    _Unary)
