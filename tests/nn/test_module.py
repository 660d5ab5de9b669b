"""The Module system: registration, tree walks, modes, state dicts, saving, hooks."""
import numpy as np
import pytest

import autograd as ag
import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(ag.ones(3))
        self.inner = nn.Linear(3, 2)
        self.register_buffer("count", ag.tensor(0))
        self.register_buffer("scratch", ag.zeros(2), persistent=False)
        self.note = "plain attribute"

    def forward(self, x):
        return self.inner(x * self.scale)


def net():
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU(), Block())


def test_attribute_assignment_registers_parameters_modules_and_buffers():
    block = Block()
    assert [name for name, _ in block.named_parameters()] == ["scale", "inner.weight", "inner.bias"]
    assert [name for name, _ in block.named_buffers()] == ["count", "scratch"]
    assert list(block.children()) == [block.inner]
    assert block.note == "plain attribute" and "note" not in block._parameters


def test_named_modules_walks_depth_first_in_registration_order():
    model = net()
    assert [name for name, _ in model.named_modules()] == ["", "0", "1", "2", "2.inner"]


def test_a_shared_parameter_is_listed_once():
    model = nn.Sequential(nn.Linear(3, 3), nn.Linear(3, 3))
    model[1].weight = model[0].weight
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias", "1.bias"]


def test_reassigning_and_deleting_keep_the_registries_in_step():
    block = Block()
    block.scale = None
    assert [name for name, _ in block.named_parameters()] == ["inner.weight", "inner.bias"]
    del block.inner
    assert list(block.children()) == [] and not hasattr(block, "inner")
    block.inner = nn.Linear(3, 1)
    assert [name for name, _ in block.named_parameters()] == ["inner.weight", "inner.bias"]


@pytest.mark.parametrize("value, message", [(ag.ones(3), "parameter 'scale'"), (3, "parameter 'scale'")])
def test_assigning_a_non_parameter_to_a_parameter_name_is_refused(value, message):
    with pytest.raises(TypeError, match=message):
        Block().scale = value


def test_assigning_before_super_init_is_refused():
    class Broken(nn.Module):
        def __init__(self):
            self.weight = nn.Parameter(ag.ones(1))

    with pytest.raises(AttributeError, match="super"):
        Broken()


def test_train_and_eval_reach_every_submodule():
    model = net()
    model.eval()
    assert not any(module.training for module in model.modules())
    model.train()
    assert all(module.training for module in model.modules())


def test_zero_grad_clears_or_zeros():
    model = net()
    model(ag.ones(2, 4)).sum().backward()
    model.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.data.any() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_requires_grad_freezes_parameters():
    model = net()
    model[0].requires_grad_(False)
    model(ag.ones(2, 4)).sum().backward()
    assert model[0].weight.grad is None and model[2].inner.weight.grad is not None


def test_to_float64_converts_parameters_and_buffers_in_place():
    model = net()
    weight = model[0].weight
    model.to(ag.float64)
    assert model[0].weight is weight and weight.dtype == np.float64
    assert model[2].scratch.dtype == np.float64 and model[2].count.dtype == np.int64
    assert model(ag.ones(1, 4, dtype=ag.float64)).dtype == np.float64


def test_apply_visits_children_before_parents():
    seen = []
    net().apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Block", "ReLU", "Linear", "Sequential"]


def test_state_dict_has_parameters_and_persistent_buffers_sharing_memory():
    model = net()
    state = model.state_dict()
    assert list(state) == ["0.weight", "0.bias", "2.scale", "2.count", "2.inner.weight", "2.inner.bias"]
    assert np.shares_memory(state["0.weight"].data, model[0].weight.data)
    assert not state["0.weight"].requires_grad


def test_load_state_dict_copies_values_in_place():
    source, target = net(), net()
    weight = target[0].weight
    assert target.load_state_dict(source.state_dict()) == ([], [])
    assert target[0].weight is weight
    for (name, a), (_, b) in zip(source.state_dict().items(), target.state_dict().items()):
        np.testing.assert_array_equal(a.data, b.data, err_msg=name)


def _snapshot(model):
    return {k: v.data.copy() for k, v in model.state_dict().items()}


@pytest.mark.parametrize("change, message", [
    (lambda s: s.pop("0.bias"), "missing keys \\['0.bias'\\]"),
    (lambda s: s.update(extra=ag.zeros(1)), "unexpected keys \\['extra'\\]"),
    (lambda s: s.update({"2.inner.weight": ag.zeros(3, 3)}), "'2.inner.weight' has shape \\(3, 3\\) in the state dict "
                                                             "but \\(2, 3\\) in the model"),
    # a string array of the right shape in the last key: the keys before it must stay as they were
    (lambda s: s.update({"2.inner.bias": np.full(3, "x")}),
     "'2.inner.bias' holds <U1 values \\(ndarray\\), not numbers"),
    (lambda s: s.update({"0.weight": None}), "'0.weight' holds object values \\(NoneType\\), not numbers"),
])
def test_a_failed_load_names_the_problem_and_leaves_the_model_unchanged(change, message):
    model, other = net(), net()
    before = _snapshot(model)
    state = {k: v.data.copy() for k, v in other.state_dict().items()}
    change(state)
    with pytest.raises(ValueError, match=message):
        model.load_state_dict(state)
    for key, value in _snapshot(model).items():
        np.testing.assert_array_equal(value, before[key], err_msg=key)


def test_non_strict_load_reports_missing_and_unexpected_keys():
    model = net()
    state = model.state_dict()
    state.pop("0.bias")
    state["extra"] = ag.zeros(1)
    assert model.load_state_dict(state, strict=False) == (["0.bias"], ["extra"])


def test_save_and_load_round_trip_without_pickle(tmp_path):
    model, copy = net(), net()
    path = tmp_path / "model.weights"
    nn.save(model, path)
    assert path.exists()
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted(model.state_dict())
    copy.load_state_dict(nn.load(path))
    x = ag.randn(5, 4)
    np.testing.assert_array_equal(model(x).data, copy(x).data)


def test_save_refuses_object_arrays(tmp_path):
    with pytest.raises(ValueError, match="not a numeric array"):
        nn.save({"bad": np.array([object()])}, tmp_path / "bad.npz")


def test_forward_hooks_see_and_may_replace_inputs_and_outputs():
    layer = nn.Linear(2, 2)
    seen = []
    pre = layer.register_forward_pre_hook(lambda module, args: (args[0] * 0,))
    post = layer.register_forward_hook(lambda module, args, out: seen.append(out.shape) or out + 1)
    out = layer(ag.ones(3, 2))
    np.testing.assert_allclose(out.data, np.broadcast_to(layer.bias.data + 1, (3, 2)), rtol=1e-6)
    assert seen == [(3, 2)]
    pre.remove(), post.remove()
    np.testing.assert_allclose(layer(ag.zeros(1, 2)).data, layer.bias.data[None], rtol=1e-6)


def test_repr_shows_the_tree():
    text = repr(net())
    assert "(0): Linear(in_features=4, out_features=3, bias=True)" in text
    assert "(inner): Linear(in_features=3, out_features=2, bias=True)" in text


def write_npy(array):
    def write(path):
        with open(path, "wb") as file:
            np.save(file, array, allow_pickle=True)
    return write


@pytest.mark.parametrize("write, reason", [
    (write_npy(np.zeros(3)), "it holds a single ndarray, not an archive"),
    (write_npy(np.array([None])), "Object arrays cannot be loaded"),
    (lambda path: path.write_bytes(b"PK\x03\x04 not really a zip"), "File is not a zip file"),
])
def test_loading_a_file_that_is_not_a_saved_state_dict_names_it(tmp_path, write, reason):
    path = tmp_path / "weights.npz"
    write(path)
    with pytest.raises(ValueError, match=f"nn.load: .*weights.npz could not be read \\(.*{reason}.*\\); expected an "
                                         ".npz archive of arrays written by nn.save"):
        nn.load(path)


def test_loading_a_truncated_archive_names_it(tmp_path):
    path = tmp_path / "model.npz"
    nn.save(net(), path)
    path.write_bytes(path.read_bytes()[:-40])  # the end of the central directory cut off
    with pytest.raises(ValueError, match="nn.load: .*model.npz could not be read"):
        nn.load(path)
