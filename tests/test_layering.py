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


def autograd_imports(path):
    """The autograd modules that `path` (a file in autograd/) imports, by dotted name."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}" if node.module else base
            for alias in node.names:  # `from . import ops` names a module, `from .x import y` a value
                submodule = f"{target}.{alias.name}"
                yield submodule if module_path(submodule) else target
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name.startswith("autograd"))


def module_path(name):
    path = ROOT.joinpath(*name.split("."))
    return next((p for p in (path.with_suffix(".py"), path / "__init__.py") if p.exists()), None)


def test_the_only_import_cycle_in_autograd_is_tensor_and_engine():
    """Without the one edge tensor -> engine (Tensor.backward hands over to the engine), the
    modules of autograd import each other without a cycle: each can be read from the bottom up."""
    graph = {}
    for path in sorted((ROOT / "autograd").rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        graph[name] = {target for target in autograd_imports(path) if target != name}
    graph["autograd.tensor"].discard("autograd.engine")
    graph["autograd"] = set()  # the package's front door imports everything and nothing imports it
    state, cycles = {}, []

    def visit(name, trail):
        state[name] = "open"
        for target in sorted(graph.get(name, ())):
            if state.get(target) == "open":
                cycles.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []
