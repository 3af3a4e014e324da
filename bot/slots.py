"""Pure free-slot finder: busy intervals, working hours, time zones.

Everything here is a function of its arguments: the caller passes `now`, the
busy intervals (from free/busy) and each person's working hours. Datetimes must
be timezone-aware; all-day busy blocks may be given as `datetime.date` values
(they are read in the person's own zone). Zero-length and inverted intervals
are ignored. Arithmetic is done in UTC so that DST changes never shift a slot.
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from collections.abc import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

UTC = dt.UTC
WEEKDAYS = frozenset({0, 1, 2, 3, 4})   # Monday = 0
# Guards against a window of years: slots beyond this many candidates are not examined.
MAX_CANDIDATES = 20000

Moment = dt.datetime | dt.date


@dataclass(frozen=True)
class Busy:
    """A busy interval [start, end). Dates (not datetimes) mean whole days in the person's zone."""
    start: Moment
    end: Moment
    title: str | None = None

    @classmethod
    def all_day(cls, first: dt.date, last: dt.date | None = None, tz: str = "UTC",
                title: str | None = None) -> Busy:
        """Whole days `first`..`last` (inclusive) in zone `tz`, as an aware interval."""
        z = ZoneInfo(tz)
        last = last or first
        return cls(dt.datetime.combine(first, dt.time(), z),
                   dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), z), title)


@dataclass(frozen=True)
class WorkingHours:
    """A person's working day: local start/end in zone `tz`, on `days` (Monday = 0).

    An `end` at or before `start` means the day ends after midnight (night shifts).
    """
    tz: str = "Asia/Shanghai"
    start: dt.time = dt.time(9, 0)
    end: dt.time = dt.time(18, 0)
    days: frozenset[int] = field(default=WEEKDAYS)


@dataclass(frozen=True, order=True)
class Slot:
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class BestEffort:
    """A slot that not everybody can make: who is outside their hours, who is busy."""
    slot: Slot
    outside_hours: tuple[str, ...] = ()
    busy: tuple[str, ...] = ()

    @property
    def unavailable(self) -> tuple[str, ...]:
        """Everybody who can't make it, sorted, each once."""
        return tuple(sorted(set(self.outside_hours) | set(self.busy)))


# ---------------------------------------------------------------- intervals

def _aware(value: Moment, tz: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo(tz))
    return dt.datetime.combine(value, dt.time(), ZoneInfo(tz))


def normalize(b: Busy, tz: str = "UTC") -> tuple[dt.datetime, dt.datetime] | None:
    """(start, end) in UTC, or None for a zero-length or inverted interval.

    A date-only block covers whole days; its `end` date is taken as inclusive
    when it equals `start` (a one-day block), exclusive otherwise (Feishu style).
    """
    start, end = b.start, b.end
    if not isinstance(start, dt.datetime) and not isinstance(end, dt.datetime) and end == start:
        end = start + dt.timedelta(days=1)
    s = _aware(start, tz).astimezone(UTC)
    e = _aware(end, tz).astimezone(UTC)
    return (s, e) if e > s else None


def merge(intervals: Iterable[Busy | tuple[dt.datetime, dt.datetime]],
          tz: str = "UTC") -> list[tuple[dt.datetime, dt.datetime]]:
    """Sorted, non-overlapping UTC (start, end) pairs; touching intervals are joined."""
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    for iv in intervals:
        n = normalize(iv if isinstance(iv, Busy) else Busy(iv[0], iv[1]), tz)
        if n:
            spans.append(n)
    spans.sort()
    out: list[tuple[dt.datetime, dt.datetime]] = []
    for s, e in spans:
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _overlaps(merged: list[tuple[dt.datetime, dt.datetime]], s: dt.datetime, e: dt.datetime) -> bool:
    # The last merged interval starting before `e` is the only one that can overlap.
    i = bisect.bisect_left(merged, (e,)) - 1
    return i >= 0 and merged[i][1] > s


def working_intervals(hours: WorkingHours, start: dt.datetime,
                      end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """The person's working time overlapping [start, end), as sorted UTC pairs."""
    z = ZoneInfo(hours.tz)
    # One day of margin on each side: a night shift may start the day before.
    day = start.astimezone(z).date() - dt.timedelta(days=1)
    last = end.astimezone(z).date() + dt.timedelta(days=1)
    out = []
    while day <= last:
        if day.weekday() in hours.days:
            ws = dt.datetime.combine(day, hours.start, z)
            end_day = day if hours.end > hours.start else day + dt.timedelta(days=1)
            we = dt.datetime.combine(end_day, hours.end, z)
            s, e = ws.astimezone(UTC), we.astimezone(UTC)
            if e > start and s < end and e > s:
                out.append((s, e))
        day += dt.timedelta(days=1)
    return merge(out)


def _contained(spans: list[tuple[dt.datetime, dt.datetime]], s: dt.datetime, e: dt.datetime) -> bool:
    i = bisect.bisect_right(spans, (s, dt.datetime.max.replace(tzinfo=UTC))) - 1
    return i >= 0 and spans[i][0] <= s and spans[i][1] >= e


def within_hours(hours: WorkingHours, start: dt.datetime, end: dt.datetime) -> bool:
    """Whether [start, end) lies inside one stretch of the person's working hours."""
    s, e = start.astimezone(UTC), end.astimezone(UTC)
    return _contained(working_intervals(hours, s, e), s, e)


def in_band(s: Slot, tz: str, band: tuple[dt.time, dt.time] | None) -> bool:
    """Whether the slot lies inside the daily `band` (local start, end in `tz`): the asked part
    of the day ("下午" = 14:00–18:00) kept on every day searched."""
    if band is None:
        return True
    z = ZoneInfo(tz)
    a = s.start.astimezone(z)
    lo = dt.datetime.combine(a.date(), band[0], z)
    # An end at or before the start (e.g. 00:00) is the next day's.
    hi = dt.datetime.combine(a.date() + dt.timedelta(days=0 if band[1] > band[0] else 1), band[1], z)
    return lo <= a and s.end.astimezone(z) <= hi


def conflicts(busy_by_person: Mapping[str, Iterable[Busy]], start: dt.datetime, end: dt.datetime,
              zones: Mapping[str, str] | None = None) -> dict[str, list[Busy]]:
    """Who is busy during [start, end): person → their overlapping busy blocks, by start.

    People without a conflict are left out. `zones` (person → zone name) is only
    needed to place date-only blocks; it defaults to UTC.
    """
    s, e = start.astimezone(UTC), end.astimezone(UTC)
    out: dict[str, list[Busy]] = {}
    for person in sorted(busy_by_person):
        tz = (zones or {}).get(person, "UTC")
        hits = []
        for b in busy_by_person[person]:
            n = normalize(b, tz)
            if n and n[0] < e and n[1] > s:
                hits.append((n[0], n[1], b))
        if hits:
            hits.sort(key=lambda h: (h[0], h[1]))
            out[person] = [h[2] for h in hits]
    return out


# ---------------------------------------------------------------- candidates

def _first_candidate(t: dt.datetime, step: int, tz: str) -> dt.datetime:
    """The first step boundary (in the requester's local clock) at or after `t`, in UTC."""
    local = t.astimezone(ZoneInfo(tz))
    floor = local.replace(second=0, microsecond=0)
    rem = (floor.hour * 60 + floor.minute) % step
    c = (floor - dt.timedelta(minutes=rem)).astimezone(UTC)
    while c < t.astimezone(UTC):
        c += dt.timedelta(minutes=step)
    return c


def _candidates(window_start: dt.datetime, window_end: dt.datetime, duration: int, now: dt.datetime,
                step: int, tz: str, band: tuple[dt.time, dt.time] | None = None) -> list[Slot]:
    if duration <= 0 or step <= 0:
        return []
    begin = max(window_start.astimezone(UTC), now.astimezone(UTC))
    stop = window_end.astimezone(UTC)
    length = dt.timedelta(minutes=duration)
    c = _first_candidate(begin, step, tz)
    out: list[Slot] = []
    while c + length <= stop and len(out) < MAX_CANDIDATES:
        s = Slot(c, c + length)
        if in_band(s, tz, band):
            out.append(s)
        c += dt.timedelta(minutes=step)
    return out


class _People:
    """Per-person working spans and merged busy time, computed once per search."""

    def __init__(self, busy: Mapping[str, Iterable[Busy]], hours: Mapping[str, WorkingHours],
                 people: Sequence[str] | None, tz: str, start: dt.datetime, end: dt.datetime):
        self.names = list(people) if people is not None else sorted(set(busy) | set(hours))
        # Nobody named: the requester alone, on default hours in their zone.
        hours = hours if self.names else {"": WorkingHours(tz=tz)}
        self.names = self.names or [""]
        self.hours = {p: hours.get(p) or WorkingHours(tz=tz) for p in self.names}
        self.work = {p: working_intervals(self.hours[p], start, end) for p in self.names}
        self.busy = {p: merge(busy.get(p, ()), self.hours[p].tz) for p in self.names}

    def outside(self, s: Slot) -> tuple[str, ...]:
        return tuple(p for p in self.names if not _contained(self.work[p], s.start, s.end))

    def busy_at(self, s: Slot) -> tuple[str, ...]:
        return tuple(p for p in self.names if _overlaps(self.busy[p], s.start, s.end))


def _in(s: Slot, tz: str) -> Slot:
    z = ZoneInfo(tz)
    return Slot(s.start.astimezone(z), s.end.astimezone(z))


def _local_day(s: Slot, tz: str) -> dt.date:
    return s.start.astimezone(ZoneInfo(tz)).date()


def _spread(ordered: Sequence[Slot], count: int, tz: str, taken: list[Slot] | None = None) -> list[Slot]:
    """Pick `count` slots from `ordered` (best first): one per day first, then
    slots that don't overlap a chosen one, then anything left."""
    chosen = list(taken or [])
    days = {_local_day(s, tz) for s in chosen}
    for s in ordered:
        if len(chosen) >= count:
            break
        d = _local_day(s, tz)
        if d not in days:
            chosen.append(s)
            days.add(d)
    for s in ordered:
        if len(chosen) >= count:
            break
        if s not in chosen and not any(c.start < s.end and s.start < c.end for c in chosen):
            chosen.append(s)
    for s in ordered:
        if len(chosen) >= count:
            break
        if s not in chosen:
            chosen.append(s)
    return chosen


def find_slots(busy_by_person: Mapping[str, Iterable[Busy]],
               hours_by_person: Mapping[str, WorkingHours],
               window_start: dt.datetime, window_end: dt.datetime,
               duration_minutes: int, now: dt.datetime, *,
               tz: str = "Asia/Shanghai", people: Sequence[str] | None = None,
               step_minutes: int = 30, count: int = 3,
               band: tuple[dt.time, dt.time] | None = None) -> list[Slot]:
    """Up to `count` slots of `duration_minutes` free for everybody, sorted by start.

    - `people`: who must attend (default: everyone named in either mapping);
      someone without working hours gets the default 09:00–18:00 Mon–Fri in `tz`.
    - Slots start on `step_minutes` boundaries of the requester's clock (`tz`),
      lie inside every attendee's working hours in their own zone, overlap
      nobody's busy time, and don't start before `now`.
    - Spread over days: the earliest slot of each day first, then fill.
    - `band` (local times in `tz`): only slots inside it on each day (the asked part of day).
    - An empty list means no common slot; see `best_effort_slots`.
    """
    if count <= 0:
        return []
    cands = _candidates(window_start, window_end, duration_minutes, now, step_minutes, tz, band)
    if not cands:
        return []
    ppl = _People(busy_by_person, hours_by_person, people, tz, cands[0].start, cands[-1].end)
    free = [s for s in cands if not ppl.outside(s) and not ppl.busy_at(s)]
    return [_in(s, tz) for s in sorted(_spread(free, count, tz))]


def best_effort_slots(busy_by_person: Mapping[str, Iterable[Busy]],
                      hours_by_person: Mapping[str, WorkingHours],
                      window_start: dt.datetime, window_end: dt.datetime,
                      duration_minutes: int, now: dt.datetime, *,
                      tz: str = "Asia/Shanghai", people: Sequence[str] | None = None,
                      step_minutes: int = 30, count: int = 3,
                      band: tuple[dt.time, dt.time] | None = None) -> list[BestEffort]:
    """When no slot suits everybody: the `count` slots that the most people can make.

    Same arguments as `find_slots`. Slots nobody can make are never offered.
    Fewer people missing wins; among equals, slots are spread over days. Each
    result names who is outside their working hours and who is busy. Sorted
    best first: fewest people missing, then by start.
    """
    if count <= 0:
        return []
    cands = _candidates(window_start, window_end, duration_minutes, now, step_minutes, tz, band)
    if not cands:
        return []
    ppl = _People(busy_by_person, hours_by_person, people, tz, cands[0].start, cands[-1].end)
    info: dict[Slot, BestEffort] = {}
    tiers: dict[int, list[Slot]] = {}
    for s in cands:
        be = BestEffort(s, ppl.outside(s), ppl.busy_at(s))
        n = len(be.unavailable)
        if ppl.names and n >= len(ppl.names):
            continue
        info[s] = be
        tiers.setdefault(n, []).append(s)
    chosen: list[Slot] = []
    for n in sorted(tiers):
        if len(chosen) >= count:
            break
        chosen = _spread(tiers[n], count, tz, chosen)
    chosen.sort(key=lambda s: (len(info[s].unavailable), s))
    return [BestEffort(_in(s, tz), info[s].outside_hours, info[s].busy) for s in chosen]


def default_window(now: dt.datetime, tz: str, days: int = 5) -> tuple[dt.datetime, dt.datetime]:
    """From `now` to the end of the `days`-th working day ahead in `tz` (for "no time given")."""
    z = ZoneInfo(tz)
    day = now.astimezone(z).date()
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() in WEEKDAYS:
            left -= 1
    return now, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), z)
