"""Run by tests/nn/test_distributed.py as `mpiexec -n 2 python distributed_program.py OUT_DIR`:
each rank trains with DistributedDataParallel and, beside it, one process's reference run, and
saves both to OUT_DIR/rank<r>.npz for the test to compare."""
import sys
import warnings

import numpy as np

import autograd as ag
import nn
import optim
from nn import distributed
from nn.data import DataLoader, TensorDataset

BATCH, STEPS = 4, 10  # per rank


def mlp(seed):
    ag.manual_seed(seed)
    return nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3)).to(ag.float64)


def data(world):
    rng = np.random.default_rng(7)
    inputs = rng.standard_normal((BATCH * world * STEPS, 5))
    return TensorDataset(ag.tensor(inputs, dtype=ag.float64), ag.tensor(rng.integers(0, 3, len(inputs))))


def train(model, loader, progress=False, compile=False):
    optimizer = optim.Adam(model.parameters(), lr=0.05)
    return nn.fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=1, progress=progress, compile=compile)


def normalised_mlp(seed):
    # No bias before the BatchNorm: its gradient would be rounding noise, which Adam blows up.
    ag.manual_seed(seed)
    return nn.Sequential(nn.Linear(5, 8, bias=False), nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 3)).to(ag.float64)


def state(model):
    return np.concatenate([t.data.ravel().astype(np.float64) for t in model.state_dict().values()])


def flat(model):
    return np.concatenate([p.data.ravel() for p in model.parameters()])


def main(out_dir):
    rank, world = distributed.init()
    dataset = data(world)
    results = {}

    # Each rank starts from its own seed; wrapping gives every rank rank 0's weights.
    model = distributed.DistributedDataParallel(mlp(seed=rank))
    results["wrapped"] = flat(model.module)
    results["seed_0"] = flat(mlp(seed=0))

    # Two ranks with batch B against one process with batch 2B, over the same samples.
    sampler = distributed.DistributedSampler(dataset, shuffle=False)
    history = train(model, DataLoader(dataset, BATCH, sampler=sampler), progress=True)
    reference = mlp(seed=0)
    reference_history = train(reference, DataLoader(dataset, BATCH * world))
    results["trained"], results["reference"] = flat(model.module), flat(reference)
    results["loss"], results["reference_loss"] = history.history["loss"], reference_history.history["loss"]
    results["steps"] = [len(DataLoader(dataset, BATCH, sampler=sampler))]

    # The same under ag.compile, with BatchNorm's buffers sent from rank 0 before each forward:
    # the broadcast and the gradient average are captured as calls, nothing runs eagerly.
    loader = DataLoader(dataset, BATCH, sampler=sampler)
    eager = distributed.DistributedDataParallel(normalised_mlp(seed=rank))
    train(eager, loader)
    compiled = distributed.DistributedDataParallel(normalised_mlp(seed=rank))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        train(compiled, loader, compile=True)
    results["eager_state"], results["compiled_state"] = state(eager.module), state(compiled.module)
    results["compile_warnings"] = "; ".join(str(warning.message) for warning in caught)

    # Ensemble members trained on different ranks, against the same members trained here.
    def train_member(member, i):
        nn.fit(member, nn.CrossEntropyLoss(), optim.SGD(member.parameters(), lr=0.1),
               DataLoader(dataset, 8, shuffle=True, seed=i), epochs=1, progress=False)

    ensemble = distributed.train_ensemble(mlp, train_member, 3)
    alone = [mlp(i) for i in range(3)]
    for i, member in enumerate(alone):
        train_member(member, i)
    results["ensemble"] = np.concatenate([flat(member) for member in ensemble.members])
    results["ensemble_alone"] = np.concatenate([flat(member) for member in alone])
    # Buffers (BatchNorm's running statistics, an int64 counter) come from rank 0 as well.
    norm = nn.BatchNorm1d(3)
    norm.running_mean.data[...] = rank + 1.0
    norm.num_batches_tracked.data[...] = 10 * (rank + 1)
    distributed.DistributedDataParallel(norm)
    results["buffers"] = [*norm.running_mean.data, norm.num_batches_tracked.item()]

    # Different models on different ranks: every rank says so instead of exchanging mismatched arrays.
    try:
        distributed.DistributedDataParallel(nn.Linear(5, 3 + rank))
        results["mismatch"] = "no error"
    except ValueError as error:
        results["mismatch"] = str(error)
    np.savez(f"{out_dir}/rank{rank}.npz", **results)


if __name__ == "__main__":
    main(sys.argv[1])
