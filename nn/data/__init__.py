"""Datasets, the DataLoader that batches them, and MNIST.

Batch, stochastic and mini-batch gradient descent differ only in `batch_size`:
`len(dataset)`, 1, or anything in between.

>>> import autograd as ag
>>> from nn.data import DataLoader, TensorDataset
>>> data = TensorDataset(ag.arange(10.0).reshape(5, 2), ag.arange(5))
>>> [x.shape for x, y in DataLoader(data, batch_size=2)]
[(2, 2), (2, 2), (1, 2)]
"""
from .dataset import Dataset, Subset, TensorDataset, random_split
from .loader import DataLoader
from .mnist import mnist, read_idx
from .transforms import RandomAffine

__all__ = ["Dataset", "TensorDataset", "Subset", "random_split", "DataLoader", "mnist", "read_idx", "RandomAffine"]
