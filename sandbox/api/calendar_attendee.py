"""Calendar v4 attendees: create, list, batch_delete, and the members of a chat attendee
(contract §4.4). Attendance is per series: adding a user puts the event on their primary
calendar and into their free/busy; a room starts `needs_action` and answers later, accepted when
free, declined when already taken (sandbox/pending.py; immediate when the room delay is None)."""
from __future__ import annotations

import re
import secrets

from flask import Blueprint, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox import store
from sandbox.api.common import after_commit, body, id_type, identity, ok, requires, session, state
from sandbox.calendar_core import (ATT_BAD_TYPE, ATT_NO_CREATE, ATT_NO_DELETE, ATT_NO_LIST, ATT_NOT_FOUND,
                                   MAX_BATCH_DELETE, PARAM, active_user, bad, err, field_bool, field_list,
                                   load_calendar, need_role, page_offset, page_size, room_calendar, user_primary)
from sandbox.calendar_events_core import (attendee_json, attendee_of, attendees, can_edit, find_event, master_of,
                                          notify_event, organizer_calendar)
from sandbox.calendar_models import CalAttendee, CalChatMember, CalEvent, new_short_id, next_seq
from sandbox.pending import room_answer, schedule_room

bp = Blueprint("calendar_v4_attendees", __name__, url_prefix="/open-apis/calendar/v4")
PREFIX = "/calendars/<calendar_id>/events/<event_id>/attendees"
TYPES = ("user", "chat", "resource", "third_party")
ID_FIELD = {"user": "user_id", "chat": "chat_id", "resource": "room_id", "third_party": "third_party_email"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Read through the module so tests can lower them with monkeypatch.
import sandbox.calendar_core as limits  # noqa: E402


def _new(s: Session, ev: CalEvent, typ: str, value: str, item: dict) -> CalAttendee:
    a = CalAttendee(attendee_id=new_short_id(f"{typ}_"), series_uid=ev.series_uid, type=typ,
                    is_optional=bool(item.get("is_optional")) if typ in ("user", "third_party") else False,
                    operate_id=str(item.get("operate_id") or ""),
                    approval_reason=str(item.get("approval_reason") or ""))
    if typ == "user":
        u = s.get(store.User, value)
        a.user_open_id, a.display_name = value, u.name if u else value
    elif typ == "chat":
        chat = s.get(store.Chat, value)
        if chat is None:
            raise bad(f"attendees[].chat_id: no chat {value!r}")
        a.chat_id, a.display_name = value, chat.name
    elif typ == "resource":
        room = s.get(store.Room, value)
        if room is None or room.is_disabled:
            raise bad(f"attendees[].room_id: no meeting room {value!r}")
        a.room_id, a.display_name = value, room.display_name
        room_calendar(s, value)
    else:
        if not _EMAIL.match(value):
            raise bad(f"attendees[].third_party_email is not an email address: {value!r}")
        a.third_party_email, a.display_name = value, value
    return a


def _existing(s: Session, ev: CalEvent, typ: str, open_id_or_value: str) -> CalAttendee | None:
    col = {"user": CalAttendee.user_open_id, "chat": CalAttendee.chat_id, "resource": CalAttendee.room_id,
           "third_party": CalAttendee.third_party_email}[typ]
    return s.scalars(select(CalAttendee).where(CalAttendee.series_uid == ev.series_uid, CalAttendee.type == typ,
                                               col == open_id_or_value)).first()


@bp.post(PREFIX)
@requires()
def create(calendar_id: str, event_id: str):
    ident, s, data = identity(), session(), body(PARAM)
    kind = id_type(code=PARAM)
    cal = load_calendar(s, calendar_id)
    ev, _ = find_event(s, cal, event_id)
    ev = master_of(s, ev)
    inviter = attendee_of(s, ev, ident)
    if not can_edit(s, ev, ident) and not (
            inviter is not None and ev.attendee_ability in ("can_invite_others", "can_modify_event")):
        raise err(ATT_NO_CREATE, "no permission to create event attendees: only the organizer may invite")
    items = field_list(data, "attendees")
    if not items:
        raise bad("attendees is required")
    add_operator = field_bool(data, "add_operator_to_attendee", True)
    field_bool(data, "need_notification", True)
    if len(items) > limits.MAX_ATTENDEES_PER_REQUEST:
        raise bad(f"attendees: at most {limits.MAX_ATTENDEES_PER_REQUEST} attendees per request")
    if sum(1 for i in items if isinstance(i, dict) and i.get("type") == "resource") > limits.MAX_ROOMS_PER_REQUEST:
        raise bad(f"attendees: at most {limits.MAX_ROOMS_PER_REQUEST} rooms per request")
    parsed: list[tuple[str, str, dict]] = []
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            raise bad(f"attendees[{n}] must be an object")
        typ = item.get("type")
        if typ not in TYPES:
            raise err(ATT_BAD_TYPE, f"invalid attendee type: attendees[{n}].type={typ!r}")
        value = item.get(ID_FIELD[typ])
        if not isinstance(value, str) or not value:
            raise bad(f"attendees[{n}].{ID_FIELD[typ]} is required for type {typ}")
        if typ == "user":    # resolved once: attendance is stored by open_id whatever user_id_type says
            value = active_user(s, value, kind, f"attendees[{n}].user_id").open_id
        parsed.append((typ, value, item))
    current = attendees(s, ev.series_uid)
    org_cal = organizer_calendar(s, ev)
    if org_cal.owner_kind == "user" and not any(a.is_organizer for a in current):
        # The organizer is listed among the attendees (is_organizer) once anyone is invited.
        u = s.get(store.User, org_cal.owner_id)
        old = _existing(s, ev, "user", org_cal.owner_id)
        if old is None:
            s.add(CalAttendee(attendee_id=new_short_id("user_"), series_uid=ev.series_uid, type="user",
                              user_open_id=org_cal.owner_id, rsvp_status="accept", is_organizer=True,
                              display_name=u.name if u else org_cal.owner_id))
        else:
            old.is_organizer, old.rsvp_status = True, "accept"
    if add_operator and ident.kind == "user" and attendee_of(s, ev, ident) is None:
        parsed.append(("user", ident.open_id, {}))
    added: list[CalAttendee] = []
    for typ, value, item in parsed:
        old = _existing(s, ev, typ, value)
        if old is not None:
            if old.rsvp_status == "removed":     # re-invited after removal
                old.rsvp_status = "needs_action"
                added.append(old)
            continue                             # re-adding is a no-op (contract §4.4)
        a = _new(s, ev, typ, value, item)
        s.add(a)
        s.flush()
        if typ == "chat":
            for m in s.scalars(select(store.ChatMember).where(store.ChatMember.chat_id == a.chat_id)):
                u = s.get(store.User, m.open_id)
                if u is not None and not u.is_bot:
                    s.add(CalChatMember(attendee_pk=a.pk, open_id=u.open_id, display_name=u.name))
        added.append(a)
    total = len(attendees(s, ev.series_uid))
    if total > limits.MAX_ATTENDEES:
        raise bad(f"attendees: an event has at most {limits.MAX_ATTENDEES} attendees")
    s.flush()
    rooms = [a for a in added if a.type == "resource"]
    st = state()
    if st.timeline.delays.room is None:       # immediate mode: the answer is in this response
        for a in rooms:
            room_answer(s, a)
    else:                                     # Feishu: needs_action now, accept/decline later
        for a in rooms:
            after_commit(lambda pk=a.pk: schedule_room(st, pk))
    extra = dict(ev.extra or {})
    if added and not (extra.get("vchat") or {}).get("vc_type"):
        # First invitation on an event without a video meeting: Feishu creates one.
        extra["vchat"] = {**(extra.get("vchat") or {}), "vc_type": "vc",
                          "meeting_url": f"https://vc.feishu.cn/j/{secrets.randbelow(900000000) + 100000000}"}
        ev.extra = extra
    ev.seq = next_seq(s)
    new_cals = [user_primary(s, a.user_open_id).calendar_id if a.type == "user" else
                room_calendar(s, a.room_id).calendar_id for a in added if a.type in ("user", "resource")]
    notify_event(s, new_cals, ev.event_id, "create")
    notify_event(s, [ev.calendar_id], ev.event_id, "update")
    return ok({"attendees": [attendee_json(s, a, kind) for a in attendees(s, ev.series_uid)]})


@bp.get(PREFIX)
@requires()
def list_attendees(calendar_id: str, event_id: str):
    ident, s = identity(), session()
    kind = id_type(code=PARAM)
    cal = load_calendar(s, calendar_id)
    need_role(s, cal, ident, "free_busy_reader")
    ev, _ = find_event(s, cal, event_id)
    ev = master_of(s, ev)
    if not can_edit(s, ev, ident) and not (attendee_of(s, ev, ident) is not None and ev.attendee_ability != "none"):
        raise err(ATT_NO_LIST, "no permission to list event attendees")
    size = page_size(20, 10, 100, small_is_lo=True)
    offset = page_offset(request.args.get("page_token"), "al")
    rows = attendees(s, ev.series_uid)
    page = rows[offset:offset + size]
    more = len(rows) > offset + size
    return ok({"items": [attendee_json(s, a, kind) for a in page], "has_more": more,
               "page_token": f"al:{offset + size}" if more else ""})


@bp.post(PREFIX + "/batch_delete")
@requires()
def batch_delete(calendar_id: str, event_id: str):
    ident, s, data = identity(), session(), body(PARAM)
    kind = id_type(code=PARAM)
    cal = load_calendar(s, calendar_id)
    ev, _ = find_event(s, cal, event_id)
    ev = master_of(s, ev)
    if not can_edit(s, ev, ident):
        raise err(ATT_NO_DELETE, "no permission to delete event attendees: only the organizer may remove them")
    ids = field_list(data, "attendee_ids") or []
    delete_ids = field_list(data, "delete_ids") or []
    if not ids and not delete_ids:
        raise bad("attendee_ids or delete_ids is required")
    if len(ids) + len(delete_ids) > MAX_BATCH_DELETE:
        raise bad(f"attendee_ids and delete_ids: at most {MAX_BATCH_DELETE} in total")
    targets: list[CalAttendee] = []
    for aid in ids:
        a = s.scalars(select(CalAttendee).where(CalAttendee.attendee_id == aid,
                                                CalAttendee.series_uid == ev.series_uid)).first()
        if a is None or a.rsvp_status == "removed":
            raise err(ATT_NOT_FOUND, f"attendee not found: attendee_ids contains {aid!r}")
        targets.append(a)
    for n, d in enumerate(delete_ids):
        if not isinstance(d, dict) or d.get("type") not in TYPES:
            raise err(ATT_BAD_TYPE, f"invalid attendee type: delete_ids[{n}].type")
        value = d.get(ID_FIELD[d["type"]])
        if d["type"] == "user":
            value = active_user(s, value, kind, f"delete_ids[{n}].user_id").open_id
        a = _existing(s, ev, d["type"], value) if isinstance(value, str) else None
        if a is None or a.rsvp_status == "removed":
            raise err(ATT_NOT_FOUND, f"attendee not found: delete_ids[{n}]")
        targets.append(a)
    gone = []
    for a in targets:
        if a.type == "user":
            gone.append(user_primary(s, a.user_open_id).calendar_id)
        elif a.type == "resource":
            gone.append(room_calendar(s, a.room_id).calendar_id)
        a.rsvp_status = "removed"
    ev.seq = next_seq(s)
    notify_event(s, gone, ev.event_id, "delete")
    notify_event(s, [ev.calendar_id], ev.event_id, "update")
    return ok({})


@bp.get(PREFIX + "/<attendee_id>/chat_members")
@requires()
def chat_members(calendar_id: str, event_id: str, attendee_id: str):
    ident, s = identity(), session()
    id_type(code=PARAM)
    cal = load_calendar(s, calendar_id)
    need_role(s, cal, ident, "free_busy_reader")
    ev, _ = find_event(s, cal, event_id)
    ev = master_of(s, ev)
    if not can_edit(s, ev, ident) and not (attendee_of(s, ev, ident) is not None and ev.attendee_ability != "none"):
        raise err(ATT_NO_LIST, "no permission to list event attendees")
    a = s.scalars(select(CalAttendee).where(CalAttendee.attendee_id == attendee_id,
                                            CalAttendee.series_uid == ev.series_uid, CalAttendee.type == "chat",
                                            CalAttendee.rsvp_status != "removed")).first()
    if a is None:
        raise err(ATT_NOT_FOUND, f"attendee not found: {attendee_id} is not a chat attendee of this event")
    size = page_size(20, 10, 100, small_is_lo=True)
    offset = page_offset(request.args.get("page_token"), "cm")
    rows = list(s.scalars(select(CalChatMember).where(CalChatMember.attendee_pk == a.pk).order_by(CalChatMember.pk)))
    page = rows[offset:offset + size]
    more = len(rows) > offset + size
    items = [{"rsvp_status": m.rsvp_status, "is_optional": m.is_optional, "display_name": m.display_name,
              "open_id": m.open_id, "is_organizer": m.is_organizer, "is_external": False} for m in page]
    return ok({"items": items, "has_more": more, "page_token": f"cm:{offset + size}" if more else ""})
