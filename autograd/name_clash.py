"""HIPS autograd, on the package index, installs into the same `autograd` directory as this one.

Installed after this package it replaces `autograd/__init__.py` (then `nn` and `optim` refuse
to import, saying so); installed before it, its modules stay beside ours, and uninstalling
either package later breaks the other. This module notices the second case at import.
"""
import pathlib
import warnings

# Files of HIPS autograd that this package never has.
FOREIGN = ("differential_operators.py", "core.py", "tracer.py", "wrap_util.py")


def warn_if_mixed(directory=pathlib.Path(__file__).parent):
    """Warn when another autograd's modules share this package's directory.

    >>> warn_if_mixed()   # a clean install: nothing to say
    """
    found = [name for name in FOREIGN if (directory / name).exists()]
    if found:
        warnings.warn(f"{directory} holds modules of another package named autograd ({', '.join(found)}; HIPS "
                      "autograd has this name): uninstalling either package will break the other. Use a separate "
                      "virtual environment, or `pip uninstall autograd` and then reinstall tapegrad.",
                      RuntimeWarning, stacklevel=2)
