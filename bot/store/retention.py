"""Retention: the named leases that let one instance at a time run a periodic job
(housekeeping), and the pruning of finished drafts. The inbox, seen ids, cache and
OAuth states prune themselves (`inbox_prune`, `prune_seen`, `prune_expired`);
`bot/inbox/housekeeping.py` decides when and with which periods."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.store.core import StoreCore, _aware
from bot.store.tables import drafts, leases

# Drafts nobody can move any more (clicks on their cards answer "expired" once they are gone).
# pending, booking and undoing are in flight and never pruned, however old.
FINISHED_DRAFTS = ("booked", "cancelled", "expired", "failed", "undone")


class RetentionStore(StoreCore):
    """Periodic leases and the pruning of finished drafts."""

    def lease_due(self, name: str, holder: str, every: timedelta, now: datetime | None = None) -> bool:
        """True for exactly one caller per `every` across threads, processes and instances:
        the row's `due_at` moves from at-or-before `now` to `now + every` with a
        compare-and-set, so every other caller in that period gets False."""
        now = self._when(now)
        with self._tx() as c:
            # The store runs on PostgreSQL and SQLite (core.make_engine): both have ON CONFLICT.
            ins = (pg_insert if self.dialect == "postgresql" else sqlite_insert)(leases)
            c.execute(ins.values(name=name, holder=None, due_at=now, updated_at=now)
                      .on_conflict_do_nothing(index_elements=["name"]))
            return c.execute(update(leases).where(leases.c.name == name, leases.c.due_at <= now).values(
                holder=holder, due_at=now + every, updated_at=now)).rowcount == 1

    def prune_drafts(self, older_than: datetime) -> int:
        """Delete finished drafts last changed before `older_than` (a booked one only once
        its undo window closed too). Returns the number removed."""
        cutoff = _aware(older_than, "older_than")
        with self._tx() as c:
            return c.execute(delete(drafts).where(
                drafts.c.status.in_(FINISHED_DRAFTS), drafts.c.updated_at < cutoff,
                or_(drafts.c.undo_until.is_(None), drafts.c.undo_until < cutoff),
            )).rowcount
