"""Data-parallel training over MPI (through mpi4py, the `distributed` extra), one process per rank,
launched as `mpiexec -n 4 python train.py` (or `launch(4, ["train.py"])` from Python).

Every rank holds a whole copy of the model and learns from its own shard of the data
(`DistributedSampler`). `DistributedDataParallel` starts every copy from rank 0's weights and,
after each backward, replaces every rank's gradients by their mean over the ranks, so all copies
take the same steps: two ranks with batch B each train exactly as one process with batch 2B.
Without mpiexec there is one rank, and all of this is a no-op (mpi4py is then not even needed).
"""
import os
import pathlib
import shutil
import signal
import subprocess
import sys

import numpy as np

import autograd as ag
from autograd.engine import queue_callback

from .containers import Ensemble
from .module import Module

# Set by MPICH's and Open MPI's launchers in every rank they start.
_LAUNCHER_VARIABLES = ("PMI_RANK", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE")

_world = None  # MPI's COMM_WORLD after init(), or False for one process without mpi4py


def init():
    """Join the MPI job this process was started in (again is harmless); returns (rank, world_size).

    >>> init()
    (0, 1)
    """
    global _world
    if _world is None:
        try:
            from mpi4py import MPI
        except ImportError:
            launched = [name for name in _LAUNCHER_VARIABLES if name in os.environ]
            if launched:
                raise ImportError(f"this process was started by mpiexec ({launched[0]} is set) but mpi4py is "
                                  "missing: pip install 'tapegrad[distributed]'") from None
            _world = False
        else:
            _world = MPI.COMM_WORLD
    return rank(), world_size()


def rank():
    """This process's rank: 0 ... world_size() - 1 (0 without mpiexec).

    >>> rank()
    0
    """
    return _communicator().Get_rank() if _communicator() else 0


def world_size():
    """How many processes the job has (1 without mpiexec).

    >>> world_size()
    1
    """
    return _communicator().Get_size() if _communicator() else 1


def _communicator():
    if _world is None:
        init()
    return _world


def all_reduce_sum(array):
    """The elementwise sum of `array` (a numpy array of one shape on every rank) over all ranks.

    >>> all_reduce_sum(np.array([1.0, 2.0]))
    array([1., 2.])
    """
    total = np.ascontiguousarray(array).copy()
    if world_size() > 1:
        from mpi4py import MPI

        _communicator().Allreduce(MPI.IN_PLACE, total, op=MPI.SUM)
    return total


def _by_dtype(tensors):
    groups = {}
    for tensor in tensors:
        groups.setdefault(tensor.data.dtype, []).append(tensor)
    return groups.items()


@ag.capture_as_call
def _broadcast_from_rank_0(tensors):
    """Overwrite every tensor's values with rank 0's, one broadcast per dtype."""
    for dtype, group in _by_dtype(tensors):
        flat = np.concatenate([t.data.reshape(-1) for t in group]) if rank() == 0 else \
            np.empty(sum(t.data.size for t in group), dtype)
        _communicator().Bcast(flat, root=0)
        offset = 0
        for tensor in group:
            np.copyto(tensor.data, flat[offset:offset + tensor.data.size].reshape(tensor.shape))
            tensor.mark_changed()
            offset += tensor.data.size


class DistributedDataParallel(Module):
    """`module` trained on every rank at once: wrapping broadcasts rank 0's parameters and buffers
    to all ranks; every backward through the wrapper ends by averaging the parameters' gradients
    over the ranks (one all-reduce of a flat buffer per dtype; a parameter that got no gradient
    counts as zeros). With `broadcast_buffers`, rank 0's buffers (BatchNorm's running statistics)
    are sent again before each training forward. Both are captured by `ag.compile` as calls,
    which its replays make again. `nn.fit` sees it through `is_main_process`
    (only rank 0 shows progress) and `sum_over_processes` (metrics over every rank's samples).

    >>> import autograd as ag, nn
    >>> model = DistributedDataParallel(nn.Linear(3, 2))   # one process: a plain wrapper
    >>> model(ag.ones(4, 3)).shape, model.module.out_features
    ((4, 2), 2)
    """

    def __init__(self, module, broadcast_buffers=True):
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel wraps a Module, got {type(module).__name__}")
        self.module, self.broadcast_buffers = module, broadcast_buffers
        self.is_main_process = rank() == 0
        self._average_queued = False
        if world_size() > 1:
            self._check_same_state_on_every_rank()
            _broadcast_from_rank_0(list(module.state_dict().values()))

    def _check_same_state_on_every_rank(self):
        layout = [(name, tuple(t.shape), t.data.dtype.str) for name, t in self.module.state_dict().items()]
        for other, other_layout in enumerate(_communicator().allgather(layout)):
            if other_layout != layout:
                difference = next((mine, theirs) for mine, theirs in zip(layout + [None], other_layout + [None])
                                  if mine != theirs)
                raise ValueError(f"DistributedDataParallel: rank {rank()} and rank {other} hold different models "
                                 f"(here {difference[0]}, there {difference[1]}); build the same model on every rank")

    def forward(self, *args, **kwargs):
        if world_size() > 1 and self.broadcast_buffers and self.training:
            buffers = [b for b in self.module.buffers() if b is not None]
            if buffers:
                _broadcast_from_rank_0(buffers)
        output = self.module(*args, **kwargs)
        if world_size() > 1:
            for tensor in output if isinstance(output, (tuple, list)) else (output,):
                if isinstance(tensor, ag.Tensor) and tensor.requires_grad:
                    if ag.compiler.capturing():  # (a hook is not captured; the queued average is)
                        self._queue_average(None)
                    else:
                        tensor.register_hook(self._queue_average)
        return output

    def _queue_average(self, grad):
        # Runs when the output's gradient arrives, at the start of the backward pass; the
        # average must wait until every parameter's gradient is in place.
        if not self._average_queued:
            self._average_queued = True
            queue_callback(self.average_gradients)

    @ag.capture_as_call
    def average_gradients(self):
        """Replace each trainable parameter's gradient by its mean over the ranks (called after
        every backward through the wrapper; call it yourself after `ag.grad`-style passes)."""
        self._average_queued = False
        if world_size() == 1:
            return
        count = world_size()
        for dtype, group in _by_dtype([p for p in self.module.parameters() if p.requires_grad]):
            flat = np.zeros(sum(p.data.size for p in group), dtype)
            slices, offset = [], 0
            for parameter in group:
                view = flat[offset:offset + parameter.data.size].reshape(parameter.shape)
                if parameter.grad is not None:
                    view[...] = parameter.grad.data
                slices.append(view)
                offset += parameter.data.size
            flat[...] = all_reduce_sum(flat)
            flat /= count
            for parameter, view in zip(group, slices):
                parameter.grad = ag.Tensor._make(view)

    def sum_over_processes(self, totals, count):
        """`totals` (name -> sum over this rank's samples) and the `count` of those samples, each
        summed over all ranks: what `nn.fit` and `nn.evaluate` divide to get means."""
        names = list(totals)
        summed = all_reduce_sum(np.array([totals[name] for name in names] + [count], dtype=np.float64))
        return dict(zip(names, summed[:-1].tolist())), summed[-1].item()


class DistributedSampler:
    """The indices of this rank's shard of `dataset`, for `DataLoader(dataset, sampler=...)`.

    The indices (shuffled with `seed` plus the epoch when `shuffle`) are dealt out in turn:
    rank r gets positions r, r + world, r + 2 world, ... so the shards are disjoint and, as
    PyTorch does, padded by repeating the first indices to an equal length on every rank (so every
    rank takes the same number of steps); `drop_last` drops the tail instead. Each pass over the
    sampler moves to the next epoch (a new order); `set_epoch` chooses one.

    >>> sampler = DistributedSampler(range(10), num_replicas=3, rank=1, shuffle=False)
    >>> list(sampler), len(sampler)
    ([1, 4, 7, 0], 4)
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        self.num_replicas = world_size() if num_replicas is None else num_replicas
        self.rank = init()[0] if rank is None else rank
        if not 0 <= self.rank < self.num_replicas:
            raise ValueError(f"DistributedSampler: rank must be in [0, {self.num_replicas}), got {self.rank}")
        if len(dataset) == 0:
            raise ValueError("DistributedSampler: the dataset is empty")
        self.dataset_size, self.shuffle, self.seed, self.drop_last = len(dataset), shuffle, seed, drop_last
        self.epoch = 0

    def __len__(self):
        if self.drop_last:
            return self.dataset_size // self.num_replicas
        return -(-self.dataset_size // self.num_replicas)

    def set_epoch(self, epoch):
        """Make the next pass use the order of `epoch` (as PyTorch's sampler)."""
        self.epoch = epoch

    def __iter__(self):
        if self.shuffle:
            order = np.random.default_rng(self.seed + self.epoch).permutation(self.dataset_size)
        else:
            order = np.arange(self.dataset_size)
        self.epoch += 1
        wanted = len(self) * self.num_replicas
        order = np.resize(order, wanted)  # drops the tail, or repeats from the start to pad
        return iter(order[self.rank::self.num_replicas].tolist())


def train_ensemble(make_member, train_member, n_members, combine=None):
    """Train `n_members` independent networks spread over the ranks and return all of them, on every
    rank, as an `nn.Ensemble`: `make_member(i)` builds member i (on every rank, so seed it with i),
    rank i % world_size trains it with `train_member(model, i)`, and one all-gather hands the
    trained weights to every rank. In one process it trains them one after another.

    >>> import autograd as ag, nn
    >>> def make(i):
    ...     ag.manual_seed(i); return nn.Linear(2, 1)
    >>> len(train_ensemble(make, lambda model, i: None, 3).members)
    3
    """
    members = [make_member(i) for i in range(n_members)]
    mine = range(rank(), n_members, world_size())
    for i in mine:
        train_member(members[i], i)
    if world_size() > 1:
        states = {i: {name: t.data for name, t in members[i].state_dict().items()} for i in mine}
        for gathered in _communicator().allgather(states):
            for i, state in gathered.items():
                members[i].load_state_dict(state)
    return Ensemble(members, combine)


def mpiexec():
    """The path of `mpiexec`: the one installed beside this Python (the mpich wheel of the
    `distributed` extra puts it in the environment's bin/), else the first on PATH.

    >>> pathlib.Path(mpiexec()).name
    'mpiexec'
    """
    beside = pathlib.Path(sys.executable).parent / "mpiexec"
    found = str(beside) if beside.exists() else shutil.which("mpiexec")
    if found is None:
        raise FileNotFoundError(f"no mpiexec beside {sys.executable} or on PATH: pip install 'tapegrad[distributed]'")
    return found


def launch(n, args, timeout=None, env=None):
    """Run `python *args` as `n` MPI ranks (`mpiexec -n n python *args`) and return the
    CompletedProcess (stdout and stderr as text). A failed run raises RuntimeError and one past
    `timeout` seconds is killed (every rank) and raises TimeoutError, both with what the ranks
    printed.

    >>> launch(1, ["-c", "import nn.distributed as d; print(d.init())"]).stdout
    '(0, 1)\\n'
    """
    command = [mpiexec(), "-n", str(n), sys.executable, *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        raise TimeoutError(f"{' '.join(command)} took more than {timeout} s; the ranks printed:\n"
                           f"{stdout}\n{stderr}") from None
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed (exit status {process.returncode}); the ranks printed:\n"
                           f"{stdout}\n{stderr}")
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
