"""Time-window queries over the materialised occurrences: what free/busy, instance_view and the
agenda read. Every query is a union of index range scans (calendar or series, short or long
occurrences) selecting plain columns, never ORM objects, so a week of a 10,000-event calendar
costs a few hundred row reads."""
from __future__ import annotations

import functools
from operator import itemgetter
from typing import NamedTuple

from sqlalchemy import Select, and_, bindparam, false, select, true, union_all
from sqlalchemy.orm import Session

from sandbox.calendar_models import LONG_SPAN, CalAttendee, CalEvent, CalOccurrence, CalTimeoff
from sandbox.recurrence import unmaterialized_occurrences

NOT_ATTENDING = ("decline", "removed")


class Hit(NamedTuple):
    event_pk: int
    series_uid: str
    calendar_id: str
    start: int
    end: int
    original_start: int
    busy: bool


def attendance(user: str | None = None, room: str | None = None, include_declined: bool = False) -> Select:
    """The series a user or room attends, as a subquery: the database joins it, no id list
    travels through Python (a person can attend thousands of series)."""
    col = CalAttendee.user_open_id if user else CalAttendee.room_id
    bad = ("removed",) if include_declined else NOT_ATTENDING
    return select(CalAttendee.series_uid).where(col == (user or room), CalAttendee.rsvp_status.notin_(bad))


def attended_series(s: Session, user: str | None = None, room: str | None = None,
                    include_declined: bool = False) -> list[str]:
    return list(s.scalars(attendance(user, room, include_declined)))


def occurrences(s: Session, calendar_ids: list[str], ws: int, we: int, *, user: str | None = None,
                room: str | None = None, include_declined: bool = False) -> list[Hit]:
    """Occurrences overlapping [ws, we) of events organised on `calendar_ids` or attended by
    `user`/`room`, including the lazily expanded tail of far-future series."""
    by = ("user" if user else "room") if (user or room) else None
    if not calendar_ids and by is None:
        return []
    params = {"ws": ws, "we": we, "lo": ws - LONG_SPAN}
    if calendar_ids:
        params["cids"] = list(calendar_ids)
    if by is not None:
        params["who"] = user or room
    seen: set[tuple[int, int]] = set()
    hits: list[Hit] = []
    for row in s.execute(_window_query(bool(calendar_ids), by, include_declined), params):
        key = (row[0], row[5])
        if key not in seen:    # an attended event organised on one of the calendars appears twice
            seen.add(key)
            hits.append(Hit._make(row))
    series = _attendance_query(by, include_declined) if by is not None else None
    hits.extend(_tail(s, calendar_ids, series, params, ws, we, seen))
    hits.sort(key=itemgetter(3, 4))     # (start, end)
    return hits


@functools.cache
def _attendance_query(by: str, include_declined: bool) -> Select:
    col = CalAttendee.user_open_id if by == "user" else CalAttendee.room_id
    bad = ("removed",) if include_declined else NOT_ATTENDING
    return select(CalAttendee.series_uid).where(col == bindparam("who"), CalAttendee.rsvp_status.notin_(bad))


@functools.cache
def _window_query(by_calendar: bool, by: str | None, include_declined: bool):
    """Built once per shape with bound parameters: constructing the expression per request cost
    more than running it."""
    o = CalOccurrence
    cols = (o.event_pk, o.series_uid, o.calendar_id, o.start_ts, o.end_ts, o.original_start, o.busy)
    ws, we, lo = bindparam("ws"), bindparam("we"), bindparam("lo")
    # `is_long = ?`, not `IS`: SQLite uses an index column only for `=`, and the range on
    # start_ts right after it is what keeps this a short index scan.
    short = and_(o.is_long == false(), o.start_ts >= lo, o.start_ts < we, o.end_ts > ws)
    long_ = and_(o.is_long == true(), o.start_ts < we, o.end_ts > ws)
    parts = []
    if by_calendar:
        cids = bindparam("cids", expanding=True)
        parts += [select(*cols).where(o.calendar_id.in_(cids), short),
                  select(*cols).where(o.calendar_id.in_(cids), long_)]
    if by is not None:
        series = _attendance_query(by, include_declined)
        parts += [select(*cols).where(o.series_uid.in_(series), short),
                  select(*cols).where(o.series_uid.in_(series), long_)]
    return union_all(*parts)


def _tail(s: Session, calendar_ids: list[str], series: Select | None, params: dict, ws: int, we: int,
          seen: set[tuple[int, int]]) -> list[Hit]:
    """Occurrences past the materialised horizon. Step one reads only the materialized_until
    index (series not expanded up to `we` — usually none); step two filters those few."""
    e = CalEvent
    candidates = s.execute(select(e.pk, e.calendar_id, e.series_uid).where(
        e.materialized_until < we, e.series_end > ws, e.start_ts < we)).all()
    if not candidates:
        return []
    wanted = set(calendar_ids)
    mine = set(s.scalars(series, {"who": params["who"]})) if series is not None else set()
    pks = [pk for pk, cid, uid in candidates if cid in wanted or uid in mine]
    out = []
    for m in (s.get(CalEvent, pk) for pk in pks):
        if not m.recurrence or m.is_deleted or m.is_exception or m.status == "cancelled":
            continue
        for occ in unmaterialized_occurrences(s, m, ws, we):
            if (m.pk, occ.original_start) not in seen:
                out.append(Hit(m.pk, m.series_uid, m.calendar_id, occ.start, occ.end, occ.original_start,
                               m.free_busy_status != "free"))
    return out


def timeoffs(s: Session, open_id: str, ws: int, we: int) -> list[CalTimeoff]:
    t = CalTimeoff
    return list(s.scalars(select(t).where(t.user_open_id == open_id, t.start_ts < we, t.end_ts > ws)
                          .order_by(t.start_ts)))
