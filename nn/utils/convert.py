"""All parameters as one flat vector, and back."""
import numpy as np

import autograd as ag


def parameters_to_vector(parameters):
    """The parameters flattened and joined into one 1-d tensor (recorded, so it can be
    differentiated).

    >>> import nn
    >>> nn.utils.parameters_to_vector(nn.Linear(784, 64).parameters()).shape
    (50240,)
    """
    return ag.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vector, parameters):
    """Copy consecutive slices of the 1-d `vector` into the parameters, in place."""
    parameters = list(parameters)
    total = sum(p.numel() for p in parameters)
    if vector.ndim != 1 or vector.numel() != total:
        raise ValueError(f"vector_to_parameters needs a 1-d vector of {total} values, got shape {vector.shape}")
    offset = 0
    with ag.no_grad():
        for p in parameters:
            p.copy_(np.reshape(vector.data[offset:offset + p.numel()], p.shape))
            offset += p.numel()
