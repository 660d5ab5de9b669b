"""The four dtypes a Tensor can hold, making arrays of them from data, and PyTorch's promotion rules."""
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


def as_array(data, dtype=None):
    """`data` (an array, nested lists or a number) as a new numpy array of a supported dtype:
    Python floats give float32, ints int64; an array keeps a supported float dtype.

    >>> as_array([1, 2]).dtype, as_array(np.zeros(2, np.float64)).dtype
    (dtype('int64'), dtype('float64'))
    """
    if dtype is not None:
        dtype = as_dtype(dtype)
    elif isinstance(data, np.ndarray):
        dtype = _supported(data.dtype)
    else:
        inferred = np.asarray(data)
        if inferred.dtype == object or inferred.dtype.kind not in "biuf":
            raise ValueError(f"cannot make a tensor from {type(data).__name__} data of dtype {inferred.dtype}")
        dtype = _supported(inferred.dtype, python=True)
        data = inferred
    return np.array(data, dtype=dtype)


def _supported(dtype, python=False):
    if dtype.kind == "f":
        return DEFAULT_FLOAT if python or dtype not in SUPPORTED else dtype
    if dtype.kind in "iu":
        return int64
    if dtype.kind == "b":
        return bool_
    raise ValueError(f"dtype {dtype} is not supported; use float32, float64, int64 or bool")


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
