"""Another package named autograd (HIPS autograd, on the package index) where ours should be:
nn and optim refuse to import with a message saying what happened and how to fix it."""
import os
import pathlib
import subprocess
import sys

import pytest

from autograd import name_clash

ROOT = pathlib.Path(__file__).resolve().parent.parent


def import_beside(package, site):
    """Import `package` in a fresh Python whose only path is `site`, as in a site-packages holding
    this repository's nn and optim beside whatever autograd `site` has."""
    for name in ("nn", "optim"):
        (site / name).symlink_to(ROOT / name)
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run([sys.executable, "-c", f"import {package}"], env=env, cwd=site, capture_output=True,
                          text=True)


@pytest.mark.parametrize("package", ["nn", "optim"])
@pytest.mark.parametrize("init", ["def grad(fun):\n    return fun\n", None], ids=["hips-init", "init-removed"])
def test_a_foreign_autograd_is_named_with_the_fix(tmp_path, package, init):
    (tmp_path / "autograd").mkdir()
    if init is not None:   # HIPS's __init__.py over ours; None: a namespace package, ours uninstalled from under it
        (tmp_path / "autograd" / "__init__.py").write_text(init)
    result = import_beside(package, tmp_path)
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith(f"ImportError: {package} needs tapegrad's autograd, but the autograd found at "
                              f"{tmp_path / 'autograd'}")
    assert "separate virtual environment" in message and "`pip uninstall autograd`" in message


def test_our_autograd_imports_them_cleanly(tmp_path):
    (tmp_path / "autograd").symlink_to(ROOT / "autograd")
    result = import_beside("nn, optim", tmp_path)
    assert result.returncode == 0, result.stderr


def test_foreign_modules_beside_ours_are_warned_about(tmp_path):
    (tmp_path / "core.py").write_text("")
    (tmp_path / "tracer.py").write_text("")
    with pytest.warns(RuntimeWarning, match=r"another package named autograd \(core.py, tracer.py; HIPS"):
        name_clash.warn_if_mixed(tmp_path)


def test_a_clean_directory_is_not_warned_about(tmp_path, recwarn):
    (tmp_path / "tensor.py").write_text("")
    name_clash.warn_if_mixed(tmp_path)
    name_clash.warn_if_mixed()   # this package's own directory
    assert not recwarn.list
