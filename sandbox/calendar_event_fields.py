"""Validation of CalendarEvent request bodies (create and patch) with Feishu's 190002 and a
message naming the field; returns plain values the routes apply to a CalEvent row."""
from __future__ import annotations

from typing import Any

from sandbox.calendar_core import bad, field_int, field_list, field_obj, field_str, time_info
from sandbox.calendar_models import CalEvent
from sandbox.recurrence import RecurrenceError, all_day_bounds, series_end, validate

VISIBILITY = ("default", "public", "private")
ABILITY = ("none", "can_see_others", "can_invite_others", "can_modify_event")
FREE_BUSY = ("busy", "free")
VC_TYPES = ("vc", "third_party", "no_meeting")


def times(data: dict) -> dict:
    """start_time/end_time → column values; both required, same kind, end not before start."""
    s_ts, s_date, s_tz = time_info(data, "start_time")
    e_ts, e_date, e_tz = time_info(data, "end_time")
    if bool(s_date) != bool(e_date):
        raise bad("start_time and end_time must both be dates or both be timestamps")
    if s_date:
        if e_date < s_date:
            raise bad("end_time must not be before start_time")
        s_ts, e_ts = all_day_bounds(s_date, e_date)
    elif e_ts < s_ts:
        raise bad("end_time must not be before start_time")
    return {"start_ts": s_ts, "end_ts": e_ts, "start_date": s_date, "end_date": e_date,
            "start_tz": s_tz, "end_tz": e_tz}


def _location(v: dict) -> dict:
    out: dict[str, Any] = {}
    for name, hi in (("name", 512), ("address", 255)):
        val = field_str(v, name, max_len=hi)
        if val is not None:
            out[name] = val
    for name in ("latitude", "longitude"):
        val = v.get(name)
        if val is not None:
            if not isinstance(val, (int, float)) or isinstance(val, bool):
                raise bad(f"location.{name} must be a number")
            out[name] = float(val)
    return out


def _vchat(v: dict) -> dict:
    vc_type = field_str(v, "vc_type", choices=VC_TYPES)
    out: dict[str, Any] = {k: v[k] for k in ("icon_type", "description", "meeting_url") if v.get(k) is not None}
    for k in out:
        if not isinstance(out[k], str):
            raise bad(f"vchat.{k} must be a string")
    if len(out.get("description", "")) > 500:
        raise bad("vchat.description is longer than 500 characters")
    if vc_type:
        out["vc_type"] = vc_type
    if isinstance(v.get("meeting_settings"), dict):
        out["meeting_settings"] = v["meeting_settings"]
    return out


def _reminders(v: list) -> list[dict]:
    out = []
    for r in v:
        if not isinstance(r, dict) or not isinstance(r.get("minutes"), int) or isinstance(r.get("minutes"), bool):
            raise bad("reminders[].minutes must be an integer")
        if not -20160 <= r["minutes"] <= 20160:
            raise bad("reminders[].minutes must be between -20160 and 20160")
        out.append({"minutes": r["minutes"]})
    return out


def fields(data: dict) -> dict:
    """Every optional field present in the body, validated; absent fields are absent here too."""
    out: dict[str, Any] = {}
    for name, hi in (("summary", 1000), ("description", 40960)):
        v = field_str(data, name, max_len=hi)
        if v is not None:
            out[name] = v
    for name, choices in (("visibility", VISIBILITY), ("attendee_ability", ABILITY),
                          ("free_busy_status", FREE_BUSY)):
        v = field_str(data, name, choices=choices)
        if v is not None:
            out[name] = v
    color = field_int(data, "color", -2**31, 2**31 - 1)
    if color is not None:
        out["color"] = color
    rec = field_str(data, "recurrence", max_len=2000)
    if rec is not None:
        out["recurrence"] = rec.strip()
    extra: dict[str, Any] = {}
    loc = field_obj(data, "location")
    if loc is not None:
        extra["location"] = _location(loc)
    vchat = field_obj(data, "vchat")
    if vchat is not None:
        extra["vchat"] = _vchat(vchat)
    rem = field_list(data, "reminders")
    if rem is not None:
        extra["reminders"] = _reminders(rem)
    schemas = field_list(data, "schemas")
    if schemas is not None:
        extra["schemas"] = [x for x in schemas if isinstance(x, dict)]
    att = field_list(data, "attachments")
    if att is not None:
        extra["attachments"] = [{"file_token": a.get("file_token", ""), "file_size": "0", "name": "",
                                 "is_deleted": bool(a.get("is_deleted", False))}
                                for a in att if isinstance(a, dict) and not a.get("is_deleted")]
    check_in = field_obj(data, "event_check_in")
    if check_in is not None:
        extra["event_check_in"] = check_in
    if extra:
        out["extra"] = extra
    return out


def check_recurrence(ev: CalEvent) -> None:
    """Validate the RRULE against the event's start and refresh the series bound."""
    if ev.recurrence:
        try:
            validate(ev.recurrence, ev.start_ts, ev.start_tz)
            ev.series_end = series_end(ev.recurrence, ev.start_ts, ev.end_ts, ev.start_tz)
        except RecurrenceError as e:
            raise bad(str(e)) from e
    else:
        ev.series_end = ev.end_ts


def apply(ev: CalEvent, values: dict) -> None:
    extra = values.pop("extra", None)
    for k, v in values.items():
        setattr(ev, k, v)
    if extra:
        merged = dict(ev.extra or {})
        merged.update(extra)
        ev.extra = merged
