"""The malloc setting made at import: what it sets, and the switches that leave it off."""
import subprocess
import sys

import pytest

from autograd import allocator

MIB = 1024 * 1024


@pytest.fixture
def calls(monkeypatch):
    """Record the mallopt calls instead of making them (the setting is process-wide)."""
    made = []
    monkeypatch.setattr(allocator, "_mallopt", lambda: lambda option, value: made.append((option, value)) or 1)
    monkeypatch.setattr(allocator, "tuned", False)
    return made


def test_keeping_large_arrays_raises_both_thresholds(calls):
    assert allocator.keep_large_arrays_on_heap() and allocator.tuned
    assert calls == [(-3, 32 * MIB), (-1, 256 * MIB)]  # M_MMAP_THRESHOLD, M_TRIM_THRESHOLD


def test_glibc_defaults_put_both_thresholds_back(calls):
    allocator.keep_large_arrays_on_heap()
    assert allocator.use_glibc_defaults() and not allocator.tuned
    assert calls[2:] == [(-3, 128 * 1024), (-1, 128 * 1024)]


def test_without_glibc_nothing_is_set(monkeypatch):
    monkeypatch.setattr(allocator, "_mallopt", lambda: None)
    monkeypatch.setattr(allocator, "tuned", False)
    assert not allocator.keep_large_arrays_on_heap() and not allocator.use_glibc_defaults()
    assert not allocator.tuned


def run(setting):
    code = "from autograd import allocator; print(allocator.MODE, allocator.tuned)"
    return subprocess.run([sys.executable, "-c", code], env={"AUTOGRAD_MALLOC": setting, "PATH": "",
                                                             "AUTOGRAD_KERNELS": "numpy"},
                          capture_output=True, text=True)


def test_the_environment_variable_leaves_the_allocator_alone():
    assert run("system").stdout.split() == ["system", "False"]


def test_an_unknown_setting_is_named():
    result = run("fast")
    assert result.returncode != 0 and "AUTOGRAD_MALLOC must be 'tuned' or 'system', got 'fast'" in result.stderr
