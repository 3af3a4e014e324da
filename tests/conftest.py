"""Suite-wide hooks. The suite runs under pytest-xdist (pyproject's addopts: one worker per
core, a file's tests in one worker); these hooks only order the files handed to the workers."""
from __future__ import annotations

import os

import pytest

# The files that take longest (a fleet of worker processes, mypy, a week of traffic on a
# database, the browser): handed out first, so no worker is left running one alone at the end.
LONG_FIRST = ("tests/resilience/test_reminder_instances.py", "tests/unit/test_lint.py",
              "tests/store/test_retention.py", "tests/browser/test_console.py", "tests/store/test_store.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER"):      # a plain run keeps the usual order
        return
    rank = {path: n for n, path in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))   # stable: files stay in order
