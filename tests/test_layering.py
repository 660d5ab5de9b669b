"""Imports point down only: autograd imports neither nn nor optim, optim does not import nn, and
nn's library code does not import optim (its training loop is duck-typed). The demo script
`nn/demo.py` sits on top of everything and may use both."""
import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
FORBIDDEN = {"autograd": {"nn", "optim"}, "optim": {"nn"}, "nn": {"optim"}}
SCRIPTS = {"nn/demo.py"}


def imported_packages(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_upward_imports(package):
    offenders = [f"{path.relative_to(ROOT)} imports {name}" for path in sorted((ROOT / package).rglob("*.py"))
                 if path.relative_to(ROOT).as_posix() not in SCRIPTS
                 for name in imported_packages(path) if name in FORBIDDEN[package]]
    assert offenders == []
