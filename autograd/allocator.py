"""Keep large arrays on the heap between training steps (Linux with glibc): a process-wide
setting that `import autograd` makes, visible here and switchable off.

Every training step allocates and frees the same large arrays (activations, gradients). glibc
serves blocks above its mmap threshold with fresh `mmap` calls and returns freed heap memory
to the system beyond its trim threshold, so a step can pay the page faults of touching new
memory again. glibc raises its mmap threshold by itself as large blocks are freed, so a loop
of steps of one size rarely pays this; when other work runs between the steps it can, at every
step (benchmarks/bench_malloc.py: 6 MB faulted in per W1 step at batch 1024 in 5 of 9
processes, a quarter more CPU time). Raising both thresholds once, at import, keeps freed
blocks for reuse. The cost: memory the process frees is kept rather than handed back to the
system, up to `TRIM_THRESHOLD` of it.

To leave the allocator as it is, set `AUTOGRAD_MALLOC=system` before the first import of
`autograd`. `use_glibc_defaults()` puts glibc's default thresholds back afterwards; glibc then
keeps them fixed (its own adjustment of the mmap threshold stays off once any value was set).

>>> from autograd import allocator
>>> allocator.MODE in ("tuned", "system")
True
"""
import ctypes
import ctypes.util
import os
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 32 * 1024 * 1024   # glibc's largest allowed value on 64-bit systems
TRIM_THRESHOLD = 256 * 1024 * 1024
GLIBC_DEFAULT = 128 * 1024          # glibc's starting value of both thresholds


def _mallopt():
    """glibc's `mallopt`, or None where there is none (not Linux, or a libc such as musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return None


def _set_thresholds(mmap_threshold, trim_threshold):
    mallopt = _mallopt()
    return mallopt is not None and bool(mallopt(M_MMAP_THRESHOLD, mmap_threshold)) and bool(
        mallopt(M_TRIM_THRESHOLD, trim_threshold))


def keep_large_arrays_on_heap():
    """Raise glibc's mmap and trim thresholds (what `import autograd` does unless
    AUTOGRAD_MALLOC=system); returns whether it was done (False without glibc)."""
    global tuned
    tuned = _set_thresholds(MMAP_THRESHOLD, TRIM_THRESHOLD)
    return tuned


def use_glibc_defaults():
    """Set glibc's mmap and trim thresholds back to their default 128 KiB, undoing
    `keep_large_arrays_on_heap`; returns whether it was done (False without glibc)."""
    global tuned
    done = _set_thresholds(GLIBC_DEFAULT, GLIBC_DEFAULT)
    tuned = tuned and not done
    return done


MODE = os.environ.get("AUTOGRAD_MALLOC", "tuned")
if MODE not in ("tuned", "system"):
    raise ValueError(f"AUTOGRAD_MALLOC must be 'tuned' or 'system', got {MODE!r}")
tuned = False  # whether the thresholds are raised now
if MODE == "tuned":
    keep_large_arrays_on_heap()
