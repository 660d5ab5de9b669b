"""Benchmarks of the autograd core, printed as tables: one process per BLAS thread count.

    python benchmarks/bench_core.py            # 1 and 2 threads
    python benchmarks/bench_core.py --quick    # fewer repetitions

Rows: the 784-256-256-10 ReLU MLP training step (forward, cross-entropy, backward, SGD) at
several batch sizes next to a hand-written numpy version of the same step and PyTorch (when
importable); the per-op overhead of a chain of 100 cheap elementwise ops on 16 floats; forward +
backward of (A @ B).sum() for 1024 x 1024 float32 as GFLOP/s next to numpy's own A @ B; and the
start-up costs (import, first training step with a warm and an empty numba cache).
All times are medians.
"""
import os
import subprocess
import sys
import tempfile

import handwritten
from common import run, set_torch_threads, side_by_side, torch_available

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BATCHES = (1, 32, 128, 1024)
SIZES = (784, 256, 256, 10)


def mlp_data(batch, rng):
    import numpy as np

    x = rng.standard_normal((batch, SIZES[0])).astype(np.float32)
    y = rng.integers(0, SIZES[-1], batch)
    weights = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        bound = 1 / np.sqrt(fan_in)
        weights.append(rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32))
        weights.append(np.zeros(fan_out, np.float32))
    return x, y, weights


def autograd_mlp_step(batch, rng, lr=0.01):
    import autograd as ag

    x_np, y_np, arrays = mlp_data(batch, rng)
    x, y = ag.tensor(x_np), ag.tensor(y_np)
    params = [ag.tensor(a, requires_grad=True) for a in arrays]
    w1, b1, w2, b2, w3, b3 = params

    def step():
        h = (x @ w1 + b1).relu()
        h = (h @ w2 + b2).relu()
        loss = ag.cross_entropy(h @ w3 + b3, y)
        loss.backward()
        with ag.no_grad():
            for p in params:
                p -= lr * p.grad
                p.grad = None

    return step


def numpy_mlp_step(batch, rng, lr=0.01):
    """The floor for any numpy engine: the same step with every gradient written by hand."""
    x, y, arrays = mlp_data(batch, rng)
    return handwritten.mlp_step(list(zip(arrays[::2], arrays[1::2])), x, y, "relu", "cross_entropy",
                                handwritten.sgd(lr))


def torch_mlp_step(batch, rng, lr=0.01):
    import torch

    x_np, y_np, arrays = mlp_data(batch, rng)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    params = [torch.tensor(a, requires_grad=True) for a in arrays]
    w1, b1, w2, b2, w3, b3 = params
    optimizer = torch.optim.SGD(params, lr=lr)

    def step():
        h = torch.relu(x @ w1 + b1)
        h = torch.relu(h @ w2 + b2)
        loss = torch.nn.functional.cross_entropy(h @ w3 + b3, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return step


CHAIN = 100


def chain_start():
    import numpy as np

    return np.random.default_rng(0).standard_normal(16).astype(np.float32)


def framework_chain(lib, start):
    """The chain on `lib` (autograd or torch: the same calls work on both) from the 16 floats
    `start`; each call returns the chain's output."""
    x = lib.tensor(start, requires_grad=True)
    seed = lib.ones(16)

    def step():
        y = x
        for _ in range(CHAIN // 2):
            y = y * 1.0001
            y = y + 0.001
        y.backward(seed)
        x.grad = None
        return y

    return step


def numpy_chain(x):
    import numpy as np

    def step():
        y = x
        for _ in range(CHAIN // 2):
            y = y * np.float32(1.0001)
            y = y + np.float32(0.001)
        grad = np.ones(16, np.float32)
        for _ in range(CHAIN // 2):
            grad = grad * np.float32(1.0)
            grad = grad * np.float32(1.0001)
        return y

    return step


def framework_matmul(lib, n=1024):
    """Forward and backward of (A @ B).sum() on `lib` (autograd or torch)."""
    a = lib.randn(n, n, requires_grad=True)
    b = lib.randn(n, n, requires_grad=True)

    def step():
        (a @ b).sum().backward()
        a.grad = b.grad = None

    return step


def numpy_matmul(n=1024):
    import numpy as np

    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    return lambda: a @ b


def measure(quick):
    """Everything measured in this process (its BLAS thread count set by the parent)."""
    import numpy as np

    reps, budget = (5, 0.2) if quick else (20, 1.0)
    have_torch = torch_available()
    set_torch_threads()
    if have_torch:
        import torch
    results = {"mlp": {}, "torch": have_torch}
    makers = {"autograd": autograd_mlp_step, "numpy": numpy_mlp_step}
    if have_torch:
        makers["torch"] = torch_mlp_step
    for batch in BATCHES:
        steps = {name: make(batch, np.random.default_rng(0)) for name, make in makers.items()}
        results["mlp"][batch] = side_by_side(steps, reps, budget)
    import autograd

    libraries = {"autograd": autograd}
    if have_torch:
        libraries["torch"] = torch
    chains = {name: framework_chain(lib, chain_start()) for name, lib in libraries.items()}
    chains["numpy"] = numpy_chain(chain_start())
    results["chain"] = {name: seconds / CHAIN for name, seconds in side_by_side(chains, reps, budget).items()}
    flops = 2 * 1024 ** 3
    products = {"numpy A @ B": numpy_matmul()}
    products.update({f"{name} fwd+bwd": framework_matmul(lib) for name, lib in libraries.items()})
    results["matmul"] = {name: (flops if name.startswith("numpy") else 3 * flops) / seconds / 1e9
                         for name, seconds in side_by_side(products, 3, budget).items()}
    return results


def startup_times():
    """Seconds to import autograd, and to finish a first training step, in fresh processes."""
    first_step = (
        "import time; t0 = time.perf_counter(); import autograd as ag; t1 = time.perf_counter();"
        "import sys; sys.path.insert(0, %r); import bench_core, numpy as np;"
        "bench_core.autograd_mlp_step(32, np.random.default_rng(0))();"
        "print(t1 - t0, time.perf_counter() - t0)" % HERE
    )
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as empty_cache:
        cold = _run_python(first_step, dict(env, NUMBA_CACHE_DIR=empty_cache))
    _run_python(first_step, env)  # fills the default cache
    warm = _run_python(first_step, env)
    imports = sorted(_run_python(first_step, env)[0] for _ in range(5))
    return {"import autograd": imports[2], "first step, warm numba cache": warm[1],
            "first step, empty numba cache": cold[1]}


def _run_python(code, env):
    output = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True,
                            cwd=ROOT).stdout
    return [float(v) for v in output.split()]


def print_tables(by_threads, startup):
    threads = sorted(by_threads)
    print("\n## MLP 784-256-256-10 training step (SGD), median ms; ratio = autograd / baseline\n")
    columns = ["autograd", "numpy", "torch"]
    header = "| batch | threads | " + " | ".join(columns) + " | vs numpy | vs torch |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for batch in BATCHES:
        for t in threads:
            row = by_threads[t]["mlp"][str(batch)]
            cells = [f"{row[c] * 1e3:.3f}" if c in row else "-" for c in columns]
            ratios = [f"{row['autograd'] / row[c]:.2f}x" if c in row else "-" for c in ("numpy", "torch")]
            print(f"| {batch} | {t} | " + " | ".join(cells + ratios) + " |")
    print("\n## Chain of 100 elementwise ops on 16 floats, forward + backward, median µs per op\n")
    print("| threads | " + " | ".join(columns) + " |")
    print("|---|---|---|---|")
    for t in threads:
        row = by_threads[t]["chain"]
        print(f"| {t} | " + " | ".join(f"{row[c] * 1e6:.2f}" if c in row else "-" for c in columns) + " |")
    print("\n## (A @ B).sum() forward + backward, 1024 x 1024 float32, GFLOP/s\n")
    names = list(by_threads[threads[0]]["matmul"])
    print("| threads | " + " | ".join(names) + " | autograd / numpy |")
    print("|" + "---|" * (len(names) + 2))
    for t in threads:
        row = by_threads[t]["matmul"]
        ratio = row["autograd fwd+bwd"] / row["numpy A @ B"]
        print(f"| {t} | " + " | ".join(f"{row[n]:.1f}" for n in names) + f" | {ratio:.0%} |")
    print("\n## Start-up, seconds\n")
    print("| what | seconds |\n|---|---|")
    for name, seconds in startup.items():
        print(f"| {name} | {seconds:.3f} |")


def main():
    run(__file__, __doc__.splitlines()[0], measure, lambda by_threads: print_tables(by_threads, startup_times()))


if __name__ == "__main__":
    main()
