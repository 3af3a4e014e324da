"""The core of `bot.store`: the engine and the one-transaction-per-call
plumbing every table family shares.

Everything that must survive a restart or be seen by another instance lives
here (architecture.md, "State and scale"): processed ids, the durable inbox,
drafts, encrypted user tokens, OAuth states, preferences and the contact cache.

Concurrency rules, because several threads, gunicorn workers and hosts share
one database:

* Every method is one short transaction on its own pooled connection, so one
  `Store` is safe to share between threads.
* Exactly-once decisions are made by the database, never by read-then-write in
  Python: a primary key (`claim`, `inbox_put`), a compare-and-set UPDATE
  (`transition`), `SELECT … FOR UPDATE SKIP LOCKED` (`inbox_claim` on
  PostgreSQL).
* On SQLite, write transactions start with `BEGIN IMMEDIATE`: the write lock is
  taken (waiting up to the busy timeout) before the first read, so a
  read-then-update transaction can never fail half-way with "database is
  locked" and SQLite writers are serialised, which makes the same code atomic.
* Timestamps are timezone-aware UTC everywhere (see `UTCDateTime`).
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import logging
import os
import sqlite3
import time as time_module
from datetime import datetime, UTC
from pathlib import Path
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Table, and_, create_engine, event, insert, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine, make_url

from bot.config import Settings
from bot.store.tables import metadata

log = logging.getLogger("yue.store")

UTC = UTC
INBOX_MAX_ATTEMPTS = 5
_MAX_KEY = 255                      # String(255) columns: seen.key, cache.key
_DDL_LOCK_KEY = 0x59554553544F5245 & 0x7FFFFFFFFFFFFFFF   # "YUESTORE"; any constant bigint


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _short_key(key: str) -> str:
    """Keys longer than the column (card-click keys can be) are replaced by their
    SHA-256, which keeps them unique without truncation collisions."""
    if len(key) <= _MAX_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")
    return value.astimezone(UTC)


def pg_driver_url(url: str) -> str:
    """`postgresql://…` with whichever driver is installed.

    SQLAlchemy 2.1 maps a bare `postgresql://` to psycopg 3, while the project
    installs psycopg2-binary; a URL naming a driver is left alone."""
    parsed = make_url(url)
    if parsed.drivername not in ("postgresql", "postgres"):
        return url
    if importlib.util.find_spec("psycopg") is not None:
        driver = "postgresql+psycopg"
    elif importlib.util.find_spec("psycopg2") is not None:
        driver = "postgresql+psycopg2"
    else:
        driver = "postgresql"
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def _enable_wal(cur: sqlite3.Cursor) -> None:
    """Switch a SQLite file to WAL (a persistent property of the file). The switch
    needs the file to itself and SQLite reports "locked" at once instead of
    waiting, so instances opening a brand-new file together retry briefly."""
    for attempt in range(100):
        try:
            if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or attempt == 99:
                raise
            time_module.sleep(0.05)


def private_file(path: str | os.PathLike[str]) -> None:
    """Create the SQLite file owner-only (0600; SQLite gives its -wal and -shm files the
    same mode) in an owner-only directory when it creates that (0700): it holds people's
    messages and calendar tokens. An existing file readable by others is tightened."""
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for name in (os.fspath(path), f"{os.fspath(path)}-wal", f"{os.fspath(path)}-shm"):
        with contextlib.suppress(FileNotFoundError):
            mode = os.stat(name).st_mode & 0o777
            if mode & 0o077:
                os.chmod(name, mode & 0o700)


def make_engine(url: str) -> Engine:
    """An engine tuned for many threads: WAL, busy timeout and explicit BEGINs on
    SQLite; pre-ping on PostgreSQL (instances outlive server restarts)."""
    sqlite = url.startswith("sqlite")
    if sqlite:
        path = url.split(":///", 1)[1].split("?", 1)[0] if ":///" in url else ""
        if path and path != ":memory:" and not path.startswith("file:"):
            private_file(path)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
            # Take transaction control away from pysqlite so `_begin` decides the BEGIN kind.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout=30000")
            _enable_wal(cur)                            # readers don't block the writer
            cur.execute("PRAGMA synchronous=NORMAL")    # safe with WAL; a crash loses no committed txn
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            immediate = conn.get_execution_options().get("yue_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(pg_driver_url(url), pool_pre_ping=True)


class StoreCore:
    """The engine and the transaction every table family shares; `Store`
    composes the per-family mixins on top of it."""

    def __init__(
        self,
        settings_or_url: Settings | str,
        secret_key: str | None = None,
        var_dir: str | os.PathLike[str] = "var",
        *,
        clock: Callable[[], datetime] | None = None,
        inbox_max_attempts: int = INBOX_MAX_ATTEMPTS,
    ) -> None:
        if isinstance(settings_or_url, Settings):
            url = settings_or_url.database_url
            secret_key = settings_or_url.secret_key
            var_dir = settings_or_url.var_dir
        else:
            url = settings_or_url
        self.url = url
        self.engine = make_engine(url)
        self.dialect = self.engine.dialect.name
        self.var_dir = Path(var_dir)
        self.inbox_max_attempts = inbox_max_attempts
        self._secret_key = secret_key
        self._clock = clock or _utcnow

    def __repr__(self) -> str:  # the URL may carry a password
        return f"<Store {self.engine.url.render_as_string(hide_password=True)}>"

    # ------------------------------------------------------------------ plumbing

    def create_all(self) -> None:
        """Create missing tables (idempotent; safe when several instances start)."""
        with self._tx() as c:
            # Starting instances take turns: BEGIN IMMEDIATE on SQLite, a transaction-scoped
            # advisory lock on PostgreSQL (concurrent CREATE TABLE there fails on pg_type).
            if self.dialect == "postgresql":
                c.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _DDL_LOCK_KEY})
            metadata.create_all(c)

    def close(self) -> None:
        if "_writer" in self.__dict__:     # the inbox's group-commit threads (PostgreSQL)
            self.__dict__["_writer"].close()
        self.engine.dispose()
        if "_autocommit" in self.__dict__:
            self._autocommit.dispose()

    @functools.cached_property
    def _autocommit(self) -> Engine:
        """PostgreSQL only: an engine for single-statement writes an acknowledgement waits for
        (the inbox insert). Autocommit and no pre-ping make it one round trip instead of five
        (ping, BEGIN, INSERT, COMMIT); a connection the server dropped fails once and is replaced
        (see `InboxStore.inbox_put`)."""
        return create_engine(pg_driver_url(self.url), isolation_level="AUTOCOMMIT", pool_pre_ping=False,
                             pool_size=10, max_overflow=20)

    def now(self) -> datetime:
        return _aware(self._clock(), "clock()")

    def _when(self, now: datetime | None) -> datetime:
        return self.now() if now is None else _aware(now, "now")

    @contextlib.contextmanager
    def _tx(self, write: bool = True) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            if write:
                conn.execution_options(yue_write=True)
            with conn.begin():
                yield conn

    def _upsert(self, conn: Connection, table: Table, keys: dict[str, Any], values: dict[str, Any]) -> None:
        if self.dialect in ("postgresql", "sqlite"):
            ins = (pg_insert if self.dialect == "postgresql" else sqlite_insert)(table).values(**keys, **values)
            conn.execute(ins.on_conflict_do_update(index_elements=list(keys), set_=values))
            return
        where = and_(*(table.c[k] == v for k, v in keys.items()))
        if conn.execute(update(table).where(where).values(**values)).rowcount == 0:
            conn.execute(insert(table).values(**keys, **values))
