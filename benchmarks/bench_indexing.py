"""scatter_add's accumulation (the backward of gather) three ways: `np.add.at` with an index per
dim, `np.add.at` over flat positions (what `ops.index.add_at` does) and a weighted `np.bincount`
over the same positions; median µs per call over interleaved rounds, float32, one thread.

    python benchmarks/bench_indexing.py
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from autograd.ops.index import add_at, coordinates, flat_positions  # noqa: E402
from common import machine, side_by_side  # noqa: E402

# (rows of x, columns, rows of index): gathers along dim 0 of a (rows, columns) array
SHAPES = ((16, 8, 16), (64, 10, 64), (128, 32, 128), (512, 32, 512), (1024, 100, 1024), (256, 4096, 64),
          (4096, 256, 4096))


def add_at_per_dim(x, where, src):
    out = x.copy()
    np.add.at(out, where, src)
    return out


def bincount(x, positions, src):
    return x + np.bincount(positions.ravel(), src.ravel(), x.size).reshape(x.shape).astype(x.dtype)


def main():
    rng = np.random.default_rng(0)
    print(machine())
    print("\n| x | index | elements added | add.at per dim µs | add.at flat µs | bincount µs | per dim / flat |")
    print("|---|---|---|---|---|---|---|")
    for rows, columns, picks in SHAPES:
        x = np.zeros((rows, columns), np.float32)
        index = rng.integers(0, rows, (picks, columns))
        src = rng.standard_normal((picks, columns)).astype(np.float32)
        where, positions = coordinates(index, 0), flat_positions(index, 0, x.shape)
        expected = add_at_per_dim(x, where, src)
        for result in (add_at(x, positions, src), bincount(x, positions, src)):
            np.testing.assert_allclose(result, expected, rtol=1e-4, atol=1e-4)
        steps = {"per dim": lambda: add_at_per_dim(x, where, src), "flat": lambda: add_at(x, positions, src),
                 "bincount": lambda: bincount(x, positions, src)}
        times = {name: seconds * 1e6 for name, seconds in side_by_side(steps, min_reps=5, budget=1.0).items()}
        print(f"| {rows} x {columns} | {picks} x {columns} | {picks * columns:,} | {times['per dim']:,.0f} | "
              f"{times['flat']:,.0f} | {times['bincount']:,.0f} | {times['per dim'] / times['flat']:.1f}x |")


if __name__ == "__main__":
    main()
