"""Helpers shared by the benchmark scripts: timing, machine description, and running the
measurements once per BLAS thread count, each in a fresh process."""
import argparse
import json
import os
import platform
import subprocess
import sys
import time


def side_by_side(steps, min_reps, budget, rounds=5):
    """Median seconds of each `steps[name]()`, measured in `rounds` interleaved rounds (every
    step takes its turn in each round) so that a burst of load on a shared machine hits all of
    them alike; per step at least `min_reps` calls or `budget` seconds in all."""
    times = {name: [] for name in steps}
    for round_ in range(rounds + 1):  # round 0 warms up (caches, the allocator's heap) unrecorded
        for name, step in steps.items():
            samples = [] if round_ == 0 else times[name]
            wanted = len(samples) + max(1, -(-min_reps // rounds))
            started = time.perf_counter()
            while len(samples) < wanted or time.perf_counter() - started < budget / rounds:
                t0 = time.perf_counter()
                step()
                samples.append(time.perf_counter() - t0)
                if len(samples) >= 2000:
                    break
    return {name: sorted(samples)[len(samples) // 2] for name, samples in times.items()}


def torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def machine():
    import numpy as np

    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, numpy {np.__version__}"
            + (", torch " + __import__("torch").__version__ if torch_available() else ", torch not installed"))


def set_torch_threads():
    """Give PyTorch the thread count the parent process chose for this run."""
    if torch_available():
        import torch

        torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))


def per_thread_count(script, extra_args, thread_counts=(1, 2)):
    """Run `script --threads N extra_args` once per thread count with the BLAS, OpenMP and numba
    thread variables set to N; each prints a JSON result, returned here by thread count."""
    results = {}
    for threads in thread_counts:
        env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
                   MKL_NUM_THREADS=str(threads), NUMBA_NUM_THREADS=str(threads))
        command = [sys.executable, script, "--threads", str(threads)] + list(extra_args)
        results[threads] = json.loads(subprocess.run(command, env=env, check=True, capture_output=True,
                                                     text=True).stdout)
    return results


def pin_to_cores(count):
    """Keep this process on its first `count` cores (where the OS allows it), so that a
    one-thread run does not migrate between cores mid-measurement."""
    if hasattr(os, "sched_setaffinity"):
        cores = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, cores[:count])


def run(script, description, measure, report, verify=None):
    """The command line every benchmark script shares: with `--threads N` (set by the parent),
    measure in this process and print JSON; otherwise print the machine, run one process per
    thread count and `report` the results ({threads: measurements}). Given `verify` (a function
    returning an exit status), `--verify` runs it instead of measuring."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--threads", type=int, help=argparse.SUPPRESS)
    if verify is not None:
        parser.add_argument("--verify", action="store_true", help="check that every column computes the same results")
    args = parser.parse_args()
    if verify is not None and args.verify:
        sys.exit(verify())
    if args.threads:
        pin_to_cores(args.threads)
        print(json.dumps(measure(args.quick)))
        return
    print(f"Machine: {machine()}")
    report(per_thread_count(script, ["--quick"] if args.quick else []))

