"""Sorting (autograd/sorting.py): order of ties and NaN, where the gradient goes, k's range."""
import numpy as np
import pytest

import autograd as ag

TIED = [3.0, 1.0, 3.0, 2.0, 3.0, 1.0, 3.0]


@pytest.mark.parametrize("descending, indices", [
    (False, [1, 5, 3, 0, 2, 4, 6]), (True, [0, 2, 4, 6, 3, 1, 5])])  # ties keep their order
def test_sort_keeps_ties_in_order(descending, indices):
    result = ag.tensor(TIED).sort(descending=descending, stable=True)
    assert result.indices.dtype == ag.int64 and result.indices.tolist() == indices
    np.testing.assert_array_equal(result.values.data, np.array(TIED)[indices])
    assert ag.argsort(ag.tensor(TIED), descending=descending).tolist() == indices


@pytest.mark.parametrize("descending, values, indices", [
    (False, [1.0, 3.0, np.nan], [2, 0, 1]), (True, [np.nan, 3.0, 1.0], [1, 0, 2])])
def test_nan_sorts_above_every_number(descending, values, indices):
    result = ag.tensor([3.0, np.nan, 1.0]).sort(descending=descending)
    np.testing.assert_array_equal(result.values.data, values)
    assert result.indices.tolist() == indices


def test_sort_sends_each_gradient_back_to_its_element():
    x = ag.tensor([[2.0, -1.0, 5.0], [0.5, 0.25, 0.0]], requires_grad=True)
    values, _ = x.sort(dim=1, descending=True)
    values.backward(ag.tensor([[1.0, 10.0, 100.0], [1.0, 10.0, 100.0]]))
    np.testing.assert_array_equal(x.grad.data, [[10.0, 100.0, 1.0], [1.0, 10.0, 100.0]])


def test_topk_takes_the_first_of_tied_elements_and_its_gradient():
    x = ag.tensor([1.0, 3.0, 3.0, 2.0, 3.0], requires_grad=True)
    values, indices = x.topk(2, sorted=False)
    assert indices.tolist() == [1, 2] and values.tolist() == [3.0, 3.0]
    values.backward(ag.tensor([1.0, 2.0]))
    np.testing.assert_array_equal(x.grad.data, [0.0, 1.0, 2.0, 0.0, 0.0])


@pytest.mark.parametrize("k, shape", [(0, (3, 0)), (4, (3, 4))])
def test_topk_k_may_be_zero_or_the_whole_dim(k, shape):
    assert ag.zeros(3, 4).topk(k).values.shape == shape


def test_sorts_of_a_0d_tensor_are_0d():
    values, indices = ag.tensor(2.5).topk(1)
    assert values.shape == indices.shape == () and values.item() == 2.5 and indices.item() == 0


@pytest.mark.parametrize("call, message", [
    (lambda x: x.topk(5), r"topk: k=5 is out of range for dim -1 of size 4 \(shape \(3, 4\)\)"),
    (lambda x: x.topk(-1, dim=0), r"topk: k=-1 is out of range for dim 0 of size 3"),
    (lambda x: x.sort(dim=2), "sort: dim 2 is out of range for a tensor with 2 dims"),
    (lambda x: x.argsort(dim=-3), "argsort: dim -3 is out of range for a tensor with 2 dims"),
])
def test_bad_arguments_raise_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call(ag.zeros(3, 4))


def _first_k_by_python_sort(row, k, largest):
    return sorted(range(len(row)), key=lambda i: -row[i] if largest else row[i])[:k]


@pytest.mark.parametrize("seed", range(6))
def test_topk_of_many_ties_is_the_first_k_of_a_stable_sort(seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, (5, 9)).astype(np.float64)
    k, largest = int(rng.integers(1, 9)), bool(seed % 2)
    indices = ag.tensor(x).topk(k, largest=largest).indices
    assert indices.tolist() == [_first_k_by_python_sort(row, k, largest) for row in x]
    along_dim_0 = ag.tensor(x.T.copy()).topk(k, dim=0, largest=largest).indices
    np.testing.assert_array_equal(along_dim_0.data, indices.data.T)


def test_topk_with_nan_counts_it_largest():
    values, indices = ag.tensor([1.0, np.nan, 3.0, 2.0]).topk(2)
    np.testing.assert_array_equal(values.data, [np.nan, 3.0])
    assert indices.tolist() == [1, 2]


def test_topk_takes_any_integer_k_and_names_a_wrong_type():
    x = ag.tensor([1.0, 4.0, 2.0, 3.0])
    assert x.topk(np.int64(2)).values.tolist() == [4.0, 3.0]
    with pytest.raises(TypeError, match="topk: k must be an int, got 2.0"):
        x.topk(2.0)
