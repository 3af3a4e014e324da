"""Calendar v4 events: create (idempotency_key), get, patch, delete, reply, subscription,
unsubscription here; list, search, instances and instance_view in calendar_event_views.py,
registered on the same blueprint. Static sub-paths (search, instance_view, subscription) are
distinct rules, which Werkzeug ranks above `<event_id>` (contract §12.7)."""
from __future__ import annotations

import time

from flask import Blueprint, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sandbox import calendar_event_views as views
from sandbox.api.common import body, id_type, identity, ok, qint, requires, session, user_ids
from sandbox.calendar_core import CAL_BAD_TYPE, EVENT_NO_PERM, PARAM, bad, err, load_calendar, me, need_role
from sandbox.calendar_event_fields import apply, check_recurrence, fields, times
from sandbox.calendar_events_core import (attendee_json, attendee_of, attendees, can_edit, event_json, find_event,
                                          holder_calendars, master_of, notify_event, view_of)
from sandbox.calendar_models import CalEvent, CalEventPref, CalPushSubscription, new_event_uid, next_seq
from sandbox.recurrence import Occ, materialize_series
from datetime import UTC

bp = Blueprint("calendar_v4_events", __name__, url_prefix="/open-apis/calendar/v4")
PREFIX = "/calendars/<calendar_id>/events"
PERSONAL = ("visibility", "free_busy_status", "color", "reminders")

for rule, fn, methods in ((PREFIX, views.list_events, ["GET"]), (PREFIX + "/search", views.search, ["POST"]),
                          (PREFIX + "/instance_view", views.instance_view, ["GET"]),
                          (PREFIX + "/<event_id>/instances", views.instances, ["GET"])):
    bp.add_url_rule(rule, fn.__name__, requires()(fn), methods=methods)


def _writable(cal) -> None:
    if cal.type not in ("primary", "shared"):
        raise err(CAL_BAD_TYPE, f"invalid calendar type: events cannot be written on a {cal.type} calendar")


@bp.post(PREFIX)
@requires()
def create(calendar_id: str):
    ident, s, data = identity(), session(), body(PARAM)
    kind = id_type(code=PARAM)
    cal = load_calendar(s, calendar_id)
    _writable(cal)
    need_role(s, cal, ident, "writer")
    key = request.args.get("idempotency_key") or None
    if key is not None and len(key) > 128:
        raise bad("idempotency_key is longer than 128 characters")
    if key:
        prior = s.scalars(select(CalEvent).where(CalEvent.calendar_id == cal.calendar_id,
                                                 CalEvent.idempotency_key == key)).first()
        if prior is not None:    # a retry of the same booking: the first event, not a second one
            return ok({"event": event_json(s, prior, ident, kind=kind)})
    when = times(data)
    values = fields(data)
    uid, now = new_event_uid(), int(time.time())
    ev = CalEvent(event_id=f"{uid}_0", series_uid=uid, calendar_id=cal.calendar_id, idempotency_key=key,
                  creator=me(ident), create_time=now, update_time=now, seq=next_seq(s), extra={}, **when)
    apply(ev, values)
    check_recurrence(ev)
    try:
        with s.begin_nested():
            s.add(ev)
            s.flush()
    except IntegrityError:       # a concurrent request with the same key won the race
        prior = s.scalars(select(CalEvent).where(CalEvent.calendar_id == cal.calendar_id,
                                                 CalEvent.idempotency_key == key)).first()
        if prior is None:
            raise
        return ok({"event": event_json(s, prior, ident, kind=kind)})
    materialize_series(s, uid)
    notify_event(s, [cal.calendar_id], ev.event_id, "create")
    return ok({"event": event_json(s, ev, ident, kind=kind)})


@bp.get(PREFIX + "/<event_id>")
@requires()
def get(calendar_id: str, event_id: str):
    ident, s = identity(), session()
    kind = id_type(code=PARAM)
    cal = load_calendar(s, calendar_id)
    role = need_role(s, cal, ident, "reader")     # a free_busy_reader is refused (191002)
    ev, virtual = find_event(s, cal, event_id)
    view = view_of(s, ev, cal, role, ident)
    occ = Occ(virtual, virtual, virtual + ev.end_ts - ev.start_ts) if virtual else None
    out = event_json(s, ev, ident, view=view, kind=kind, occ=occ)
    need_att = request.args.get("need_attendee", "").lower() in ("true", "1")
    if need_att and view == "full":
        n = qint("max_attendee_num", 10, 1, 100, clamp=True, code=PARAM)
        atts = attendees(s, ev.series_uid)
        out["attendees"] = [attendee_json(s, a, kind) for a in atts[:n]]
        out["has_more_attendee"] = len(atts) > n
    return ok({"event": out})


def _exception_for(s, master: CalEvent, original: int) -> CalEvent:
    """Turn one occurrence of a series into an exception row (`<uid>_<original_start>`)."""
    dur = master.end_ts - master.start_ts
    exc = CalEvent(event_id=f"{master.series_uid}_{original}", series_uid=master.series_uid,
                   calendar_id=master.calendar_id, summary=master.summary, description=master.description,
                   start_ts=original, end_ts=original + dur, start_date=None, end_date=None,
                   start_tz=master.start_tz, end_tz=master.end_tz, visibility=master.visibility,
                   free_busy_status=master.free_busy_status, attendee_ability=master.attendee_ability,
                   status=master.status, color=master.color, recurrence="", is_exception=True,
                   recurring_event_id=master.event_id, original_start=original, series_end=original + dur,
                   creator=master.creator, create_time=master.create_time, update_time=int(time.time()),
                   seq=next_seq(s), extra=dict(master.extra or {}))
    if master.start_date:
        from datetime import datetime
        exc.start_date = datetime.fromtimestamp(original, UTC).date().isoformat()
        exc.end_date = exc.start_date if master.end_date == master.start_date else \
            datetime.fromtimestamp(original + dur, UTC).date().isoformat()
    s.add(exc)
    s.flush()
    return exc


@bp.patch(PREFIX + "/<event_id>")
@requires()
def patch(calendar_id: str, event_id: str):
    ident, s, data = identity(), session(), body(PARAM)
    kind = id_type(code=PARAM)
    cal = load_calendar(s, calendar_id)
    role = need_role(s, cal, ident, "free_busy_reader")
    ev, virtual = find_event(s, cal, event_id)
    values = fields(data)
    when = times(data) if data.get("start_time") is not None and data.get("end_time") is not None else None
    full = can_edit(s, ev, ident) or (ev.attendee_ability == "can_modify_event" and attendee_of(s, ev, ident))
    if not full:
        att = attendee_of(s, ev, ident)
        global_keys = [k for k in values if k not in PERSONAL and k != "extra"] + \
            [k for k in (values.get("extra") or {}) if k != "reminders"]
        if att is None and role not in ("writer", "owner") or global_keys or when:
            raise err(EVENT_NO_PERM, "no permission to operate event: only the organizer may change "
                                     + (", ".join(global_keys + (["start_time"] if when else [])) or "this event"))
        _save_prefs(s, ev, ident, values)
        return ok({"event": event_json(s, ev, ident, view=view_of(s, ev, cal, role, ident), kind=kind)})
    # visibility, free_busy_status, color and reminders apply to every attendee only at creation;
    # a later change is the caller's own view, organizer included (Feishu's field docs).
    _save_prefs(s, ev, ident, values)
    for k in PERSONAL:
        values.pop(k, None)
    if "reminders" in (values.get("extra") or {}):
        values["extra"] = {k: v for k, v in values["extra"].items() if k != "reminders"}
    if virtual is not None:
        ev = _exception_for(s, ev, virtual)
    if ev.is_exception and values.get("recurrence"):
        raise bad("recurrence cannot be set on an exception of a recurring event")
    if when is not None:
        if ev.is_exception and when["start_date"]:
            raise bad("start_time: an exception keeps the series' kind of time")
        apply(ev, when)
    apply(ev, values)
    check_recurrence(ev)
    ev.update_time, ev.seq = int(time.time()), next_seq(s)
    s.flush()
    materialize_series(s, ev.series_uid)
    notify_event(s, holder_calendars(s, ev), ev.event_id, "update")
    return ok({"event": event_json(s, ev, ident, kind=kind)})


def _save_prefs(s, ev: CalEvent, ident, values: dict) -> None:
    """The caller's own view of the event (contract §12.12); nothing stored when none is set."""
    if not any(values.get(k) is not None for k in PERSONAL[:3]) and "reminders" not in (values.get("extra") or {}):
        return
    row = s.scalars(select(CalEventPref).where(CalEventPref.event_id == ev.event_id,
                                               CalEventPref.identity == me(ident))).first()
    merged = dict(row.prefs) if row is not None else {}
    for k in PERSONAL:
        v = values.get(k) if k != "reminders" else (values.get("extra") or {}).get("reminders")
        if v is not None:
            merged[k] = v
    if row is None:
        s.add(CalEventPref(event_id=ev.event_id, identity=me(ident), prefs=merged))
    else:
        row.prefs = merged


@bp.delete(PREFIX + "/<event_id>")
@requires()
def delete(calendar_id: str, event_id: str):
    ident, s = identity(), session()
    raw = request.args.get("need_notification")
    if raw is not None and raw.lower() not in ("true", "false"):
        raise bad(f"need_notification must be true or false, got {raw!r}")
    cal = load_calendar(s, calendar_id)
    _writable(cal)
    need_role(s, cal, ident, "writer")
    ev, virtual = find_event(s, cal, event_id)
    if not can_edit(s, ev, ident):
        raise err(EVENT_NO_PERM, "no permission to operate event: only the organizer may delete it")
    holders = holder_calendars(s, ev)
    seq = next_seq(s)
    if virtual is not None:
        ev = _exception_for(s, ev, virtual)
    if ev.is_exception:      # one occurrence: a cancelled exception, not a deletion (contract §12.10)
        ev.status, ev.seq = "cancelled", seq
    else:
        for row in s.scalars(select(CalEvent).where(CalEvent.series_uid == ev.series_uid)):
            row.is_deleted, row.seq = True, seq
            if not row.is_exception:
                row.status = "cancelled"
    ev.update_time = int(time.time())
    s.flush()
    materialize_series(s, ev.series_uid)
    notify_event(s, holders, ev.event_id, "delete")
    return ok({})


@bp.post(PREFIX + "/<event_id>/reply")
@requires()
def reply(calendar_id: str, event_id: str):
    ident, s, data = identity(), session(), body(PARAM)
    status = data.get("rsvp_status")
    if status not in ("accept", "decline", "tentative"):
        raise bad("rsvp_status must be accept, decline or tentative")
    cal = load_calendar(s, calendar_id)
    ev, _ = find_event(s, cal, event_id)
    att = attendee_of(s, ev, ident)
    if att is None:
        raise err(EVENT_NO_PERM, "no permission to operate event: the caller is not an attendee")
    att.rsvp_status = status
    master = master_of(s, ev)
    master.seq = next_seq(s)
    notify_event(s, holder_calendars(s, ev), ev.event_id, "rsvp",
                 [{"from_user_id": user_ids(s, ident.open_id), "rsvp_status": status}])
    return ok({})


def _event_push_sub(calendar_id: str, on: bool):
    ident, s = identity(), session()
    id_type(code=PARAM)
    cal = load_calendar(s, calendar_id)
    need_role(s, cal, ident, "reader")   # documented: reader, writer or owner
    row = s.scalars(select(CalPushSubscription).where(CalPushSubscription.kind == "event",
                                                      CalPushSubscription.identity == me(ident),
                                                      CalPushSubscription.calendar_id == cal.calendar_id)).first()
    if on and row is None:
        s.add(CalPushSubscription(kind="event", identity=me(ident), calendar_id=cal.calendar_id))
    elif not on and row is not None:
        s.delete(row)
    return ok({})


# Documented as user_access_token only (the SDK also offers the tenant token; Feishu refuses it).
@bp.post(PREFIX + "/subscription")
@requires(tenant=False)
def subscription(calendar_id: str):
    return _event_push_sub(calendar_id, True)


@bp.post(PREFIX + "/unsubscription")
@requires(tenant=False)
def unsubscription(calendar_id: str):
    return _event_push_sub(calendar_id, False)

