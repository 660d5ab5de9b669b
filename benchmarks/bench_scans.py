"""Scans and sorts: the gather along a dim behind sort, topk, cummax and max(dim), and topk's
partition, against the numpy calls they replace; each op's forward + backward against PyTorch's.

    python benchmarks/bench_scans.py

Medians of interleaved rounds (common.side_by_side), float32, one thread.
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import autograd as ag  # noqa: E402
from autograd.ops.index import Gather, ScatterAdd  # noqa: E402
from autograd.ops.scan import SortIndices, TopkIndices  # noqa: E402
from common import machine, side_by_side, torch_available  # noqa: E402

SHAPES = ((64, 100), (256, 1000))


def numpy_scatter_add(grad, index, axis, shape):
    out = np.zeros(shape, grad.dtype)
    places = list(np.indices(index.shape, sparse=True))
    places[axis] = index
    np.add.at(out, tuple(places), grad)
    return out


def gather_table(rng):
    print("numpy: take_along_axis; np.add.at with an index per dim; a stable argsort, first 10 kept.")
    print("ours: flat positions for the gather and the scatter-add; a partition, then 10 sorted\n")
    print("| step | shape | numpy µs | ours µs | numpy / ours |")
    print("|---|---|---|---|---|")
    for shape in SHAPES:
        x = rng.standard_normal(shape, np.float32)
        index = np.argsort(x, axis=1)
        steps = {"numpy gather": lambda: np.take_along_axis(x, index, axis=1),
                 "gather": lambda: Gather().forward(x, index, 1),
                 "numpy scatter-add": lambda: numpy_scatter_add(x, index, 1, shape),
                 "scatter-add": lambda: ScatterAdd().forward(np.zeros(shape, x.dtype), index, x, 1),
                 "numpy topk k=10 indices": lambda: SortIndices().forward(x, 1, True)[:, :10],
                 "topk k=10 indices": lambda: TopkIndices().forward(x, 10, 1, True)}
        times = side_by_side(steps, min_reps=20, budget=1.0)
        for name in ("gather", "scatter-add", "topk k=10 indices"):
            print(f"| {name} | {shape[0]} x {shape[1]} | {times['numpy ' + name] * 1e6:.0f} | {times[name] * 1e6:.0f} "
                  f"| {times['numpy ' + name] / times[name]:.1f}x |")


OPS = {
    "sort": (lambda x: x.sort(dim=1).values, lambda x: x.sort(dim=1).values),
    "topk k=10": (lambda x: x.topk(10, dim=1).values, lambda x: x.topk(10, dim=1).values),
    "max(dim)": (lambda x: x.max(1).values, lambda x: x.max(1).values),
    "cummax": (lambda x: x.cummax(1).values, lambda x: x.cummax(1).values),
    "cumsum": (lambda x: x.cumsum(1), lambda x: x.cumsum(1)),
    "cumprod": (lambda x: x.cumprod(1), lambda x: x.cumprod(1)),
    "logcumsumexp": (lambda x: x.logcumsumexp(1), lambda x: x.logcumsumexp(1)),
}


def ops_table(rng):
    import torch

    torch.set_num_threads(1)
    print("\n| op, forward + backward | shape | autograd µs | torch µs | autograd / torch |")
    print("|---|---|---|---|---|")
    for shape in SHAPES:
        data = rng.standard_normal(shape).astype(np.float32)
        ours_x, torch_x = ag.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
        for name, (ours, theirs) in OPS.items():
            steps = {"autograd": lambda: ours(ours_x).sum().backward(),
                     "torch": lambda: theirs(torch_x).sum().backward()}
            times = side_by_side(steps, min_reps=10, budget=1.0)
            print(f"| {name} | {shape[0]} x {shape[1]} | {times['autograd'] * 1e6:.0f} | {times['torch'] * 1e6:.0f} "
                  f"| {times['autograd'] / times['torch']:.2f} |")


def main():
    print(machine(), "\n")
    rng = np.random.default_rng(0)
    gather_table(rng)
    if torch_available():
        ops_table(rng)
    else:
        print("\n(torch not installed: no comparison of the ops)")


if __name__ == "__main__":
    main()
