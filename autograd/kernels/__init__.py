"""Fused kernels, each with a plain-numpy reference of the same name in `reference.py`.

By default the numba versions in `jit.py` are used; numba is imported, and each kernel compiled
(or loaded from numba's on-disk cache), only when it is first called. Setting the environment
variable `AUTOGRAD_KERNELS=numpy` before import runs everything on the references, without numba.
"""
import importlib
import os

from . import reference

NAMES = ("sigmoid", "relu_backward", "sigmoid_backward", "tanh_backward", "softmax_cross_entropy", "erf",
         "outer")
BACKEND = os.environ.get("AUTOGRAD_KERNELS", "numba")
if BACKEND not in ("numba", "numpy"):
    raise ValueError(f"AUTOGRAD_KERNELS must be 'numba' or 'numpy', got {BACKEND!r}")


def bind(namespace, names, reference_module, jit_module):
    """Fill `namespace` with one function per name: the reference under AUTOGRAD_KERNELS=numpy,
    else a stub that imports `jit_module` (a dotted name) on its first call and replaces itself
    with the compiled version, or with the reference where `jit_module` has none (so a kernel can
    land in numpy first). Used here and by `optim`'s update kernels."""

    def lazy(name):
        def first_call(*args):
            implementation = getattr(importlib.import_module(jit_module), name, None) or getattr(reference_module,
                                                                                                 name)
            namespace[name] = implementation
            return implementation(*args)

        first_call.__name__ = name
        first_call.__doc__ = getattr(reference_module, name).__doc__
        return first_call

    for name in names:
        namespace[name] = getattr(reference_module, name) if BACKEND == "numpy" else lazy(name)


bind(globals(), NAMES, reference, __name__ + ".jit")

from . import window  # noqa: E402  (the sliding-window kernels of convolution and pooling)

WINDOW_NAMES = ("col2im", "max_pool2d", "max_unpool2d")
bind(globals(), WINDOW_NAMES, window, __name__ + ".window_jit")
