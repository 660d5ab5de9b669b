"""numba versions of the update rules in `reference.py`: one pass over the parameter, no
temporaries, compiled on first use and cached on disk.

The loops take 1-d contiguous arrays of one dtype and scalars of that dtype (two signatures per
kernel: float32 and float64); flat views of contiguous parameters are passed in. Anything else
(non-contiguous arrays, mixed dtypes) goes to the reference. Absent state arrays are passed as
empty arrays, with the flag that says they are unused.
"""
import math

import numpy as np
from numba import njit

from autograd.kernels.jit import FLOATS, JIT

from . import reference


@njit(**JIT)
def _sgd(param, grad, buf, lr, momentum, dampening, nesterov, weight_decay, first_step):
    for i in range(param.size):
        g = grad[i] + weight_decay * param[i]
        if momentum != 0:
            b = g if first_step else momentum * buf[i] + (1 - dampening) * g
            buf[i] = b
            g = g + momentum * b if nesterov else b
        param[i] -= lr * g


@njit(**JIT)
def _adagrad(param, grad, state_sum, clr, weight_decay, eps):
    for i in range(param.size):
        g = grad[i] + weight_decay * param[i]
        s = state_sum[i] + g * g
        state_sum[i] = s
        param[i] -= clr * g / (math.sqrt(s) + eps)


@njit(**JIT)
def _rmsprop(param, grad, square_avg, grad_avg, buf, lr, alpha, eps, weight_decay, momentum, centered):
    for i in range(param.size):
        g = grad[i] + weight_decay * param[i]
        s = alpha * square_avg[i] + (1 - alpha) * g * g
        square_avg[i] = s
        if centered:
            a = grad_avg[i] + (1 - alpha) * (g - grad_avg[i])
            grad_avg[i] = a
            s = s - a * a
        step = g / (math.sqrt(s) + eps)
        if momentum != 0:
            step = momentum * buf[i] + step
            buf[i] = step
        param[i] -= lr * step


@njit(**JIT)
def _adam(param, grad, exp_avg, exp_avg_sq, step_size, beta1, beta2, eps, weight_decay, decay, bias_sqrt):
    for i in range(param.size):
        p = param[i] * decay
        g = grad[i] + weight_decay * p
        m = exp_avg[i] + (1 - beta1) * (g - exp_avg[i])
        v = beta2 * exp_avg_sq[i] + (1 - beta2) * g * g
        exp_avg[i] = m
        exp_avg_sq[i] = v
        param[i] = p - step_size * m / (math.sqrt(v) / bias_sqrt + eps)


def _flat(param, *arrays):
    """Flat views of the arrays (None -> empty) if all are contiguous and of param's float dtype."""
    if param.dtype not in FLOATS:
        return None
    flats = []
    for array in (param,) + arrays:
        if array is None:
            flats.append(param.reshape(-1)[:0])
        elif array.dtype != param.dtype or array.shape != param.shape or not array.flags.c_contiguous:
            return None
        else:
            flats.append(array.reshape(-1))
    return flats


def sgd(param, grad, momentum_buffer, lr, momentum, dampening, nesterov, weight_decay, first_step):
    flats = _flat(param, grad, momentum_buffer if momentum else None)
    if flats is None:
        return reference.sgd(param, grad, momentum_buffer, lr, momentum, dampening, nesterov, weight_decay,
                             first_step)
    real = param.dtype.type
    _sgd(*flats, real(lr), real(momentum), real(dampening), bool(nesterov), real(weight_decay), bool(first_step))


def adagrad(param, grad, state_sum, clr, weight_decay, eps):
    flats = _flat(param, grad, state_sum)
    if flats is None:
        return reference.adagrad(param, grad, state_sum, clr, weight_decay, eps)
    real = param.dtype.type
    _adagrad(*flats, real(clr), real(weight_decay), real(eps))


def rmsprop(param, grad, square_avg, grad_avg, momentum_buffer, lr, alpha, eps, weight_decay, momentum, centered):
    flats = _flat(param, grad, square_avg, grad_avg if centered else None, momentum_buffer if momentum else None)
    if flats is None:
        return reference.rmsprop(param, grad, square_avg, grad_avg, momentum_buffer, lr, alpha, eps, weight_decay,
                                 momentum, centered)
    real = param.dtype.type
    _rmsprop(*flats, real(lr), real(alpha), real(eps), real(weight_decay), real(momentum), bool(centered))


def adam(param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, eps, weight_decay, step, decoupled):
    flats = _flat(param, grad, exp_avg, exp_avg_sq)
    if flats is None:
        return reference.adam(param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, eps, weight_decay, step, decoupled)
    real = param.dtype.type
    decay = 1 - lr * weight_decay if decoupled else 1.0
    coupled_decay = 0.0 if decoupled else weight_decay
    _adam(*flats, real(lr / (1 - beta1 ** step)), real(beta1), real(beta2), real(eps), real(coupled_decay),
          real(decay), real(math.sqrt(1 - beta2 ** step)))


for _name in ("sgd", "adagrad", "rmsprop", "adam"):
    globals()[_name].__doc__ = getattr(reference, _name).__doc__
