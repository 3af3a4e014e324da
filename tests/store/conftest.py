"""Fixtures for the store tests: every test runs on SQLite (a temp file) and,
when TEST_DATABASE_URL names a PostgreSQL database, on PostgreSQL too.

PostgreSQL isolation: each test gets its own schema (`yue_t_<pid>_<random>`),
selected through libpq's `options=-csearch_path=…` on the URL, so the store's
unqualified table names land there; the schema is dropped (CASCADE) afterwards.
Concurrent runs, other test modules and leftovers never see each other's rows.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Callable, Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot.store import Store, pg_driver_url

PG_SKIP = ("TEST_DATABASE_URL is not set; set it to a PostgreSQL URL "
           "(e.g. postgresql://postgres@127.0.0.1:5432/test) to run the store tests on PostgreSQL")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL for one test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/yue.db"
        return
    base = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not base:
        pytest.skip(PG_SKIP)
    if not base.startswith("postgres"):
        pytest.skip(f"TEST_DATABASE_URL is not PostgreSQL ({make_url(base).drivername})")
    schema = f"yue_t_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_driver_url(base))
    with admin.begin() as c:
        c.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.begin() as c:
            c.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


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
