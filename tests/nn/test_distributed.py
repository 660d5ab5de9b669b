"""nn.distributed: two MPI ranks (launched with mpiexec from here) against one process, the
sampler's shards, and the one-process no-op."""
import os
import pathlib
import sys

import numpy as np
import pytest

import autograd as ag
import nn
from nn import distributed
from nn.data import DataLoader, TensorDataset

ROOT = pathlib.Path(__file__).resolve().parents[2]
PROGRAM = pathlib.Path(__file__).with_name("distributed_program.py")


@pytest.fixture(scope="module")
def ranks(tmp_path_factory):
    """What each of two ranks saved, and what they printed (one launch for every MPI test)."""
    out = tmp_path_factory.mktemp("ranks")
    env = dict(os.environ, OMP_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    run = distributed.launch(2, [str(PROGRAM), str(out)], timeout=240, env=env)
    return [dict(np.load(out / f"rank{r}.npz")) for r in range(2)], run


def test_wrapping_gives_every_rank_the_weights_of_rank_0(ranks):
    for saved in ranks[0]:
        np.testing.assert_array_equal(saved["wrapped"], saved["seed_0"])


def test_wrapping_gives_every_rank_the_buffers_of_rank_0_whatever_their_dtype(ranks):
    for saved in ranks[0]:
        np.testing.assert_array_equal(saved["buffers"], [1.0, 1.0, 1.0, 10])


def test_two_ranks_with_batch_b_train_as_one_process_with_batch_2b(ranks):
    for saved in ranks[0]:
        assert saved["steps"][0] == 10
        np.testing.assert_allclose(saved["trained"], saved["reference"], rtol=1e-12, atol=1e-13)
        assert np.abs(saved["trained"] - saved["wrapped"]).max() > 0.1  # the ten steps did move them


def test_a_compiled_step_trains_as_the_eager_one_with_its_average_and_broadcast_captured(ranks):
    for saved in ranks[0]:
        assert str(saved["compile_warnings"]) == ""  # (a step that fell back to eager warns)
        np.testing.assert_allclose(saved["compiled_state"], saved["eager_state"], rtol=1e-12, atol=1e-13)
    # rank 1's running statistics are rank 0's, sent before its last forward, updated by its own batch
    assert np.abs(ranks[0][0]["eager_state"] - ranks[0][1]["eager_state"]).max() > 0


def test_epoch_metrics_are_averaged_over_every_rank_s_samples(ranks):
    for saved in ranks[0]:
        np.testing.assert_allclose(saved["loss"], saved["reference_loss"], rtol=1e-12)


def test_ranks_hold_identical_parameters_after_training(ranks):
    first, second = ranks[0]
    np.testing.assert_array_equal(first["trained"], second["trained"])


def test_wrapping_different_models_on_different_ranks_is_an_error_on_every_rank(ranks):
    for rank, saved in enumerate(ranks[0]):
        message = str(saved["mismatch"])
        assert f"rank {rank} and rank {1 - rank} hold different models" in message
        assert "(3, 5)" in message and "(4, 5)" in message


def test_only_rank_0_shows_progress(ranks):
    assert ranks[1].stderr.count("epoch 1/1:   0%") == 1


def test_an_ensemble_trained_across_ranks_equals_one_trained_in_one_process(ranks):
    for saved in ranks[0]:
        np.testing.assert_array_equal(saved["ensemble"], saved["ensemble_alone"])


@pytest.mark.parametrize("size, world, drop_last", [(12, 2, False), (12, 3, True), (10, 3, False), (10, 3, True),
                                                    (2, 4, False)])
@pytest.mark.parametrize("shuffle", [False, True])
def test_sampler_shards_are_disjoint_equal_and_cover_the_dataset(size, world, drop_last, shuffle):
    shards = [list(distributed.DistributedSampler(range(size), world, rank, shuffle, seed=3, drop_last=drop_last))
              for rank in range(world)]
    every = np.concatenate(shards)
    assert len({len(shard) for shard in shards}) == 1
    if drop_last:
        assert len(every) == size // world * world and len(set(every)) == len(every)
    else:
        assert set(every) == set(range(size))
        assert len(every) - len(set(every)) == -size % world  # only the padding repeats
    assert all(0 <= i < size for i in every)


def test_sampler_reshuffles_each_epoch_and_agrees_across_ranks_through_the_seed():
    sampler = distributed.DistributedSampler(range(100), 2, 0, seed=5)
    first, second = list(sampler), list(sampler)
    assert first != second and sorted(first) != sorted(second)  # a new order and a new shard
    other_rank = distributed.DistributedSampler(range(100), 2, 1, seed=5)
    assert set(first).isdisjoint(other_rank)
    sampler.set_epoch(0)
    assert list(sampler) == first


def test_loader_takes_the_sampler_s_order_and_length():
    dataset = TensorDataset(ag.arange(10.0))
    loader = DataLoader(dataset, 2, sampler=distributed.DistributedSampler(dataset, 2, 1, shuffle=False))
    assert len(loader) == 3
    assert [batch[0].tolist() for batch in loader] == [[1.0, 3.0], [5.0, 7.0], [9.0]]


@pytest.mark.parametrize("arguments, message", [
    (dict(num_replicas=2, rank=2), "rank must be in"),
    (dict(num_replicas=2, rank=-1), "rank must be in"),
])
def test_sampler_rejects_a_rank_outside_the_world(arguments, message):
    with pytest.raises(ValueError, match=message):
        distributed.DistributedSampler(range(4), **arguments)


def test_loader_rejects_a_sampler_with_shuffle():
    with pytest.raises(ValueError, match="sampler and shuffle"):
        DataLoader(range(4), 2, shuffle=True, sampler=[0, 1])


def test_one_process_wrapper_changes_neither_weights_nor_gradients():
    ag.manual_seed(0)
    model = nn.Linear(4, 3)
    before = [p.data.copy() for p in model.parameters()]
    wrapped = distributed.DistributedDataParallel(model)
    x = ag.randn(6, 4)
    (wrapped(x) ** 2).sum().backward()
    expected = [2 * (x.data @ before[0].T + before[1]).T @ x.data, 2 * (x.data @ before[0].T + before[1]).sum(0)]
    assert distributed.init() == (0, 1) and wrapped.is_main_process
    for parameter, original, gradient in zip(model.parameters(), before, expected):
        np.testing.assert_array_equal(parameter.data, original)
        np.testing.assert_allclose(parameter.grad.data, gradient, rtol=1e-5)


def test_launch_reports_a_failing_rank_with_its_output():
    with pytest.raises(RuntimeError, match=r"exit status 3(.|\n)*said hello"):
        distributed.launch(1, ["-c", "print('said hello'); raise SystemExit(3)"], timeout=60)


def test_launch_kills_the_ranks_after_the_timeout():
    with pytest.raises(TimeoutError, match="more than 2 s(.|\n)*started"):
        distributed.launch(1, ["-c", "print('started', flush=True); import time; time.sleep(60)"], timeout=2)


def test_without_mpi4py_one_process_is_rank_0_of_1_and_an_mpiexec_rank_says_what_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "mpi4py", None)            # as if mpi4py were not installed
    monkeypatch.setattr(distributed, "_world", None)
    for name in ("PMI_RANK", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    assert distributed.init() == (0, 1)
    monkeypatch.setattr(distributed, "_world", None)
    monkeypatch.setenv("PMI_RANK", "1")
    with pytest.raises(ImportError, match="started by mpiexec \\(PMI_RANK is set\\) but mpi4py is missing"):
        distributed.init()
