"""The elementwise math, activation, logic and cast functions against PyTorch: values, dtypes and
gradients recorded by tests/fixtures/make_math_fixtures.py (float64), checked without PyTorch."""
import pathlib

import numpy as np
import pytest

import autograd as ag
from autograd import api
import nn.functional as F
from tests.fixtures import parity
from tests.fixtures.make_math_fixtures import functions

CASES = parity.load(pathlib.Path(parity.__file__).with_name("math_parity.npz"))
OURS = functions(ag, F)

# Every public function of the area, and the fixture functions that exercise it.
NEW_FUNCTIONS = {
    "tan": "tan", "asin": "asin_of_tanh", "acos": "acos_of_tanh", "atan": "atan", "sinh": "sinh", "cosh": "cosh",
    "asinh": "asinh", "acosh": "acosh_of_1_plus", "atanh": "atanh_of_tanh", "log2": "log2", "log10": "log10",
    "log1p": "log1p", "exp2": "exp2", "expm1": "expm1", "rsqrt": "rsqrt", "floor": "floor", "ceil": "ceil",
    "round": "round", "trunc": "trunc", "sign": "sign", "erf": "erf", "logaddexp": "logaddexp",
    "copysign": "copysign", "fmod": "fmod", "remainder": "remainder", "div": "div", "gelu": "gelu", "silu": "silu",
    "hardtanh": "hardtanh", "celu": "celu", "selu": "selu", "softsign": "softsign", "hardsigmoid": "hardsigmoid",
    "isclose": "isclose_nearby", "logical_and": "logical_and", "logical_or": "logical_or",
    "logical_xor": "logical_xor", "logical_not": "logical_not", "__and__": "and", "__or__": "or", "__xor__": "xor",
    "__invert__": "invert", "__lshift__": "lshift", "__rshift__": "rshift", "type_as": "type_as_int",
    "long": "long", "double": "double", "pow": "pow", "sqrt": "sqrt", "where": "where_numbers", "clamp": "clamp",
}
# PyTorch's CPU kernels compute these gradients with float32 constants (hardsigmoid's 1.0f / 6.0f,
# celu's 1 / alpha): in float64 they are off by about float32's rounding, 3e-8 relative.
RTOL = {"hardsigmoid": 1e-7, "celu": 1e-7}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch(name):
    case = CASES[name]
    with np.errstate(divide="ignore", invalid="ignore"):
        parity.check(case, OURS[case.function], rtol=RTOL.get(name, 1e-10))


def test_fixtures_cover_every_new_function():
    recorded = {case.function for case in CASES.values()}
    assert {name: f for name, f in NEW_FUNCTIONS.items() if f not in recorded} == {}
    # ...and the list above names every function of the tables that make this area's public math
    unary = [row[0] for row in api.UNARY]
    tables = set(unary[unary.index("tan"):]) | {row[0] for row in api.BINARY}
    assert tables - set(NEW_FUNCTIONS) == set()
