"""Data-parallel training over MPI: samples per second at 1 and 2 ranks, the gradient all-reduce's
share of the step, and what that predicts for 8 and 64 ranks.

    python benchmarks/bench_distributed.py            # launches its own mpiexec runs
    python benchmarks/bench_distributed.py --quick    # fewer rounds

The model is the 784-256-256-10 ReLU MLP with cross-entropy and Adam (lr 1e-3), batch 128 per
rank, wrapped in DistributedDataParallel; each rank runs one BLAS thread. A step is zero_grad,
forward, backward (ending with the gradients' average over the ranks) and the optimiser's
step; "all-reduce" is that average (packing the flat buffer, MPI's all-reduce, unpacking).
The runs at 1 and 2 ranks alternate over several rounds; times are medians. A sweep of bare
all-reduces over 2 ranks fits time = latency + size / bandwidth, and the model of a ring
all-reduce (2 (p - 1) latencies, 2 (p - 1) / p of the buffer sent per rank) extrapolates.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

from common import machine

SIZES, BATCH = (784, 256, 256, 10), 128
SWEEP_MB = (0.25, 1, 4, 16)
NETWORK_GB_S = 1.25  # 10 Gbit/s Ethernet, an assumption for the several-machine column


def model():
    import nn

    layers = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def measure_training(steps):
    """Median seconds of a step and of its all-reduce on this rank (rank 0 reports)."""
    import autograd as ag
    import nn
    import optim
    from nn import distributed

    rank, world = distributed.init()
    ag.manual_seed(rank)
    ddp = distributed.DistributedDataParallel(model())
    optimiser, loss_fn = optim.Adam(ddp.parameters(), lr=1e-3), nn.CrossEntropyLoss()
    rng = np.random.default_rng(rank)
    inputs, targets = ag.tensor(rng.random((BATCH, 784), dtype=np.float32)), ag.tensor(rng.integers(0, 10, BATCH))
    average, reduce_times = ddp.average_gradients, []

    def timed_average():
        started = time.perf_counter()
        average()
        reduce_times.append(time.perf_counter() - started)

    ddp.average_gradients = timed_average
    step_times = []
    for step in range(steps + 5):  # five unrecorded warm-up steps
        started = time.perf_counter()
        optimiser.zero_grad()
        loss_fn(ddp(inputs), targets).backward()
        optimiser.step()
        step_times.append(time.perf_counter() - started)
    parameters = sum(p.data.size for p in ddp.parameters())
    return {"step": float(np.median(step_times[5:])), "reduce": float(np.median(reduce_times[5:])) if world > 1
            else 0.0, "parameters": parameters, "ranks": world}


def measure_sweep(repeats):
    """Median seconds of one all-reduce (sum, in place) of float32 buffers of SWEEP_MB megabytes."""
    from mpi4py import MPI

    from nn import distributed

    distributed.init()
    communicator, times = MPI.COMM_WORLD, {}
    for megabytes in SWEEP_MB:
        buffer = np.ones(int(megabytes * 2 ** 20) // 4, np.float32)
        samples = []
        for _ in range(repeats + 2):
            communicator.Barrier()
            started = time.perf_counter()
            communicator.Allreduce(MPI.IN_PLACE, buffer, op=MPI.SUM)
            samples.append(time.perf_counter() - started)
        times[megabytes] = float(np.median(samples[2:]))
    return times


def worker(args):
    from nn import distributed

    result = measure_sweep(args.repeats) if args.worker == "sweep" else measure_training(args.repeats)
    if distributed.rank() == 0:
        print(json.dumps(result))


def launch(ranks, what, repeats):
    from nn import distributed

    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", NUMBA_NUM_THREADS="1")
    done = distributed.launch(ranks, [__file__, "--worker", what, "--repeats", str(repeats)], timeout=600, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def ring_all_reduce(seconds_latency, bytes_per_second, ranks, size_bytes):
    return 2 * (ranks - 1) * seconds_latency + 2 * (ranks - 1) / ranks * size_bytes / bytes_per_second


def report(runs, sweep):
    print(f"Machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the end\n")
    print("#### MLP 784-256-256-10, Adam, batch 128 per rank, one BLAS thread per rank (medians)")
    print("| ranks | step ms | all-reduce ms | all-reduce share | samples/s | speed-up |")
    print("|---:|---:|---:|---:|---:|---:|")
    base = None
    for ranks, rounds in sorted(runs.items()):
        step = float(np.median([r["step"] for r in rounds]))
        reduce = float(np.median([r["reduce"] for r in rounds]))
        rate = ranks * BATCH / step
        base = base or rate
        print(f"| {ranks} | {step * 1e3:.2f} | {reduce * 1e3:.2f} | {reduce / step:.0%} | {rate:,.0f} | "
              f"{rate / base:.2f}x |")
    parameters = runs[1][0]["parameters"]
    compute = float(np.median([r["step"] for r in runs[1]]))

    sizes = np.array([mb * 2 ** 20 for mb in SWEEP_MB])
    seconds = np.array([sweep[str(mb)] if str(mb) in sweep else sweep[mb] for mb in SWEEP_MB])
    slope, intercept = np.polyfit(sizes, seconds, 1)
    bandwidth, latency = 1 / slope, max(intercept, 0.0) / 2  # at p = 2: 2 latencies, the whole buffer once
    print("\n#### Bare all-reduce over 2 ranks on this machine (float32 sum, medians)")
    print("| MB | ms | GB/s |")
    print("|---:|---:|---:|")
    for mb, s in zip(SWEEP_MB, seconds):
        print(f"| {mb} | {s * 1e3:.3f} | {mb * 2 ** 20 / s / 1e9:.2f} |")
    print(f"\nfit: {latency * 1e6:.1f} us latency per message, {bandwidth / 1e9:.2f} GB/s "
          f"({slope * 2 ** 20 * 1e3:.3f} ms per MB)")

    gradient_bytes = parameters * 4
    print(f"\n#### Extrapolation (ring all-reduce of {gradient_bytes / 2 ** 20:.2f} MB of gradients; compute "
          f"{compute * 1e3:.2f} ms per step per rank as measured at 1 rank)")
    print("| ranks | link | all-reduce ms | share of step | samples/s | efficiency |")
    print("|---:|---|---:|---:|---:|---:|")
    links = (("this machine's shared memory", latency, bandwidth), (f"{NETWORK_GB_S:g} GB/s network, 50 us",
                                                                     50e-6, NETWORK_GB_S * 1e9))
    for ranks in (8, 64):
        for name, link_latency, link_bandwidth in links:
            reduce = ring_all_reduce(link_latency, link_bandwidth, ranks, gradient_bytes)
            rate = ranks * BATCH / (compute + reduce)
            print(f"| {ranks} | {name} | {reduce * 1e3:.2f} | {reduce / (compute + reduce):.0%} | {rate:,.0f} | "
                  f"{rate / (ranks * BATCH / compute):.0%} |")
    flops = 6 * parameters * BATCH / compute  # forward 2, backward 4 multiply-adds per weight per sample
    for name, _, link_bandwidth in links:
        # all-reduce ~ 2 * 4 bytes * P / bandwidth, compute ~ 6 * P * B / flops: equal at this batch,
        # whatever the model size P
        print(f"all-reduce outweighs compute over {name} below a batch of "
              f"{8 * flops / (6 * link_bandwidth):.0f} per rank (compute at {flops / 1e9:.1f} GFLOP/s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--worker", choices=("train", "sweep"), help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=30, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    rounds, steps = (2, 20) if args.quick else (5, 40)
    runs = {1: [], 2: []}
    for _ in range(rounds):
        for ranks in runs:
            runs[ranks].append(launch(ranks, "train", steps))
    report(runs, launch(2, "sweep", 10 if args.quick else 30))


if __name__ == "__main__":
    sys.exit(main())
