"""Data augmentation for image batches, to pass as a dataset's `transform=`.

Transforms take a batch (a tensor of N images, flattened or not) and return a new batch of the
same shape, drawing their randomness from their own generator (`seed`) or autograd's.

>>> import autograd as ag
>>> from nn.data import TensorDataset, mnist
>>> augmented = mnist(transform=RandomAffine(max_shift=2, max_degrees=10, scale=(0.9, 1.1), seed=0))
>>> augmented.get_batch([0, 1])[0].shape
(2, 784)
"""
import math

import numpy as np

import autograd as ag


class RandomAffine:
    """Shift each image by up to `max_shift` pixels, rotate it by up to `max_degrees` and scale it
    by a factor drawn from `scale`, around its centre; bilinear sampling, zeros outside.
    Images are square (side inferred from flattened rows, as MNIST's 784 = 28 x 28)."""

    def __init__(self, max_shift=2.0, max_degrees=10.0, scale=(0.9, 1.1), seed=None):
        self.max_shift, self.max_degrees, self.scale = max_shift, max_degrees, scale
        self.generator = np.random.default_rng(seed) if seed is not None else None

    def __call__(self, batch):
        images = batch.data if isinstance(batch, ag.Tensor) else np.asarray(batch)
        shape = images.shape
        side = shape[-1] if images.ndim == 3 else math.isqrt(images.reshape(shape[0], -1).shape[1])
        squares = images.reshape(shape[0], side, side)
        rng = self.generator or ag.default_generator()
        count = shape[0]
        angles = np.deg2rad(rng.uniform(-self.max_degrees, self.max_degrees, count))
        factors = rng.uniform(*self.scale, count)
        shifts = rng.uniform(-self.max_shift, self.max_shift, (count, 2))
        out = affine(squares, angles, factors, shifts)
        return ag.from_numpy(out.reshape(shape).astype(images.dtype))


def affine(images, angles, factors, shifts):
    """Rotate (radians), scale and shift (pixels, (dy, dx)) each of N square images (N, S, S)
    around its centre, by inverse mapping with bilinear interpolation; zeros outside.

    >>> import numpy as np
    >>> image = np.zeros((1, 5, 5)); image[0, 2, 2] = 1
    >>> float(affine(image, np.zeros(1), np.ones(1), np.array([[1.0, 0.0]]))[0, 3, 2])
    1.0
    """
    count, side, _ = images.shape
    centre = (side - 1) / 2
    rows, cols = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    y = rows[None] - centre - shifts[:, 0, None, None]
    x = cols[None] - centre - shifts[:, 1, None, None]
    cos, sin = (np.cos(angles) / factors)[:, None, None], (np.sin(angles) / factors)[:, None, None]
    source_y = cos * y - sin * x + centre
    source_x = sin * y + cos * x + centre
    top, left = np.floor(source_y).astype(int), np.floor(source_x).astype(int)
    dy, dx = source_y - top, source_x - left
    batch = np.arange(count)[:, None, None]
    out = np.zeros(images.shape, dtype=np.float64)
    for oy, ox, weight in ((0, 0, (1 - dy) * (1 - dx)), (0, 1, (1 - dy) * dx), (1, 0, dy * (1 - dx)), (1, 1, dy * dx)):
        r, c = top + oy, left + ox
        inside = (r >= 0) & (r < side) & (c >= 0) & (c < side)
        out += np.where(inside, images[batch, np.clip(r, 0, side - 1), np.clip(c, 0, side - 1)], 0) * weight
    return out
