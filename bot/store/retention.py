"""Retention: the pruning of finished drafts. The inbox, seen ids, cache, OAuth states
and jobs prune themselves (`inbox_prune`, `prune_seen`, `prune_expired`, `jobs_prune`);
`bot/scheduler/housekeeping.py` (a scheduler job, once an hour across instances) decides
when and with which periods."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_

from bot.store.core import StoreCore, _aware
from bot.store.tables import drafts

# Drafts nobody can move any more (clicks on their cards answer "expired" once they are gone).
# pending, booking and undoing are in flight and never pruned, however old.
FINISHED_DRAFTS = ("booked", "cancelled", "expired", "failed", "undone")


class RetentionStore(StoreCore):
    """The pruning of finished drafts."""

    def prune_drafts(self, older_than: datetime) -> int:
        """Delete finished drafts last changed before `older_than` (a booked one only once
        its undo window closed too). Returns the number removed."""
        cutoff = _aware(older_than, "older_than")
        with self._tx() as c:
            return c.execute(delete(drafts).where(
                drafts.c.status.in_(FINISHED_DRAFTS), drafts.c.updated_at < cutoff,
                or_(drafts.c.undo_until.is_(None), drafts.c.undo_until < cutoff),
            )).rowcount
