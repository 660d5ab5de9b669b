"""W1 training steps with glibc's malloc thresholds as `autograd` sets them and as glibc has them.

    taskset -c 0 python benchmarks/bench_malloc.py            # one thread, pinned
    taskset -c 0 python benchmarks/bench_malloc.py --quick    # fewer processes

W1 is bench_train.py's 784-256-256-10 ReLU MLP with cross-entropy and Adam. Cases: steps at
one batch size (128, 1024), and batch-1024 steps each followed by a step of three other
models at batch 128 (bench_train.py's W1 and W2 and its hand-written numpy W2), as in a process
that trains or compares several models. The allocator is
set once per process (`AUTOGRAD_MALLOC` is read at import), so every measurement runs in a
fresh process, the settings alternating. Each process warms up with ten rounds, then counts
the minor page faults (first touches of memory newly given to the process) and times 60 steps
as wall time and as CPU time (user + system: the page faults count, waiting for a core that
other processes share does not); the table gives the median over processes, and how many
processes kept faulting in fresh memory at every step (it depends on where the heap's blocks
happen to lie, so it varies from process to process).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

CASES = {"128": ("W1 128",), "1024": ("W1 1024",),
         "1024, three other models between": ("W1 1024", "W1 128", "W2 128", "numpy W2 128")}
SETTINGS = ("tuned", "system")
MEASURES = ("page faults per step", "wall ms per step", "CPU ms per step")


def child(case, rounds=60):
    """Measures of the first step in `case`; the others run between them."""
    from bench_train import W1, W2, numpy_shallow_step, ours_step

    steps = {"W1 128": lambda: ours_step(W1, 128), "W1 1024": lambda: ours_step(W1, 1024),
             "W2 128": lambda: ours_step(W2, 128), "numpy W2 128": lambda: numpy_shallow_step(128)}
    measured, *others = [steps[name]() for name in CASES[case]]
    faults, wall, cpu = [], [], []
    for _ in range(10 + rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        started_faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        measured()
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - started_faults)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        for step in others:
            step()
    print(json.dumps([float(np.mean(faults[10:])), float(np.median(wall[10:])) * 1e3,
                      float(np.median(cpu[10:])) * 1e3]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 processes per setting and case instead of 9")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        return child(args.case)
    processes = 3 if args.quick else 9
    results = {(case, setting): [] for case in CASES for setting in SETTINGS}
    for _ in range(processes):
        for case, setting in results:
            env = dict(os.environ, AUTOGRAD_MALLOC=setting, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
                       MKL_NUM_THREADS="1", NUMBA_NUM_THREADS="1")
            output = subprocess.run([sys.executable, __file__, "--case", case], env=env, check=True,
                                    capture_output=True, text=True).stdout
            results[case, setting].append(json.loads(output))
    print(f"numpy {np.__version__}, one thread; median over {processes} processes per setting\n")
    print("| W1 Adam, batch | measure | AUTOGRAD_MALLOC=tuned | AUTOGRAD_MALLOC=system | system / tuned |")
    print("|---|---|---|---|---|")
    for case in CASES:
        for column, measure in enumerate(MEASURES):
            tuned, system = (float(np.median([run[column] for run in results[case, setting]])) for setting in SETTINGS)
            ratio = f"{system / tuned:.2f}x" if tuned >= 1 else "-"
            print(f"| {case} | {measure} | {tuned:.2f} | {system:.2f} | {ratio} |")
        tuned, system = (sum(run[0] > 100 for run in results[case, setting]) for setting in SETTINGS)
        print(f"| {case} | processes faulting > 100 pages a step | {tuned} of {processes} | {system} of {processes} "
              "| - |")


if __name__ == "__main__":
    main()
