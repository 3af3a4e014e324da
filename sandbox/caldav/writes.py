"""A client's PUT or DELETE applied to the sandbox tables the Feishu API uses, so the change is
the same one an API call would make: the series' rows, its materialised occurrences (free/busy,
the agenda, the console's week) and the change pushes to subscribed apps."""
from __future__ import annotations

import re
import time

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sandbox.caldav.auth import DavUser
from sandbox.caldav.ics import IcsError, Incoming, IncomingEvent
from sandbox.caldav.models import CalDavObject
from sandbox.calendar_events_core import holder_calendars, notify_event
from sandbox.calendar_models import CalCalendar, CalEvent, CalOccurrence, identity_key, new_event_uid, next_seq
from sandbox.recurrence import is_occurrence, materialize_series, series_end

# Feishu event ids are `<uuid>_<original start>`: a client UID of that shape is kept as the
# series uid; any other UID (Apple's, Google's) gets a fresh one and a row in CalDavObject.
_SERIES_UID = re.compile(r"^[0-9a-fA-F\-]{8,64}$")


def _fields(ev: CalEvent, inc: IncomingEvent, now: int) -> None:
    ev.summary, ev.description = inc.summary, inc.description
    ev.start_ts, ev.end_ts, ev.start_date, ev.end_date = inc.start_ts, inc.end_ts, inc.start_date, inc.end_date
    ev.start_tz = ev.end_tz = inc.tz
    ev.status, ev.free_busy_status, ev.visibility = inc.status, inc.free_busy_status, inc.visibility
    extra = dict(ev.extra or {})
    if inc.location:
        extra["location"] = {**(extra.get("location") or {}), "name": inc.location}
    else:
        extra.pop("location", None)
    extra["reminders"] = [{"minutes": m} for m in inc.reminders]
    ev.extra = extra
    ev.update_time = now


def _series_uid(s: Session, wanted: str) -> str:
    taken = s.scalars(select(CalEvent.pk).where(CalEvent.series_uid == wanted)).first() is not None
    if _SERIES_UID.match(wanted) and not taken:
        return wanted.lower()
    return new_event_uid()


def create(s: Session, user: DavUser, cal: CalCalendar, href: str, inc: Incoming) -> CalEvent:
    uid, now = _series_uid(s, inc.uid), int(time.time())
    master = CalEvent(event_id=f"{uid}_0", series_uid=uid, calendar_id=cal.calendar_id, creator=identity_key(
        "user", user.open_id), create_time=now, seq=next_seq(s), extra={"reminders": []})
    _fields(master, inc.master, now)
    master.recurrence = inc.master.recurrence
    master.series_end = series_end(master.recurrence, master.start_ts, master.end_ts, master.start_tz)
    s.add(master)
    if href != f"{uid}.ics" or inc.uid != uid:
        s.add(CalDavObject(calendar_id=cal.calendar_id, href=href, series_uid=uid, ical_uid=inc.uid))
    s.flush()
    _exceptions(s, master, inc, now)
    materialize_series(s, uid)
    notify_event(s, [cal.calendar_id], master.event_id, "create")
    return master


def update(s: Session, master: CalEvent, inc: Incoming) -> None:
    now = int(time.time())
    holders = holder_calendars(s, master)
    _fields(master, inc.master, now)
    master.recurrence = inc.master.recurrence
    master.series_end = series_end(master.recurrence, master.start_ts, master.end_ts, master.start_tz)
    master.seq = next_seq(s)
    _exceptions(s, master, inc, now)
    materialize_series(s, master.series_uid)
    notify_event(s, holders + holder_calendars(s, master), master.event_id, "update")


def _exceptions(s: Session, master: CalEvent, inc: Incoming, now: int) -> None:
    """Make the exception rows say exactly what the object says: an EXDATE is a cancelled
    occurrence, a RECURRENCE-ID component an overridden one; any other exception row goes."""
    rows = {e.original_start: e for e in s.scalars(select(CalEvent).where(
        CalEvent.series_uid == master.series_uid, CalEvent.is_exception.is_(True)))}
    wanted: dict[int, IncomingEvent | None] = {ts: None for ts in inc.master.exdates}
    wanted.update({o.recurrence_id: o for o in inc.overrides})
    if not master.recurrence:
        wanted = {}
    for original, override in wanted.items():
        if not is_occurrence(master, original):
            raise IcsError(f"RECURRENCE-ID/EXDATE {original} is not an occurrence of the RRULE")
        row = rows.get(original)
        if row is None:
            row = CalEvent(event_id=f"{master.series_uid}_{original}", series_uid=master.series_uid,
                           calendar_id=master.calendar_id, is_exception=True, recurring_event_id=master.event_id,
                           original_start=original, creator=master.creator, create_time=now, extra={})
            s.add(row)
        source = override or inc.master
        _fields(row, source, now)
        if override is None:      # an EXDATE: the occurrence itself, cancelled
            row.start_ts = original
            row.end_ts = original + master.end_ts - master.start_ts
            row.status = "cancelled"
        row.is_deleted, row.recurrence, row.seq = False, "", next_seq(s)
        row.series_end = row.end_ts
    for original, row in rows.items():
        if original not in wanted:
            s.execute(delete(CalOccurrence).where(CalOccurrence.event_pk == row.pk))
            s.delete(row)
    s.flush()


def remove(s: Session, master: CalEvent) -> None:
    """The whole series, as the API's delete does: rows kept, marked deleted (sync sees it go)."""
    holders = holder_calendars(s, master)
    seq, now = next_seq(s), int(time.time())
    for row in s.scalars(select(CalEvent).where(CalEvent.series_uid == master.series_uid)):
        row.is_deleted, row.seq, row.update_time = True, seq, now
        if not row.is_exception:
            row.status = "cancelled"
    s.execute(delete(CalDavObject).where(CalDavObject.series_uid == master.series_uid))
    s.flush()
    materialize_series(s, master.series_uid)
    notify_event(s, holders, master.event_id, "delete")
