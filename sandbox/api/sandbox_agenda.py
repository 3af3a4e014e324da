"""`GET /sandbox/api/people/<open_id>/agenda?from=&to=`: everything on a person's calendars in a
window, expanded — events on their primary calendar, events they attend (including others'),
and their leave — for the console's week view and for tests. No token: it is the sandbox's own
back door, not a Feishu API."""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, request

from sandbox import store
from sandbox.api.common import ApiError, session
from sandbox.calendar_core import owner_name, user_primary
from sandbox.calendar_events_core import attendees
from sandbox.calendar_models import CalCalendar, CalEvent
from sandbox.calendar_query import occurrences, timeoffs
from sandbox.recurrence import iso

bp = Blueprint("sandbox_agenda", __name__, url_prefix="/sandbox/api")
MAX_SPAN = 366 * 86400


def _bound(name: str) -> datetime:
    raw = request.args.get(name)
    if not raw:
        raise ApiError(400, f"{name} is required (ISO 8601 with an offset)", 400)
    try:
        value = datetime.fromisoformat(raw.replace(" ", "+"))   # a bare '+' in a query decodes to a space
    except ValueError:
        raise ApiError(400, f"{name} is not an ISO 8601 time: {raw!r}", 400) from None
    if value.tzinfo is None:
        raise ApiError(400, f"{name} must carry a UTC offset: {raw!r}", 400)
    return value


@bp.get("/people/<open_id>/agenda")
def agenda(open_id: str):
    s = session()
    person = s.get(store.User, open_id)
    if person is None:
        raise ApiError(404, f"no such person: {open_id}", 404)
    lo, hi = _bound("from"), _bound("to")
    ws, we = int(lo.timestamp()), int(hi.timestamp())
    if we <= ws:
        raise ApiError(400, "to must be after from", 400)
    if we - ws > MAX_SPAN:
        raise ApiError(400, "the window may span at most 366 days", 400)
    tz = ZoneInfo(person.time_zone or "Asia/Shanghai")
    cal = user_primary(s, open_id)
    out = []
    events: dict[int, CalEvent] = {}
    for h in occurrences(s, [cal.calendar_id], ws, we, user=open_id, include_declined=True):
        ev = events.get(h.event_pk) or s.get(CalEvent, h.event_pk)
        events[h.event_pk] = ev
        atts = attendees(s, ev.series_uid)
        mine = next((a for a in atts if a.user_open_id == open_id), None)
        org = s.get(CalCalendar, ev.calendar_id)
        recurring = bool(ev.recurrence) or ev.is_exception
        out.append({
            "kind": "event", "summary": ev.summary, "start": iso(h.start, tz), "end": iso(h.end, tz),
            "all_day": bool(ev.start_date), "recurring": recurring, "calendar_id": ev.calendar_id,
            "event_id": f"{ev.series_uid}_{h.original_start}" if ev.recurrence else ev.event_id,
            "rooms": [a.display_name for a in atts if a.type == "resource" and a.rsvp_status != "decline"],
            "attendees": [a.display_name for a in atts if a.type == "user"],
            "organizer": owner_name(s, org) if org else "", "rsvp_status": mine.rsvp_status if mine else "accept",
            "free_busy_status": ev.free_busy_status, "visibility": ev.visibility,
        })
    for t in timeoffs(s, open_id, ws, we):
        out.append({"kind": "timeoff", "summary": t.title, "start": iso(t.start_ts, tz), "end": iso(t.end_ts, tz),
                    "all_day": t.all_day, "recurring": False, "calendar_id": cal.calendar_id,
                    "event_id": t.timeoff_event_id, "rooms": [], "attendees": [person.name],
                    "organizer": person.name, "rsvp_status": "accept", "free_busy_status": "busy",
                    "visibility": "default"})
    out.sort(key=lambda i: (datetime.fromisoformat(i["start"]).timestamp(), i["summary"]))
    return Response(json.dumps(out, ensure_ascii=False), 200, content_type="application/json; charset=utf-8")
