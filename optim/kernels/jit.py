"""numba versions of the update rules in `reference.py`: one pass over the parameter, no
temporaries, compiled on first use and cached on disk.

The scalars reach the loops precomputed (1 - beta1 rather than beta1), in one small array of the
parameter's dtype (`_coefficients`, cached per set of hyperparameters): a Python literal such as
the 1 in `1 - beta1` is an int64 or float64 to numba and would widen float32 arithmetic to
float64, and one array argument is cheaper to pass than nine scalars.

State that decays geometrically (momentum buffers, Adam's and RMSprop's averages) is flushed to
zero once it falls below the dtype's smallest normal number (`tiny`). Where a gradient stays
zero (a dead unit) those values otherwise sink into the subnormal range, where every operation
on them is many times slower: a fused Adam over MNIST's first layer took ~100 µs instead of
~63 µs. A subnormal first moment moves a weight by less than 1e-30, so nothing is lost.

The loops take 1-d contiguous arrays of one dtype (two signatures per kernel: float32 and
float64); flat views of the parameter and its arrays, in memory order, are
passed in when they all share one contiguous layout. Anything else (strided arrays, mixed
layouts or dtypes), and parameters smaller than `MIN_SIZE`, go to the reference. Absent state
arrays are passed as empty arrays, with the flag that says they are unused.
"""
import functools
import math

import numpy as np
from numba import njit

from autograd.kernels.jit import FLOATS, JIT

from . import reference


@njit(**JIT)
def _sgd(param, grad, buf, coefficients, nesterov, first_step):
    lr, momentum, damped, weight_decay, tiny = coefficients[0], coefficients[1], coefficients[2], coefficients[3], \
        coefficients[4]
    for i in range(param.size):
        g = grad[i] + weight_decay * param[i]
        if momentum != 0:
            b = g if first_step else momentum * buf[i] + damped * g
            if abs(b) < tiny:
                b = b - b
            buf[i] = b
            g = g + momentum * b if nesterov else b
        param[i] -= lr * g


@njit(**JIT)
def _adagrad(param, grad, state_sum, coefficients):
    clr, weight_decay, eps = coefficients[0], coefficients[1], coefficients[2]
    for i in range(param.size):
        g = grad[i] + weight_decay * param[i]
        s = state_sum[i] + g * g
        state_sum[i] = s
        param[i] -= clr * g / (np.sqrt(s) + eps)


@njit(**JIT)
def _rmsprop(param, grad, square_avg, grad_avg, buf, coefficients, centered):
    lr, alpha, rest, eps = coefficients[0], coefficients[1], coefficients[2], coefficients[3]
    weight_decay, momentum, tiny = coefficients[4], coefficients[5], coefficients[6]
    for i in range(param.size):
        g = grad[i] + weight_decay * param[i]
        s = alpha * square_avg[i] + rest * g * g
        if s < tiny:
            s = s - s
        square_avg[i] = s
        if centered:
            a = grad_avg[i] + rest * (g - grad_avg[i])
            if abs(a) < tiny:
                a = a - a
            grad_avg[i] = a
            s = s - a * a
        step = g / (np.sqrt(s) + eps)
        if momentum != 0:
            step = momentum * buf[i] + step
            if abs(step) < tiny:
                step = step - step
            buf[i] = step
        param[i] -= lr * step


@njit(**JIT)
def _adam(param, grad, exp_avg, exp_avg_sq, coefficients):
    step_size, rest1, beta2, rest2 = coefficients[0], coefficients[1], coefficients[2], coefficients[3]
    eps, weight_decay, decay, inv_bias_sqrt, tiny = coefficients[4], coefficients[5], coefficients[6], \
        coefficients[7], coefficients[8]
    for i in range(param.size):
        p = param[i] * decay
        g = grad[i] + weight_decay * p
        m = exp_avg[i] + rest1 * (g - exp_avg[i])
        if abs(m) < tiny:
            m = m - m
        v = beta2 * exp_avg_sq[i] + rest2 * g * g
        if v < tiny:
            v = v - v
        exp_avg[i] = m
        exp_avg_sq[i] = v
        param[i] = p - step_size * m / (np.sqrt(v) * inv_bias_sqrt + eps)


# Below these sizes the numpy reference is as fast or faster (benchmarks/bench_kernels.py).
MIN_SIZE = {"sgd": 2048, "adagrad": 0, "rmsprop": 0, "adam": 0}


@functools.lru_cache(maxsize=256)
def _coefficients(dtype, *values):
    """The scalars a loop needs, as one read-only array of its dtype, the dtype's smallest normal
    number last: built once per distinct set of hyperparameters (and step), not per parameter."""
    array = np.array(values + (np.finfo(dtype).tiny,), dtype)
    array.flags.writeable = False
    return array


def _flat(param, *arrays):
    """Flat views in memory order of the arrays (None -> empty) if they are all laid out like
    `param` (row- or column-major contiguous) with its float dtype; else None."""
    if param.dtype not in FLOATS:
        return None
    order = "C" if param.flags.c_contiguous else "F" if param.flags.f_contiguous else None
    if order is None:
        return None
    flats = [param.reshape(-1, order=order)]
    for array in arrays:
        if array is None:
            flats.append(flats[0][:0])
        elif array.dtype != param.dtype or array.shape != param.shape or array.strides != param.strides:
            return None
        else:
            flats.append(array.reshape(-1, order=order))
    return flats


def sgd(param, grad, momentum_buffer, lr, momentum, dampening, nesterov, weight_decay, first_step):
    flats = _flat(param, grad, momentum_buffer if momentum else None) if param.size >= MIN_SIZE["sgd"] else None
    if flats is None:
        return reference.sgd(param, grad, momentum_buffer, lr, momentum, dampening, nesterov, weight_decay,
                             first_step)
    _sgd(*flats, _coefficients(param.dtype, lr, momentum, 1 - dampening, weight_decay), bool(nesterov),
         bool(first_step))


def adagrad(param, grad, state_sum, clr, weight_decay, eps):
    flats = _flat(param, grad, state_sum) if param.size >= MIN_SIZE["adagrad"] else None
    if flats is None:
        return reference.adagrad(param, grad, state_sum, clr, weight_decay, eps)
    _adagrad(*flats, _coefficients(param.dtype, clr, weight_decay, eps))


def rmsprop(param, grad, square_avg, grad_avg, momentum_buffer, lr, alpha, eps, weight_decay, momentum, centered):
    flats = None
    if param.size >= MIN_SIZE["rmsprop"]:
        flats = _flat(param, grad, square_avg, grad_avg if centered else None, momentum_buffer if momentum else None)
    if flats is None:
        return reference.rmsprop(param, grad, square_avg, grad_avg, momentum_buffer, lr, alpha, eps, weight_decay,
                                 momentum, centered)
    _rmsprop(*flats, _coefficients(param.dtype, lr, alpha, 1 - alpha, eps, weight_decay, momentum), bool(centered))


@functools.lru_cache(maxsize=256)
def _adam_coefficients(dtype, lr, beta1, beta2, eps, weight_decay, step, decoupled):
    decay = 1 - lr * weight_decay if decoupled else 1.0
    return _coefficients(dtype, lr / (1 - beta1 ** step), 1 - beta1, beta2, 1 - beta2, eps,
                         0.0 if decoupled else weight_decay, decay, 1 / math.sqrt(1 - beta2 ** step))


def adam(param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, eps, weight_decay, step, decoupled):
    flats = _flat(param, grad, exp_avg, exp_avg_sq) if param.size >= MIN_SIZE["adam"] else None
    if flats is None:
        return reference.adam(param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, eps, weight_decay, step, decoupled)
    _adam(*flats, _adam_coefficients(param.dtype, lr, beta1, beta2, eps, weight_decay, step, decoupled))


for _name in ("sgd", "adagrad", "rmsprop", "adam"):
    globals()[_name].__doc__ = getattr(reference, _name).__doc__
