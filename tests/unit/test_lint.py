"""The lint (ruff) and the type check (mypy, configured in pyproject.toml) are part of the
test run, so the README's `pip install -e '.[test]' && pytest` runs them too (the test
extra installs both; the tests skip, saying so, only where a tool is missing)."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_tool(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (pip install -e '.[test]' installs it)")
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


def test_ruff_finds_nothing():
    done = run_tool("ruff", "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]


def test_mypy_finds_nothing():
    done = run_tool("mypy")      # files and flags from pyproject.toml
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
