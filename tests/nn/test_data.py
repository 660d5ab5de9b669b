"""Datasets, the DataLoader, the IDX reader and MNIST (bundled, and the download path)."""
import gzip
import hashlib
import importlib
import pathlib

import numpy as np
import pytest

import autograd as ag
from nn.data import DataLoader, Dataset, Subset, TensorDataset, mnist, random_split, read_idx

mnist_source = importlib.import_module("nn.data.mnist")  # the module (nn.data.mnist is the function)


def numbered(n=10):
    return TensorDataset(ag.arange(float(2 * n)).reshape(n, 2), ag.arange(n))


@pytest.mark.parametrize("batch_size, drop_last, sizes", [(4, False, [4, 4, 2]), (4, True, [4, 4]), (10, False, [10]),
                                                          (1, False, [1] * 10), (32, False, [10])])
def test_batches_cover_the_dataset_in_order(batch_size, drop_last, sizes):
    loader = DataLoader(numbered(), batch_size=batch_size, drop_last=drop_last)
    batches = list(loader)
    assert len(loader) == len(batches) and [len(y) for _, y in batches] == sizes
    labels = np.concatenate([y.data for _, y in batches])
    np.testing.assert_array_equal(labels, np.arange(sum(sizes)))
    for x, y in batches:
        np.testing.assert_array_equal(x.data, np.stack([2 * y.data, 2 * y.data + 1], 1))


def test_shuffle_visits_every_sample_once_per_epoch_in_a_new_order():
    loader = DataLoader(numbered(50), batch_size=7, shuffle=True, seed=0)
    orders = [np.concatenate([y.data for _, y in loader]) for _ in range(2)]
    for order in orders:
        np.testing.assert_array_equal(np.sort(order), np.arange(50))
    assert not np.array_equal(orders[0], orders[1]) and not np.array_equal(orders[0], np.arange(50))


def test_shuffling_repeats_with_a_seed_or_manual_seed():
    def epoch(loader):
        return np.concatenate([y.data for _, y in loader])

    assert np.array_equal(epoch(DataLoader(numbered(30), 4, shuffle=True, seed=3)),
                          epoch(DataLoader(numbered(30), 4, shuffle=True, seed=3)))
    ag.manual_seed(5)
    first = epoch(DataLoader(numbered(30), 4, shuffle=True))
    ag.manual_seed(5)
    assert np.array_equal(first, epoch(DataLoader(numbered(30), 4, shuffle=True)))


def test_a_plain_dataset_is_collated_sample_by_sample():
    class Squares(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return ag.tensor([float(i)]), i * i

    (x, y), (x2, y2) = list(DataLoader(Squares(), batch_size=3))
    assert x.shape == (3, 1) and y.tolist() == [0, 1, 4] and y2.tolist() == [9, 16]


def test_tensor_dataset_items_and_transform():
    data = TensorDataset(ag.ones(4, 3), ag.arange(4), transform=lambda batch: batch * 2)
    x, y = data[2]
    assert x.tolist() == [2.0, 2.0, 2.0] and y.item() == 2
    batch, _ = next(iter(DataLoader(data, 4)))
    np.testing.assert_array_equal(batch.data, np.full((4, 3), 2.0))


def test_tensor_dataset_needs_equal_lengths():
    with pytest.raises(ValueError, match=r"same first dim, got shapes \[\(4, 3\), \(3,\)\]"):
        TensorDataset(ag.ones(4, 3), ag.arange(3))


def test_subset_and_random_split():
    data = numbered(10)
    subset = Subset(data, [7, 2])
    assert len(subset) == 2 and subset[0][1].item() == 7
    parts = random_split(data, [0.7, 0.3], seed=0)
    assert [len(p) for p in parts] == [7, 3]
    labels = np.concatenate([np.concatenate([y.data for _, y in DataLoader(p, 10)]) for p in parts])
    np.testing.assert_array_equal(np.sort(labels), np.arange(10))
    with pytest.raises(ValueError, match="do not add up to the dataset's 10 samples"):
        random_split(data, [3, 3])


def test_loader_argument_errors():
    with pytest.raises(ValueError, match="batch_size must be a positive int, got 0"):
        DataLoader(numbered(), 0)
    with pytest.raises(ValueError, match="batch_size must be a positive int, got True"):
        DataLoader(numbered(), True)


def test_a_numpy_integer_batch_size_is_an_int():
    loader = DataLoader(numbered(), np.int64(4))
    assert len(loader) == 3 and [len(batch[0]) for batch in loader] == [4, 4, 2]


class Overstated(Dataset):
    """Says it has 10 samples but holds 8."""

    samples = [(ag.zeros(2), ag.tensor(0))] * 8

    def __len__(self):
        return 10

    def __getitem__(self, index):
        return self.samples[index]


def test_a_dataset_whose_len_overstates_its_data_is_named():
    with pytest.raises(IndexError, match=r"reading samples 8-9 of a Overstated whose __len__ is 10 failed "
                                         r"\(IndexError: list index out of range\); does __len__ overstate"):
        list(DataLoader(Overstated(), 4))


# --- IDX and MNIST -----------------------------------------------------------------------------
def write_idx(path, array, compress):
    codes = {np.dtype(np.uint8): 0x08, np.dtype(">i4"): 0x0C}
    header = bytes([0, 0, codes[array.dtype], array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    payload = header + array.tobytes()
    path.write_bytes(gzip.compress(payload) if compress else payload)


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("dtype", [np.uint8, ">i4"])
def test_read_idx_round_trip(tmp_path, compress, dtype):
    array = np.arange(24).reshape(2, 3, 4).astype(dtype)
    write_idx(tmp_path / "file", array, compress)
    np.testing.assert_array_equal(read_idx(tmp_path / "file"), array)


def test_read_idx_rejects_bad_files(tmp_path):
    (tmp_path / "bad").write_bytes(b"PK\x03\x04junk")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "bad")
    (tmp_path / "short").write_bytes(bytes([0, 0, 8, 1]) + (10).to_bytes(4, "big") + b"12345")
    with pytest.raises(ValueError, match=r"header says shape \(10,\) \(10 bytes\), file holds 5 bytes"):
        read_idx(tmp_path / "short")


def test_bundled_files_match_their_published_checksums():
    readme = (mnist_source.BUNDLED / "README.md").read_text()
    for name in ("images-idx3-ubyte.gz", "labels-idx1-ubyte.gz"):
        digest = hashlib.sha256((mnist_source.BUNDLED / name).read_bytes()).hexdigest()
        assert f"| {name} |" in readme and digest in readme


def test_bundled_mnist_split_per_class():
    train, held_out = mnist(), mnist(train=False)
    assert (len(train), len(held_out)) == (4000, 1000)
    assert np.bincount(train.tensors[1].data).tolist() == [400] * 10
    assert np.bincount(held_out.tensors[1].data).tolist() == [100] * 10
    images = train.tensors[0].data
    assert images.dtype == np.float32 and images.shape == (4000, 784) and images.min() == 0 and images.max() == 1
    assert mnist(flatten=False).tensors[0].shape == (4000, 28, 28)
    raw = read_idx(mnist_source.BUNDLED / "images-idx3-ubyte.gz")
    np.testing.assert_array_equal(np.round(images[0].reshape(28, 28) * 255).astype(np.uint8), raw[0])


def fake_mirror(tmp_path):
    """A local directory served as a mirror, holding small IDX files under MNIST's names."""
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    sums = {}
    for split, count in (("train", 6), ("test", 3)):
        (image_name, _), (label_name, _) = mnist_source.FILES[split]
        write_idx(mirror / image_name, np.full((count, 28, 28), 255, np.uint8), compress=True)
        write_idx(mirror / label_name, np.arange(count, dtype=np.uint8), compress=True)
        sums[split] = tuple((name, hashlib.md5((mirror / name).read_bytes()).hexdigest())
                            for name in (image_name, label_name))
    return mirror.as_uri() + "/", sums


def test_download_fetches_checks_and_caches(tmp_path, monkeypatch):
    url, sums = fake_mirror(tmp_path)
    monkeypatch.setattr(mnist_source, "FILES", sums)
    cache = tmp_path / "cache"
    train = mnist(download=True, root=cache, mirrors=(url,))
    assert len(train) == 6 and train.tensors[0].data.max() == 1.0
    assert sorted(p.name for p in cache.iterdir()) == sorted(name for name, _ in sums["train"])
    # a second call reads the cache: no mirror is needed
    assert len(mnist(download=True, root=cache, mirrors=())) == 6


def test_download_rejects_a_wrong_checksum(tmp_path, monkeypatch):
    url, sums = fake_mirror(tmp_path)
    monkeypatch.setattr(mnist_source, "FILES", {"train": tuple((name, "0" * 32) for name, _ in sums["train"])})
    with pytest.raises(RuntimeError, match="checksum mismatch"):
        mnist(download=True, root=tmp_path / "cache", mirrors=(url,))
    assert not list((tmp_path / "cache").glob("*.gz"))


def test_download_without_a_network_says_what_to_do(tmp_path):
    unreachable = (tmp_path / "nowhere").as_uri() + "/"
    with pytest.raises(RuntimeError, match="could not download MNIST's train-images-idx3-ubyte.gz(.|\n)*bundled "
                                           "5,000-digit subset"):
        mnist(download=True, root=tmp_path / "cache", mirrors=(unreachable,))


def test_default_root_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TAPEGRAD_DATA", str(tmp_path))
    assert mnist_source.default_root() == pathlib.Path(tmp_path) / "mnist"


# --- augmentation ------------------------------------------------------------------------------
def test_affine_identity_shift_and_quarter_turn():
    from nn.data.transforms import affine

    images = np.random.default_rng(0).random((2, 7, 7))
    zeros, ones = np.zeros(2), np.ones(2)
    np.testing.assert_allclose(affine(images, zeros, ones, np.zeros((2, 2))), images, atol=1e-12)
    shifted = affine(images, zeros, ones, np.array([[2.0, -1.0]] * 2))
    np.testing.assert_allclose(shifted[:, 2:, :6], images[:, :5, 1:], atol=1e-12)
    assert not shifted[:, :2].any() and not shifted[:, :, 6].any()
    turned = affine(images, np.full(2, np.pi / 2), ones, np.zeros((2, 2)))
    np.testing.assert_allclose(turned, np.rot90(images, k=-1, axes=(1, 2)), atol=1e-9)


def test_affine_scaling_about_the_centre():
    from nn.data.transforms import affine

    image = np.zeros((1, 9, 9))
    image[0, 4, 6] = 1.0  # two pixels right of the centre
    np.testing.assert_allclose(affine(image, np.zeros(1), np.full(1, 0.5), np.zeros((1, 2)))[0, 4, 5], 1.0)


def test_random_affine_on_mnist_batches_is_seeded_and_keeps_ink():
    from nn.data import RandomAffine

    images = mnist().tensors[0][:16]
    first = RandomAffine(seed=3)(images).data
    assert first.shape == (16, 784) and first.dtype == np.float32
    np.testing.assert_array_equal(first, RandomAffine(seed=3)(images).data)
    assert not np.array_equal(first, images.data)
    # small moves keep (nearly) all the ink on the canvas
    np.testing.assert_allclose(first.sum(1), images.data.sum(1), rtol=0.25)
