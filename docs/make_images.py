"""Make the images the README shows: a computation graph and two training plots.

    python docs/make_images.py      # needs matplotlib and a DOT renderer (the `render` extra, or Graphviz's dot)

Writes docs/images/graph.png, docs/images/vanishing.png and docs/images/surfaces.png.
"""
import pathlib

import matplotlib

matplotlib.use("Agg")

import autograd as ag  # noqa: E402
import nn  # noqa: E402
import optim  # noqa: E402
from nn import diagnostics, landscapes, plots  # noqa: E402

IMAGES = pathlib.Path(__file__).resolve().parent / "images"


def graph():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 64), nn.Sigmoid(), nn.Residual(nn.Sequential(nn.Linear(64, 64), nn.ReLU())),
                          nn.Linear(64, 10))
    loss = nn.CrossEntropyLoss()(model(ag.randn(32, 784)), ag.randint(0, 10, (32,)))
    drawing = ag.draw_graph(loss, params=model, collapse_modules=True)
    loss.backward()
    drawing = ag.draw_graph(loss, params=model, collapse_modules=True, show_grads=True)
    drawing.graph_attr["dpi"] = "110"
    (IMAGES / "graph.png").write_bytes(drawing.pipe(format="png"))


def vanishing():
    """Per-layer gradient norms of a 10-layer sigmoid net over training steps."""
    ag.manual_seed(0)
    layers = []
    for _ in range(10):
        layers += [nn.Linear(32, 32), nn.Sigmoid()]
    model = nn.Sequential(*layers, nn.Linear(32, 2))
    monitor = diagnostics.Monitor(model)
    opt = optim.SGD(model.parameters(), lr=0.5)
    x, y = ag.randn(256, 32), ag.randint(0, 2, (256,))
    for _ in range(100):
        opt.zero_grad()
        nn.CrossEntropyLoss()(model(x), y).backward()
        monitor.before_step()
        opt.step()
        monitor.after_step()
    fig = plots.plot_gradient_norms(monitor)
    fig.axes[0].set_title("10-layer sigmoid net: gradient norm per layer")
    fig.tight_layout()
    fig.savefig(IMAGES / "vanishing.png", dpi=110)


def surfaces():
    starts = {"bowl": (-1.8, 0.8), "rosenbrock": (-1.5, 2.5)}
    makers = {"SGD": lambda p: optim.SGD(p, lr=0.02), "momentum": lambda p: optim.SGD(p, lr=0.02, momentum=0.9),
              "Adam": lambda p: optim.Adam(p, lr=0.1)}
    for name, start in starts.items():
        surface, _ = landscapes.SURFACES[name]
        lr_scale = 0.05 if name == "rosenbrock" else 1.0
        paths = {label: landscapes.descend(surface, lambda p, make=make: _scaled(make(p), lr_scale), start, 150)
                 for label, make in makers.items()}
        fig = plots.plot_loss_surface(name, paths)
        fig.axes[0].set_title(f"{name}: 150 steps from {start}")
        fig.tight_layout()
        fig.savefig(IMAGES / f"{name}.png", dpi=100)


def _scaled(optimizer, factor):
    for group in optimizer.param_groups:
        group["lr"] *= factor
    return optimizer


if __name__ == "__main__":
    IMAGES.mkdir(exist_ok=True)
    graph()
    vanishing()
    surfaces()
