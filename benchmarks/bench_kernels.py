"""Each numba kernel against its numpy reference, median µs per call at several sizes.

    python benchmarks/bench_kernels.py

The kernels in `autograd/kernels/jit.py` are used only at the sizes where this table shows them
faster (`jit.MIN_SIZE`); below that, and for layouts they do not take, the reference runs.
The optimisers' update kernels (`optim/kernels/jit.py`) are used from the sizes where the
second table shows them faster (every size but SGD's smallest: its `min_size`), lowered to 0
here as well. Their state arrays are allocated as the optimisers allocate them (staggered
within the page, `optim/kernels/pages.py`); the last rows give Adam with state arrays that all
start at the same page offset, for comparison. The third table times two helpers of `autograd/backends.py` against the numpy
calls they replace: sums over leading dims (bias gradients) as a BLAS product with ones, and
broadcast views made directly, and the outer product (a weight's gradient at batch 1) as a
numba loop against numpy's broadcast multiply. The fused-totals table times a compiled sum of squares (forward and
backward) with the sum fused into the loop as a running total and without (`fusion.MAX_TOTAL`).
The last table times a compiled step calling one transcendental function, with the function
inside the fused loop and left to numpy between loops of the rest (`fusion.LOOP_LIMITS`).
"""
import os
import timeit

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import autograd as ag  # noqa: E402
from autograd.arrays import broadcast_view, sum_leading  # noqa: E402
from autograd.compiler import fusion  # noqa: E402
from autograd.kernels import jit, reference  # noqa: E402
from optim.kernels import jit as optim_jit, reference as optim_reference  # noqa: E402
from optim.kernels.pages import staggered  # noqa: E402

SIZES = (256, 1_024, 4_096, 8_192, 65_536, 1_048_576)


def median_us(fn, number):
    fn()
    return float(np.median(timeit.repeat(fn, number=number, repeat=7))) / number * 1e6


def main():
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, float32, one thread; the library uses numba from jit.MIN_SIZE = "
          f"{jit.MIN_SIZE} elements (lowered to 0 here so every row runs the kernel, call overhead included)\n")
    for name in ("relu_backward", "sigmoid_backward", "tanh_backward"):
        getattr(jit, name).min_size = 0
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
    for size in SIZES:
        x = rng.standard_normal(size, np.float32)
        number = max(3, 200_000 // size)
        ref, fast = median_us(lambda: reference.erf(x), number), median_us(lambda: jit.erf(x), number)
        print(f"| erf (forward of ag.erf and gelu) | {size:,} | {ref:.1f} | {fast:.1f} | {ref / fast:.2f}x |")
    optimiser_updates(rng)
    backend_helpers(rng)
    fused_totals(rng)
    loop_limits(rng)


# Each update's arguments after (param, grad): the state arrays it takes, then its scalars; and
# whether every array starts at the same page offset (as numpy places large arrays) instead of
# the state being staggered as the optimisers stagger it.
UPDATES = {
    "sgd (momentum 0.9)": ("sgd", 1, (0.01, 0.9, 0.0, False, 0.0, False), False),
    "adagrad": ("adagrad", 1, (0.01, 0.0, 1e-10), False),
    "rmsprop": ("rmsprop", 1, (None, None, 0.01, 0.99, 1e-8, 0.0, 0.0, False), False),
    "adam": ("adam", 2, (0.001, 0.9, 0.999, 1e-8, 0.0, 10, False), False),
    "adam, state not staggered": ("adam", 2, (0.001, 0.9, 0.999, 1e-8, 0.0, 10, False), True),
}


def optimiser_updates(rng):
    for name, *_ in UPDATES.values():
        getattr(optim_jit, name).min_size = 0
    print("\n| update | parameters | numpy µs | numba µs | numpy / numba |")
    print("|---|---|---|---|---|")
    for label, (name, states, scalars, aligned) in UPDATES.items():
        for size in (10, 2_560, 65_536, 200_704):
            param, grad = rng.standard_normal(size, np.float32), rng.standard_normal(size, np.float32)
            state = [staggered(np.full(size, 0.5, np.float32), 0 if aligned else slot + 1) for slot in range(states)]
            if aligned:
                param, grad = staggered(param, 0), staggered(grad, 0)
            number = max(10, 2_000_000 // size)
            timings = []
            for module in (optim_reference, optim_jit):
                update = getattr(module, name)
                timings.append(median_us(lambda: update(param, grad, *state, *scalars), number))
            print(f"| {label} | {size:,} | {timings[0]:.1f} | {timings[1]:.1f} | {timings[0] / timings[1]:.2f}x |")


def backend_helpers(rng):
    print("\n| helper | shape | numpy µs | helper µs | numpy / helper |")
    print("|---|---|---|---|---|")
    for shape in ((32, 256), (128, 64), (128, 10), (1024, 256), (8, 16, 32)):
        x = rng.standard_normal(shape, np.float32)
        leading = tuple(range(len(shape) - 1))
        number = max(10, 200_000 // x.size)
        plain = median_us(lambda: x.sum(axis=leading), number)
        helper = median_us(lambda: sum_leading(x, len(leading)), number)
        print(f"| sum_leading | {' x '.join(map(str, shape))} | {plain:.1f} | {helper:.1f} | {plain / helper:.2f}x |")
    for n, m in ((16, 2), (16, 16), (10, 256), (256, 256), (64, 784), (256, 784)):
        a, b = rng.standard_normal(n, np.float32), rng.standard_normal(m, np.float32)
        out = np.empty((n, m), np.float32)
        number = max(20, 2_000_000 // (n * m))
        plain = median_us(lambda: reference.outer(a, b, out), number)
        helper = median_us(lambda: jit.outer(a, b, out), number)
        print(f"| outer | {n} x {m} | {plain:.1f} | {helper:.1f} | {plain / helper:.2f}x |")
    for source, shape in ((np.array(1.0, np.float32), (128,)), (np.ones((1, 64), np.float32), (128, 64))):
        plain = median_us(lambda: np.broadcast_to(source, shape), 20_000)
        helper = median_us(lambda: broadcast_view(source, shape), 20_000)
        label = " x ".join(map(str, source.shape)) or "0-d"
        print(f"| broadcast_view | {label} -> {' x '.join(map(str, shape))} | {plain:.1f} | {helper:.1f} | "
              f"{plain / helper:.2f}x |")


def fused_totals(rng):
    print("\n| compiled ((p - y)**2).sum() and its backward | elements | sum unfused µs | sum fused µs | "
          "unfused / fused |\n|---|---|---|---|---|")
    largest = fusion.MAX_TOTAL
    for size in (16, 256, 1_024, 4_096, 16_384, 65_536):
        p = ag.tensor(rng.standard_normal(size, np.float32), requires_grad=True)
        y = ag.tensor(rng.standard_normal(size, np.float32))
        times = []
        for fuse in (False, True):
            fusion.MAX_TOTAL = size if fuse else -1  # (read when a step is captured)

            @ag.compile
            def step(p, y):
                p.grad = None
                loss = ((p - y) ** 2).sum()
                loss.backward()
                return loss

            times.append(median_us(lambda: step(p, y), max(20, 200_000 // size)))
        print(f"| | {size:,} | {times[0]:.1f} | {times[1]:.1f} | {times[0] / times[1]:.2f}x |")
    fusion.MAX_TOTAL = largest


# How each function of fusion.LOOP_LIMITS is called in loop_limits's step, on an argument >= 0.5.
LOOP_FUNCTIONS = {"tanh": ag.tanh, "exp": ag.exp, "expm1": ag.expm1, "erf": ag.erf, "sigmoid": ag.sigmoid,
                  "log": ag.log, "log1p": ag.log1p, "sin": ag.sin, "tan": ag.tan}


def loop_limits(rng):
    print("\n| compiled (f(z * z / 4 + 1/2) * t).sum() and its backward | elements | f in the loop µs | "
          "f left to numpy µs | in the loop / left to numpy | fusion.LOOP_LIMITS[f] |\n|---|---|---|---|---|---|")
    limits = dict(fusion.LOOP_LIMITS)
    for name, function in LOOP_FUNCTIONS.items():
        for size in (64, 256, 1_024, 4_096, 16_384):
            z = ag.tensor(rng.standard_normal(size, np.float32), requires_grad=True)
            t = ag.tensor(rng.standard_normal(size, np.float32))
            times = []
            for limit in (size, 0):
                fusion.LOOP_LIMITS[name] = limit  # (read when a step is captured)

                @ag.compile
                def step(z, t):
                    z.grad = None
                    loss = (function(z * z * 0.25 + 0.5) * t).sum()
                    loss.backward()
                    return loss

                times.append(median_us(lambda: step(z, t), max(20, 200_000 // size)))
            print(f"| {name} | {size:,} | {times[0]:.1f} | {times[1]:.1f} | {times[0] / times[1]:.2f}x | "
                  f"{limits[name]:,} |")
        fusion.LOOP_LIMITS[name] = limits[name]


if __name__ == "__main__":
    main()
