"""Every docstring example in the packages runs and prints what it says."""
import doctest
import importlib
import pathlib
import pkgutil

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn", "optim")


def modules():
    for package in PACKAGES:
        yield package
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=package + "."):
            if not info.name.endswith(".jit") and not info.name.endswith(".demo"):
                yield info.name


@pytest.mark.parametrize("name", sorted(modules()))
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert failures == 0
