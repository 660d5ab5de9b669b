"""The optimisers' update rules, each applied in place to one parameter's numpy arrays.

`reference.py` holds them in plain numpy (the equations are in the optimisers' docstrings);
`jit.py` holds the same updates as numba loops that make one pass over the parameter with no
temporaries; `pages.py` places the state arrays in memory so that those loops do not stall.
They are chosen like autograd's kernels: numba by default (compiled on first use),
`AUTOGRAD_KERNELS=numpy` for the references.
"""
from autograd.kernels import bind

from . import reference

NAMES = ("sgd", "adagrad", "rmsprop", "adam")
bind(globals(), NAMES, reference, __name__ + ".jit")
