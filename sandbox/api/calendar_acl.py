"""Calendar v4 ACLs: create, delete, list, subscription, unsubscription (contract §4.2). Only
the calendar's owner manages its members; a grant is what role_of() reads everywhere else."""
from __future__ import annotations

from flask import Blueprint, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox.api.common import body, id_type, identity, ok, requires, session, user_id_as, user_ids
from sandbox.calendar_core import (ACL_NOT_FOUND, CAL_BAD_TYPE, PARAM, active_user, bad, err, field_obj,
                                   field_str, id_triplets, load_calendar, me, need_role, page_offset, page_size, push,
                                   push_subscribers)
from sandbox.calendar_models import CalAcl, CalCalendar, CalPushSubscription, new_short_id

bp = Blueprint("calendar_v4_acls", __name__, url_prefix="/open-apis/calendar/v4")
ROLES = ("free_busy_reader", "reader", "writer", "owner")


def acl_json(s: Session, a: CalAcl, kind: str) -> dict:
    return {"acl_id": a.acl_id, "role": a.role,
            "scope": {"type": "user", "user_id": user_id_as(s, a.user_open_id, kind)}}


def _owned(s: Session, calendar_id: str) -> CalCalendar:
    cal = load_calendar(s, calendar_id)
    if cal.type not in ("primary", "shared"):
        raise err(CAL_BAD_TYPE, "invalid calendar type: ACLs exist only on primary and shared calendars")
    need_role(s, cal, identity(), "owner")
    return cal


def _notify(s: Session, cal: CalCalendar, a: CalAcl, event_type: str) -> None:
    subs = push_subscribers(s, "acl", cal.calendar_id)
    if subs:
        # In the push scope.user_id is the three-id object, unlike the REST ACL (contract §7.2).
        push(event_type, {"acl_id": a.acl_id, "role": a.role,
                          "scope": {"type": "user", "user_id": user_ids(s, a.user_open_id)},
                          "user_id_list": id_triplets(s, subs)})


@bp.post("/calendars/<calendar_id>/acls")
@requires()
def create(calendar_id: str):
    s, data = session(), body(PARAM)
    kind = id_type(code=PARAM)
    role = field_str(data, "role", required=True, choices=ROLES)
    scope = field_obj(data, "scope")
    if scope is None:
        raise bad("scope is required")
    if scope.get("type") != "user":
        raise bad(f"scope.type must be user, got {scope.get('type')!r}")
    cal = _owned(s, calendar_id)
    u = active_user(s, scope.get("user_id"), kind, "scope.user_id")
    a = s.scalars(select(CalAcl).where(CalAcl.calendar_id == cal.calendar_id, CalAcl.user_open_id == u.open_id)).first()
    if a is None:
        a = CalAcl(acl_id=new_short_id("user_"), calendar_id=cal.calendar_id, role=role, user_open_id=u.open_id)
        s.add(a)
    else:        # granting again updates the role in place, same acl_id
        a.role = role
    s.flush()
    _notify(s, cal, a, "calendar.calendar.acl.created_v4")
    return ok(acl_json(s, a, kind))     # flat: the ACL fields directly in data


@bp.delete("/calendars/<calendar_id>/acls/<acl_id>")
@requires()
def delete(calendar_id: str, acl_id: str):
    s = session()
    cal = _owned(s, calendar_id)
    a = s.scalars(select(CalAcl).where(CalAcl.calendar_id == cal.calendar_id, CalAcl.acl_id == acl_id)).first()
    if a is None:
        raise err(ACL_NOT_FOUND, f"acl not found: {acl_id}")
    _notify(s, cal, a, "calendar.calendar.acl.deleted_v4")
    s.delete(a)
    return ok({})


@bp.get("/calendars/<calendar_id>/acls")
@requires()
def list_acls(calendar_id: str):
    s = session()
    kind = id_type(code=PARAM)
    cal = _owned(s, calendar_id)
    size = page_size(10, 10, 50, small_is_lo=True)
    offset = page_offset(request.args.get("page_token"), "acl")
    rows = list(s.scalars(select(CalAcl).where(CalAcl.calendar_id == cal.calendar_id).order_by(CalAcl.acl_id)
                          .offset(offset).limit(size + 1)))
    more = len(rows) > size
    return ok({"acls": [acl_json(s, a, kind) for a in rows[:size]], "has_more": more,
               "page_token": f"acl:{offset + size}" if more else ""})


def _sub(calendar_id: str, on: bool):
    ident, s = identity(), session()
    cal = load_calendar(s, calendar_id)
    need_role(s, cal, ident, "free_busy_reader")
    row = s.scalars(select(CalPushSubscription).where(CalPushSubscription.kind == "acl",
                                                      CalPushSubscription.identity == me(ident),
                                                      CalPushSubscription.calendar_id == cal.calendar_id)).first()
    if on and row is None:
        s.add(CalPushSubscription(kind="acl", identity=me(ident), calendar_id=cal.calendar_id))
    elif not on and row is not None:
        s.delete(row)
    return ok({})


@bp.post("/calendars/<calendar_id>/acls/subscription")
@requires(tenant=False)
def subscription(calendar_id: str):
    return _sub(calendar_id, True)


@bp.post("/calendars/<calendar_id>/acls/unsubscription")
@requires(tenant=False)
def unsubscription(calendar_id: str):
    return _sub(calendar_id, False)
