"""Housekeeping: what the bot keeps and for how long, pruned once per period across all
instances (a lease row in the store decides which instance runs it; see
`Store.lease_due`). The worker runs it: the sweeper of a `YUE_ROLE=all` process and
every `python -m bot.worker` process ask each sweep, one of them wins per period.

Kept for `YUE_RETENTION_DAYS` (default 30) after they last changed: finished inbox
items (done, and dead ones for inspection), seen ids (at least a day: Feishu
re-delivers for hours), finished drafts. Expired cache entries and OAuth states go
at the first run after they expire. Unfinished inbox items and drafts in flight are
never pruned."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from bot.store import Store

log = logging.getLogger("yue.housekeeping")

LEASE_NAME = "housekeeping"
EVERY = dt.timedelta(hours=1)          # how often one instance prunes
SEEN_MIN = dt.timedelta(days=1)        # a seen id outlives Feishu's re-deliveries


@dataclass(frozen=True)
class Pruned:
    """Rows removed by one run, per family."""
    inbox: int
    seen: int
    drafts: int
    expired: int    # cache entries and OAuth states past their expiry

    @property
    def total(self) -> int:
        return self.inbox + self.seen + self.drafts + self.expired


def prune(store: Store, now: dt.datetime, retention_days: int) -> Pruned:
    """Delete everything older than the retention period (idempotent: a second run, or
    two instances at once, delete nothing more and fail on nothing)."""
    keep = dt.timedelta(days=retention_days)
    cutoff = now - keep
    return Pruned(inbox=store.inbox_prune(cutoff),
                  seen=store.prune_seen(now - max(keep, SEEN_MIN)),
                  drafts=store.prune_drafts(cutoff),
                  expired=store.prune_expired(now))


def run_if_due(store: Store, holder: str, now: dt.datetime, retention_days: int,
               every: dt.timedelta = EVERY) -> Pruned | None:
    """Prune if this instance holds this period's lease; None when another instance
    (or an earlier call) already ran in the period."""
    if not store.lease_due(LEASE_NAME, holder, every, now):
        return None
    pruned = prune(store, now, retention_days)
    log.info("housekeeping: removed %d inbox items, %d seen ids, %d drafts, %d expired cache/OAuth rows",
             pruned.inbox, pruned.seen, pruned.drafts, pruned.expired)
    return pruned
