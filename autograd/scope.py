"""Which module an op was recorded in, for drawing graphs grouped by module.

A scope frame is a pair (owner, parent frame); `nn.Module.__call__` enters one for itself around
its forward, and every op recorded meanwhile keeps the innermost frame. autograd never looks
inside the owner: to it, a frame is an opaque label (nn's modules, or anything a user enters).

>>> import autograd as ag
>>> from autograd import scope
>>> x = ag.ones(2, requires_grad=True)
>>> previous = scope.enter("block")
>>> y = x * 2
>>> scope.leave(previous)
>>> y.grad_fn.scope[0]
'block'
"""
from .tensor import Recording


class _Current:
    frame = None


def enter(owner):
    """Open a frame for `owner` inside the current one; returns what `leave` needs to restore."""
    previous = _Current.frame
    _Current.frame = (owner, previous)
    if Recording.active is not None:
        Recording.active.owner(owner)
    return previous


def leave(previous):
    """Close the innermost frame (pass what `enter` returned)."""
    _Current.frame = previous


def owners(frame):
    """The owners of `frame` and its enclosing frames, outermost first."""
    chain = []
    while frame is not None:
        chain.append(frame[0])
        frame = frame[1]
    return chain[::-1]
