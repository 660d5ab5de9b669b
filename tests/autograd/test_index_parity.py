"""Indexing and shape functions, einsum, padding modes, advanced indexing and linspace against
PyTorch: values and gradients from index_parity.npz (made by
tests/fixtures/make_index_fixtures.py), and the errors PyTorch raises for out-of-range arguments."""
import pathlib

import numpy as np
import pytest

import autograd as ag
from tests.fixtures import parity
from tests.fixtures.make_index_fixtures import CASES, INDEXING

FIXTURES = parity.load(pathlib.Path(parity.__file__).with_name("index_parity.npz"))

# Our function for each name the fixtures use, reading the inputs in the same order.
OURS = {
    "gather": lambda x, index, dim: ag.gather(x, dim, index),
    "scatter_add": lambda x, index, src, dim: ag.scatter_add(x, dim, index, src),
    "scatter": lambda x, index, src, dim: ag.scatter(x, dim, index, src),
    "scatter_value": lambda x, index, dim, value: ag.scatter(x, dim, index, value=value),
    "scatter_reduce": lambda x, index, src, dim, **kwargs: ag.scatter_reduce(x, dim, index, src, **kwargs),
    "index_select": lambda x, index, dim: ag.index_select(x, dim, index),
    "masked_fill": ag.masked_fill,
    "masked_select": ag.masked_select,
    "nonzero": ag.nonzero,
    "tril": ag.tril,
    "triu": ag.triu,
    "diagonal": ag.diagonal,
    "flip": ag.flip,
    "roll": ag.roll,
    "repeat": lambda x, sizes: x.repeat(*sizes),
    "repeat_interleave": ag.repeat_interleave,
    "tile": ag.tile,
    "unfold": lambda x, **kwargs: x.unfold(**kwargs),
    "unflatten": ag.unflatten,
    "split": ag.split,
    "chunk": ag.chunk,
    "narrow": ag.narrow,
    "einsum": lambda *operands, equation: ag.einsum(equation, *operands),
    "pad": ag.pad,
    "linspace": lambda **kwargs: ag.linspace(**kwargs, dtype=ag.float64),
    **INDEXING,
}

NEW_FUNCTIONS = ("gather scatter scatter_add scatter_reduce index_select masked_fill masked_select nonzero tril triu "
                 "diagonal flip roll repeat repeat_interleave tile unfold unflatten split chunk narrow einsum pad "
                 "linspace").split()


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_matches_pytorch(name):
    case = FIXTURES[name]
    parity.check(case, OURS[case.function])


def test_fixtures_cover_every_new_function():
    recorded = {function.removesuffix("_value") for function, _, _ in CASES.values()}
    assert set(NEW_FUNCTIONS) <= recorded
    assert set(CASES) == set(FIXTURES), "index_parity.npz is out of date: run make_index_fixtures.py"


@pytest.mark.parametrize("index, message", [
    (5, "index 5 is out of bounds for dimension 0 with size 3"),
    (-4, "index -4 is out of bounds for dimension 0 with size 3"),
    ((0, 7), "index 7 is out of bounds for dimension 1 with size 4"),
    ([0, 3], "index 3 is out of bounds for dimension 0 with size 3"),
])
def test_index_out_of_range_names_index_dim_and_size(index, message):
    x = ag.zeros(3, 4)
    with pytest.raises(IndexError, match=message):
        x[ag.tensor(index) if isinstance(index, list) else index]


@pytest.mark.parametrize("steps", [-1, -5])
def test_linspace_rejects_negative_steps(steps):
    with pytest.raises(ValueError, match=f"number of steps must be non-negative, got {steps}"):
        ag.linspace(0, 1, steps)


def test_linspace_rejects_non_integer_steps():
    with pytest.raises(TypeError, match="steps must be an int"):
        ag.linspace(0, 1, 2.5)


@pytest.mark.parametrize("steps, expected", [(0, []), (1, [2.0]), (3, [2.0, 3.5, 5.0])])
def test_linspace_few_steps(steps, expected):
    result = ag.linspace(2, 5, steps)
    assert result.dtype == ag.float32 and result.tolist() == expected


def test_ints_are_applied_before_index_arrays():
    """x[0, :, idx] as PyTorch: the int selects first, so idx's dim stays in place (numpy would
    put it first); the gradient lands where the values were read."""
    x = ag.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    y = x[0, :, [3, 1]]
    assert y.tolist() == [[3.0, 1.0], [7.0, 5.0], [11.0, 9.0]]
    (y * ag.tensor([[1.0, 10.0]])).sum().backward()
    expected = np.zeros((2, 3, 4))
    expected[0, :, 3], expected[0, :, 1] = 1.0, 10.0
    np.testing.assert_array_equal(x.grad.data, expected)


def test_assignment_orders_the_selected_elements_as_indexing_does():
    x = ag.zeros(2, 3, 4)
    x[0, :, [3, 1]] = ag.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    expected = np.zeros((2, 3, 4), np.float32)
    expected[0, :, 3], expected[0, :, 1] = [1.0, 3.0, 5.0], [2.0, 4.0, 6.0]
    np.testing.assert_array_equal(x.data, expected)
