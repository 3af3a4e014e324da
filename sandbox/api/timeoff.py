"""Calendar v4 time-off (leave) events: create and delete, tenant token only (contract §4.6).
Leave is a busy block in the person's free/busy and on their agenda."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import Blueprint
from sqlalchemy.orm import Session

from sandbox import store
from sandbox.api.common import body, id_type, identity, ok, requires, session, user_id_as
from sandbox.calendar_core import EVENT_NOT_FOUND, MAX_TS, PARAM, active_user, bad, err, field_str
from sandbox.calendar_models import CalTimeoff
from sandbox.recurrence import RecurrenceError, zone

bp = Blueprint("calendar_v4_timeoff", __name__, url_prefix="/open-apis/calendar/v4")
DEFAULT_TITLE = "请假中 On leave"


def timeoff_json(s: Session, t: CalTimeoff, kind: str) -> dict:
    return {"timeoff_event_id": t.timeoff_event_id, "user_id": user_id_as(s, t.user_open_id, kind),
            "timezone": t.timezone, "start_time": t.start_raw, "end_time": t.end_raw, "title": t.title,
            "description": t.description}


def add_timeoff(s: Session, open_id: str, start: str, end: str, tz_name: str = "Asia/Shanghai",
                title: str = "", description: str = "", app_id: str = "") -> CalTimeoff:
    """Validate and store a leave block: both Unix-second strings (timed) or both YYYY-MM-DD
    (whole days in tz_name, end date inclusive)."""
    try:
        tz = zone(tz_name)
    except RecurrenceError:
        raise bad(f"timezone is not a valid IANA time zone: {tz_name!r}") from None
    if start.isdigit() and end.isdigit():
        s_ts, e_ts, all_day = int(start), int(end), False
        if not (0 < s_ts <= MAX_TS and 0 < e_ts <= MAX_TS):
            raise bad("start_time/end_time out of range")
    else:
        try:
            d0, d1 = datetime.strptime(start, "%Y-%m-%d"), datetime.strptime(end, "%Y-%m-%d")
        except ValueError:
            raise bad("start_time and end_time must both be Unix seconds or both be YYYY-MM-DD") from None
        s_ts = int(d0.replace(tzinfo=tz).timestamp())
        e_ts = int((d1 + timedelta(days=1)).replace(tzinfo=tz).timestamp())
        all_day = True
    if e_ts <= s_ts:
        raise bad("end_time must be after start_time")
    t = CalTimeoff(timeoff_event_id=f"timeoff:{secrets.token_hex(8)}", user_open_id=open_id, app_id=app_id,
                   timezone=tz_name, start_raw=start, end_raw=end, start_ts=s_ts, end_ts=e_ts, all_day=all_day,
                   title=title or DEFAULT_TITLE, description=description)
    s.add(t)
    s.flush()
    return t


@bp.post("/timeoff_events")
@requires(user=False)
def create():
    ident, s, data = identity(), session(), body(PARAM)
    kind = id_type(code=PARAM)
    u: store.User = active_user(s, data.get("user_id"), kind, "user_id")
    start = field_str(data, "start_time", required=True)
    end = field_str(data, "end_time", required=True)
    tz_name = field_str(data, "timezone", required=True, min_len=1)
    title = field_str(data, "title", max_len=255) or ""
    description = field_str(data, "description", max_len=5000) or ""
    t = add_timeoff(s, u.open_id, start, end, tz_name, title, description, ident.app_id)
    return ok(timeoff_json(s, t, kind))


@bp.delete("/timeoff_events/<timeoff_event_id>")
@requires(user=False)
def delete(timeoff_event_id: str):
    s = session()
    t = s.get(CalTimeoff, timeoff_event_id)
    if t is None:
        if not timeoff_event_id.startswith("timeoff:"):
            raise bad(f"timeoff_event_id is malformed: {timeoff_event_id!r}")
        raise err(EVENT_NOT_FOUND, f"event not found: timeoff_event_id {timeoff_event_id}")
    s.delete(t)
    return ok({})
