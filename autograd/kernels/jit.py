"""numba versions of the kernels in `reference.py`, compiled on first use and cached on disk.

The sigmoid forward has no numba version: numba's scalar exp is slower than numpy's vectorised
one at every size measured, so `bind` serves `reference.sigmoid` under both backends.

Each public function here takes the same arguments as its reference and returns the same
result. The compiled loops take 1-d contiguous float32 or float64 arrays (two signatures each):
the flat views of arrays that share one row- or column-major layout. Anything else (views with
strides, broadcast gradients, mixed dtypes) and arrays too small for a kernel call to pay go to
the reference (`compiled`, which `optim`'s update kernels use too). `error_model="numpy"` lets
numba vectorise loops with division; the two fastmath flags keep NaN and inf semantics.
Constants come in as an argument `one` of the arrays' dtype: a literal 1 is an int64 to numba
and would widen float32 to float64.
"""
import functools
import math
import operator

import numpy as np
from numba import njit

from . import reference

JIT = dict(cache=True, error_model="numpy", fastmath={"arcp", "contract"})
# Below this many elements numpy's ufuncs cost no more than a kernel call (bench_kernels.py).
MIN_SIZE = 8192
FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


@njit(**JIT)
def _relu_backward(grad, out, result):
    for i in range(grad.size):
        result[i] = grad[i] * (out[i] > 0)


@njit(**JIT)
def _sigmoid_backward(grad, out, result, one):
    for i in range(grad.size):
        result[i] = grad[i] * out[i] * (one - out[i])


@njit(**JIT)
def _tanh_backward(grad, out, result, one):
    for i in range(grad.size):
        result[i] = grad[i] * (one - out[i] * out[i])


@njit(**JIT)
def _softmax_cross_entropy(logits, target, ignore_index, loss, dlogits):
    """Fills loss and dlogits (zero on rows whose target is `ignore_index`); returns -1, or the
    first row whose target is not a class index (checked here, in the pass that reads it anyway)."""
    rows, classes = logits.shape
    for r in range(rows):
        if target[r] == ignore_index:
            loss[r] = 0.0
            dlogits[r, :] = 0.0
            continue
        if target[r] < 0 or target[r] >= classes:
            return r
        peak = logits[r, 0]
        for c in range(1, classes):
            peak = max(peak, logits[r, c])
        total = 0.0
        for c in range(classes):
            e = np.exp(logits[r, c] - peak)
            dlogits[r, c] = e
            total += e
        for c in range(classes):
            dlogits[r, c] /= total
        # (peak + log(total)) first would lose log(total) to rounding at logits near the float maximum
        loss[r] = np.log(total) + (peak - logits[r, target[r]])
        dlogits[r, target[r]] -= 1
    return -1


def flat_views(first, *others):
    """Flat views in memory order of `first` and `others` (None -> an empty array) if they all
    share `first`'s shape, float dtype and row- or column-major contiguous layout; else None.

    >>> [v.tolist() for v in flat_views(np.eye(2), None)]
    [[1.0, 0.0, 0.0, 1.0], []]
    """
    if first.dtype not in FLOATS:
        return None
    if first.flags.c_contiguous:
        flats = [first.reshape(-1)]
    elif first.flags.f_contiguous:  # its transpose is row-major: flattened in memory order
        flats = [first.T.reshape(-1)]
    else:
        return None
    for array in others:
        if array is None:
            flats.append(flats[0][:0])
        elif array.dtype != first.dtype or array.shape != first.shape or array.strides != first.strides:
            return None
        else:
            flats.append(array.reshape(-1) if array.flags.c_contiguous else array.T.reshape(-1))
    return flats


def compiled(reference_function, arrays, min_size=0):
    """Decorator for the Python side of a compiled loop: `run(flats, *args)` gets the flat views
    (`flat_views`) of the arguments at positions `arrays` (two or more). The result takes the
    reference's name and docstring, and calls the reference instead when the first of those
    arrays has fewer than its `min_size` attribute's elements or they do not share one layout."""
    first, pick = arrays[0], operator.itemgetter(*arrays)

    def decorate(run):
        @functools.wraps(reference_function)
        def kernel(*args):
            if args[first].size >= kernel.min_size:
                flats = flat_views(*pick(args))
                if flats is not None:
                    return run(flats, *args)
            return reference_function(*args)

        kernel.min_size = min_size
        return kernel

    return decorate


def _from_output(loop, reference_function, takes_one=True):
    @compiled(reference_function, arrays=(0, 1), min_size=MIN_SIZE)
    def backward(flats, grad, out):
        result = np.empty_like(grad)
        flat_result = result.reshape(-1) if result.flags.c_contiguous else result.T.reshape(-1)
        if takes_one:
            loop(flats[0], flats[1], flat_result, grad.dtype.type(1))
        else:
            loop(flats[0], flats[1], flat_result)
        return result

    return backward


relu_backward = _from_output(_relu_backward, reference.relu_backward, takes_one=False)
sigmoid_backward = _from_output(_sigmoid_backward, reference.sigmoid_backward)
tanh_backward = _from_output(_tanh_backward, reference.tanh_backward)


@functools.wraps(reference.softmax_cross_entropy)
def softmax_cross_entropy(logits, target, ignore_index=-100):
    if not (logits.dtype in FLOATS and logits.flags.c_contiguous and target.dtype == np.int64
            and target.flags.c_contiguous):
        return reference.softmax_cross_entropy(logits, target, ignore_index)
    loss = np.empty(logits.shape[0], logits.dtype)
    dlogits = np.empty_like(logits)
    if _softmax_cross_entropy(logits, target, ignore_index, loss, dlogits) >= 0:
        reference.check_targets(target, logits.shape[1], ignore_index)
    return loss, dlogits


@njit(**JIT)
def _erf(x, result):
    for i in range(x.size):
        result[i] = math.erf(x[i])


@functools.wraps(reference.erf)
def erf(x):
    flats = flat_views(x)
    if flats is None:
        return reference.erf(x)
    result = np.empty_like(x)  # the same row- or column-major layout as x
    _erf(flats[0], result.reshape(-1) if result.flags.c_contiguous else result.T.reshape(-1))
    return result


@njit(**JIT)
def _outer(a, b, out):
    for i in range(a.size):
        a_i = a[i]
        for j in range(b.size):
            out[i, j] = a_i * b[j]


@functools.wraps(reference.outer)
def outer(a, b, out):
    # 2-5x numpy's broadcast multiply at every size measured (bench_kernels.py, "outer").
    if not (a.dtype == b.dtype == out.dtype and a.dtype in FLOATS and out.flags.c_contiguous):
        return reference.outer(a, b, out)
    _outer(np.ascontiguousarray(a), np.ascontiguousarray(b), out)
    return out
