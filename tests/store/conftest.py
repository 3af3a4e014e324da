"""Fixtures for the store tests: every test runs on SQLite (a temp file) and,
when TEST_DATABASE_URL names a PostgreSQL database, on PostgreSQL too.

PostgreSQL isolation: each test gets its own schema (`yue_t_<pid>_<random>`),
selected through libpq's `options=-csearch_path=…` on the URL, so the store's
unqualified table names land there; the schema is dropped (CASCADE) afterwards.
Concurrent runs, other test modules and leftovers never see each other's rows.
"""
from __future__ import annotations

import os
from pathlib import Path
from collections.abc import Callable, Iterator

import pytest

from bot.store import Store
from tests.support.databases import database_url

@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL for one test."""
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def make_store(db_url: str, tmp_path: Path) -> Iterator[Callable[..., Store]]:
    """`make_store(secret_key=…, var_dir=…, **kw)`: another Store ("instance")
    on the same database; all are closed before the database is dropped."""
    made: list[Store] = []

    def make(secret_key: str | None = "test-secret-key", var_dir: str | os.PathLike[str] | None = None,
             **kw) -> Store:
        s = Store(db_url, secret_key, var_dir or tmp_path / "var", **kw)
        s.create_all()
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


@pytest.fixture
def store(make_store: Callable[..., Store]) -> Store:
    return make_store()
