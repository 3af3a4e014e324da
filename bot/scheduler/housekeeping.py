"""Housekeeping: what the bot keeps and for how long, pruned once an hour across all
instances by a scheduler job (kind "housekeeping"). The jobs table's lease makes the run
exactly-once; each run schedules the next hour's, and every job's id names its hour, so
two instances seeding (or re-scheduling) at once make one row.

Kept for `YUE_RETENTION_DAYS` (default 30) after they last changed: finished inbox
items (done, and dead ones for inspection), seen ids (at least a day: Feishu
re-delivers for hours), finished drafts, this job's own past runs. Expired cache entries and OAuth states go
at the first run after they expire. Unfinished inbox items and drafts in flight are
never pruned."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from bot.store import Store

from .kinds import job_kind

log = logging.getLogger("yue.housekeeping")

KIND = "housekeeping"
OWNER = "yue"                          # the bot's own job: nobody's reminder list shows it
EVERY = dt.timedelta(hours=1)          # how often one instance prunes
SEEN_MIN = dt.timedelta(days=1)        # a seen id outlives Feishu's re-deliveries


@dataclass(frozen=True)
class Pruned:
    """Rows removed by one run, per family."""
    inbox: int
    seen: int
    drafts: int
    expired: int    # cache entries and OAuth states past their expiry
    runs: int       # this job's own finished rows (one an hour)

    @property
    def total(self) -> int:
        return self.inbox + self.seen + self.drafts + self.expired + self.runs


def prune(store: Store, now: dt.datetime, retention_days: int) -> Pruned:
    """Delete everything older than the retention period (idempotent: a second run, or
    two instances at once, delete nothing more and fail on nothing)."""
    keep = dt.timedelta(days=retention_days)
    cutoff = now - keep
    return Pruned(inbox=store.inbox_prune(cutoff),
                  seen=store.prune_seen(now - max(keep, SEEN_MIN)),
                  drafts=store.prune_drafts(cutoff),
                  expired=store.prune_expired(now),
                  runs=store.jobs_prune(KIND, cutoff))


def period_of(when: dt.datetime) -> dt.datetime:
    """The start of the period (the UTC hour) that `when` falls in."""
    utc = when.astimezone(dt.UTC)
    return utc - dt.timedelta(minutes=utc.minute, seconds=utc.second, microseconds=utc.microsecond)


def job_id(period: dt.datetime) -> str:
    """One job per period: the id is the period's, so adding it twice adds one row."""
    return f"{KIND}:{period.astimezone(dt.UTC):%Y-%m-%dT%H}"


def schedule(store: Store, period: dt.datetime, now: dt.datetime) -> bool:
    """Add the job of `period` (due at its start); False when it was already there."""
    return store.job_add(job_id(period), KIND, OWNER, period, {}, now=now)[1]


def seed(store: Store, now: dt.datetime) -> bool:
    """Make sure a housekeeping job is on the way: when none is active (a fresh database, or
    a chain broken by a job that died), add this period's. Safe from any number of
    instances at once (the id is the period's). True when this call added it."""
    if store.jobs_active_count(KIND):
        return False
    return schedule(store, period_of(now), now)


@job_kind(KIND)
def run(bot, job, now: dt.datetime) -> None:
    """Prune, then hand over to the next period's job (added before this one is marked
    done, so a crash in between leaves both, never neither)."""
    pruned = prune(bot.store, now, bot.settings.retention_days)
    log.info("housekeeping: removed %d inbox items, %d seen ids, %d drafts, %d expired cache/OAuth rows",
             pruned.inbox, pruned.seen, pruned.drafts, pruned.expired)
    schedule(bot.store, period_of(now) + EVERY, now)
    bot.store.job_fired(job, None, now=now)
