"""The bot's tables and the plain records `bot.store.Store` hands out.

Only `bot.store` uses this module; everything else sees the dataclasses below
(re-exported from `bot.store`), never a table or a database row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, UTC
from typing import Any

from sqlalchemy import (
    JSON, Column, DateTime, Index, Integer, MetaData, String, Table, Text, TypeDecorator,
)
from sqlalchemy.engine import Dialect

UTC = UTC

# Draft life cycle (see issue 5): pending → booking → booked | cancelled | expired | failed;
# booked → undoing → undone | gone (the thing to undo had already been removed, e.g. 193003).
# `failed` keeps the draft so the person can press Retry; `done` ends an error or did-you-mean
# draft whose click handed the message back to the inbox.
DRAFT_STATUSES = ("pending", "booking", "booked", "cancelled", "expired", "failed", "undoing", "undone",
                  "gone", "done")
INBOX_STATUSES = ("new", "working", "deferred", "done", "dead")   # deferred: Feishu's rate windows were full
# A scheduled job (reminder, digest): scheduled ⇄ running → done | cancelled | dropped | dead.
JOB_STATUSES = ("scheduled", "running", "done", "cancelled", "dropped", "dead")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend.

    PostgreSQL keeps `timestamptz`. SQLite has no time zones: values are stored as
    naive UTC text (fixed width, so string comparison in WHERE clauses is time
    order) and get `tzinfo=UTC` back when read. Naive input is refused rather than
    guessed, because a naive local time silently shifts by the server's offset.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the store only takes timezone-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = MetaData()

# Processed ids (event_id, message_id, card clicks): the primary key is the lock.
seen = Table(
    "yue_seen", metadata,
    Column("kind", String(32), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False, index=True),
)

# The durable inbox: accepted events, stored before the HTTP 200.
inbox = Table(
    "yue_inbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(255), nullable=False, unique=True),
    Column("kind", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False, default="new"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("available_at", UTCDateTime, nullable=False),   # not before (retry back-off)
    Column("lease_until", UTCDateTime, nullable=True),
    Column("lease_token", String(64), nullable=True),
    Column("worker_id", String(128), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_yue_inbox_claim", "status", "available_at", "id"),
)

drafts = Table(
    "yue_drafts", metadata,
    Column("id", String(32), primary_key=True),
    Column("owner", String(128), nullable=False),
    Column("chat_id", String(128), nullable=True),
    Column("kind", String(32), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("result", JSON, nullable=True),
    Column("card_message_id", String(128), nullable=True),
    Column("status", String(16), nullable=False, default="pending"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("undo_until", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False, default=1),
    Index("ix_yue_drafts_status", "status", "updated_at"),
    Index("ix_yue_drafts_owner", "owner", "created_at"),
)

# Tokens are Fernet ciphertext (text); the plaintext never reaches the database.
user_tokens = Table(
    "yue_user_tokens", metadata,
    Column("open_id", String(128), primary_key=True),
    Column("access_token", Text, nullable=False),
    Column("refresh_token", Text, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("refresh_expires_at", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

# CalDAV accounts Yue minted, one per person and device; the password is Fernet ciphertext.
caldav_accounts = Table(
    "yue_caldav_accounts", metadata,
    Column("open_id", String(128), primary_key=True),
    Column("device", String(32), primary_key=True),
    Column("server", Text, nullable=False),
    Column("username", String(255), nullable=False),
    Column("password", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

oauth_states = Table(
    "yue_oauth_states", metadata,
    Column("state", String(64), primary_key=True),
    Column("open_id", String(128), nullable=False),
    Column("chat_id", String(128), nullable=True),
    Column("resume", JSON, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
)

# NULL means "the default": changing a default later reaches everyone who never set it.
prefs = Table(
    "yue_prefs", metadata,
    Column("open_id", String(128), primary_key=True),
    Column("work_start", String(5), nullable=True),       # "HH:MM"
    Column("work_end", String(5), nullable=True),
    Column("work_days", JSON, nullable=True),             # [0..6], 0 = Monday
    Column("meeting_minutes", Integer, nullable=True),
    Column("tz", String(64), nullable=True),
    Column("lang", String(8), nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

cache = Table(
    "yue_cache", metadata,
    Column("key", String(255), primary_key=True),
    Column("value", JSON, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
)

# Reminders and digests (store/jobs.py). `occurs_at` is the occurrence asked for; `due_at` when
# a worker next runs it (a retry, or an event re-check, runs earlier or later than it).
jobs = Table(
    "yue_jobs", metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),            # remind | digest | housekeeping
    Column("owner", String(128), nullable=False),          # the open_id who asked
    Column("chat_id", String(128), nullable=True),         # a group to post in; None = the owner privately
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("occurs_at", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("fired", Integer, nullable=False, default=0),    # occurrences sent
    Column("lease_until", UTCDateTime, nullable=True),
    Column("lease_token", String(64), nullable=True),
    Column("worker_id", String(128), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_yue_jobs_due", "status", "due_at"),
    Index("ix_yue_jobs_owner", "owner", "kind"),
)


@dataclass(frozen=True)
class InboxItem:
    """One accepted event held for a worker. `attempts` counts claims, so a
    worker that dies mid-item also uses one up."""
    id: int
    event_id: str
    kind: str
    payload: dict[str, Any]
    status: str
    attempts: int
    worker_id: str | None
    lease_until: datetime | None
    last_error: str | None
    created_at: datetime


@dataclass(frozen=True)
class Draft:
    """A pending action owned by `owner` (an open_id). Immutable: every change
    goes through the store and comes back as a new `Draft` with `version` + 1."""
    id: str
    owner: str
    chat_id: str | None
    kind: str
    payload: dict[str, Any]
    result: dict[str, Any] | None
    card_message_id: str | None
    status: str
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    undo_until: datetime | None
    version: int

    def is_expired(self, now: datetime) -> bool:
        return self.status == "pending" and self.expires_at <= now

    def can_undo(self, now: datetime) -> bool:
        return self.status == "booked" and self.undo_until is not None and now < self.undo_until


@dataclass(frozen=True)
class UserToken:
    """A person's decrypted OAuth tokens. The tokens are left out of repr() so a
    stray log line or traceback cannot print them."""
    open_id: str
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: datetime
    refresh_expires_at: datetime | None = None

    def access_valid(self, now: datetime, margin_seconds: float = 60) -> bool:
        return (self.expires_at - now).total_seconds() > margin_seconds

    def refresh_valid(self, now: datetime) -> bool:
        return self.refresh_expires_at is None or now < self.refresh_expires_at


@dataclass(frozen=True)
class Prefs:
    """Working hours in the person's own zone (`tz`, None = from the contact
    API); `work_days` uses `date.weekday()` numbering, 0 = Monday."""
    work_start: time = time(9, 0)
    work_end: time = time(18, 0)
    work_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    meeting_minutes: int = 30
    tz: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class CaldavAccount:
    """CalDAV settings Yue minted for one device of a person (password left out of repr())."""
    open_id: str
    device: str
    server: str
    username: str
    password: str = field(repr=False)
    created_at: datetime | None = None


@dataclass(frozen=True)
class Job:
    """One scheduled job as the store hands it out (see `bot.store.jobs`)."""
    id: str
    kind: str
    owner: str
    chat_id: str | None
    payload: dict[str, Any]
    status: str
    occurs_at: datetime
    due_at: datetime
    attempts: int
    fired: int
    lease_token: str | None
    worker_id: str | None
    last_error: str | None
    created_at: datetime

    @property
    def occurrence_key(self) -> str:
        """Names this occurrence in message uuids: the same for every attempt at it."""
        return f"{self.id}:{int(self.occurs_at.timestamp())}"
