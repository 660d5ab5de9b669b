"""Where in a memory page each optimiser state array starts, so the update kernels do not stall.

Large numpy arrays all start at the same offset within a 4,096-byte page, and an update that
streams through a parameter, its gradient and two state arrays at equal page offsets can stall
on 4K aliasing (loads that look as if they depend on the stores of another array). Each state
array is therefore copied to its own offset, `STAGGER` bytes apart; benchmarks/bench_kernels.py
times Adam both ways (the last rows of its update table).
"""
import numpy as np

PAGE = 4096
STAGGER = 256  # bytes between the page offsets of successive state arrays
SLOTS = PAGE // STAGGER - 1  # distinct offsets handed out in turn (slot 0, the usual one, is skipped)


def staggered(array, slot):
    """A copy of `array` (in its row- or column-major layout) whose data starts `slot * STAGGER`
    bytes (mod 4096) into a page.

    >>> staggered(np.ones((2, 3)), 3).ctypes.data % PAGE
    768
    """
    itemsize = array.dtype.itemsize
    raw = np.empty(array.size + PAGE // itemsize, array.dtype)
    start = ((slot * STAGGER - raw.ctypes.data) % PAGE) // itemsize
    column_major = array.flags.f_contiguous and not array.flags.c_contiguous
    out = raw[start:start + array.size].reshape(array.shape, order="F" if column_major else "C")
    out[...] = array
    return out


def place(array, count):
    """The state array number `count` of an optimiser, as a staggered copy of `array`."""
    return staggered(array, 1 + count % SLOTS)
