"""Gather, the scatters and padding written element by element from their definitions: the
independent references the registry checks `indexing.py` and `pad` against (never used to
compute)."""
import numpy as np

FOLDS = {"sum": np.sum, "prod": np.prod, "mean": np.mean, "amax": np.max, "amin": np.min}
NUMPY_PAD_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _target(position, dim, index):
    if not position:  # a 0-d tensor: its one element
        return ()
    target = list(position)
    target[dim] = index[position]
    return tuple(target)


def gather(x, dim, index):
    out = np.empty(index.shape, x.dtype)
    for position in np.ndindex(index.shape):
        out[position] = x[_target(position, dim, index)]
    return out


def scatter_reduce(x, dim, index, src, reduce, include_self=True):
    """src folded into x at the targets of `index` by `reduce`, or written there ("assign")."""
    groups = {}
    for position in np.ndindex(index.shape):
        groups.setdefault(_target(position, dim, index), []).append(src[position])
    out = x.copy()
    for target, values in groups.items():
        if reduce == "assign":
            out[target] = values[-1]
        else:
            out[target] = FOLDS[reduce](([x[target]] if include_self else []) + values)
    return out


def scatter_add(x, dim, index, src):
    return scatter_reduce(x, dim, index, src, "sum")


def scatter(x, dim, index, src):
    return scatter_reduce(x, dim, index, src, "assign")


def pad(x, pad, mode="constant", value=0.0):
    """`torch.nn.functional.pad`: numpy's padding by the positive amounts and cropping by the
    negative ones; a circular pad wraps what is left after cropping, the others pad first."""
    pairs = [(0, 0)] * (x.ndim - len(pad) // 2) + [(pad[i], pad[i + 1]) for i in range(len(pad) - 2, -1, -2)]
    widths = [(max(before, 0), max(after, 0)) for before, after in pairs]
    extra = {"constant_values": value} if mode == "constant" else {}

    def crop(x):
        return x[tuple(slice(max(-before, 0), n - max(-after, 0)) for (before, after), n in zip(pairs, x.shape))]

    def grow(x):
        return np.pad(x, widths, mode=NUMPY_PAD_MODES[mode], **extra)

    return grow(crop(x)) if mode == "circular" else crop(grow(x))
