"""Training with nn and optim, next to PyTorch CPU: steps, epochs and the optimiser update.

    python benchmarks/bench_train.py            # 1 and 2 threads
    python benchmarks/bench_train.py --quick    # fewer repetitions

W1 = the 784-256-256-10 ReLU MLP with cross-entropy and Adam (lr 1e-3); W2 = the course's
shallow net, 784-64 sigmoid -> 10, cross-entropy, SGD (lr 0.5). Rows: one training step
(zero_grad, forward, backward, step) at several batch sizes; one epoch over the 4,000 bundled
MNIST training digits at batch 128 (with `nn.fit`, and as a bare loop); and the Adam update
alone over W1's 269,322 parameters. PyTorch runs the same models with its default Adam and its
`fused=True` Adam. A hand-written numpy W2 step is the floor for any numpy engine. All times
are medians.
"""
import numpy as np

import handwritten
from common import run, set_torch_threads, side_by_side, torch_available

W1, W2 = (784, 256, 256, 10), (784, 64, 10)
BATCHES = (1, 32, 128, 1024)


def digits(batch, rng):
    return rng.random((batch, 784), dtype=np.float32), rng.integers(0, 10, batch)


# --- models on each library --------------------------------------------------------------------
def hidden_activation(sizes, activation):
    """The activation's class name: `activation` if given, else W1's ReLU or W2's Sigmoid."""
    return activation or ("ReLU" if sizes == W1 else "Sigmoid")


def ours_model(sizes, activation=None):
    import nn

    hidden = getattr(nn, hidden_activation(sizes, activation))
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out), hidden()]
    return nn.Sequential(*layers[:-1])


def torch_model(sizes, activation=None):
    import torch

    hidden = getattr(torch.nn, hidden_activation(sizes, activation))
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(fan_in, fan_out), hidden()]
    return torch.nn.Sequential(*layers[:-1])


def ours_optimiser(sizes, params):
    import optim

    return optim.Adam(params, lr=1e-3) if sizes == W1 else optim.SGD(params, lr=0.5)


def torch_optimiser(sizes, params, fused):
    import torch

    return torch.optim.Adam(params, lr=1e-3, fused=fused) if sizes == W1 else torch.optim.SGD(params, lr=0.5)


def ours_step(sizes, batch):
    import autograd as ag
    import nn

    x_np, y_np = digits(batch, np.random.default_rng(0))
    x, y = ag.tensor(x_np), ag.tensor(y_np)
    model = ours_model(sizes)
    optimiser, loss_fn = ours_optimiser(sizes, model.parameters()), nn.CrossEntropyLoss()

    def step():
        optimiser.zero_grad()
        loss_fn(model(x), y).backward()
        optimiser.step()

    return step


def torch_step(sizes, batch, fused=False):
    import torch

    x_np, y_np = digits(batch, np.random.default_rng(0))
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    model = torch_model(sizes)
    optimiser, loss_fn = torch_optimiser(sizes, model.parameters(), fused), torch.nn.CrossEntropyLoss()

    def step():
        optimiser.zero_grad()
        loss_fn(model(x), y).backward()
        optimiser.step()

    return step


def numpy_shallow_step(batch, lr=0.5):
    """W2's SGD step with every gradient written by hand: the floor for any numpy engine."""
    rng = np.random.default_rng(0)
    x, y = digits(batch, rng)
    weights = [(rng.uniform(-1 / 28, 1 / 28, (784, 64)).astype(np.float32), np.zeros(64, np.float32)),
               (rng.uniform(-1 / 8, 1 / 8, (64, 10)).astype(np.float32), np.zeros(10, np.float32))]
    return handwritten.mlp_step(weights, x, y, "sigmoid", "cross_entropy", handwritten.sgd(lr))


# --- epochs over the bundled digits -------------------------------------------------------------
def ours_epoch(sizes, with_fit):
    import autograd as ag
    import nn
    from nn.data import DataLoader, mnist

    ag.manual_seed(0)
    model = ours_model(sizes)
    optimiser, loss_fn = ours_optimiser(sizes, model.parameters()), nn.CrossEntropyLoss()
    loader = DataLoader(mnist(), 128, shuffle=True)

    def fit_epoch():
        nn.fit(model, loss_fn, optimiser, loader, epochs=1, progress=False)

    def bare_epoch():
        for x, y in loader:
            optimiser.zero_grad()
            loss_fn(model(x), y).backward()
            optimiser.step()

    return fit_epoch if with_fit else bare_epoch


def torch_epoch(sizes, fused=False):
    import torch

    from nn.data import mnist

    images, labels = (torch.from_numpy(t.data) for t in mnist().tensors)
    model = torch_model(sizes)
    optimiser, loss_fn = torch_optimiser(sizes, model.parameters(), fused), torch.nn.CrossEntropyLoss()

    def epoch():
        order = torch.randperm(len(labels))
        for start in range(0, len(labels), 128):
            batch = order[start:start + 128]
            optimiser.zero_grad()
            loss_fn(model(images[batch]), labels[batch]).backward()
            optimiser.step()

    return epoch


# --- the optimiser update alone -----------------------------------------------------------------
def update_only(library, variant):
    """Adam's update over W1's parameters with gradients already in place."""
    if library == "torch":
        import torch

        model = torch_model(W1)
        optimiser = torch.optim.Adam(model.parameters(), lr=1e-3, fused=variant == "fused")
        model(torch.rand(4, 784)).sum().backward()
        return optimiser.step
    import autograd as ag
    import optim
    from optim import kernels
    from optim.kernels import jit, reference

    model = ours_model(W1)
    optimiser = optim.Adam(model.parameters(), lr=1e-3)
    model(ag.rand(4, 784)).sum().backward()
    rule = reference.adam if variant == "numpy" else jit.adam  # the plain-numpy rule or the fused kernel

    def step():
        kernels.adam = rule
        optimiser.step()

    return step


def measure(quick):
    reps, budget = (5, 0.2) if quick else (20, 1.0)
    have_torch = torch_available()
    set_torch_threads()
    results = {"steps": {}, "epochs": {}, "update": {}}
    cases = [("W1 Adam", W1, batch) for batch in BATCHES] + [("W2 SGD", W2, 128)]
    for name, sizes, batch in cases:
        steps = {"autograd": ours_step(sizes, batch)}
        if sizes == W2:
            steps["numpy"] = numpy_shallow_step(batch)
        if have_torch:
            steps["torch"] = torch_step(sizes, batch)
            if sizes == W1:
                steps["torch fused"] = torch_step(sizes, batch, fused=True)
        results["steps"][f"{name} batch {batch}"] = side_by_side(steps, reps, budget)
    for name, sizes in (("W2 SGD", W2), ("W1 Adam", W1)):
        epochs = {"autograd fit": ours_epoch(sizes, True), "autograd loop": ours_epoch(sizes, False)}
        if have_torch:
            epochs["torch loop"] = torch_epoch(sizes)
        results["epochs"][name] = side_by_side(epochs, 3, budget)
    updates = {"autograd fused": update_only("autograd", "fused"), "autograd numpy": update_only("autograd", "numpy")}
    if have_torch:
        updates.update({"torch": update_only("torch", "default"), "torch fused": update_only("torch", "fused")})
    results["update"] = side_by_side(updates, reps, budget)
    return results


def table(title, rows, threads, unit, scale, baseline="torch"):
    columns = sorted({c for t in threads for row in rows[t].values() for c in row},
                     key=lambda c: (not c.startswith("autograd"), c))
    ours = [c for c in columns if c.startswith("autograd")][0]
    print(f"\n## {title}, median {unit}; ratio = {ours} / {baseline}\n")
    print("| case | threads | " + " | ".join(columns) + f" | vs {baseline} |")
    print("|" + "---|" * (len(columns) + 3))
    for case in rows[threads[0]]:
        for t in threads:
            row = rows[t][case]
            cells = [f"{row[c] * scale:.3f}" if c in row else "-" for c in columns]
            ratio = f"{row[ours] / row[baseline]:.2f}x" if baseline in row else "-"
            print(f"| {case} | {t} | " + " | ".join(cells) + f" | {ratio} |")


def report(results):
    threads = sorted(results)
    table("Training step (zero_grad, forward, backward, step)", {t: results[t]["steps"] for t in threads}, threads,
          "ms", 1e3)
    table("One epoch over the 4,000 bundled MNIST digits, batch 128", {t: results[t]["epochs"] for t in threads},
          threads, "ms", 1e3, baseline="torch loop")
    table("Adam's update alone, 269,322 parameters", {t: {"Adam": results[t]["update"]} for t in threads}, threads,
          "µs", 1e6)


if __name__ == "__main__":
    run(__file__, __doc__.splitlines()[0], measure, report)
