"""The indexing and shape functions beyond what the registry checks: results whose shape depends
on values (nonzero, masked_select), tuples of pieces (split, chunk), einsum's parsing, gradients
at ties and zeros worked by hand, and the errors each raises."""
import warnings

import numpy as np
import pytest

import autograd as ag
from autograd import naive_indexing
from autograd.compiler import CompileWarning
from autograd.ops.index import add_at, coordinates, flat_positions


def _float64(values, requires_grad=True):
    return ag.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


@pytest.mark.parametrize("shape", [(3, 4), (2, 1, 3), (5,)])
def test_nonzero_lists_coordinates_in_row_major_order(shape):
    values = np.random.default_rng(0).integers(0, 2, shape).astype(np.float64)
    rows = ag.nonzero(ag.tensor(values))
    assert rows.dtype == ag.int64
    np.testing.assert_array_equal(rows.data, np.argwhere(values))
    columns = ag.nonzero(ag.tensor(values), as_tuple=True)
    assert len(columns) == len(shape)
    for column, expected in zip(columns, np.nonzero(values)):
        np.testing.assert_array_equal(column.data, expected)


def test_nonzero_and_masked_select_are_tensor_methods():
    x = ag.tensor([[0.0, 2.0], [3.0, 0.0]])
    assert x.nonzero().tolist() == [[0, 1], [1, 0]]
    assert x.masked_select(x > 1).tolist() == [2.0, 3.0]


def test_nonzero_of_a_scalar():
    assert ag.nonzero(ag.tensor(5.0)).shape == (1, 0)
    assert ag.nonzero(ag.tensor(0.0)).shape == (0, 0)
    assert [c.tolist() for c in ag.nonzero(ag.tensor(5.0), as_tuple=True)] == [[0]]


@pytest.mark.parametrize("x_shape, mask_shape", [((3, 4), (3, 4)), ((3, 4), (4,)), ((4,), (2, 4)), ((), (3,))])
def test_masked_select_values_and_gradient(x_shape, mask_shape):
    rng = np.random.default_rng(1)
    x, mask = rng.standard_normal(x_shape), rng.random(mask_shape) < 0.5
    selected = np.broadcast_to(x, np.broadcast_shapes(x_shape, mask_shape))[np.broadcast_to(mask, np.broadcast_shapes(
        x_shape, mask_shape))]
    tensor = _float64(x)
    result = ag.masked_select(tensor, ag.tensor(mask))
    np.testing.assert_array_equal(result.data, selected)
    assert ag.gradcheck(lambda t: ag.masked_select(t, ag.tensor(mask)), (tensor,))


def test_masked_select_and_nonzero_run_eagerly_under_compile():
    """Their result's shape depends on values: a replay could not follow, so compile gives up."""
    def step(x):
        return ag.masked_select(x, x > 0).sum() + ag.nonzero(x).shape[0]

    compiled = ag.compile(step)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for values in ([1.0, -1.0, 2.0], [3.0, 4.0, -5.0], [-1.0, -2.0, 6.0]):
            assert compiled(ag.tensor(values)).item() == step(ag.tensor(values)).item()
    assert any(issubclass(w.category, CompileWarning) for w in caught)


COMPILED_INDEXING = {
    "gather": lambda x, src, index: ag.gather(x, 0, index),
    "scatter_add": lambda x, src, index: ag.scatter_add(x, 0, index, src),
    "scatter": lambda x, src, index: ag.scatter(x, 0, index[:1], src[:1]),
    "index_select": lambda x, src, index: ag.index_select(x, 0, index[0]),
    **{f"scatter_reduce_{reduce}_{include_self}": (
        lambda x, src, index, reduce=reduce, include_self=include_self:
        ag.scatter_reduce(x, 0, index, src, reduce, include_self=include_self))
       for reduce in ("sum", "prod", "mean", "amax", "amin") for include_self in (True, False)},
}


@pytest.mark.parametrize("name", sorted(COMPILED_INDEXING))
def test_compiled_replays_follow_a_new_index(name):
    """The index is an input of the step: a replay reads the new one (no position is baked in)."""
    function = COMPILED_INDEXING[name]

    def step(x, src, index):
        out = function(x, src, index)
        (out * out).sum().backward()
        return out

    compiled = ag.compile(step)
    rng = np.random.default_rng(6)
    for _ in range(3):
        x, src, index = rng.standard_normal((3, 4)), rng.standard_normal((2, 4)), rng.integers(0, 3, (2, 4))
        mine, theirs = [(_float64(x), _float64(src)) for _ in range(2)]
        replayed, eager = compiled(*mine, ag.tensor(index)), step(*theirs, ag.tensor(index))
        np.testing.assert_allclose(replayed.data, eager.data, rtol=1e-12)
        for ours, expected in zip(mine, theirs):
            assert (ours.grad is None) == (expected.grad is None)
            if expected.grad is not None:
                np.testing.assert_allclose(ours.grad.data, expected.grad.data, rtol=1e-12)
    assert len(compiled.plans) == 1


@pytest.mark.parametrize("size, sections, expected", [
    (5, 2, [2, 2, 1]), (6, 3, [3, 3]), (2, 5, [2]), (6, [1, 0, 5], [1, 0, 5])])
def test_split_piece_sizes(size, sections, expected):
    x = _float64(np.arange(2.0 * size).reshape(2, size))
    pieces = ag.split(x, sections, dim=1)
    assert [p.shape[1] for p in pieces] == expected
    np.testing.assert_array_equal(ag.cat(list(pieces), 1).data, x.data)


@pytest.mark.parametrize("size, chunks, expected", [(5, 3, [2, 2, 1]), (5, 4, [2, 2, 1]), (6, 4, [2, 2, 2]),
                                                    (2, 5, [1, 1]), (7, 1, [7])])
def test_chunk_sizes_as_torch(size, chunks, expected):
    assert [p.shape[0] for p in ag.chunk(ag.zeros(size), chunks)] == expected


def test_scatter_reduce_prod_gradient_with_zeros():
    """prod of (x=2, 0, 3) at target 0 and (x=0, 0) at target 1: the one zero at target 0 gets the
    product of the others (6), the others 0; two zeros at target 1 give both 0."""
    x, src = _float64([2.0, 0.0]), _float64([0.0, 3.0, 0.0])
    out = ag.scatter_reduce(x, 0, ag.tensor([0, 0, 1]), src, "prod")
    assert out.tolist() == [0.0, 0.0]
    out.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    assert src.grad.tolist() == [6.0, 0.0, 0.0]


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_of_integers(reduce, include_self):
    """int64 in, int64 out; the mean rounds down (every value here is positive, so the reference's
    truncation agrees)."""
    rng = np.random.default_rng(7)
    x, src, index = rng.integers(1, 9, (3, 4)), rng.integers(1, 9, (5, 4)), rng.integers(0, 3, (5, 4))
    result = ag.scatter_reduce(ag.tensor(x), 0, ag.tensor(index), ag.tensor(src), reduce, include_self=include_self)
    assert result.dtype == ag.int64
    np.testing.assert_array_equal(result.data, naive_indexing.scatter_reduce(x, 0, index, src, reduce, include_self))


def test_scatter_reduce_prod_refuses_a_second_derivative_where_zeros_meet():
    src = _float64([0.0, 0.0, 2.0])
    out = ag.scatter_reduce(ag.zeros(1, dtype=ag.float64), 0, ag.tensor([0, 0, 0]), src, "prod", include_self=False)
    with pytest.raises(RuntimeError, match="two or more zeros meet"):
        ag.grad(out.sum(), src, create_graph=True)
    assert ag.grad(out.sum(), src)[0].tolist() == [0.0, 0.0, 0.0]


def test_scatter_reduce_amax_ties_share_the_gradient():
    x, src = _float64([1.0, 5.0]), _float64([1.0, 1.0, 4.0])
    out = ag.scatter_reduce(x, 0, ag.tensor([0, 0, 1]), src, "amax")
    assert out.tolist() == [1.0, 5.0]
    out.sum().backward()
    assert x.grad.tolist() == [1 / 3, 1.0]
    assert src.grad.tolist() == [1 / 3, 1 / 3, 0.0]


def test_gather_and_scatter_add_are_each_others_gradient():
    x = _float64(np.arange(6.0).reshape(2, 3))
    index = ag.tensor([[2, 2], [0, 1]])
    ag.gather(x, 1, index).sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0, 2.0], [1.0, 1.0, 0.0]]


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
@pytest.mark.parametrize("columns", [3, 1024])
@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
def test_add_at_agrees_with_numpy_add_at(dtype, columns, layout):
    """add_at over flat positions against np.add.at with an index per dim, on row-major and
    transposed (non-contiguous) arrays."""
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((columns, 4)) * 10).astype(dtype)
    src = (rng.standard_normal((columns, 3)) * 10).astype(dtype)
    if layout == "transposed":
        x, src = x.T, src.T
    index = rng.integers(0, x.shape[0], src.shape)
    where = coordinates(index, 0)
    expected = x.copy()
    np.add.at(expected, where, src)
    result = add_at(x, flat_positions(index, 0, x.shape), src)
    assert result.dtype == x.dtype
    np.testing.assert_allclose(result, expected, rtol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("equation, shapes", [
    ("ij,jk->ik", ((2, 3), (4, 2))), ("ij->k", ((2, 3),)), ("ii->i", ((2, 3),)), ("ij,jk", ((2, 3),)),
    ("ij->ii", ((2, 3),)), ("i.j->ij", ((2, 3),)), ("ijk->ij", ((2, 3),)), ("i,i->i", ((2,), (3,)))])
def test_einsum_rejects_bad_equations(equation, shapes):
    with pytest.raises(ValueError, match="einsum"):
        ag.einsum(equation, *[ag.ones(*shape) for shape in shapes])


def test_einsum_takes_a_list_of_operands():
    a, b = ag.ones(2, 3), ag.ones(3)
    assert ag.einsum("ij,j->i", [a, b]).tolist() == [3.0, 3.0]


@pytest.mark.parametrize("call, error, message", [
    (lambda: ag.gather(ag.ones(2, 3), 2, ag.tensor([[0]])), ValueError, r"gather: dim 2 is out of range .* 2 dims"),
    (lambda: ag.gather(ag.ones(2, 3), 1, [[0.5]]), ValueError, r"gather: index must hold integers, got dtype float64"),
    (lambda: ag.gather(ag.ones(2, 3), 1, ag.tensor([[0.0]])), ValueError, r"index must be an int64 tensor, got "
                                                                          r"dtype float32"),
    (lambda: ag.gather(ag.ones(2, 3), 1, ag.tensor([True])), ValueError, r"index must be an int64 tensor, got "
                                                                        r"dtype bool"),
    (lambda: ag.gather(ag.ones(2, 3), 1, ag.tensor([[3]])), IndexError,
     r"gather: index 3 is out of bounds for dimension 1 with size 3"),
    (lambda: ag.gather(ag.ones(2, 3), 1, ag.tensor([[-1]])), IndexError, r"index -1 is out of bounds"),
    (lambda: ag.gather(ag.ones(2, 3), 1, ag.tensor([0])), ValueError, r"as many dims .* index \(1,\) for input "
                                                                      r"\(2, 3\)"),
    (lambda: ag.gather(ag.ones(2, 3), 1, ag.tensor([[0], [0], [0]])), ValueError, r"\(3, 1\) is larger .* \(2, 3\)"),
    (lambda: ag.scatter_add(ag.ones(2, 3), 0, ag.tensor([[0, 1]]), ag.ones(1, 1)), ValueError,
     r"index of shape \(1, 2\) does not fit in src of shape \(1, 1\)"),
    (lambda: ag.scatter_add(ag.ones(2, 3), 0, ag.tensor([[0, 1]]), ag.ones(1, 2, dtype=ag.float64)), ValueError,
     r"src must have the input's dtype float32, got float64"),
    (lambda: ag.scatter(ag.ones(3), 0, ag.tensor([0])), ValueError, r"exactly one of src .* and value"),
    (lambda: ag.scatter_reduce(ag.ones(3), 0, ag.tensor([0]), ag.ones(1), "max"), ValueError,
     r"reduce must be one of .*'max'"),
    (lambda: ag.index_select(ag.ones(2, 3), 1, ag.tensor([[0]])), ValueError, r"0-d or 1-d, got shape \(1, 1\)"),
    (lambda: ag.index_select(ag.ones(2, 3), 0, ag.tensor([2])), IndexError, r"index 2 is out of bounds for "
                                                                            r"dimension 0 with size 2"),
    (lambda: ag.masked_fill(ag.ones(2, 3), ag.ones(2, 3), 0.0), ValueError, r"mask must be boolean, got dtype "
                                                                            r"float32"),
    (lambda: ag.masked_fill(ag.ones(2, 3), ag.tensor([True, False]), 0.0), ValueError,
     r"mask of shape \(2,\) does not broadcast with input of shape \(2, 3\)"),
    (lambda: ag.masked_fill(ag.ones(2, 3), ag.tensor([True] * 3), ag.ones(2)), ValueError, r"0-d tensor, got shape"),
    (lambda: ag.masked_select(ag.ones(2, 3), ag.tensor([True, False])), ValueError, r"does not broadcast"),
    (lambda: ag.tril(ag.ones(3)), ValueError, r"tril needs a tensor of at least 2 dims, got shape \(3,\)"),
    (lambda: ag.diagonal(ag.ones(2, 3), 0, 1, -1), ValueError, r"dim1 and dim2 name the same dim 1"),
    (lambda: ag.flip(ag.ones(2, 3), 2), ValueError, r"flip: dim 2 is out of range"),
    (lambda: ag.roll(ag.ones(2, 3), (1, 2), 0), ValueError, r"shifts \(1, 2\) and dims \(0,\)"),
    (lambda: ag.ones(2, 3).repeat(2), ValueError, r"at least one per dim of shape \(2, 3\)"),
    (lambda: ag.repeat_interleave(ag.ones(3), ag.tensor([1, 2])), ValueError, r"one or 3 of them"),
    (lambda: ag.ones(5).unfold(0, 6, 1), ValueError, r"size 6 must be in \[0, 5\]"),
    (lambda: ag.ones(5).unfold(0, 2, 0), ValueError, r"step 0 positive"),
    (lambda: ag.unflatten(ag.ones(2, 6), 1, (4, -1)), ValueError, r"sizes \(4, -1\) do not make up dim 1"),
    (lambda: ag.narrow(ag.ones(5), 0, 6, 1), IndexError, r"start 6 is out of bounds for dimension 0 with size 5"),
    (lambda: ag.narrow(ag.ones(5), 0, 3, 3), ValueError, r"start 3 \+ length 3 exceeds dimension 0 with size 5"),
    (lambda: ag.split(ag.ones(5), [2, 2]), ValueError, r"sections \(2, 2\) do not add up to dim 0 of size 5"),
    (lambda: ag.chunk(ag.ones(5), 0), ValueError, r"chunks must be positive, got 0"),
    (lambda: ag.pad(ag.ones(1, 3), (3, 0), mode="reflect"), ValueError, r"reflect padding of \(3, 0\) .* size 3"),
    (lambda: ag.pad(ag.ones(1, 3), (1, 0), mode="wrap"), ValueError, r"mode must be one of .*'wrap'"),
    (lambda: ag.pad(ag.ones(1, 3), (-2, -2)), ValueError, r"crops a dim of size 3 below zero"),
])
def test_bad_input_raises_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("zero_d", [lambda: ag.tensor(1), lambda: np.array(1), lambda: ag.tensor([0, 1]).argmax()],
                         ids=["tensor", "array", "argmax"])
def test_a_0d_integer_index_counts_as_an_int(zero_d):
    """As in PyTorch: x[i, :, idx] with a 0-d integer i keeps idx's dim in place, as x[1, :, idx]."""
    x = ag.tensor(np.arange(24.0).reshape(2, 3, 4))
    np.testing.assert_array_equal(x[zero_d(), :, [3, 0]].data, x.data[1][:, [3, 0]])
