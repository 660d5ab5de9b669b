"""Compare reverse-mode gradients with central differences, in float64."""
import numpy as np

from .engine import grad
from .tensor import Tensor


class GradcheckError(AssertionError):
    """Raised when analytical and numerical gradients disagree."""


def _flat_outputs(outputs):
    outputs = outputs if isinstance(outputs, (tuple, list)) else (outputs,)
    return [o for o in outputs if isinstance(o, Tensor)]


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """Check `fn`'s gradients w.r.t. every input that requires grad against central differences.

    Builds the full Jacobian both ways: row by row with reverse mode, column by column with
    (f(x + eps) - f(x - eps)) / 2 eps. Inputs that require grad must be float64. Returns True,
    or raises GradcheckError naming the input, the element and both values.

    >>> import autograd as ag
    >>> x = ag.randn(3, dtype=ag.float64, requires_grad=True)
    >>> ag.gradcheck(lambda x: (x * x).sum(), (x,))
    True
    """
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    wrt = _inputs_to_check(inputs)
    numerical = [_numerical_jacobian(fn, inputs, tensor, eps) for _, tensor in wrt]
    analytical = _analytical_jacobian(fn, inputs, [t for _, t in wrt])
    for (position, tensor), num, ana in zip(wrt, numerical, analytical):
        if num.shape != ana.shape or not np.allclose(ana, num, atol=atol, rtol=rtol):
            worst = np.unravel_index(np.argmax(np.abs(ana - num)), num.shape) if num.shape == ana.shape else None
            raise GradcheckError(
                f"gradient of input {position} (shape {tensor.shape}) does not match central differences: "
                f"largest gap at (output, input element) {worst}: reverse mode {ana[worst] if worst else ana.shape}, "
                f"numerical {num[worst] if worst else num.shape}\nreverse mode:\n{ana}\nnumerical:\n{num}"
            )
    return True


def _inputs_to_check(inputs):
    """(position, tensor) of every input that requires grad; they must be float64."""
    wrt = [(i, t) for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not wrt:
        raise ValueError("gradcheck: no input requires grad")
    for position, tensor in wrt:
        if tensor.dtype != np.float64:
            raise ValueError(f"gradcheck: input {position} is {tensor.dtype}; central differences need float64")
    return wrt


def _evaluate(fn, inputs):
    outputs = _flat_outputs(fn(*inputs))
    return np.concatenate([np.asarray(o.data, dtype=np.float64).ravel() for o in outputs])


def _numerical_jacobian(fn, inputs, tensor, eps):
    columns = []
    for index in np.ndindex(tensor.shape):  # perturbs the data in place, whatever its strides
        original = tensor.data[index]
        tensor.data[index] = original + eps
        plus = _evaluate(fn, inputs)
        tensor.data[index] = original - eps
        minus = _evaluate(fn, inputs)
        tensor.data[index] = original
        columns.append((plus - minus) / (2 * eps))
    return np.stack(columns, axis=1) if columns else np.zeros((_evaluate(fn, inputs).size, 0))


def _analytical_jacobian(fn, inputs, wrt):
    """One row per output element, by a reverse pass seeded with that element's one-hot."""
    rows = [[] for _ in wrt]
    for output in _flat_outputs(fn(*inputs)):
        for i in range(output.data.size):
            grads = (None,) * len(wrt)
            if output.requires_grad:
                seed = np.zeros(output.shape, dtype=output.dtype)
                seed.reshape(-1)[i] = 1
                grads = grad(output, wrt, grad_outputs=Tensor._make(seed), retain_graph=True, allow_unused=True)
            for row, tensor, g in zip(rows, wrt, grads):
                row.append(np.zeros(tensor.data.size) if g is None else g.data.reshape(-1).astype(np.float64))
    return [np.array(row).reshape(len(row), t.data.size) for row, t in zip(rows, wrt)]
