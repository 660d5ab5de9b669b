"""scatter_add's accumulation (the backward of gather) two ways: `np.add.at` against a weighted
`np.bincount` over flat positions (`ops.index.bincount_add`, which `add_at` uses for floats from
`BINCOUNT_FROM` elements), median µs per call over interleaved rounds, float32, one thread.

    python benchmarks/bench_indexing.py
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from autograd.ops.index import bincount_add, coordinates  # noqa: E402
from common import machine, side_by_side  # noqa: E402

# (rows of x, columns, rows of index): gathers along dim 0 of a (rows, columns) array
SHAPES = ((64, 10, 64), (128, 16, 128), (128, 32, 128), (512, 32, 512), (1024, 100, 1024), (256, 4096, 64),
          (4096, 256, 4096))


def add_at_numpy(x, where, src):
    out = x.copy()
    np.add.at(out, where, src)
    return out


def main():
    rng = np.random.default_rng(0)
    print(machine())
    print("\n| x | index | elements added | np.add.at µs | bincount µs | add.at / bincount |")
    print("|---|---|---|---|---|---|")
    for rows, columns, picks in SHAPES:
        x = np.zeros((rows, columns), np.float32)
        index = rng.integers(0, rows, (picks, columns))
        src = rng.standard_normal((picks, columns)).astype(np.float32)
        where = coordinates(index, 0)
        np.testing.assert_allclose(bincount_add(x, where, src), add_at_numpy(x, where, src), rtol=1e-4, atol=1e-4)
        steps = {"add.at": lambda: add_at_numpy(x, where, src), "bincount": lambda: bincount_add(x, where, src)}
        times = side_by_side(steps, min_reps=5, budget=1.0)
        slow, fast = times["add.at"] * 1e6, times["bincount"] * 1e6
        print(f"| {rows} x {columns} | {picks} x {columns} | {picks * columns:,} | {slow:,.0f} | {fast:,.0f} | "
              f"{slow / fast:.2f}x |")


if __name__ == "__main__":
    main()
