"""ag.compile next to the eager tape, hand-written numpy, PyTorch CPU and jax.jit, per training step.

    python benchmarks/bench_compile.py            # 1 and 2 threads
    python benchmarks/bench_compile.py --quick    # fewer repetitions
    python benchmarks/bench_compile.py --verify   # check that every column computes the same losses

Rows, each one training step (zero_grad, forward, loss, backward, optimiser step), median µs:
W1 = 784-256-256-10 ReLU MLP, cross-entropy, Adam (lr 1e-3) at batch 1, 32, 128 and 1024;
W2 = the course's shallow net, 784-64 sigmoid -> 10, cross-entropy, SGD (lr 0.5), batch 128;
tiny = 2-16-16-1 tanh MLP, MSE, SGD (lr 0.1), batch 1; chain = bench_core's 100 elementwise ops
on 16 floats, forward + backward, µs per op. Columns: eager (this library's tape), compiled
(`ag.compile` of the same step function), the hand-written numpy step (handwritten.py),
PyTorch with its default optimisers, and `jax.jit` of the whole step (forward, gradient and the
update in jax.numpy; "-" when jax is not importable). Every column starts from the same weights
and data. The measuring process imports autograd first, so the numpy step runs with the
allocator thresholds the library sets. Then, in fresh one-thread processes: the first call of
the W1 batch-128 step (the capture, for the compiled step) with a warm and an empty numba cache,
and the process's peak RSS before that call and after 200 more steps; the compiled step also
without numba (AUTOGRAD_KERNELS=numpy), to show what loading numba's kernels costs.
"""
import os
import tempfile
import time
import warnings
from collections import namedtuple

import numpy as np

import handwritten
from bench_core import CHAIN, _run_python, chain_start, framework_chain, numpy_chain
from bench_train import W1, W2, digits, ours_model, torch_model
from common import run, set_torch_threads, side_by_side, torch_available

Case = namedtuple("Case", "sizes activation loss optimiser lr batch")
TINY = (2, 16, 16, 1)
CASES = {f"W1 Adam b{batch}": Case(W1, "ReLU", "cross_entropy", "adam", 1e-3, batch) for batch in (1, 32, 128, 1024)}
CASES["W2 SGD b128"] = Case(W2, "Sigmoid", "cross_entropy", "sgd", 0.5, 128)
CASES["tiny SGD b1"] = Case(TINY, "Tanh", "mse", "sgd", 0.1, 1)
COLUMNS = ("eager", "compiled", "numpy", "torch", "jax")
PROBED = "W1 Adam b128"   # the case whose capture time and memory are measured
REPLAYS = 200             # ... after this many more calls
LOSSES = {"cross_entropy": "CrossEntropyLoss", "mse": "MSELoss"}


def jax_available():
    try:
        import jax  # noqa: F401
    except ImportError:
        return False
    return True


def case_data(case):
    """(x, y, weights): the batch and the initial [(W (fan_in, fan_out), b)] every column starts from."""
    rng = np.random.default_rng(0)
    if case.loss == "cross_entropy":
        x, y = digits(case.batch, rng)
    else:
        x = rng.standard_normal((case.batch, case.sizes[0])).astype(np.float32)
        y = rng.standard_normal((case.batch, case.sizes[-1])).astype(np.float32)
    weights = []
    for fan_in, fan_out in zip(case.sizes[:-1], case.sizes[1:]):
        bound = 1 / np.sqrt(fan_in)
        weights.append((rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32),
                        rng.uniform(-bound, bound, fan_out).astype(np.float32)))
    return x, y, weights


def _layer_arrays(weights):
    """The arrays in the order of a Linear stack's parameters: weight (fan_out, fan_in), bias."""
    return [a for w, b in weights for a in (w.T, b)]


# --- the step on each library --------------------------------------------------------------------
def ours_step(case, x, y, weights, compiled):
    """This library's step, eager or `ag.compile`d; each call returns the loss tensor."""
    import autograd as ag
    import nn
    import optim

    model = ours_model(case.sizes, case.activation)
    for param, array in zip(model.parameters(), _layer_arrays(weights)):
        param.data[...] = array
    optimiser = (optim.Adam if case.optimiser == "adam" else optim.SGD)(model.parameters(), lr=case.lr)
    loss_fn = getattr(nn, LOSSES[case.loss])()
    x, y = ag.tensor(x), ag.tensor(y)

    def step(x, y):
        optimiser.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimiser.step()
        return loss

    step = ag.compile(step) if compiled else step
    return lambda: step(x, y)


def numpy_step(case, x, y, weights):
    update = handwritten.adam(case.lr) if case.optimiser == "adam" else handwritten.sgd(case.lr)
    return handwritten.mlp_step(weights, x, y, case.activation.lower(), case.loss, update)


def torch_step(case, x, y, weights):
    import torch

    model = torch_model(case.sizes, case.activation)
    with torch.no_grad():
        for param, array in zip(model.parameters(), _layer_arrays(weights)):
            param.copy_(torch.from_numpy(np.ascontiguousarray(array)))
    optimiser = (torch.optim.Adam if case.optimiser == "adam" else torch.optim.SGD)(model.parameters(), lr=case.lr)
    loss_fn = getattr(torch.nn, LOSSES[case.loss])()
    x, y = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        optimiser.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimiser.step()
        return loss

    return step


def jax_step(case, x, y, weights, betas=(0.9, 0.999), eps=1e-8):
    """The whole step as one `jax.jit` function of (params, optimiser state, x, y), params a pytree."""
    import jax
    import jax.numpy as jnp

    activation = {"ReLU": jax.nn.relu, "Sigmoid": jax.nn.sigmoid, "Tanh": jnp.tanh}[case.activation]
    beta1, beta2 = betas

    def loss_of(params, x, y):
        for w, b in params[:-1]:
            x = activation(x @ w + b)
        out = x @ params[-1][0] + params[-1][1]
        if case.loss == "mse":
            return jnp.mean((out - y) ** 2)
        return jnp.mean(jax.nn.logsumexp(out, axis=1) - jnp.take_along_axis(out, y[:, None], axis=1)[:, 0])

    def sgd(params, grads, state):
        return jax.tree.map(lambda p, g: p - case.lr * g, params, grads), state

    def adam(params, grads, state):
        step, m, v = state
        step = step + 1
        m = jax.tree.map(lambda m, g: beta1 * m + (1 - beta1) * g, m, grads)
        v = jax.tree.map(lambda v, g: beta2 * v + (1 - beta2) * g * g, v, grads)
        correction1, correction2 = 1 - beta1 ** step, 1 - beta2 ** step
        params = jax.tree.map(lambda p, m, v: p - case.lr / correction1 * m / (jnp.sqrt(v / correction2) + eps),
                              params, m, v)
        return params, (step, m, v)

    update = adam if case.optimiser == "adam" else sgd

    @jax.jit
    def train(params, state, x, y):
        loss, grads = jax.value_and_grad(loss_of)(params, x, y)
        params, state = update(params, grads, state)
        return params, state, loss

    params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in weights]
    zeros = jax.tree.map(jnp.zeros_like, params)
    carried = [params, (jnp.zeros((), jnp.float32), zeros, zeros)]
    x, y = jnp.asarray(x), jnp.asarray(y.astype(np.int32) if case.loss == "cross_entropy" else y)

    def step():
        carried[0], carried[1], loss = train(carried[0], carried[1], x, y)
        jax.block_until_ready((carried, loss))
        return loss

    return step


def jax_chain(start):
    import jax
    import jax.numpy as jnp

    def chain(x):
        for _ in range(CHAIN // 2):
            x = x * 1.0001
            x = x + 0.001
        return x

    @jax.jit
    def forward_backward(x):
        y, pullback = jax.vjp(chain, x)
        return y, pullback(jnp.ones_like(y))[0]

    x = jnp.asarray(start)

    def step():
        y, grad = forward_backward(x)
        jax.block_until_ready((y, grad))
        return y

    return step


def steps_of(name):
    """{column: step} for the row `name` (a case, or "chain"), each call returning the loss
    (the chain's output for "chain"); PyTorch and jax only where importable."""
    import autograd as ag

    have = {"torch": torch_available(), "jax": jax_available()}
    if name == "chain":
        makers = {"eager": lambda: framework_chain(ag, chain_start()),
                  "compiled": lambda: ag.compile(framework_chain(ag, chain_start())),
                  "numpy": lambda: numpy_chain(chain_start()),
                  "torch": lambda: framework_chain(__import__("torch"), chain_start()),
                  "jax": lambda: jax_chain(chain_start())}
    else:
        case = CASES[name]
        makers = {"eager": lambda: ours_step(case, *case_data(case), compiled=False),
                  "compiled": lambda: ours_step(case, *case_data(case), compiled=True),
                  "numpy": lambda: numpy_step(case, *case_data(case)),
                  "torch": lambda: torch_step(case, *case_data(case)),
                  "jax": lambda: jax_step(case, *case_data(case))}
    return {column: make() for column, make in makers.items() if have.get(column, True)}


ROWS = list(CASES) + ["chain"]


# --- measuring ------------------------------------------------------------------------------------
def measure(quick):
    """Every row, its columns in interleaved rounds, in this process (threads set by the parent)."""
    import autograd  # noqa: F401  (first: its allocator thresholds then hold for the numpy step too)

    reps, budget = (5, 0.2) if quick else (20, 1.0)
    set_torch_threads()
    results = {}
    for name in ROWS:
        seconds = side_by_side(steps_of(name), reps, budget)
        results[name] = {column: s / (CHAIN if name == "chain" else 1) for column, s in seconds.items()}
    return results


def probe(compiled, replays=REPLAYS):
    """Run in a fresh process: prints the seconds of the first call of the W1 batch-128 step (the
    capture when `compiled`), and the process's peak RSS in MiB before that call and after
    `replays` more calls."""
    case = CASES[PROBED]
    step = ours_step(case, *case_data(case), compiled=compiled)
    before = peak_rss()
    started = time.perf_counter()
    step()
    first = time.perf_counter() - started
    for _ in range(replays):
        step()
    print(first, before, peak_rss())


def peak_rss():
    """This process's peak resident memory in MiB: VmHWM where /proc has it, as getrusage's
    ru_maxrss on Linux also counts the memory of the parent that forked this process."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def startup():
    """{step: [first call s with a warm numba cache, with an empty one, peak RSS MiB before the
    first call, after the replays]} for the compiled and the eager step, and the compiled one
    without numba (AUTOGRAD_KERNELS=numpy): what loading numba's kernels costs."""
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", NUMBA_NUM_THREADS="1")
    results = {}
    for label, compiled, kernels in (("compiled", True, {}), ("eager", False, {}),
                                     ("compiled, AUTOGRAD_KERNELS=numpy", True, {"AUTOGRAD_KERNELS": "numpy"})):
        code = f"import sys; sys.path.insert(0, {here!r}); import bench_compile; bench_compile.probe({compiled})"
        _run_python(code, dict(env, **kernels))  # fills the default cache
        warm = _run_python(code, dict(env, **kernels))
        with tempfile.TemporaryDirectory() as empty_cache:
            cold = _run_python(code, dict(env, NUMBA_CACHE_DIR=empty_cache, **kernels))
        results[label] = [warm[0], cold[0], warm[1], warm[2]]
    return results


# --- checking that the columns agree --------------------------------------------------------------
def total(value):
    """The sum of a step's result: a numpy number or array, or a tensor of any of the libraries."""
    if hasattr(value, "detach"):
        value = value.detach().numpy()
    return float(np.sum(np.asarray(value)))


def verify(calls=3, tolerance=1e-4):
    """Run every column of every row `calls` times (the compiled column: the capture, then
    replays) and compare each call's loss with the eager one; returns 1 if any differs by more
    than `tolerance` (relative above 1) or if a compiled step fell back to running eagerly."""
    from autograd.compiler import CompileWarning

    failed = False
    print("| row | column | losses of the first calls | largest difference from eager |\n|---|---|---|---|")
    for name in ROWS:
        with warnings.catch_warnings(record=True) as fallbacks:
            warnings.simplefilter("always", CompileWarning)
            losses = {column: [total(step()) for _ in range(calls)] for column, step in steps_of(name).items()}
        for fallback in fallbacks:
            print(f"| {name} | compiled | {fallback.message} | ran eagerly |")
            failed = True
        for column, values in losses.items():
            worst = max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(values, losses["eager"]))
            failed |= worst > tolerance
            print(f"| {name} | {column} | {', '.join(f'{v:.6f}' for v in values)} | {worst:.2e} |")
    print("\nall columns agree" if not failed else f"\nsome columns differ by more than {tolerance}")
    return int(failed)


# --- the report -----------------------------------------------------------------------------------
def report(by_threads):
    for threads in sorted(by_threads):
        print(f"\n## {threads} thread{'s' if threads > 1 else ''}: median µs per step (chain: per op)\n")
        ratios = ("eager", "numpy", "jax")
        print("| row | " + " | ".join(COLUMNS) + " | " + " | ".join(f"compiled / {c}" for c in ratios) + " |")
        print("|" + "---|" * (1 + len(COLUMNS) + len(ratios)))
        for name in ROWS:
            row = by_threads[threads][name]
            cells = [(f"{row[c] * 1e6:,.2f}" if name == "chain" else f"{row[c] * 1e6:,.0f}") if c in row else "-"
                     for c in COLUMNS]
            cells += [f"{row['compiled'] / row[c]:.2f}x" if c in row else "-" for c in ratios]
            print(f"| {name} | " + " | ".join(cells) + " |")
    print(f"\n## {PROBED} in a fresh process, one thread\n")
    print("| step | first call s, warm numba cache | first call s, empty numba cache | peak RSS MiB before the first "
          f"call | peak RSS MiB after {REPLAYS} more |\n|---|---|---|---|---|")
    for label, (warm, cold, before, after) in startup().items():
        print(f"| {label} | {warm:.3f} | {cold:.3f} | {before:.0f} | {after:.0f} |")


if __name__ == "__main__":
    run(__file__, __doc__.splitlines()[0], measure, report, verify)
