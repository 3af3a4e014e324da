"""Suite-wide hooks. The suite runs under pytest-xdist (pyproject's addopts: `-n auto`, a
file's tests in one worker); these hooks choose how many workers and order the files."""
from __future__ import annotations

import os

import pytest

# The files that take longest (a fleet of worker processes, mypy, a week of traffic on a
# database, the browser): handed out first, so no worker is left running one alone at the end.
LONG_FIRST = ("tests/resilience/test_reminder_instances.py", "tests/unit/test_lint.py",
              "tests/store/test_retention.py", "tests/browser/test_console.py", "tests/store/test_store.py")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than cores. Most of the suite's time is waiting (rate
    windows, leases, processes starting), not CPU: on 2 cores, 3 workers ran it in 191 s
    where 2 took 248 s. At most 4 (each worker holds PostgreSQL connections)."""
    return min(4, (os.cpu_count() or 1) + 1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER"):      # a plain run keeps the usual order
        return
    rank = {path: n for n, path in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))   # stable: files stay in order
