"""Keep large arrays on the heap between training steps (Linux with glibc).

Every training step allocates and frees the same large arrays (activations, gradients). glibc
serves blocks above its mmap threshold with fresh `mmap` calls and returns freed heap memory
to the system beyond its trim threshold, so each step pays the page faults of touching new
memory again: the 784-256-256-10 MLP step at batch 1024 took ~18.5 ms instead of ~14.5 ms
(benchmarks/bench_train.py). Raising both thresholds once, at import, lets freed blocks be
reused. The cost: memory freed by the process is kept for reuse rather than handed back to the
system. Set `AUTOGRAD_MALLOC=system` before import to leave the allocator as it is.
"""
import ctypes
import ctypes.util
import os
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 32 * 1024 * 1024   # glibc's largest allowed value on 64-bit systems
TRIM_THRESHOLD = 256 * 1024 * 1024


def keep_large_arrays_on_heap():
    """Raise glibc's mmap and trim thresholds; returns whether it was done (False elsewhere)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (e.g. musl has no mallopt)
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))


MODE = os.environ.get("AUTOGRAD_MALLOC", "tuned")
if MODE not in ("tuned", "system"):
    raise ValueError(f"AUTOGRAD_MALLOC must be 'tuned' or 'system', got {MODE!r}")
TUNED = keep_large_arrays_on_heap() if MODE == "tuned" else False
