"""Pure time rules of the scheduler: the next occurrence of a recurring job in the
person's zone, and how late is too late.

Recurrence is computed on wall-clock times in the person's zone (dateutil.rrule with an
aware local `dtstart`), so "every weekday at 18:00" stays 18:00 in London or Los Angeles
on both sides of a DST change; the UTC instant moves instead.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

ON_TIME = dt.timedelta(minutes=2)     # sent within this of its time: not "late"
LATE_CUTOFF = dt.timedelta(hours=6)   # missed by more (the bot was down): dropped, not sent
MIN_CHECK = dt.timedelta(minutes=5)   # an event-tied reminder re-reads its event at least this far apart
MAX_CHECK = dt.timedelta(hours=6)


def lateness(occurs_at: dt.datetime, now: dt.datetime) -> str:
    """"on_time", "late" (send, saying so) or "too_late" (drop this occurrence)."""
    behind = now - occurs_at
    if behind <= ON_TIME:
        return "on_time"
    return "late" if behind <= LATE_CUTOFF else "too_late"


def local(when: dt.datetime, tz: str) -> dt.datetime:
    return when.astimezone(ZoneInfo(tz))


def next_occurrence(rrule: str | None, dtstart: dt.datetime, tz: str, after: dt.datetime) -> dt.datetime | None:
    """The first occurrence strictly after `after` of `rrule` anchored at `dtstart`
    (wall time in `tz`), in UTC; None for a one-off or a finished series."""
    if not rrule:
        return None
    z = ZoneInfo(tz)
    # rrule iterates naive wall times; each gets the zone's offset of its own date.
    start = dtstart.astimezone(z).replace(tzinfo=None)
    rule = rrulestr(rrule[6:] if rrule.upper().startswith("RRULE:") else rrule, dtstart=start)
    # A wall time that does not exist (spring forward) reads with the offset before the change,
    # i.e. an hour later; one that happens twice (fall back) is its first.
    nxt = rule.after(after.astimezone(z).replace(tzinfo=None))
    while nxt is not None and nxt.replace(tzinfo=z) <= after:
        nxt = rule.after(nxt)
    return None if nxt is None else nxt.replace(tzinfo=z).astimezone(dt.UTC)


def first_occurrence(rrule: str | None, dtstart: dt.datetime, tz: str, now: dt.datetime) -> dt.datetime | None:
    """When a new job first fires: `dtstart` itself if still ahead, else (recurring) the
    next occurrence after `now`; None for a one-off in the past."""
    if dtstart > now:
        if not rrule:
            return dtstart.astimezone(dt.UTC)
        # dtstart may not match the rule ("every Monday" said on a Wednesday): the rule decides.
        return next_occurrence(rrule, dtstart, tz, dtstart - dt.timedelta(seconds=1))
    return next_occurrence(rrule, dtstart, tz, now) if rrule else None


def recheck_at(occurs_at: dt.datetime, now: dt.datetime) -> dt.datetime:
    """When an event-tied reminder next re-reads its event: halfway to its time, within
    [MIN_CHECK, MAX_CHECK]; its own time once that is nearer."""
    step = min(MAX_CHECK, max(MIN_CHECK, (occurs_at - now) / 2))
    return min(occurs_at, now + step)


def tomorrow_at(now: dt.datetime, tz: str, hour: int = 9) -> dt.datetime:
    """Tomorrow at `hour`:00 in the person's zone, in UTC."""
    z = ZoneInfo(tz)
    day = now.astimezone(z).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), z).astimezone(dt.UTC)


def next_for(payload: dict, after: dt.datetime) -> dt.datetime | None:
    """The next occurrence after `after` of a job whose payload holds `rrule`, `dtstart`
    (local ISO) and `tz`; None for a one-off."""
    if not payload.get("rrule"):
        return None
    return next_occurrence(payload["rrule"], dt.datetime.fromisoformat(payload["dtstart"]), payload["tz"], after)
