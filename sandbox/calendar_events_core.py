"""Event lookup, visibility and serialisation shared by the event, attendee, free/busy and agenda
routes. An event lives on its organizer calendar; attendance puts it on attendees' primary
calendars and rooms' calendars under the same event_id (contract §4.3, §4.4)."""
from __future__ import annotations

import re
from datetime import datetime, UTC
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox import store
from sandbox.api.common import Identity, after_commit, state as sandbox_state, user_id_as
from sandbox.calendar_core import (EVENT_BAD_ID, EVENT_DELETED, EVENT_NOT_FOUND, RANK, err, id_triplets, me,
                                   owner_name, owner_user_id, push_subscribers, role_of, room_calendar,
                                   user_primary)
from sandbox.event_changes import Change
from sandbox.calendar_models import CalAttendee, CalCalendar, CalEvent, CalEventPref
from sandbox.recurrence import Occ, is_occurrence

_EVENT_ID = re.compile(r"^([0-9a-fA-F\-]{8,64})_(\d{1,12})$")
GONE = ("removed",)


def parse_event_id(eid: str) -> tuple[str, int]:
    m = _EVENT_ID.match(eid or "")
    if not m:
        raise err(EVENT_BAD_ID, f"invalid event_id: {eid!r}")
    return m.group(1), int(m.group(2))


def calendar_attendee_key(cal: CalCalendar) -> tuple[str | None, str | None]:
    """Whose attendance puts events on this calendar: (user open_id, room id)."""
    if cal.type == "primary" and cal.owner_kind == "user":
        return cal.owner_id, None
    if cal.type == "resource":
        return None, cal.owner_id
    return None, None


def attending_series(s: Session, cal: CalCalendar) -> set[str]:
    user, room = calendar_attendee_key(cal)
    if user is None and room is None:
        return set()
    col = CalAttendee.user_open_id if user else CalAttendee.room_id
    return set(s.scalars(select(CalAttendee.series_uid).where(col == (user or room),
                                                             CalAttendee.rsvp_status.notin_(GONE))))


def on_calendar(s: Session, ev: CalEvent, cal: CalCalendar) -> bool:
    if ev.calendar_id == cal.calendar_id:
        return True
    user, room = calendar_attendee_key(cal)
    if user is None and room is None:
        return False
    col = CalAttendee.user_open_id if user else CalAttendee.room_id
    return s.scalars(select(CalAttendee.pk).where(CalAttendee.series_uid == ev.series_uid, col == (user or room),
                                                 CalAttendee.rsvp_status.notin_(GONE))).first() is not None


def find_event(s: Session, cal: CalCalendar, eid: str, allow_deleted: bool = False) -> tuple[CalEvent, int | None]:
    """(row, original_start) for an event id seen through `cal`. original_start is set when the
    id names an occurrence of a series that has no exception row (a virtual instance)."""
    uid, ts = parse_event_id(eid)
    row = s.scalars(select(CalEvent).where(CalEvent.event_id == eid)).first()
    virtual = None
    if row is None and ts:
        master = s.scalars(select(CalEvent).where(CalEvent.event_id == f"{uid}_0")).first()
        if master is not None and master.recurrence and is_occurrence(master, ts):
            row, virtual = master, ts
    if row is None or not on_calendar(s, row, cal):
        raise err(EVENT_NOT_FOUND, f"event not found: {eid}")
    if (row.is_deleted or (row.is_exception and row.status == "cancelled")) and not allow_deleted:
        raise err(EVENT_DELETED, f"event is deleted: {eid}")
    return row, virtual


def master_of(s: Session, ev: CalEvent) -> CalEvent:
    if not ev.is_exception:
        return ev
    return s.scalars(select(CalEvent).where(CalEvent.event_id == ev.recurring_event_id)).first() or ev


def organizer_calendar(s: Session, ev: CalEvent) -> CalCalendar:
    return s.get(CalCalendar, ev.calendar_id)


def attendee_of(s: Session, ev: CalEvent, ident: Identity) -> CalAttendee | None:
    if ident.kind != "user":
        return None
    return s.scalars(select(CalAttendee).where(CalAttendee.series_uid == ev.series_uid,
                                               CalAttendee.user_open_id == ident.open_id,
                                               CalAttendee.rsvp_status.notin_(GONE))).first()


def can_edit(s: Session, ev: CalEvent, ident: Identity) -> bool:
    """Organizer side: writer/owner on the organizer calendar."""
    role = role_of(s, organizer_calendar(s, ev), ident)
    return role is not None and RANK[role] >= RANK["writer"]


def view_of(s: Session, ev: CalEvent, cal: CalCalendar, role: str | None, ident: Identity) -> str:
    """'full' or 'busy' (times only): private events only to writers/owners and attendees; default
    events to readers and up; public events to anyone who can see the calendar."""
    if can_edit(s, ev, ident) or attendee_of(s, ev, ident) is not None:
        return "full"
    rank = RANK.get(role or "", 0)
    if rank >= RANK["writer"] and ev.calendar_id == cal.calendar_id:
        return "full"
    if ev.visibility == "private":
        return "busy"
    if ev.visibility == "public":
        return "full"
    return "full" if rank >= RANK["reader"] else "busy"


def time_json(ts: int, date: str | None, tz: str) -> dict:
    if date:
        return {"date": date, "timezone": "UTC"}
    return {"timestamp": str(ts), "timezone": tz}


def app_link(ev: CalEvent, original: int, start: int) -> str:
    uid = ev.series_uid
    return (f"https://applink.feishu.cn/client/calendar/event/detail?calendarId={ev.calendar_id}"
            f"&key={uid}&originalTime={original}&startTime={start}")


def prefs(s: Session, event_id: str, ident: Identity) -> dict:
    row = s.scalars(select(CalEventPref).where(CalEventPref.event_id == event_id,
                                               CalEventPref.identity == me(ident))).first()
    return dict(row.prefs) if row is not None else {}


def attendee_json(s: Session, a: CalAttendee, kind: str) -> dict:
    out = {"type": a.type, "attendee_id": a.attendee_id, "rsvp_status": a.rsvp_status,
           "is_optional": a.is_optional, "is_organizer": a.is_organizer, "is_external": False,
           "display_name": a.display_name}
    if a.type == "user":
        out["user_id"] = user_id_as(s, a.user_open_id, kind)
    elif a.type == "chat":
        out["chat_id"] = a.chat_id
        out["chat_members"] = []
    elif a.type == "resource":
        out["room_id"] = a.room_id
    else:
        out["third_party_email"] = a.third_party_email
    return out


def attendees(s: Session, series_uid: str, include_removed: bool = False) -> list[CalAttendee]:
    q = select(CalAttendee).where(CalAttendee.series_uid == series_uid)
    if not include_removed:
        q = q.where(CalAttendee.rsvp_status.notin_(GONE))
    return list(s.scalars(q.order_by(CalAttendee.pk)))


def event_json(s: Session, ev: CalEvent, ident: Identity, *, view: str = "full", kind: str = "open_id",
               occ: Occ | None = None, instance: bool = False) -> dict:
    """The CalendarEvent (or Instance) object for the caller. `occ` renders one occurrence of a
    series: its own id `<uid>_<original_start>`, times, and no RRULE."""
    org_cal = organizer_calendar(s, ev)
    start, end, original = ev.start_ts, ev.end_ts, ev.original_start or 0
    event_id = ev.event_id
    if occ is not None and not ev.is_exception and ev.recurrence:
        start, end, original = occ.start, occ.end, occ.original_start
        event_id = f"{ev.series_uid}_{occ.original_start}"
    elif ev.is_exception:
        original = ev.original_start or 0
    is_exc = ev.is_exception or (occ is not None and bool(ev.recurrence))
    p = prefs(s, ev.event_id, ident)
    start_date, end_date = ev.start_date, ev.end_date
    if occ is not None and ev.start_date and not ev.is_exception:
        # Echo the master's all-day convention (an end date equal to the start means one day).
        start_date = datetime.fromtimestamp(start, UTC).date().isoformat()
        end_date = start_date if ev.end_date == ev.start_date else \
            datetime.fromtimestamp(end, UTC).date().isoformat()
    out = {
        "event_id": event_id, "organizer_calendar_id": ev.calendar_id,
        "summary": ev.summary if view == "full" else "", "description": ev.description if view == "full" else "",
        "start_time": time_json(start, start_date, ev.start_tz), "end_time": time_json(end, end_date, ev.end_tz),
        "visibility": p.get("visibility", ev.visibility), "attendee_ability": ev.attendee_ability,
        "free_busy_status": p.get("free_busy_status", ev.free_busy_status),
        "color": p.get("color", ev.color), "status": ev.status, "is_exception": bool(is_exc),
        "recurring_event_id": ev.recurring_event_id or (f"{ev.series_uid}_0" if is_exc else ""),
        "app_link": app_link(ev, original, start),
        "event_organizer": {"user_id": owner_user_id(s, org_cal, kind) if org_cal else "",
                            "display_name": owner_name(s, org_cal) if org_cal else ""},
    }
    if view == "full":
        extra = ev.extra or {}
        if extra.get("location"):
            out["location"] = extra["location"]
        if extra.get("vchat"):
            out["vchat"] = extra["vchat"]
    me_att = attendee_of(s, ev, ident)
    if me_att is not None:
        out["self_rsvp_status"] = me_att.rsvp_status
    if instance:
        if view == "full":   # instance_view lists only rooms among attendees (contract §4.3)
            out["attendees"] = [attendee_json(s, a, kind) for a in attendees(s, ev.series_uid) if a.type == "resource"]
        return out
    out["recurrence"] = "" if (occ is not None or ev.is_exception) else ev.recurrence
    out["create_time"] = str(ev.create_time)
    out["reminders"] = p.get("reminders", (ev.extra or {}).get("reminders", []))
    out["schemas"] = (ev.extra or {}).get("schemas", []) if view == "full" else []
    out["attachments"] = (ev.extra or {}).get("attachments", []) if view == "full" else []
    if view == "full" and (ev.extra or {}).get("event_check_in"):
        out["event_check_in"] = ev.extra["event_check_in"]
    return out


# --- which calendars hold an event, and change pushes ----------------------------------------------

def holder_calendars(s: Session, ev: CalEvent) -> list[str]:
    ids = [ev.calendar_id]
    for a in attendees(s, ev.series_uid, include_removed=True):
        if a.type == "user" and a.user_open_id:
            ids.append(user_primary(s, a.user_open_id).calendar_id)
        elif a.type == "resource" and a.room_id:
            ids.append(room_calendar(s, a.room_id).calendar_id)
    return list(dict.fromkeys(ids))


def notify_event(s: Session, calendar_ids: Iterable[str], event_id: str, change_type: str,
                 rsvp_infos: list[dict] | None = None, st: Any = None) -> None:
    """calendar.calendar.event.changed_v4 to the identities subscribed to each calendar, gathered
    over Feishu's 3-second window (sandbox/event_changes.py). Inside a request it is noted once the
    request commits; `st` (the SandboxState) is for callers outside a request."""
    merger = (st or sandbox_state()).changes
    for cid in dict.fromkeys(calendar_ids):
        subs = push_subscribers(s, "event", cid)
        if not subs:
            continue
        ids, change = id_triplets(s, subs), Change(change_type, list(rsvp_infos or []))

        def job(cid: str = cid, ids: list[dict] = ids, change: Change = change) -> None:
            merger.note(cid, event_id, ids, change)
        job() if st is not None else after_commit(job)


def display_name(s: Session, open_id: str) -> str:
    u = s.get(store.User, open_id)
    return u.name if u else open_id
