"""Convolutional networks next to PyTorch CPU: conv layers, max pooling, the window kernels and
a LeNet training step.

    python benchmarks/bench_conv.py            # 1 and 2 threads
    python benchmarks/bench_conv.py --quick    # fewer repetitions

Conv rows: forward + backward (input, weight and bias gradients) of a 3x3 convolution with
padding 1 at batch 64, in GFLOP/s counting the three products of im2col (2 N OH OW O C k² flops
each), next to numpy's raw BLAS rate for one of them as a single matmul ((O, C k²) @ (C k², N OH
OW), the forward's own product): the ceiling an im2col convolution can reach. Max pooling: 2x2
windows, forward + backward.
Kernels: each numba window kernel against its numpy reference at LeNet's sizes. LeNet: the
classic 1-6-16 conv net with 120-84-10 dense layers, ReLU, cross-entropy and Adam, one step
(zero_grad, forward, backward, step) at batch 64. All times are medians of interleaved rounds.
"""
import numpy as np

from common import run, set_torch_threads, side_by_side, torch_available

CONVS = ((1, 16, 28), (16, 32, 14), (64, 64, 16))  # (in channels, out channels, size) at batch 64
BATCH = 64


def conv_flops(channels, out_channels, size, batch=BATCH, kernel=3):
    return 2 * batch * size * size * out_channels * channels * kernel * kernel


# --- one conv layer -----------------------------------------------------------------------------
def ours_conv(channels, out_channels, size):
    import autograd as ag

    ag.manual_seed(0)
    x = ag.randn(BATCH, channels, size, size, requires_grad=True)
    w, b = ag.randn(out_channels, channels, 3, 3, requires_grad=True), ag.randn(out_channels, requires_grad=True)
    seed = ag.randn(BATCH, out_channels, size, size)

    def step():
        x.grad = w.grad = b.grad = None
        ag.conv2d(x, w, b, padding=1).backward(seed)

    return step


def torch_conv(channels, out_channels, size):
    import torch

    x = torch.randn(BATCH, channels, size, size, requires_grad=True)
    w, b = torch.randn(out_channels, channels, 3, 3, requires_grad=True), torch.randn(out_channels, requires_grad=True)
    seed = torch.randn(BATCH, out_channels, size, size)

    def step():
        x.grad = w.grad = b.grad = None
        torch.nn.functional.conv2d(x, w, b, padding=1).backward(seed)

    return step


def blas_matmul(channels, out_channels, size):
    rng = np.random.default_rng(0)
    weight = rng.standard_normal((out_channels, channels * 9), np.float32)
    cols = rng.standard_normal((channels * 9, BATCH * size * size), np.float32)
    return lambda: weight @ cols


# --- max pooling --------------------------------------------------------------------------------
def ours_pool():
    import autograd as ag

    x = ag.randn(BATCH, 16, 28, 28, requires_grad=True)
    seed = ag.randn(BATCH, 16, 14, 14)

    def step():
        x.grad = None
        ag.max_pool2d(x, 2).backward(seed)

    return step


def torch_pool():
    import torch

    x = torch.randn(BATCH, 16, 28, 28, requires_grad=True)
    seed = torch.randn(BATCH, 16, 14, 14)

    def step():
        x.grad = None
        torch.nn.functional.max_pool2d(x, 2).backward(seed)

    return step


# --- the window kernels -------------------------------------------------------------------------
def kernel_cases():
    """(name, numpy reference call, numba call) at the sizes LeNet meets at batch 64."""
    from autograd.kernels import window, window_jit

    rng = np.random.default_rng(0)
    cols = rng.standard_normal((6, 5, 5, BATCH, 10, 10), np.float32)  # the second conv's input gradient
    x = rng.standard_normal((BATCH, 6, 28, 28), np.float32)  # the first pooling
    best, index = window.max_pool2d(x, (2, 2), (2, 2), (0, 0), (1, 1), (14, 14))
    calls = {
        "col2im 6x5x5x64x10x10 -> 14x14": lambda module: module.col2im(cols, (1, 1), (1, 1), (0, 0), (14, 14)),
        "max_pool2d 64x6x28x28, 2x2": lambda module: module.max_pool2d(x, (2, 2), (2, 2), (0, 0), (1, 1), (14, 14)),
        "max_unpool2d 64x6x14x14 -> 28x28": lambda module: module.max_unpool2d(best, index, 28 * 28),
    }
    return [(name, lambda call=call: call(window), lambda call=call: call(window_jit)) for name, call in calls.items()]


# --- LeNet --------------------------------------------------------------------------------------
def ours_lenet():
    import autograd as ag
    import nn
    import nn.functional as F
    import optim

    ag.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                          nn.Linear(84, 10))
    optimiser = optim.Adam(model.parameters(), lr=1e-3)
    x, y = ag.rand(BATCH, 1, 28, 28), ag.randint(0, 10, (BATCH,))

    def step():
        optimiser.zero_grad()
        F.cross_entropy(model(x), y).backward()
        optimiser.step()

    return step


def torch_lenet():
    import torch

    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                          nn.Linear(84, 10))
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = torch.rand(BATCH, 1, 28, 28), torch.randint(0, 10, (BATCH,))

    def step():
        optimiser.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        optimiser.step()

    return step


def measure(quick):
    reps, budget = (5, 0.3) if quick else (20, 1.5)
    have_torch = torch_available()
    set_torch_threads()
    results = {"conv": {}, "pool": {}, "kernels": {}}
    for channels, out_channels, size in CONVS:
        steps = {"autograd": ours_conv(channels, out_channels, size), "blas": blas_matmul(channels, out_channels, size)}
        if have_torch:
            steps["torch"] = torch_conv(channels, out_channels, size)
        results["conv"][f"{channels}->{out_channels} at {size}x{size}"] = side_by_side(steps, reps, budget)
    steps = {"autograd": ours_pool()}
    if have_torch:
        steps["torch"] = torch_pool()
    results["pool"] = side_by_side(steps, reps, budget)
    for name, reference, compiled in kernel_cases():
        compiled()  # compile (or load from numba's cache) outside the timing
        results["kernels"][name] = side_by_side({"numpy": reference, "numba": compiled}, reps, budget)
    steps = {"autograd": ours_lenet()}
    if have_torch:
        steps["torch"] = torch_lenet()
    results["lenet"] = side_by_side(steps, reps, budget)
    return results


def report(by_threads):
    for threads, results in by_threads.items():
        print(f"\n### {threads} thread{'s' if threads > 1 else ''}\n")
        print("| conv 3x3, batch 64, fwd+bwd | autograd ms | GFLOP/s | BLAS matmul GFLOP/s | autograd / BLAS "
              "| torch ms | GFLOP/s | autograd / torch time |")
        print("|---|---|---|---|---|---|---|---|")
        for (channels, out_channels, size), (name, times) in zip(CONVS, results["conv"].items()):
            flops = conv_flops(channels, out_channels, size)
            ours, blas = 3 * flops / times["autograd"] / 1e9, flops / times["blas"] / 1e9
            torch_ms = times.get("torch")
            torch_cells = (f"{torch_ms * 1e3:.2f} | {3 * flops / torch_ms / 1e9:.1f} | "
                           f"{times['autograd'] / torch_ms:.2f}x") if torch_ms else "- | - | -"
            print(f"| {name} | {times['autograd'] * 1e3:.2f} | {ours:.1f} | {blas:.1f} | {ours / blas:.0%} | "
                  f"{torch_cells} |")
        pool, lenet = results["pool"], results["lenet"]
        for label, times in (("max_pool2d 2x2 of 64x16x28x28, fwd+bwd", pool), ("LeNet step, batch 64, Adam", lenet)):
            torch_ms = times.get("torch")
            versus = f"{torch_ms * 1e3:.2f} ms, autograd / torch {times['autograd'] / torch_ms:.2f}x" if torch_ms else "-"
            print(f"\n{label}: autograd {times['autograd'] * 1e3:.2f} ms; torch {versus}")
        print("\n| window kernel | numpy ms | numba ms | numpy / numba |")
        print("|---|---|---|---|")
        for name, times in results["kernels"].items():
            print(f"| {name} | {times['numpy'] * 1e3:.2f} | {times['numba'] * 1e3:.2f} | "
                  f"{times['numpy'] / times['numba']:.2f}x |")


if __name__ == "__main__":
    run(__file__, __doc__.splitlines()[0], measure, report)
