"""`DataLoader`: iterate over a dataset in (shuffled) batches."""
import math
import numbers

import numpy as np

import autograd as ag

from .dataset import collate


class DataLoader:
    """Batches of `batch_size` samples from `dataset`, reshuffled every epoch when `shuffle`.

    `seed` gives the loader its own generator (the same sequence of epochs every run);
    without it, shuffling draws from autograd's generator, which `ag.manual_seed` fixes.
    `drop_last` skips a final batch smaller than `batch_size`. A `sampler` (an iterable of
    dataset indices with a length, such as `nn.distributed.DistributedSampler`) chooses the
    samples and their order instead of `shuffle`.

    >>> import autograd as ag
    >>> from nn.data import TensorDataset
    >>> loader = DataLoader(TensorDataset(ag.zeros(10, 3)), batch_size=4, drop_last=True)
    >>> len(loader)
    2
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, seed=None, sampler=None):
        if not isinstance(batch_size, numbers.Integral) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        if len(dataset) == 0:
            raise ValueError("DataLoader: the dataset is empty")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler and shuffle=True exclude each other (the sampler sets the order)")
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, int(batch_size), shuffle, drop_last
        self.sampler = sampler
        self.generator = np.random.default_rng(seed) if seed is not None else None

    def __len__(self):
        count = len(self.sampler if self.sampler is not None else self.dataset) / self.batch_size
        return math.floor(count) if self.drop_last else math.ceil(count)

    def __iter__(self):
        if self.sampler is not None:
            order = np.fromiter(self.sampler, dtype=np.int64)
        elif self.shuffle:
            order = (self.generator or ag.default_generator()).permutation(len(self.dataset))
        else:
            order = np.arange(len(self.dataset))
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            yield self._batch(order[start:start + self.batch_size])

    def _batch(self, indices):
        gather = getattr(self.dataset, "get_batch", None)
        try:
            return gather(indices) if gather is not None else collate([self.dataset[int(i)] for i in indices])
        except IndexError as error:
            raise IndexError(f"DataLoader: reading samples {indices.min()}-{indices.max()} of a "
                             f"{type(self.dataset).__name__} whose __len__ is {len(self.dataset)} failed "
                             f"({type(error).__name__}: {error}); does __len__ overstate the data?") from error
