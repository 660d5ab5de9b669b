"""Datasets: anything with `__len__` and `__getitem__`; `get_batch(indices)` when a whole batch
can be gathered at once (the DataLoader's fast path)."""
import numpy as np

import autograd as ag


class Dataset:
    """Base class: subclasses return one sample (a tensor or a tuple of tensors) per index."""

    def __len__(self):
        raise NotImplementedError

    def __getitem__(self, index):
        raise NotImplementedError


class TensorDataset(Dataset):
    """Samples are the rows of equally long tensors: `data[i] == (inputs[i], targets[i], ...)`.

    `transform`, if given, is applied to the first tensor's rows whenever they are read; it
    receives a batch (leading dim = samples) and returns one of the same length, so it can
    augment a whole mini-batch at once.

    >>> import autograd as ag
    >>> data = TensorDataset(ag.zeros(4, 3), ag.arange(4))
    >>> len(data), [t.shape for t in data[1]]
    (4, [(3,), ()])
    """

    def __init__(self, *tensors, transform=None):
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        tensors = tuple(t if isinstance(t, ag.Tensor) else ag.tensor(t) for t in tensors)
        lengths = [t.shape[0] if t.ndim else None for t in tensors]
        if None in lengths or len(set(lengths)) != 1:
            raise ValueError(f"TensorDataset needs tensors with the same first dim, got shapes "
                             f"{[t.shape for t in tensors]}")
        self.tensors, self.transform = tensors, transform

    def __len__(self):
        return self.tensors[0].shape[0]

    def __getitem__(self, index):
        samples = self.get_batch(np.array([index]))
        return tuple(ag.from_numpy(np.asarray(s.data[0])) for s in samples)

    def get_batch(self, indices):
        """The samples at `indices` (an int array), batched: one tensor per stored tensor."""
        batch = [ag.from_numpy(t.data[indices]) for t in self.tensors]
        if self.transform is not None:
            transformed = self.transform(batch[0])
            batch[0] = transformed if isinstance(transformed, ag.Tensor) else ag.tensor(transformed)
        return tuple(batch)


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order."""

    def __init__(self, dataset, indices):
        self.dataset, self.indices = dataset, np.asarray(indices, dtype=np.int64)
        if self.indices.size and (self.indices.min() < -len(dataset) or self.indices.max() >= len(dataset)):
            raise ValueError(f"Subset: indices out of range for a dataset of {len(dataset)} samples")

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, index):
        return self.dataset[int(self.indices[index])]

    def get_batch(self, indices):
        if hasattr(self.dataset, "get_batch"):
            return self.dataset.get_batch(self.indices[indices])
        return collate([self.dataset[int(i)] for i in self.indices[indices]])


def random_split(dataset, lengths, seed=None):
    """Split `dataset` into non-overlapping random Subsets of the given lengths (which may be
    fractions summing to 1). `seed` fixes the split; otherwise autograd's generator draws it.

    >>> import autograd as ag
    >>> train, val = random_split(TensorDataset(ag.zeros(10, 2)), [0.8, 0.2], seed=0)
    >>> len(train), len(val)
    (8, 2)
    """
    total = len(dataset)
    if all(isinstance(n, float) for n in lengths):
        if abs(sum(lengths) - 1) > 1e-9:
            raise ValueError(f"random_split: fractions must sum to 1, got {lengths}")
        counts = [int(np.floor(total * f)) for f in lengths]
        for i in range(total - sum(counts)):
            counts[i % len(counts)] += 1
    else:
        counts = [int(n) for n in lengths]
    if sum(counts) != total or min(counts) < 0:
        raise ValueError(f"random_split: lengths {lengths} do not add up to the dataset's {total} samples")
    rng = np.random.default_rng(seed) if seed is not None else ag.default_generator()
    order = rng.permutation(total)
    bounds = np.cumsum([0] + counts)
    return [Subset(dataset, order[start:stop]) for start, stop in zip(bounds[:-1], bounds[1:])]


def collate(samples):
    """Stack a list of samples (tensors, numbers, or tuples of them) into batched tensors."""
    first = samples[0]
    if isinstance(first, (tuple, list)):
        return tuple(collate([sample[i] for sample in samples]) for i in range(len(first)))
    return ag.from_numpy(np.stack([s.data if isinstance(s, ag.Tensor) else ag.tensor(s).data for s in samples]))
