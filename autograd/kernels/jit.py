"""numba versions of the kernels in `reference.py`, compiled on first use and cached on disk.

The sigmoid forward has no numba version: numba's scalar exp is slower than numpy's vectorised
one at every size measured, so `reference.sigmoid` serves both backends.

Each public function here takes the same arguments as its reference and returns the same
result. The compiled loops take 1-d contiguous float32 or float64 arrays (two signatures each);
anything else (views with strides, broadcast gradients, mixed dtypes) and arrays too small for a
kernel call to pay goes to the reference. `error_model="numpy"` lets numba vectorise loops with
division; the two fastmath flags keep NaN and inf semantics. Constants come in as an argument
`one` of the arrays' dtype: a literal 1 is an int64 to numba and would widen float32 to float64.
"""
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
def _softmax_cross_entropy(logits, target, loss, dlogits):
    """Fills loss and dlogits; returns -1, or the first row whose target is not a class index
    (checked here, in the pass that reads it anyway)."""
    rows, classes = logits.shape
    for r in range(rows):
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
        loss[r] = np.log(total) + peak - logits[r, target[r]]
        dlogits[r, target[r]] -= 1
    return -1


def _fits(*arrays):
    first = arrays[0]
    return (first.size >= MIN_SIZE and first.dtype in FLOATS
            and all(a.flags.c_contiguous and a.shape == first.shape and a.dtype == first.dtype for a in arrays))


def _from_output(kernel, fallback, takes_one=True):
    def backward(grad, out):
        if not _fits(grad, out):
            return fallback(grad, out)
        result = np.empty_like(grad)
        flat = (grad.reshape(-1), out.reshape(-1), result.reshape(-1))
        kernel(*flat, grad.dtype.type(1)) if takes_one else kernel(*flat)
        return result

    backward.__name__ = fallback.__name__
    backward.__doc__ = fallback.__doc__
    return backward


relu_backward = _from_output(_relu_backward, reference.relu_backward, takes_one=False)
sigmoid_backward = _from_output(_sigmoid_backward, reference.sigmoid_backward)
tanh_backward = _from_output(_tanh_backward, reference.tanh_backward)


def softmax_cross_entropy(logits, target):
    if not (logits.dtype in FLOATS and logits.flags.c_contiguous and target.dtype == np.int64
            and target.flags.c_contiguous):
        return reference.softmax_cross_entropy(logits, target)
    loss = np.empty(logits.shape[0], logits.dtype)
    dlogits = np.empty_like(logits)
    if _softmax_cross_entropy(logits, target, loss, dlogits) >= 0:
        reference.check_targets(target, logits.shape[1])
    return loss, dlogits
