"""Time-window queries over the materialised occurrences: what free/busy, instance_view and the
agenda read. Every query is a union of index range scans (calendar or series, short or long
occurrences) selecting plain columns, never ORM objects, so a week of a 10,000-event calendar
costs a few hundred row reads."""
from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import and_, or_, select, union_all
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


def attended_series(s: Session, user: str | None = None, room: str | None = None,
                    include_declined: bool = False) -> list[str]:
    col = CalAttendee.user_open_id if user else CalAttendee.room_id
    bad = ("removed",) if include_declined else NOT_ATTENDING
    return list(s.scalars(select(CalAttendee.series_uid).where(col == (user or room),
                                                              CalAttendee.rsvp_status.notin_(bad))))


def occurrences(s: Session, calendar_ids: list[str], series_uids: list[str], ws: int, we: int) -> list[Hit]:
    """Occurrences overlapping [ws, we) of events organised on `calendar_ids` or belonging to
    the series in `series_uids`, including the lazily expanded tail of far-future series."""
    o = CalOccurrence
    cols = (o.event_pk, o.series_uid, o.calendar_id, o.start_ts, o.end_ts, o.original_start, o.busy)
    short = and_(o.is_long.is_(False), o.start_ts >= ws - LONG_SPAN, o.start_ts < we, o.end_ts > ws)
    long_ = and_(o.is_long.is_(True), o.start_ts < we, o.end_ts > ws)
    parts = []
    if calendar_ids:
        parts += [select(*cols).where(o.calendar_id.in_(calendar_ids), short),
                  select(*cols).where(o.calendar_id.in_(calendar_ids), long_)]
    if series_uids:
        parts += [select(*cols).where(o.series_uid.in_(series_uids), short),
                  select(*cols).where(o.series_uid.in_(series_uids), long_)]
    if not parts:
        return []
    seen: set[tuple[int, int]] = set()
    hits: list[Hit] = []
    for row in s.execute(union_all(*parts)):
        key = (row[0], row[5])
        if key not in seen:    # an attended event organised on one of the calendars appears twice
            seen.add(key)
            hits.append(Hit(*row))
    hits.extend(_tail(s, calendar_ids, series_uids, ws, we, seen))
    hits.sort(key=lambda h: (h.start, h.end))
    return hits


def _tail(s: Session, calendar_ids: list[str], series_uids: list[str], ws: int, we: int,
          seen: set[tuple[int, int]]) -> list[Hit]:
    e = CalEvent
    cond = []
    if calendar_ids:
        cond.append(e.calendar_id.in_(calendar_ids))
    if series_uids:
        cond.append(e.series_uid.in_(series_uids))
    if not cond:
        return []
    masters = s.scalars(select(e).where(or_(*cond), e.materialized_until < we, e.series_end > ws,
                                        e.recurrence != "", e.is_deleted.is_(False),
                                        e.is_exception.is_(False), e.start_ts < we))
    out = []
    for m in masters:
        if m.status == "cancelled":
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
