"""The durable inbox (events stored before the ack, leased to workers) and the
seen ids that make every delivery, message and click count once."""
from __future__ import annotations

import functools
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.core import StoreCore, _aware, _short_key
from bot.store.inbox_writer import InboxWriter
from bot.store.tables import InboxItem, inbox, seen

log = logging.getLogger("yue.store")


class InboxStore(StoreCore):
    """Seen ids (`claim`) and the durable inbox (put, lease, finish, retry, prune)."""

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
        row = dict(event_id=event_id, kind=kind, payload=payload, status="new", attempts=0,
                   available_at=now, created_at=now, updated_at=now)
        if self.dialect == "postgresql":
            return self._writer.put(event_id, kind, payload, now)
        try:
            with self._tx() as c:
                c.execute(insert(inbox).values(**row))
            return True
        except IntegrityError:
            return False

    @functools.cached_property
    def _writer(self) -> InboxWriter:
        """PostgreSQL: the acknowledgements' inserts, group-committed (bot/store/inbox_writer.py)."""
        return InboxWriter(self._autocommit)

    def _claimable(self, now: datetime) -> ColumnElement[bool]:
        return or_(
            and_(inbox.c.status.in_(("new", "deferred")), inbox.c.available_at <= now),
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
                    got = c.execute(select(inbox).where(inbox.c.id == row.id, inbox.c.lease_token == token)).one()
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
                return str(row.status)
            status = "dead" if row.attempts >= self.inbox_max_attempts else "new"
            c.execute(update(inbox).where(inbox.c.id == item_id, inbox.c.status == "working").values(
                status=status, available_at=retry_at, lease_until=None, lease_token=None,
                last_error=error[:2000], updated_at=now))
            return status

    def inbox_defer(self, item_id: int, reason: str, retry_at: datetime, now: datetime | None = None) -> bool:
        """Put a claimed item back as 'deferred' until `retry_at`: Feishu's rate windows were
        full, nothing was done, so the attempt is given back (it does not count towards
        'dead'). False if the item is no longer being worked on."""
        now = self._when(now)
        with self._tx() as c:
            return c.execute(update(inbox).where(inbox.c.id == item_id, inbox.c.status == "working").values(
                status="deferred", attempts=inbox.c.attempts - 1, available_at=_aware(retry_at, "retry_at"),
                lease_until=None, lease_token=None, last_error=reason[:2000], updated_at=now)).rowcount == 1

    def inbox_get(self, item_id: int) -> InboxItem | None:
        with self._tx(write=False) as c:
            row = c.execute(select(inbox).where(inbox.c.id == item_id)).first()
        return self._item(row) if row else None

    def inbox_pending_count(self) -> int:
        """Items not yet finished: new (due or waiting for a retry) or working."""
        with self._tx(write=False) as c:
            return c.execute(select(func.count()).select_from(inbox)
                             .where(inbox.c.status.in_(("new", "working", "deferred")))).scalar_one()

    def inbox_prune(self, older_than: datetime) -> int:
        """Delete finished items ('done', and 'dead' ones, kept until then for inspection)
        last touched before `older_than`; unfinished ones stay however old."""
        with self._tx() as c:
            return c.execute(delete(inbox).where(
                inbox.c.status.in_(("done", "dead")), inbox.c.updated_at < _aware(older_than, "older_than"))).rowcount

    @staticmethod
    def _item(row: Row[Any]) -> InboxItem:
        return InboxItem(id=row.id, event_id=row.event_id, kind=row.kind, payload=row.payload, status=row.status,
                         attempts=row.attempts, worker_id=row.worker_id, lease_until=row.lease_until,
                         last_error=row.last_error, created_at=row.created_at)

