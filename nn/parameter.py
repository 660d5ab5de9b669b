"""`Parameter`: a leaf tensor that a Module registers as one of its learnable weights."""
import autograd as ag
from autograd.dtypes import as_array


class Parameter(ag.Tensor):
    """A tensor that requires grad (by default) and that a Module lists in `parameters()` when it
    is assigned as an attribute.

    >>> import autograd as ag, nn
    >>> p = nn.Parameter(ag.zeros(3))
    >>> p.requires_grad, p.shape
    (True, (3,))
    """

    __slots__ = ()

    def __init__(self, data, requires_grad=True):
        array = data.data if isinstance(data, ag.Tensor) else as_array(data)
        super().__init__(array, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()
