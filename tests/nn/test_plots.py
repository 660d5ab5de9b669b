"""The plots: each writes a PNG, and the history plot marks early stopping."""
import pytest

import autograd as ag
import nn
import optim
from nn import diagnostics, landscapes, plots
from nn.data import DataLoader, TensorDataset

matplotlib = pytest.importorskip("matplotlib")  # the "plots" extra
matplotlib.use("Agg")


def fitted():
    ag.manual_seed(2)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    monitor = diagnostics.Monitor(model)
    data = DataLoader(TensorDataset(ag.randn(40, 2), ag.randint(0, 2, (40,))), 10)
    history = nn.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), data, epochs=6,
                     val_loader=data, callbacks=[monitor, nn.EarlyStopping(patience=1)], progress=False)
    return model, monitor, history


def writes_png(fig, path):
    fig.savefig(path)
    data = path.read_bytes()
    return len(data) > 1000 and data[:8] == b"\x89PNG\r\n\x1a\n"


def test_each_plot_writes_a_png(tmp_path):
    model, monitor, history = fitted()
    paths = {"SGD": landscapes.descend(landscapes.bowl, lambda p: optim.SGD(p, lr=0.05), (1.5, 0.8), 30)}
    figures = {
        "history": plots.plot_history(history),
        "gradients": plots.plot_gradient_norms(monitor),
        "histograms": plots.plot_activation_histograms(diagnostics.activations(model, ag.randn(50, 2))),
        "surface": plots.plot_loss_surface("bowl", paths),
        "custom surface": plots.plot_loss_surface(landscapes.saddle, bounds=((-1, 1), (-1, 1))),
    }
    for name, fig in figures.items():
        assert writes_png(fig, tmp_path / f"{name}.png"), name


def test_history_plot_marks_the_early_stopping_point():
    *_, history = fitted()
    history.best_epoch, history.stopped_epoch = 2, 4
    ax = plots.plot_history(history).axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert "best epoch (kept)" in labels and "stopped" in labels
