"""Whether operations are being recorded: `no_grad`, `enable_grad`, `set_grad_enabled`."""
import functools


class _GradMode:
    enabled = True


def is_grad_enabled():
    """True when operations on tensors that require grad are being recorded."""
    return _GradMode.enabled


class set_grad_enabled:
    """Turn recording on or off, as a context manager or decorator.

    >>> with set_grad_enabled(False):
    ...     pass
    """

    def __init__(self, mode):
        self.previous = _GradMode.enabled
        self.mode = bool(mode)
        _GradMode.enabled = self.mode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _GradMode.enabled = self.previous

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(self.mode):
                return fn(*args, **kwargs)

        _GradMode.enabled = self.previous
        return wrapper


class no_grad:
    """Context manager (or decorator) in which nothing is recorded on the tape.

    >>> import autograd as ag
    >>> w = ag.ones(3, requires_grad=True)
    >>> with ag.no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False
    """

    mode = False

    def __enter__(self):
        self.previous = _GradMode.enabled
        _GradMode.enabled = self.mode

    def __exit__(self, *exc):
        _GradMode.enabled = self.previous

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper


class enable_grad(no_grad):
    """Context manager (or decorator) that turns recording back on inside `no_grad`."""

    mode = True
