"""Databases for tests: a temp SQLite file always, and a private schema of the
PostgreSQL database named by TEST_DATABASE_URL when it is set."""
from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot.store import pg_driver_url

PG_SKIP = "TEST_DATABASE_URL is not set to a PostgreSQL URL (e.g. postgresql://postgres@127.0.0.1:5432/test)"


@contextlib.contextmanager
def pg_schema_url() -> Iterator[str]:
    """A URL whose unqualified tables live in a fresh schema, dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not base.startswith("postgres"):
        pytest.skip(PG_SKIP)
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


@contextlib.contextmanager
def database_url(kind: str, tmp_path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path}/yue.db"
    else:
        with pg_schema_url() as url:
            yield url
