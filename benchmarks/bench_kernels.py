"""Each numba kernel against its numpy reference, median µs per call at several sizes.

    python benchmarks/bench_kernels.py

The kernels in `autograd/kernels/jit.py` are used only at the sizes where this table shows them
faster (`jit.MIN_SIZE`); below that, and for layouts they do not take, the reference runs.
"""
import os
import timeit

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from autograd.kernels import jit, reference  # noqa: E402

SIZES = (256, 1_024, 4_096, 8_192, 65_536, 1_048_576)


def median_us(fn, number):
    fn()
    return float(np.median(timeit.repeat(fn, number=number, repeat=7))) / number * 1e6


def main():
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, float32, one thread; the library uses numba from jit.MIN_SIZE = "
          f"{jit.MIN_SIZE} elements (lowered to 0 here so every row runs the kernel, call overhead included)\n")
    jit.MIN_SIZE = 0
    print("| kernel | elements | numpy µs | numba µs | numpy / numba |")
    print("|---|---|---|---|---|")
    for name in ("relu_backward", "sigmoid_backward", "tanh_backward"):
        for size in SIZES:
            grad, out = rng.standard_normal(size, np.float32), rng.standard_normal(size, np.float32)
            number = max(10, 2_000_000 // size)
            ref = median_us(lambda: getattr(reference, name)(grad, out), number)
            fast = median_us(lambda: getattr(jit, name)(grad, out), number)
            print(f"| {name} | {size:,} | {ref:.1f} | {fast:.1f} | {ref / fast:.2f}x |")
    for rows in (32, 128, 1024, 8192):
        logits = rng.standard_normal((rows, 10), np.float32)
        target = rng.integers(0, 10, rows)
        number = max(10, 200_000 // rows)
        ref = median_us(lambda: reference.softmax_cross_entropy(logits, target), number)
        fast = median_us(lambda: jit.softmax_cross_entropy(logits, target), number)
        print(f"| softmax_cross_entropy | {rows} x 10 | {ref:.1f} | {fast:.1f} | {ref / fast:.2f}x |")


if __name__ == "__main__":
    main()
