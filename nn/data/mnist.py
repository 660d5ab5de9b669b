"""MNIST: a reader of the IDX format, the bundled 5,000-digit subset, and the full set on request."""
import gzip
import hashlib
import os
import pathlib
import urllib.error
import urllib.request

import numpy as np

import autograd as ag

from .dataset import TensorDataset

BUNDLED = pathlib.Path(__file__).with_name("mnist5k")
MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/")
# The full MNIST's files and their MD5 checksums (as published with the data set's mirrors).
FILES = {
    "train": (("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
              ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432")),
    "test": (("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
             ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")),
}
IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
PER_CLASS_TRAIN = 400


def read_idx(path):
    """Read an IDX file (gzip-compressed or raw) into a numpy array of its stated shape and type.

    >>> read_idx(BUNDLED / "labels-idx1-ubyte.gz").shape
    (5000,)
    """
    with open(path, "rb") as file:
        raw = file.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[:2] != b"\x00\x00" or raw[2] not in IDX_TYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number {raw[:4].hex()})")
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(IDX_TYPES[raw[2]])
    body = raw[4 + 4 * ndim:]
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(body) != expected:
        raise ValueError(f"{path}: header says shape {shape} ({expected} bytes), file holds {len(body)} bytes")
    return np.frombuffer(body, dtype).reshape(shape)


def default_root():
    """Where `download=True` keeps the full MNIST: $TAPEGRAD_DATA, else ~/.cache/tapegrad."""
    return pathlib.Path(os.environ.get("TAPEGRAD_DATA", pathlib.Path.home() / ".cache" / "tapegrad")) / "mnist"


def _md5(path):
    return hashlib.md5(pathlib.Path(path).read_bytes()).hexdigest()


def _fetch(name, md5, root, mirrors):
    """The path of `name` in `root`, downloaded from the first mirror that answers if needed."""
    target = pathlib.Path(root) / name
    if target.exists() and _md5(target) == md5:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    failures = []
    for mirror in mirrors:
        try:
            with urllib.request.urlopen(mirror + name, timeout=30) as response:
                payload = response.read()
        except (urllib.error.URLError, OSError) as error:
            failures.append(f"{mirror + name}: {error}")
            continue
        if hashlib.md5(payload).hexdigest() != md5:
            failures.append(f"{mirror + name}: checksum mismatch (expected MD5 {md5})")
            continue
        partial = target.with_suffix(".part")
        partial.write_bytes(payload)
        partial.replace(target)
        return target
    raise RuntimeError(f"could not download MNIST's {name}; tried:\n  " + "\n  ".join(failures)
                       + "\nWithout a network, use the bundled 5,000-digit subset: nn.data.mnist(download=False).")


def mnist(train=True, download=False, root=None, flatten=True, transform=None, mirrors=MIRRORS):
    """MNIST digits as a TensorDataset of (images, labels): float32 images scaled to [0, 1],
    (N, 784) when `flatten` else (N, 28, 28), and int64 labels.

    By default (offline) this is the bundled real 5,000-digit subset: 4,000 for `train=True`,
    the 1,000 held out for `train=False` (the first 400 and last 100 of each class). With
    `download=True` it is the full MNIST (60,000 / 10,000), fetched once into `root` (default
    `default_root()`), checked against its MD5 sums, and read from there afterwards.

    >>> train = mnist()
    >>> len(train), train.tensors[0].shape, train.tensors[1].dtype
    (4000, (4000, 784), dtype('int64'))
    """
    if download:
        root = default_root() if root is None else pathlib.Path(root)
        image_file, label_file = (_fetch(name, md5, root, mirrors) for name, md5 in FILES["train" if train else "test"])
        images, labels = read_idx(image_file), read_idx(label_file)
    else:
        images, labels = read_idx(BUNDLED / "images-idx3-ubyte.gz"), read_idx(BUNDLED / "labels-idx1-ubyte.gz")
        rank = np.zeros(len(labels), dtype=np.int64)
        for digit in range(10):
            positions = np.flatnonzero(labels == digit)
            rank[positions] = np.arange(len(positions))
        keep = rank < PER_CLASS_TRAIN if train else rank >= PER_CLASS_TRAIN
        images, labels = images[keep], labels[keep]
    if len(images) != len(labels):
        raise ValueError(f"MNIST files disagree: {len(images)} images but {len(labels)} labels")
    pixels = (images.astype(np.float32) / np.float32(255)).reshape((len(images), -1) if flatten else images.shape)
    return TensorDataset(ag.from_numpy(pixels), ag.from_numpy(labels.astype(np.int64)), transform=transform)
