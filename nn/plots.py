"""Plots of training and of loss surfaces (matplotlib, an optional extra: `pip install
"tapegrad[plots]"`). Each function returns a matplotlib Figure; `fig.savefig(path)` writes it.

>>> import nn.plots  # matplotlib itself is imported only when a plot is made
"""
import numpy as np

from . import landscapes


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError('plots need matplotlib: pip install "tapegrad[plots]" (or pip install matplotlib)') from None
    return plt


def plot_history(history, metrics=("loss", "accuracy")):
    """Training curves from `fit`'s History: one panel per metric, training and validation, with
    the early-stopping point marked (the best epoch, and the epoch training stopped at)."""
    plt = _pyplot()
    metrics = [m for m in metrics if m in history.history]
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        epochs = np.arange(1, len(history.history[metric]) + 1)
        ax.plot(epochs, history.history[metric], label="train")
        if f"val_{metric}" in history.history:
            ax.plot(epochs, history.history[f"val_{metric}"], label="validation")
        if history.best_epoch is not None:
            ax.axvline(history.best_epoch + 1, color="grey", linestyle="--", label="best epoch (kept)")
        if history.stopped_epoch is not None:
            ax.axvline(history.stopped_epoch + 1, color="firebrick", linestyle=":", label="stopped")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
    fig.tight_layout()
    return fig


def plot_gradient_norms(monitor, statistic="grad_norm"):
    """Per-layer gradient norms (or another Monitor statistic) over training steps, log scale:
    the vanishing-gradient picture when the first layers' curves sit far below the last's."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    curves = [(layer, stats[statistic]) for layer, stats in monitor.history.items() if statistic in stats]
    colours = plt.cm.viridis(np.linspace(0, 0.9, len(curves)))
    for (layer, values), colour in zip(curves, colours):
        ax.plot(values, label=layer, color=colour)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel(statistic.replace("_", " "))
    ax.legend(fontsize="small", ncol=2)
    fig.tight_layout()
    return fig


def plot_activation_histograms(activations, bins=50):
    """One histogram per layer of the values in `activations` ({layer: array}, as returned by
    `nn.diagnostics.activations`): the initialisation picture."""
    plt = _pyplot()
    count = len(activations)
    columns = min(count, 5)
    rows = -(-count // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(2.6 * columns, 2.2 * rows), squeeze=False)
    for ax, (layer, values) in zip(axes.flat, activations.items()):
        values = np.asarray(values).reshape(-1)
        ax.hist(values, bins=bins, color="steelblue")
        ax.set_title(f"{layer}\nmean {values.mean():.2f}, std {values.std():.2f}", fontsize="small")
        ax.tick_params(labelsize="x-small")
    for ax in list(axes.flat)[count:]:
        ax.axis("off")
    fig.tight_layout()
    return fig


def plot_loss_surface(surface, paths=None, bounds=None, levels=30, log=None):
    """Contours of a 2-d loss surface (a function or a name in `landscapes.SURFACES`) with
    optimiser paths ({label: array (steps, 2)}, e.g. from `landscapes.descend`) drawn over them."""
    plt = _pyplot()
    if isinstance(surface, str):
        surface, default_bounds = landscapes.SURFACES[surface]
        bounds = bounds or default_bounds
    if bounds is None:
        raise ValueError("plot_loss_surface needs bounds ((x0, x1), (y0, y1)) for a surface given as a function")
    xs, ys, z = landscapes.grid(surface, bounds)
    if log is None:
        log = z.min() >= 0 and z.max() > 100 * max(z.min(), 1e-12) + 1
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.contour(xs, ys, np.log1p(z - z.min()) if log else z, levels=levels, cmap="viridis", linewidths=0.8)
    for label, path in (paths or {}).items():
        path = np.asarray(path)
        ax.plot(path[:, 0], path[:, 1], marker=".", markersize=3, linewidth=1, label=label)
        ax.plot(*path[0], "ko", markersize=4)
    (x0, x1), (y0, y1) = bounds
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    if paths:
        ax.legend(fontsize="small")
    fig.tight_layout()
    return fig
