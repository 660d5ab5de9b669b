"""numba versions of the update rules in `reference.py`: one pass over the parameter, no
temporaries, compiled on first use and cached on disk.

The scalars reach the loops precomputed (1 - beta1 rather than beta1), in one small array of the
parameter's dtype (`_coefficients`, cached per set of hyperparameters): a Python literal such as
the 1 in `1 - beta1` is an int64 or float64 to numba and would widen float32 arithmetic to
float64, and one array argument is cheaper to pass than nine scalars.

State that decays geometrically (momentum buffers, Adam's and RMSprop's averages) is flushed to
zero once it falls below the dtype's smallest normal number (`tiny`, `flush_to_zero`). Where a gradient stays
zero (a dead unit) those values otherwise sink into the subnormal range, where every operation
on them is many times slower: a fused Adam over MNIST's first layer took ~100 µs instead of
~63 µs. A subnormal first moment moves a weight by less than 1e-30, so nothing is lost.

The loops take 1-d contiguous arrays of one dtype (two signatures per kernel: float32 and
float64): flat views of the parameter and its arrays, in memory order, when they all share one
contiguous layout (`autograd.kernels.jit.compiled`). Anything else (strided arrays, mixed
layouts or dtypes), and SGD over fewer than 2,048 elements (where numpy is as fast,
benchmarks/bench_kernels.py), go to the reference. Absent state arrays are passed as empty
arrays, with the flag that says they are unused.
"""
import functools
import math

import numpy as np
from numba import njit

from autograd.kernels.jit import JIT, compiled

from . import reference


@njit(inline="always", **JIT)
def flush_to_zero(value, tiny):
    """`value`, or a zero of its type once its magnitude is below `tiny`."""
    return value - value if abs(value) < tiny else value


@njit(**JIT)
def _sgd(param, grad, buf, coefficients, nesterov, first_step):
    lr, momentum, damped, weight_decay, tiny = coefficients[0], coefficients[1], coefficients[2], coefficients[3], \
        coefficients[4]
    for i in range(param.size):
        g = grad[i] + weight_decay * param[i]
        if momentum != 0:
            b = flush_to_zero(g if first_step else momentum * buf[i] + damped * g, tiny)
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
        s = flush_to_zero(alpha * square_avg[i] + rest * g * g, tiny)
        square_avg[i] = s
        if centered:
            a = flush_to_zero(grad_avg[i] + rest * (g - grad_avg[i]), tiny)
            grad_avg[i] = a
            s = s - a * a
        step = g / (np.sqrt(s) + eps)
        if momentum != 0:
            step = flush_to_zero(momentum * buf[i] + step, tiny)
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
        m = flush_to_zero(exp_avg[i] + rest1 * (g - exp_avg[i]), tiny)
        v = flush_to_zero(beta2 * exp_avg_sq[i] + rest2 * g * g, tiny)
        exp_avg[i] = m
        exp_avg_sq[i] = v
        param[i] = p - step_size * m / (np.sqrt(v) * inv_bias_sqrt + eps)


@functools.lru_cache(maxsize=256)
def _coefficients(dtype, *values):
    """The scalars a loop needs, as one read-only array of its dtype, the dtype's smallest normal
    number last: built once per distinct set of hyperparameters (and step), not per parameter."""
    array = np.array(values + (np.finfo(dtype).tiny,), dtype)
    array.flags.writeable = False
    return array


@compiled(reference.sgd, arrays=(0, 1, 2), min_size=2048)
def sgd(flats, param, grad, momentum_buffer, lr, momentum, dampening, nesterov, weight_decay, first_step):
    _sgd(*flats, _coefficients(param.dtype, lr, momentum, 1 - dampening, weight_decay), bool(nesterov),
         bool(first_step))


@compiled(reference.adagrad, arrays=(0, 1, 2))
def adagrad(flats, param, grad, state_sum, clr, weight_decay, eps):
    _adagrad(*flats, _coefficients(param.dtype, clr, weight_decay, eps))


@compiled(reference.rmsprop, arrays=(0, 1, 2, 3, 4))
def rmsprop(flats, param, grad, square_avg, grad_avg, momentum_buffer, lr, alpha, eps, weight_decay, momentum,
            centered):
    _rmsprop(*flats, _coefficients(param.dtype, lr, alpha, 1 - alpha, eps, weight_decay, momentum), bool(centered))


@functools.lru_cache(maxsize=256)
def _adam_coefficients(dtype, lr, beta1, beta2, eps, weight_decay, step, decoupled):
    decay = 1 - lr * weight_decay if decoupled else 1.0
    return _coefficients(dtype, lr / (1 - beta1 ** step), 1 - beta1, beta2, 1 - beta2, eps,
                         0.0 if decoupled else weight_decay, decay, 1 / math.sqrt(1 - beta2 ** step))


@compiled(reference.adam, arrays=(0, 1, 2, 3))
def adam(flats, param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, eps, weight_decay, step, decoupled):
    _adam(*flats, _adam_coefficients(param.dtype, lr, beta1, beta2, eps, weight_decay, step, decoupled))
