"""A person's own time over a span ("am I free tomorrow?"): their busy blocks (free/busy, so no
calendar permission is needed) and the free stretches of their working hours, day by day."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .. import slots
from . import busy_by_id, working_hours

MAX_DAYS = 7          # "am I free next month?" is answered for its first week


@dataclass(frozen=True)
class OwnDay:
    day: dt.date
    working: bool                                      # a working day for the person
    free: tuple[tuple[dt.datetime, dt.datetime], ...]  # inside working hours, from now on
    busy: tuple[tuple[dt.datetime, dt.datetime], ...]  # inside the asked span


def own_time(bot, open_id: str, window: tuple[dt.datetime, dt.datetime], now: dt.datetime,
             tz: str) -> list[OwnDay]:
    """Each day of `window` (at most MAX_DAYS) in zone `tz`, from `now` on: free and busy."""
    z = ZoneInfo(tz)
    ws, we = max(window[0], now), window[1]
    we = min(we, ws + dt.timedelta(days=MAX_DAYS))
    if we <= ws:
        return []
    hours = working_hours(bot, open_id)
    busy = slots.merge(busy_by_id(bot, [open_id], [], ws, we).get(open_id, []), tz)
    work = [(max(s, ws), min(e, we)) for s, e in slots.working_intervals(hours, ws, we)]
    free = _minus([(s, e) for s, e in work if e > s], busy)
    shown_busy = [(max(s, ws), min(e, we)) for s, e in busy if e > ws and s < we]
    out: list[OwnDay] = []
    day = ws.astimezone(z).date()
    while dt.datetime.combine(day, dt.time(), z) < we:
        lo = dt.datetime.combine(day, dt.time(), z)
        hi = lo + dt.timedelta(days=1)
        out.append(OwnDay(day, day.weekday() in hours.days,
                          tuple(_within(free, lo, hi)), tuple(_within(shown_busy, lo, hi))))
        day += dt.timedelta(days=1)
    return out


def _minus(spans: list[tuple[dt.datetime, dt.datetime]],
           busy: list[tuple[dt.datetime, dt.datetime]]) -> list[tuple[dt.datetime, dt.datetime]]:
    """`spans` less the (merged, sorted) `busy` intervals; pieces under 15 minutes dropped."""
    out = []
    for s, e in spans:
        cur = s
        for bs, be in busy:
            if be <= cur or bs >= e:
                continue
            if bs > cur:
                out.append((cur, bs))
            cur = max(cur, be)
        if cur < e:
            out.append((cur, e))
    return [(s, e) for s, e in out if e - s >= dt.timedelta(minutes=15)]


def _within(spans, lo: dt.datetime, hi: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    return [(max(s, lo), min(e, hi)) for s, e in spans if e > lo and s < hi]
