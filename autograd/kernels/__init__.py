"""Fused kernels, each with a plain-numpy reference of the same name in `reference.py`.

By default the numba versions in `jit.py` are used; numba is imported, and each kernel compiled
(or loaded from numba's on-disk cache), only when it is first called. Setting the environment
variable `AUTOGRAD_KERNELS=numpy` before import runs everything on the references, without numba.
"""
import os

from . import reference

NAMES = ("relu_backward", "sigmoid_backward", "tanh_backward", "softmax_cross_entropy")
sigmoid = reference.sigmoid
BACKEND = os.environ.get("AUTOGRAD_KERNELS", "numba")
if BACKEND not in ("numba", "numpy"):
    raise ValueError(f"AUTOGRAD_KERNELS must be 'numba' or 'numpy', got {BACKEND!r}")


def _lazy(name):
    def first_call(*args):
        from . import jit

        implementation = getattr(jit, name)
        globals()[name] = implementation
        return implementation(*args)

    first_call.__name__ = name
    first_call.__doc__ = getattr(reference, name).__doc__
    return first_call


for _name in NAMES:
    globals()[_name] = getattr(reference, _name) if BACKEND == "numpy" else _lazy(_name)
