"""A short demo: a two-layer net learns two interleaved spirals with plain SGD, loss falling.

    python -m autograd.demo
"""
import numpy as np

import autograd as ag


def spirals(points_per_class=200, noise=0.15, seed=0):
    """Two interleaved 2-d spirals: (N, 2) float32 points and (N,) int64 labels."""
    rng = np.random.default_rng(seed)
    t = np.sqrt(rng.random(points_per_class)) * 3 * np.pi
    arm = np.stack([t * np.cos(t), t * np.sin(t)], axis=1) / (3 * np.pi)
    points = np.concatenate([arm, -arm]) + noise * rng.standard_normal((2 * points_per_class, 2)) / 3
    labels = np.repeat([0, 1], points_per_class)
    return ag.tensor(points), ag.tensor(labels)


def main(steps=2000, hidden=64, lr=0.5):
    ag.manual_seed(0)
    x, y = spirals()
    # He initialisation: weights ~ N(0, 2 / fan_in); the output layer N(0, 1 / fan_in).
    params = [ag.randn(2, hidden), ag.zeros(hidden),
              ag.randn(hidden, hidden) * (2 / hidden) ** 0.5, ag.zeros(hidden),
              ag.randn(hidden, 2) * (1 / hidden) ** 0.5, ag.zeros(2)]
    for p in params:
        p.requires_grad_()
    w1, b1, w2, b2, w3, b3 = params
    print(f"training a 2-{hidden}-{hidden}-2 ReLU net on {len(y)} spiral points, full-batch SGD, lr={lr}")
    for step in range(steps + 1):
        logits = ((x @ w1 + b1).relu() @ w2 + b2).relu() @ w3 + b3
        loss = ag.cross_entropy(logits, y)
        loss.backward()
        with ag.no_grad():
            for p in params:
                p -= lr * p.grad
                p.grad = None
        if step % (steps // 10) == 0:
            accuracy = (logits.argmax(dim=1) == y).float().mean().item()
            print(f"step {step:5d}   loss {loss.item():.4f}   accuracy {accuracy:.1%}")


if __name__ == "__main__":
    main()
