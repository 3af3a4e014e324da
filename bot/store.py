"""The bot's state, on SQLAlchemy at `DATABASE_URL` — the only module that
touches the bot's database.

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

import base64
import contextlib
import hashlib
import importlib.util
import logging
import os
import secrets
import sqlite3
import threading
import time as time_module
import uuid
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import and_, create_engine, delete, event, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError

from bot.config import Settings
from bot.store_jobs import Job, JobStore
from bot.store_tables import (
    DRAFT_STATUSES, Draft, InboxItem, Prefs, UserToken, cache, drafts, inbox, metadata,
    oauth_states, prefs, seen, user_tokens,
)

__all__ = [
    "Store", "Draft", "InboxItem", "UserToken", "Prefs", "DRAFT_STATUSES", "Job",
    "idempotency_key", "stable_uuid", "derive_fernet_key",
]

log = logging.getLogger("yue.store")

UTC = timezone.utc
DRAFT_TTL = timedelta(hours=24)
OAUTH_STATE_TTL = timedelta(minutes=10)
INBOX_MAX_ATTEMPTS = 5
_MAX_KEY = 255                      # String(255) columns: seen.key, cache.key
_DRAFT_FIELDS = frozenset({"payload", "result", "card_message_id", "expires_at", "undo_until"})
_PREF_FIELDS = frozenset({"work_start", "work_end", "work_days", "meeting_minutes", "tz", "lang"})
# Fixed namespace so the same draft id maps to the same key in every process and release.
_UUID_NAMESPACE = uuid.UUID("5f0c6f4e-3b7a-4d0e-9a51-7d1e2b9c4a10")
# HKDF salt/info are constants on purpose: the key must be re-derivable from YUE_SECRET_KEY alone.
_HKDF_SALT = b"yue.store.v1"
_HKDF_INFO = b"user-tokens"
_DDL_LOCK_KEY = 0x59554553544F5245 & 0x7FFFFFFFFFFFFFFF   # "YUESTORE"; any constant bigint


def _utcnow() -> datetime:
    return datetime.now(UTC)


def stable_uuid(*parts: str) -> str:
    """A UUID (36 characters) that is a pure function of `parts`: usable as
    Feishu's `idempotency_key` on event create and as the IM `uuid` (≤ 50)."""
    return str(uuid.uuid5(_UUID_NAMESPACE, "\x1f".join(parts)))


def idempotency_key(draft: Draft | str, salt: str | int | None = None) -> str:
    """The `idempotency_key` for the Calendar call a draft makes.

    Deterministic from the draft id, so a retry after a crash or a second click
    on another instance sends the same key and Feishu returns the first event.
    Pass `salt` only when a *new* event is wanted for the same draft (e.g. book
    again after an undo): each salt value is another key.
    """
    draft_id = draft.id if isinstance(draft, Draft) else draft
    parts = ["draft", draft_id] if salt is None else ["draft", draft_id, str(salt)]
    return stable_uuid(*parts)


def derive_fernet_key(secret: str) -> bytes:
    """Any string (YUE_SECRET_KEY) → a Fernet key, with HKDF-SHA256."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO).derive(secret.encode())
    return base64.urlsafe_b64encode(raw)


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


def _enable_wal(cur) -> None:
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


def make_engine(url: str) -> Engine:
    """An engine tuned for many threads: WAL, busy timeout and explicit BEGINs on
    SQLite; pre-ping on PostgreSQL (instances outlive server restarts)."""
    sqlite = url.startswith("sqlite")
    if sqlite:
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:" and not path.startswith("file:") and os.path.dirname(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record) -> None:
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


class Store(JobStore):
    """The bot's database. Construct with `Store(settings)` or
    `Store(url, secret_key, var_dir)`, call `create_all()` once at start-up."""

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
        self._fernet: Fernet | None = None
        self._fernet_lock = threading.Lock()

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
        self.engine.dispose()

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

    def _upsert(self, conn: Connection, table, keys: dict[str, Any], values: dict[str, Any]) -> None:
        if self.dialect in ("postgresql", "sqlite"):
            ins = (pg_insert if self.dialect == "postgresql" else sqlite_insert)(table).values(**keys, **values)
            conn.execute(ins.on_conflict_do_update(index_elements=list(keys), set_=values))
            return
        where = and_(*(table.c[k] == v for k, v in keys.items()))
        if conn.execute(update(table).where(where).values(**values)).rowcount == 0:
            conn.execute(insert(table).values(**keys, **values))

    # ------------------------------------------------------------ de-duplication

    def claim(self, kind: str, key: str, now: datetime | None = None) -> bool:
        """True exactly once per (kind, key) across threads, processes and
        instances sharing the database; False for every later call.

        kind: "event", "message", "click", … ; key: the id (long keys are hashed).
        """
        try:
            with self._tx() as c:
                c.execute(insert(seen).values(kind=kind, key=_short_key(key), created_at=self._when(now)))
            return True
        except IntegrityError:
            return False

    def prune_seen(self, older_than: datetime) -> int:
        """Forget ids claimed before `older_than`; Feishu re-delivers for hours,
        so keep at least a day. Returns the number of rows removed."""
        with self._tx() as c:
            return c.execute(delete(seen).where(seen.c.created_at < _aware(older_than, "older_than"))).rowcount

    # ------------------------------------------------------------------- inbox

    def inbox_put(self, event_id: str, kind: str, payload: dict[str, Any], now: datetime | None = None) -> bool:
        """Store an accepted event before answering 200. False if `event_id` is
        already in the inbox (a re-delivery), in which case nothing changes."""
        now = self._when(now)
        try:
            with self._tx() as c:
                c.execute(insert(inbox).values(
                    event_id=event_id, kind=kind, payload=payload, status="new", attempts=0,
                    available_at=now, created_at=now, updated_at=now))
            return True
        except IntegrityError:
            return False

    def _claimable(self, now: datetime):
        return or_(
            and_(inbox.c.status == "new", inbox.c.available_at <= now),
            and_(inbox.c.status == "working", inbox.c.lease_until < now),
        )

    def inbox_claim(self, worker_id: str, lease_seconds: float = 60, now: datetime | None = None) -> InboxItem | None:
        """Take the oldest item that is new (and due) or whose lease expired, and
        lease it to `worker_id`. Never hands one item to two workers at once.

        An item whose worker died `inbox_max_attempts` times is marked 'dead'
        instead of being handed out again (a poison event must not crash every
        worker in turn).
        """
        now = self._when(now)
        with self._tx() as c:
            for _ in range(1000):
                # SKIP LOCKED lets concurrent workers on PostgreSQL pass over rows another
                # transaction is taking; SQLite ignores FOR UPDATE and is serialised by BEGIN IMMEDIATE.
                row = c.execute(
                    select(inbox.c.id, inbox.c.status, inbox.c.attempts)
                    .where(self._claimable(now)).order_by(inbox.c.id).limit(1)
                    .with_for_update(skip_locked=True)
                ).first()
                if row is None:
                    return None
                if row.status == "working" and row.attempts >= self.inbox_max_attempts:
                    c.execute(update(inbox).where(inbox.c.id == row.id).values(
                        status="dead", lease_until=None, lease_token=None, updated_at=now,
                        last_error="lease expired after the last attempt (worker died?)"))
                    log.warning("inbox item %s dead after %s attempts", row.id, row.attempts)
                    continue
                token = secrets.token_hex(16)
                done = c.execute(
                    update(inbox).where(inbox.c.id == row.id, self._claimable(now)).values(
                        status="working", attempts=inbox.c.attempts + 1, worker_id=worker_id,
                        lease_until=now + timedelta(seconds=lease_seconds), lease_token=token, updated_at=now)
                ).rowcount
                if done == 1:
                    got = c.execute(select(inbox).where(inbox.c.id == row.id, inbox.c.lease_token == token)).first()
                    return self._item(got)
            return None

    def inbox_extend(self, item_id: int, worker_id: str, lease_seconds: float, now: datetime | None = None) -> bool:
        """Renew a lease for slow work. False if the item is no longer this worker's."""
        now = self._when(now)
        with self._tx() as c:
            return c.execute(update(inbox).where(
                inbox.c.id == item_id, inbox.c.status == "working", inbox.c.worker_id == worker_id
            ).values(lease_until=now + timedelta(seconds=lease_seconds), updated_at=now)).rowcount == 1

    def inbox_done(self, item_id: int, now: datetime | None = None) -> bool:
        """Mark an item finished. False if it was already done or dead."""
        with self._tx() as c:
            return c.execute(update(inbox).where(inbox.c.id == item_id, inbox.c.status.in_(("new", "working")))
                             .values(status="done", lease_until=None, lease_token=None,
                                     updated_at=self._when(now))).rowcount == 1

    def inbox_failed(self, item_id: int, error: str, retry_at: datetime, now: datetime | None = None) -> str | None:
        """Record a failed attempt: back to 'new', due at `retry_at`, or 'dead'
        once `inbox_max_attempts` claims were used. Returns the item's status
        afterwards (None if there is no such item). `error` is stored as given:
        never pass a token or secret in it."""
        now = self._when(now)
        retry_at = _aware(retry_at, "retry_at")
        with self._tx() as c:
            row = c.execute(select(inbox.c.status, inbox.c.attempts).where(inbox.c.id == item_id)).first()
            if row is None:
                return None
            if row.status != "working":
                return row.status
            status = "dead" if row.attempts >= self.inbox_max_attempts else "new"
            c.execute(update(inbox).where(inbox.c.id == item_id, inbox.c.status == "working").values(
                status=status, available_at=retry_at, lease_until=None, lease_token=None,
                last_error=error[:2000], updated_at=now))
            return status

    def inbox_get(self, item_id: int) -> InboxItem | None:
        with self._tx(write=False) as c:
            row = c.execute(select(inbox).where(inbox.c.id == item_id)).first()
        return self._item(row) if row else None

    def inbox_pending_count(self) -> int:
        """Items not yet finished: new (due or waiting for a retry) or working."""
        with self._tx(write=False) as c:
            return c.execute(select(func.count()).select_from(inbox)
                             .where(inbox.c.status.in_(("new", "working")))).scalar_one()

    def inbox_prune(self, older_than: datetime) -> int:
        """Delete 'done' items last touched before `older_than` (dead ones stay for inspection)."""
        with self._tx() as c:
            return c.execute(delete(inbox).where(
                inbox.c.status == "done", inbox.c.updated_at < _aware(older_than, "older_than"))).rowcount

    @staticmethod
    def _item(row) -> InboxItem:
        return InboxItem(id=row.id, event_id=row.event_id, kind=row.kind, payload=row.payload, status=row.status,
                         attempts=row.attempts, worker_id=row.worker_id, lease_until=row.lease_until,
                         last_error=row.last_error, created_at=row.created_at)

    # ------------------------------------------------------------------ drafts

    def create_draft(
        self,
        owner: str,
        kind: str,
        payload: dict[str, Any],
        *,
        chat_id: str | None = None,
        card_message_id: str | None = None,
        ttl: timedelta = DRAFT_TTL,
        now: datetime | None = None,
    ) -> Draft:
        """A new 'pending' draft owned by `owner` (open_id), expiring after `ttl`.
        The id is 12 URL-safe characters, fit for a card button value."""
        now = self._when(now)
        for _ in range(5):
            draft_id = secrets.token_urlsafe(9)
            try:
                with self._tx() as c:
                    c.execute(insert(drafts).values(
                        id=draft_id, owner=owner, chat_id=chat_id, kind=kind, payload=payload, result=None,
                        card_message_id=card_message_id, status="pending", created_at=now, updated_at=now,
                        expires_at=now + ttl, undo_until=None, version=1))
                    return self._draft(c.execute(select(drafts).where(drafts.c.id == draft_id)).one())
            except IntegrityError:
                continue  # 72 random bits: a collision is astronomically rare, but retrying costs nothing
        raise RuntimeError("could not allocate a draft id")

    def get_draft(self, draft_id: str) -> Draft | None:
        with self._tx(write=False) as c:
            row = c.execute(select(drafts).where(drafts.c.id == draft_id)).first()
        return self._draft(row) if row else None

    def transition(
        self, draft_id: str, from_statuses: Iterable[str], to: str, *, now: datetime | None = None, **fields: Any
    ) -> Draft | None:
        """Atomically move a draft from one of `from_statuses` to `to`, setting
        `fields` (payload, result, card_message_id, expires_at, undo_until) and
        bumping `version`. A 'pending' draft past `expires_at` does not move.

        Returns the updated draft, or None when the draft is gone, expired or
        was moved by someone else first — the caller then re-reads it with
        `get_draft` to say why. Of N concurrent callers exactly one wins.
        """
        sources = set(from_statuses)
        unknown = (sources | {to}) - set(DRAFT_STATUSES)
        if unknown:
            raise ValueError(f"unknown draft status {sorted(unknown)}")
        values = self._draft_values(fields)
        now = self._when(now)
        with self._tx() as c:
            moved = c.execute(update(drafts).where(
                drafts.c.id == draft_id,
                drafts.c.status.in_(sorted(sources)),
                or_(drafts.c.status != "pending", drafts.c.expires_at > now),
            ).values(status=to, version=drafts.c.version + 1, updated_at=now, **values)).rowcount
            if moved != 1:
                return None
            return self._draft(c.execute(select(drafts).where(drafts.c.id == draft_id)).one())

    def update_draft(
        self, draft_id: str, *, expected_version: int | None = None, now: datetime | None = None, **fields: Any
    ) -> Draft | None:
        """Change payload/result/card_message_id/expires_at/undo_until without a
        status change. With `expected_version`, only if nobody changed the draft
        since that version. Returns the new draft or None."""
        values = self._draft_values(fields)
        conds = [drafts.c.id == draft_id]
        if expected_version is not None:
            conds.append(drafts.c.version == expected_version)
        with self._tx() as c:
            if c.execute(update(drafts).where(*conds).values(
                    version=drafts.c.version + 1, updated_at=self._when(now), **values)).rowcount != 1:
                return None
            return self._draft(c.execute(select(drafts).where(drafts.c.id == draft_id)).one())

    def expire_drafts(self, now: datetime | None = None) -> list[Draft]:
        """Move every pending draft past its `expires_at` to 'expired'. Returns
        only the drafts this call moved, so with several instances each expired
        card is updated by exactly one of them."""
        now = self._when(now)
        with self._tx(write=False) as c:
            ids = c.execute(select(drafts.c.id).where(drafts.c.status == "pending", drafts.c.expires_at <= now)
                            .order_by(drafts.c.expires_at)).scalars().all()
        moved: list[Draft] = []
        for draft_id in ids:
            with self._tx() as c:
                if c.execute(update(drafts).where(
                        drafts.c.id == draft_id, drafts.c.status == "pending", drafts.c.expires_at <= now
                ).values(status="expired", version=drafts.c.version + 1, updated_at=now)).rowcount == 1:
                    moved.append(self._draft(c.execute(select(drafts).where(drafts.c.id == draft_id)).one()))
        return moved

    def drafts_in_status(self, status: str, older_than: datetime | None = None) -> list[Draft]:
        """Drafts in `status`, oldest change first; with `older_than`, only those
        whose last change is before it (e.g. 'booking' for over a minute = the
        instance died mid-booking: retry with the same `idempotency_key`)."""
        q = select(drafts).where(drafts.c.status == status)
        if older_than is not None:
            q = q.where(drafts.c.updated_at < _aware(older_than, "older_than"))
        with self._tx(write=False) as c:
            return [self._draft(r) for r in c.execute(q.order_by(drafts.c.updated_at))]

    def find_drafts(
        self,
        *,
        owner: str | None = None,
        chat_id: str | None = None,
        kind: str | None = None,
        statuses: Iterable[str] | None = None,
        limit: int = 20,
    ) -> list[Draft]:
        """Newest first, e.g. the person's last booked draft for "/undo"."""
        q = select(drafts)
        if owner is not None:
            q = q.where(drafts.c.owner == owner)
        if chat_id is not None:
            q = q.where(drafts.c.chat_id == chat_id)
        if kind is not None:
            q = q.where(drafts.c.kind == kind)
        if statuses is not None:
            q = q.where(drafts.c.status.in_(sorted(set(statuses))))
        with self._tx(write=False) as c:
            rows = c.execute(q.order_by(drafts.c.updated_at.desc(), drafts.c.id).limit(limit))
            return [self._draft(r) for r in rows]

    @staticmethod
    def idempotency_key(draft: Draft | str, salt: str | int | None = None) -> str:
        """See the module-level `idempotency_key`."""
        return idempotency_key(draft, salt)

    @staticmethod
    def _draft_values(fields: dict[str, Any]) -> dict[str, Any]:
        unknown = set(fields) - _DRAFT_FIELDS
        if unknown:
            raise TypeError(f"drafts have no settable field(s) {sorted(unknown)}")
        return {k: (_aware(v, k) if isinstance(v, datetime) else v) for k, v in fields.items()}

    @staticmethod
    def _draft(row) -> Draft:
        return Draft(id=row.id, owner=row.owner, chat_id=row.chat_id, kind=row.kind, payload=row.payload,
                     result=row.result, card_message_id=row.card_message_id, status=row.status,
                     created_at=row.created_at, updated_at=row.updated_at, expires_at=row.expires_at,
                     undo_until=row.undo_until, version=row.version)

    # ------------------------------------------------------------- user tokens

    def _cipher(self) -> Fernet:
        with self._fernet_lock:
            if self._fernet is None:
                self._fernet = Fernet(derive_fernet_key(self._secret_key or self._var_secret()))
            return self._fernet

    def _var_secret(self) -> str:
        """The key in `<var_dir>/secret.key`, created (0600) on first use.

        Written to a private temp file and hard-linked into place, so a racing
        process either wins the link or reads a complete key, never half of one.
        """
        path = self.var_dir / "secret.key"
        if not path.exists():
            self.var_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.var_dir / f".secret.key.{os.getpid()}.{secrets.token_hex(4)}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "w") as f:
                    f.write(secrets.token_urlsafe(32) + "\n")
                    f.flush()
                    os.fsync(f.fileno())
                try:
                    os.link(tmp, path)
                    log.info("generated a new secret key in %s (set YUE_SECRET_KEY to manage it yourself)", path)
                except FileExistsError:
                    pass
            finally:
                tmp.unlink(missing_ok=True)
        secret = path.read_text().strip()
        if not secret:
            raise RuntimeError(f"{path} is empty; delete it or set YUE_SECRET_KEY")
        return secret

    def save_user_token(
        self,
        open_id: str,
        access_token: str,
        refresh_token: str,
        expires_at: datetime,
        refresh_expires_at: datetime | None = None,
    ) -> None:
        """Store (or replace) a person's tokens, each Fernet-encrypted."""
        f = self._cipher()
        values = {
            "access_token": f.encrypt(access_token.encode()).decode(),
            "refresh_token": f.encrypt(refresh_token.encode()).decode(),
            "expires_at": _aware(expires_at, "expires_at"),
            "refresh_expires_at": None if refresh_expires_at is None else _aware(refresh_expires_at, "refresh_expires_at"),
            "updated_at": self.now(),
        }
        with self._tx() as c:
            self._upsert(c, user_tokens, {"open_id": open_id}, values)

    def get_user_token(self, open_id: str) -> UserToken | None:
        """The person's decrypted tokens, or None if there are none or they
        cannot be decrypted (the key changed): the person is asked to connect
        again, which overwrites the unreadable row."""
        with self._tx(write=False) as c:
            row = c.execute(select(user_tokens).where(user_tokens.c.open_id == open_id)).first()
        if row is None:
            return None
        f = self._cipher()
        try:
            access = f.decrypt(row.access_token.encode()).decode()
            refresh = f.decrypt(row.refresh_token.encode()).decode()
        except (InvalidToken, ValueError):
            log.warning("stored user token for %s cannot be decrypted with the current secret key "
                        "(YUE_SECRET_KEY changed?); treating it as absent", open_id)
            return None
        return UserToken(open_id=row.open_id, access_token=access, refresh_token=refresh,
                         expires_at=row.expires_at, refresh_expires_at=row.refresh_expires_at)

    def delete_user_token(self, open_id: str) -> bool:
        with self._tx() as c:
            return c.execute(delete(user_tokens).where(user_tokens.c.open_id == open_id)).rowcount == 1

    # ------------------------------------------------------------ OAuth states

    def create_oauth_state(
        self, open_id: str, chat_id: str | None, resume: dict[str, Any],
        ttl: timedelta = OAUTH_STATE_TTL, now: datetime | None = None,
    ) -> str:
        """A random `state` for the OAuth link, remembering who asked, where,
        and what to do after consent (`resume`). Valid for 10 minutes, once."""
        now = self._when(now)
        state = secrets.token_urlsafe(24)
        with self._tx() as c:
            c.execute(delete(oauth_states).where(oauth_states.c.expires_at <= now))
            c.execute(insert(oauth_states).values(state=state, open_id=open_id, chat_id=chat_id,
                                                  resume=resume, expires_at=now + ttl))
        return state

    def take_oauth_state(
        self, state: str, now: datetime | None = None
    ) -> tuple[str, str | None, dict[str, Any]] | None:
        """(open_id, chat_id, resume) for a valid state, consuming it: a second
        call, a concurrent call that lost, or an expired state gives None."""
        now = self._when(now)
        with self._tx() as c:
            row = c.execute(select(oauth_states).where(oauth_states.c.state == state)).first()
            if row is None:
                return None
            # The DELETE's row count, not the SELECT, decides who consumed it.
            if c.execute(delete(oauth_states).where(oauth_states.c.state == state)).rowcount != 1:
                return None
            if row.expires_at <= now:
                return None
            return row.open_id, row.chat_id, row.resume

    # ------------------------------------------------------------- preferences

    def get_prefs(self, open_id: str) -> Prefs:
        """The person's preferences; unset fields are the defaults (09:00–18:00,
        Monday–Friday, 30 minutes)."""
        with self._tx(write=False) as c:
            return self._prefs(self._raw_prefs(c, open_id))

    def set_prefs(self, open_id: str, **fields: Any) -> Prefs:
        """Set some of work_start/work_end (time or "HH:MM"), work_days (0 =
        Monday … 6), meeting_minutes, tz (IANA name), lang; None restores the
        default. Fields not named keep their value. Raises ValueError on a bad
        value (nothing is stored then). Returns the new Prefs."""
        unknown = set(fields) - _PREF_FIELDS
        if unknown:
            raise TypeError(f"prefs have no field(s) {sorted(unknown)}")
        values = {k: self._pref_value(k, v) for k, v in fields.items()}
        with self._tx() as c:
            merged = self._prefs({**self._raw_prefs(c, open_id), **values})
            if merged.work_start >= merged.work_end:
                raise ValueError(f"working hours must end after they start, got "
                                 f"{merged.work_start:%H:%M}–{merged.work_end:%H:%M}")
            self._upsert(c, prefs, {"open_id": open_id}, {**values, "updated_at": self.now()})
        return merged

    @staticmethod
    def _raw_prefs(c: Connection, open_id: str) -> dict[str, Any]:
        row = c.execute(select(prefs).where(prefs.c.open_id == open_id)).first()
        return {} if row is None else {k: getattr(row, k) for k in _PREF_FIELDS}

    @staticmethod
    def _prefs(raw: dict[str, Any]) -> Prefs:
        """Stored column values (None = default) → Prefs."""
        d = Prefs()
        return Prefs(
            work_start=time.fromisoformat(raw["work_start"]) if raw.get("work_start") else d.work_start,
            work_end=time.fromisoformat(raw["work_end"]) if raw.get("work_end") else d.work_end,
            work_days=tuple(raw["work_days"]) if raw.get("work_days") else d.work_days,
            meeting_minutes=raw.get("meeting_minutes") or d.meeting_minutes,
            tz=raw.get("tz") or d.tz,
            lang=raw.get("lang") or d.lang,
        )

    @staticmethod
    def _pref_value(name: str, value: Any) -> Any:
        if value is None:
            return None
        if name in ("work_start", "work_end"):
            if isinstance(value, str):
                try:
                    value = time.fromisoformat(value)
                except ValueError:
                    raise ValueError(f"{name} must be HH:MM, got {value!r}") from None
            if not isinstance(value, time):
                raise ValueError(f"{name} must be a time or HH:MM, got {value!r}")
            return f"{value:%H:%M}"
        if name == "work_days":
            try:
                days = sorted({int(d) for d in value})
            except (TypeError, ValueError):
                raise ValueError(f"work_days must be weekdays 0 (Monday) … 6, got {value!r}") from None
            if not days or any(not 0 <= d <= 6 for d in days):
                raise ValueError(f"work_days must be weekdays 0 (Monday) … 6, got {value!r}")
            return days
        if name == "meeting_minutes":
            minutes = int(value)
            if not 5 <= minutes <= 24 * 60:
                raise ValueError(f"meeting_minutes must be 5 … 1440, got {value!r}")
            return minutes
        if name == "tz":
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"tz must be an IANA time zone, got {value!r}") from None
            return value
        lang = str(value)
        if not 1 <= len(lang) <= 8:
            raise ValueError(f"lang must be a short language code, got {value!r}")
        return lang

    # ------------------------------------------------------------------- cache

    def cache_get(self, key: str, now: datetime | None = None) -> dict[str, Any] | None:
        """The cached value if present and not expired, else None."""
        now = self._when(now)
        with self._tx(write=False) as c:
            row = c.execute(select(cache.c.value).where(cache.c.key == _short_key(key), cache.c.expires_at > now)).first()
        return None if row is None else row.value

    def cache_put(self, key: str, value: dict[str, Any], ttl_seconds: float, now: datetime | None = None) -> None:
        """Store `value` (JSON-serialisable) under `key` for `ttl_seconds`, shared by all instances."""
        expires = self._when(now) + timedelta(seconds=ttl_seconds)
        with self._tx() as c:
            self._upsert(c, cache, {"key": _short_key(key)}, {"value": value, "expires_at": expires})

    def cache_delete(self, key: str) -> None:
        with self._tx() as c:
            c.execute(delete(cache).where(cache.c.key == _short_key(key)))

    def prune_expired(self, now: datetime | None = None) -> int:
        """Housekeeping: drop expired OAuth states and cache entries. Returns rows removed."""
        now = self._when(now)
        with self._tx() as c:
            n = c.execute(delete(oauth_states).where(oauth_states.c.expires_at <= now)).rowcount
            return n + c.execute(delete(cache).where(cache.c.expires_at <= now)).rowcount
