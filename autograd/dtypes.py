"""The four dtypes a Tensor can hold, and PyTorch's promotion rules between them."""
import numpy as np

float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int64 = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)

DEFAULT_FLOAT = float32
SUPPORTED = (float32, float64, int64, bool_)


def as_dtype(dtype):
    """Turn `dtype` (a numpy dtype, a numpy type, or a name) into one of the supported dtypes.

    >>> as_dtype("float64")
    dtype('float64')
    """
    if dtype is bool:
        return bool_
    if dtype is float:
        return DEFAULT_FLOAT
    if dtype is int:
        return int64
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        raise ValueError(f"unknown dtype {dtype!r}; use float32, float64, int64 or bool") from None
    if resolved not in SUPPORTED:
        raise ValueError(f"dtype {resolved} is not supported; use float32, float64, int64 or bool")
    return resolved


def is_floating(dtype):
    return dtype.kind == "f"


def _category(kind):
    return {"b": 0, "i": 1, "u": 1, "f": 2}[kind]


def _scalar_category(value):
    if isinstance(value, bool):
        return 0
    return 1 if isinstance(value, int) else 2


def result_dtype(*operands):
    """The dtype of an elementwise op on `operands` (arrays or Python scalars), as PyTorch picks it.

    The highest category (bool < integer < float) wins. Python scalars are "weak": a float32
    tensor times 2.0 stays float32, and an integer tensor meeting a Python float gives the
    default float dtype (numpy would give float64). Likewise int64 + float32 tensors give float32.

    >>> import numpy as np
    >>> result_dtype(np.zeros(2, np.int64), 0.5)
    dtype('float32')
    """
    arrays = [op.dtype for op in operands if isinstance(op, np.ndarray)]
    tensor_category = max(_category(d.kind) for d in arrays)
    dtype = np.result_type(*[d for d in arrays if _category(d.kind) == tensor_category])
    scalars = [_scalar_category(op) for op in operands if not isinstance(op, np.ndarray)]
    if scalars and max(scalars) > tensor_category:
        return DEFAULT_FLOAT if max(scalars) == 2 else int64
    return dtype
