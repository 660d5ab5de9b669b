"""The checks every optimiser's hyperparameters pass: real, finite numbers where the defaults
are numbers, tuples of them where the defaults are tuples (Adam's betas)."""
import math
import numbers


def checked(owner, group, defaults):
    """`group` with its tuple-valued hyperparameters as tuples, after raising TypeError or
    ValueError naming the first one that is not a finite real number (or a tuple of them) where
    its default in `defaults` is; flags (booleans) are not checked. `owner` names the optimiser.

    >>> checked("Adam", {"lr": 0.1, "betas": [0.9, 0.99]}, {"lr": 1e-3, "betas": (0.9, 0.999)})
    {'lr': 0.1, 'betas': (0.9, 0.99)}
    >>> checked("SGD", {"lr": "0.1"}, {"lr": 1e-3})
    Traceback (most recent call last):
    TypeError: SGD: lr must be a real number, got '0.1' (str)
    """
    group = dict(group)
    for name, default in defaults.items():
        value = group[name]
        if isinstance(default, tuple):
            if not isinstance(value, (tuple, list)) or len(value) != len(default):
                raise TypeError(f"{owner}: {name} must be a tuple of {len(default)} numbers, got {value!r}")
            for item in value:
                _check_number(owner, name, item)
            group[name] = tuple(value)
        elif not isinstance(default, bool):
            _check_number(owner, name, value)
    return group


def _check_number(owner, name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {name} must be a real number, got {value!r} ({type(value).__name__})")
    if not math.isfinite(value):
        raise ValueError(f"{owner}: {name} must be finite, got {value}")
