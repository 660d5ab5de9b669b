"""The two backends a backward is written against offer the same functions, so that a backward
that runs on numpy arrays also runs, recorded, under create_graph=True."""
from autograd.backends import NumpyBackend, TensorBackend


def public_names(backend):
    return {name for name in vars(backend) if not name.startswith("_")}


def test_numpy_and_tensor_backends_expose_the_same_names():
    assert public_names(NumpyBackend) == public_names(TensorBackend)
