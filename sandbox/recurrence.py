"""RRULE handling for the sandbox calendar: validation with Feishu's error, expansion in the
event's own time zone (so a 09:30 stand-up stays at 09:30 across a DST switch), exceptions and
cancelled occurrences, and the materialised occurrence table that makes free/busy cheap.

A recurring series is one master row (`<uid>_0`, `recurrence` set, start/end = first
occurrence) plus exception rows (`<uid>_<original_start>`). Occurrences of the master whose
original start has an exception row are replaced by that row (or dropped when it is cancelled).
"""
from __future__ import annotations

import functools
import time
from datetime import date, datetime, timedelta, timezone, UTC
from collections.abc import Iterable
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from sandbox.calendar_models import FOREVER, LONG_SPAN, CalEvent, CalOccurrence

# Occurrences materialised per series and how far ahead of "now" we materialise; beyond that
# queries expand on the fly (rare: windows more than a year out).
MATERIALIZE_MAX = 1500
HORIZON = 400 * 86400
# Upper bound on any single on-the-fly expansion, so a pathological rule cannot hang a request.
EXPAND_MAX = 5000

_KEYS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYYEARDAY",
         "BYWEEKNO", "BYSETPOS", "BYHOUR", "BYMINUTE", "BYSECOND", "WKST"}
_FREQS = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY"}


class RecurrenceError(ValueError):
    """A malformed RRULE; the message names the `recurrence` field as Feishu's does."""


class Occ(NamedTuple):
    original_start: int
    start: int
    end: int


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "Asia/Shanghai")
    except (ZoneInfoNotFoundError, ValueError):
        raise RecurrenceError(f"invalid timezone: {name!r}") from None


def _until(value: str, tz: ZoneInfo) -> datetime:
    try:
        if len(value) == 8:  # a date: the whole day counts, in the event's zone
            d = datetime.strptime(value, "%Y%m%d")
            return d.replace(hour=23, minute=59, second=59, tzinfo=tz)
        if value.endswith("Z"):
            return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=tz)
    except ValueError:
        raise RecurrenceError(f"invalid recurrence: bad UNTIL value {value!r}") from None


def _split(rule: str) -> dict[str, str]:
    body = (rule or "").strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if not body:
        raise RecurrenceError("invalid recurrence: empty rule")
    if len(body) > 2000:
        raise RecurrenceError("invalid recurrence: longer than 2000 characters")
    parts: dict[str, str] = {}
    for piece in body.split(";"):
        if not piece:
            continue
        if "=" not in piece:
            raise RecurrenceError(f"invalid recurrence: {piece!r} is not NAME=VALUE")
        k, v = piece.split("=", 1)
        k = k.strip().upper()
        if k not in _KEYS:
            raise RecurrenceError(f"invalid recurrence: unknown part {k!r}")
        parts[k] = v.strip().upper()
    if parts.get("FREQ") not in _FREQS:
        raise RecurrenceError("invalid recurrence: FREQ is missing or unknown")
    if "COUNT" in parts and "UNTIL" in parts:
        raise RecurrenceError("invalid recurrence: COUNT and UNTIL must not both appear")
    if "COUNT" in parts and (not parts["COUNT"].isdigit() or int(parts["COUNT"]) < 1):
        raise RecurrenceError("invalid recurrence: COUNT must be a positive integer")
    if "INTERVAL" in parts and (not parts["INTERVAL"].isdigit() or int(parts["INTERVAL"]) < 1):
        raise RecurrenceError("invalid recurrence: INTERVAL must be a positive integer")
    return parts


@functools.lru_cache(maxsize=4096)
def build_rule(rule: str, start_ts: int, tz_name: str) -> rrule:
    """The dateutil rule with DTSTART = the first occurrence as wall-clock time in tz_name.
    Cached: the same (rule, start, zone) is parsed once per process."""
    tz = zone(tz_name)
    parts = _split(rule)
    until = parts.pop("UNTIL", None)
    dtstart = datetime.fromtimestamp(start_ts, tz)
    text = "RRULE:" + ";".join(f"{k}={v}" for k, v in parts.items())
    try:
        r = rrulestr(text, dtstart=dtstart)
    except (ValueError, TypeError) as e:
        raise RecurrenceError(f"invalid recurrence: {e}") from e
    if until is not None:
        r = r.replace(until=_until(until, tz))
    return r


def validate(rule: str, start_ts: int, tz_name: str) -> None:
    """Raise RecurrenceError unless the rule parses and yields at least one occurrence."""
    r = build_rule(rule, start_ts, tz_name)
    try:
        first = next(iter(r), None)
    except (ValueError, OverflowError) as e:
        raise RecurrenceError(f"invalid recurrence: {e}") from e
    if first is None:
        raise RecurrenceError("invalid recurrence: the rule yields no occurrence")


def series_end(rule: str, start_ts: int, end_ts: int, tz_name: str) -> int:
    """A cheap upper bound of the last occurrence's end: from COUNT (by expanding, bounded) or
    UNTIL; FOREVER for open-ended rules."""
    if not rule:
        return end_ts
    parts = _split(rule)
    dur = end_ts - start_ts
    if "UNTIL" in parts:
        return int(_until(parts["UNTIL"], zone(tz_name)).timestamp()) + dur + 1
    if "COUNT" in parts:
        if int(parts["COUNT"]) > EXPAND_MAX:
            return FOREVER
        r = build_rule(rule, start_ts, tz_name)
        last = None
        for last in r:  # noqa: B007 - the loop runs to the series' last occurrence
            pass
        return int(last.timestamp()) + dur if last is not None else end_ts
    return FOREVER


def expand(rule: str, start_ts: int, end_ts: int, tz_name: str, win_start: int, win_end: int,
           limit: int = EXPAND_MAX) -> list[Occ]:
    """Occurrences of the series overlapping [win_start, win_end), each (original_start, start, end).
    The duration is kept in absolute seconds, the start in wall-clock time of the zone."""
    if not rule:
        return [Occ(start_ts, start_ts, end_ts)] if start_ts < win_end and end_ts > win_start else []
    r = build_rule(rule, start_ts, tz_name)
    tz = zone(tz_name)
    dur = end_ts - start_ts
    lo = datetime.fromtimestamp(max(win_start - dur, start_ts), tz)
    out: list[Occ] = []
    for dt in r.xafter(lo, count=limit, inc=True):
        ts = int(dt.timestamp())
        if ts >= win_end:
            break
        if ts + dur > win_start:
            out.append(Occ(ts, ts, ts + dur))
    return out


def all_day_bounds(start_date: str, end_date: str) -> tuple[int, int]:
    """All-day events are pinned to UTC midnights (Feishu reports their timezone as UTC); an end
    date equal to the start date means that one day."""
    s = datetime.combine(date.fromisoformat(start_date), datetime.min.time(), UTC)
    e = datetime.combine(date.fromisoformat(end_date), datetime.min.time(), UTC)
    if e <= s:
        e = s + timedelta(days=1)
    return int(s.timestamp()), int(e.timestamp())


# --- materialised occurrences ------------------------------------------------------------------

def _exceptions(s: Session, series_uid: str) -> dict[int, CalEvent]:
    rows = s.scalars(select(CalEvent).where(CalEvent.series_uid == series_uid, CalEvent.is_exception.is_(True)))
    return {e.original_start: e for e in rows if e.original_start is not None}


def _occ_row(ev: CalEvent, o: Occ) -> dict:
    return {"event_pk": ev.pk, "series_uid": ev.series_uid, "calendar_id": ev.calendar_id,
            "start_ts": o.start, "end_ts": o.end, "original_start": o.original_start,
            "busy": ev.free_busy_status != "free", "is_long": (o.end - o.start) > LONG_SPAN}


def materialize_series(s: Session, series_uid: str, now: float | None = None) -> None:
    """Rewrite the occurrence rows of a whole series (master + exceptions). Called after every
    write to any event of the series, so reads never expand RRULEs in the common case."""
    now = time.time() if now is None else now
    events = list(s.scalars(select(CalEvent).where(CalEvent.series_uid == series_uid)))
    pks = [e.pk for e in events]
    if pks:
        s.execute(delete(CalOccurrence).where(CalOccurrence.event_pk.in_(pks)))
    master = next((e for e in events if not e.is_exception), None)
    rows: list[dict] = []
    exc = {e.original_start: e for e in events if e.is_exception}
    for e in events:
        # Only a live series cut off at the horizon keeps a smaller value: queries look for
        # `materialized_until < window_end` to find work, so everything else must never match.
        e.materialized_until = FOREVER
    for e in exc.values():
        if not e.is_deleted and e.status != "cancelled" and not (master and master.is_deleted):
            rows.append(_occ_row(e, Occ(e.original_start or e.start_ts, e.start_ts, e.end_ts)))
    if master is not None and not master.is_deleted and master.status != "cancelled":
        if master.recurrence:
            horizon = int(max(now, master.start_ts)) + HORIZON
            last = master.start_ts
            occs = expand(master.recurrence, master.start_ts, master.end_ts, master.start_tz,
                          master.start_ts, min(horizon, master.series_end) + 1, limit=MATERIALIZE_MAX)
            for o in occs:
                last = o.start
                if o.original_start not in exc:
                    rows.append(_occ_row(master, o))
            if len(occs) >= MATERIALIZE_MAX:
                master.materialized_until = last          # capped: everything starting after `last` is lazy
            elif master.series_end <= horizon:
                master.materialized_until = FOREVER       # the whole series is in the table
            else:
                master.materialized_until = horizon
        else:
            rows.append(_occ_row(master, Occ(master.start_ts, master.start_ts, master.end_ts)))
    if rows:
        s.execute(insert(CalOccurrence), rows)


def unmaterialized_occurrences(s: Session, master: CalEvent, win_start: int, win_end: int) -> list[Occ]:
    """Occurrences past a series' materialised horizon (windows far in the future)."""
    if not master.recurrence or master.materialized_until >= win_end or master.series_end <= win_start:
        return []
    exc = _exceptions(s, master.series_uid)
    return [o for o in expand(master.recurrence, master.start_ts, master.end_ts, master.start_tz, win_start, win_end)
            if o.original_start > master.materialized_until and o.original_start not in exc]


def instances(s: Session, master: CalEvent, win_start: int, win_end: int,
              include_cancelled: bool = False) -> list[tuple[Occ, CalEvent]]:
    """The series' occurrences in the window with the row describing each (the master for plain
    instances, the exception row where one exists), sorted by start."""
    exc = _exceptions(s, master.series_uid)
    out: list[tuple[Occ, CalEvent]] = []
    seen: set[int] = set()
    for o in expand(master.recurrence, master.start_ts, master.end_ts, master.start_tz, win_start, win_end):
        seen.add(o.original_start)
        e = exc.get(o.original_start)
        if e is None:
            out.append((o, master))
        elif not e.is_deleted and (include_cancelled or e.status != "cancelled"):
            if e.start_ts < win_end and e.end_ts > win_start:
                out.append((Occ(o.original_start, e.start_ts, e.end_ts), e))
    # An exception moved into the window from an original time outside it still shows up.
    for orig, e in exc.items():
        if orig not in seen and not e.is_deleted and e.start_ts < win_end and e.end_ts > win_start \
                and (include_cancelled or e.status != "cancelled"):
            out.append((Occ(orig, e.start_ts, e.end_ts), e))
    out.sort(key=lambda p: (p[0].start, p[0].original_start))
    return out


def is_occurrence(master: CalEvent, original_start: int) -> bool:
    """Whether original_start is a real occurrence of the master's rule."""
    if not master.recurrence:
        return original_start == master.start_ts
    return any(o.original_start == original_start
               for o in expand(master.recurrence, master.start_ts, master.end_ts, master.start_tz,
                               original_start, original_start + 1, limit=2))


def iso(ts: int, tz: timezone | ZoneInfo) -> str:
    """RFC 3339 with the given offset, seconds precision, as Feishu writes it."""
    return datetime.fromtimestamp(ts, tz).isoformat(timespec="seconds")


def ids_in(values: Iterable[str]) -> list[str]:
    return sorted(set(v for v in values if v))
