"""Calendar v4 calendars: primary, primarys, create, get, mget, list, patch, delete, search,
subscribe, unsubscribe, subscription, unsubscription (contract §4.1)."""
from __future__ import annotations

from flask import Blueprint, request
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sandbox import calendar_core
from sandbox.api.common import body, id_type, identity, ok, requires, session
from sandbox.calendar_core import (CAL_BAD_TYPE, CAL_NO_ROLE, PARAM, SUB_LIMIT,
                                   SUB_NOT_ALLOWED, active_user, bad, calendar_json, err, field_int, field_list,
                                   field_str, id_triplets, is_owner, load_calendar, me, need_role, own_primary,
                                   owner_user_id, page_offset, page_size, push, push_subscribers, role_of, subscription,
                                   subscription_count, user_primary)
from sandbox.calendar_models import CalCalendar, CalPushSubscription, CalSubscription, new_calendar_id, next_seq

bp = Blueprint("calendar_v4_calendars", __name__, url_prefix="/open-apis/calendar/v4")

PERMISSIONS = ("private", "show_only_free_busy", "public")


def notify_calendar_change(s: Session, calendar_id: str) -> None:
    """calendar.calendar.changed_v4 to users who asked for it and hold the calendar in their list."""
    holders = set(s.scalars(select(CalSubscription.identity).where(CalSubscription.calendar_id == calendar_id)))
    wanted = [i for i in push_subscribers(s, "calendar") if i in holders]
    if wanted:
        push("calendar.calendar.changed_v4", {"user_id_list": id_triplets(s, wanted)})


def subscribe_identity(s: Session, ident, cal: CalCalendar) -> CalSubscription:
    """Add a calendar to the caller's list, enforcing the 1000-calendar cap (191005)."""
    sub = subscription(s, ident, cal.calendar_id)
    if sub is not None and sub.active:
        return sub
    cap = calendar_core.MAX_SUBSCRIPTIONS     # read at call time so tests can lower it
    if subscription_count(s, ident) >= cap:
        raise err(SUB_LIMIT, f"subscribe calendars count rich limit: at most {cap} calendars")
    if sub is None:
        sub = CalSubscription(identity=me(ident), calendar_id=cal.calendar_id)
        s.add(sub)
    sub.active = True
    sub.seq = next_seq(s)
    s.flush()
    return sub


@bp.post("/calendars/primary")
@requires()
def primary():
    ident, s = identity(), session()
    kind = id_type(code=PARAM)
    if ident.kind == "tenant" and kind == "user_id":
        raise bad("user_id_type=user_id is not supported with a tenant_access_token")
    cal = own_primary(s, ident)
    return ok({"calendars": [{"calendar": calendar_json(s, cal, ident, "owner"),
                              "user_id": owner_user_id(s, cal, kind)}]})


@bp.post("/calendars/primarys")
@requires()
def primarys():
    ident, s, data = identity(), session(), body(PARAM)
    kind = id_type(code=PARAM)
    ids = field_list(data, "user_ids")
    if not ids:
        raise bad("user_ids is required")
    if len(ids) > 10:
        raise bad("user_ids: at most 10 users")
    out = []
    for uid in ids:
        u = active_user(s, uid, kind, "user_ids")
        cal = user_primary(s, u.open_id)
        out.append({"calendar": calendar_json(s, cal, ident), "user_id": uid})
    return ok({"calendars": out})


@bp.post("/calendars")
@requires()
def create():
    ident, s, data = identity(), session(), body(PARAM)
    summary = field_str(data, "summary", max_len=255) or ""
    description = field_str(data, "description", max_len=255) or ""
    perms = field_str(data, "permissions", choices=PERMISSIONS) or "show_only_free_busy"
    color = field_int(data, "color", -2**31, 2**31 - 1)
    alias = field_str(data, "summary_alias", max_len=255) or ""
    cal = CalCalendar(calendar_id=new_calendar_id(), summary=summary, description=description, permissions=perms,
                      type="shared", owner_kind="app" if ident.kind == "tenant" else "user",
                      owner_id=ident.app_id if ident.kind == "tenant" else ident.open_id, seq=next_seq(s))
    if color is not None:
        cal.color = color
    s.add(cal)
    s.flush()
    sub = subscribe_identity(s, ident, cal)   # the creator is auto-subscribed (counts toward the cap)
    sub.summary_alias = alias
    notify_calendar_change(s, cal.calendar_id)
    return ok({"calendar": calendar_json(s, cal, ident, "owner")})


@bp.get("/calendars/<calendar_id>")
@requires()
def get(calendar_id: str):
    ident, s = identity(), session()
    cal = load_calendar(s, calendar_id)
    role = need_role(s, cal, ident, "free_busy_reader")
    return ok(calendar_json(s, cal, ident, role))   # flat: no `calendar` wrapper on get


@bp.post("/calendars/mget")
@requires()
def mget():
    ident, s, data = identity(), session(), body(PARAM)
    ids = field_list(data, "calendar_ids")
    if not ids:
        raise bad("calendar_ids is required")
    out = []
    for cid in ids:
        if not isinstance(cid, str):
            raise bad("calendar_ids must be strings")
        cal = load_calendar(s, cid, allow_deleted=True)
        out.append(calendar_json(s, cal, ident))
    return ok({"calendars": out})


@bp.get("/calendars")
@requires()
def list_calendars():
    ident, s = identity(), session()
    own_primary(s, ident)
    size = page_size(500, 50, 1000)
    page_token, sync_token = request.args.get("page_token"), request.args.get("sync_token")
    base = (select(CalSubscription, CalCalendar)
            .join(CalCalendar, CalCalendar.calendar_id == CalSubscription.calendar_id)
            .where(CalSubscription.identity == me(ident)))
    if sync_token and not page_token:
        since = page_offset(sync_token, "cs")
        rows = s.execute(base.where(or_(CalSubscription.seq > since, CalCalendar.seq > since))
                         .order_by(CalSubscription.id)).all()
        items = [calendar_json(s, cal, ident, deleted=cal.is_deleted or not sub.active) for sub, cal in rows]
        return ok({"has_more": False, "page_token": "", "sync_token": f"cs:{next_seq(s)}", "calendar_list": items})
    offset = page_offset(page_token, "cp")
    rows = s.execute(base.where(CalSubscription.active.is_(True), CalCalendar.is_deleted.is_(False))
                     .order_by(CalSubscription.id).offset(offset).limit(size + 1)).all()
    more = len(rows) > size
    items = [calendar_json(s, cal, ident) for sub, cal in rows[:size]]
    return ok({"has_more": more, "page_token": f"cp:{offset + size}" if more else "",
               "sync_token": "" if more else f"cs:{next_seq(s)}", "calendar_list": items})


@bp.patch("/calendars/<calendar_id>")
@requires()
def patch(calendar_id: str):
    ident, s, data = identity(), session(), body(PARAM)
    cal = load_calendar(s, calendar_id)
    role = need_role(s, cal, ident, "free_busy_reader")
    summary = field_str(data, "summary", max_len=255)
    description = field_str(data, "description", max_len=255)
    perms = field_str(data, "permissions", choices=PERMISSIONS)
    color = field_int(data, "color", -2**31, 2**31 - 1)
    alias = field_str(data, "summary_alias", max_len=255)
    global_change = any(v is not None for v in (summary, description, perms))
    if global_change:
        if role != "owner":
            raise err(CAL_NO_ROLE, "no calendar access_role: only the owner may change summary, "
                                   "description or permissions")
        if cal.type == "primary" and perms is not None and perms != cal.permissions and cal.owner_kind == "app":
            raise err(CAL_BAD_TYPE, "invalid calendar type: the app calendar's permissions are fixed")
        cal.summary = summary if summary is not None else cal.summary
        cal.description = description if description is not None else cal.description
        cal.permissions = perms or cal.permissions
    if color is not None or alias is not None:
        # Colour and alias are the caller's own view, kept on its calendar-list entry.
        sub = subscription(s, ident, cal.calendar_id)
        if sub is None:
            sub = CalSubscription(identity=me(ident), calendar_id=cal.calendar_id, active=False)
            s.add(sub)
        if color is not None:
            sub.color = color
        if alias is not None:
            sub.summary_alias = alias
        sub.seq = next_seq(s)
    cal.seq = next_seq(s)
    s.flush()
    notify_calendar_change(s, cal.calendar_id)
    return ok({"calendar": calendar_json(s, cal, ident, role)})


@bp.delete("/calendars/<calendar_id>")
@requires()
def delete(calendar_id: str):
    ident, s = identity(), session()
    cal = load_calendar(s, calendar_id)
    if cal.type != "shared":
        raise err(CAL_BAD_TYPE, f"invalid calendar type: a {cal.type} calendar cannot be deleted")
    if not is_owner(cal, ident) and role_of(s, cal, ident) != "owner":
        raise err(CAL_NO_ROLE, "no calendar access_role: only the owner may delete a calendar")
    cal.is_deleted = True
    cal.seq = next_seq(s)
    for sub in s.scalars(select(CalSubscription).where(CalSubscription.calendar_id == cal.calendar_id)):
        sub.active, sub.seq = False, cal.seq
    notify_calendar_change(s, cal.calendar_id)
    return ok({})


@bp.post("/calendars/search")
@requires()
def search():
    ident, s, data = identity(), session(), body(PARAM)
    query = field_str(data, "query", required=True, max_len=200, min_len=1)
    size = page_size(20, 1, 50)
    offset = page_offset(request.args.get("page_token"), "sp")
    like = f"%{query}%"
    cond = or_(CalCalendar.permissions == "public", CalCalendar.type == "primary") if ident.kind == "user" \
        else CalCalendar.permissions == "public"
    rows = list(s.scalars(select(CalCalendar).where(
        CalCalendar.is_deleted.is_(False), CalCalendar.type.in_(("primary", "shared")),
        CalCalendar.owner_kind != "app" if ident.kind == "user" else CalCalendar.type == "shared",
        cond, or_(CalCalendar.summary.like(like), CalCalendar.description.like(like)))
        .order_by(CalCalendar.calendar_id).offset(offset).limit(size + 1)))
    more = len(rows) > size
    items = [calendar_json(s, c, ident) for c in rows[:size]]
    return ok({"items": items, "page_token": f"sp:{offset + size}" if more else ""})   # no has_more


@bp.post("/calendars/<calendar_id>/subscribe")
@requires()
def subscribe(calendar_id: str):
    ident, s = identity(), session()
    cal = load_calendar(s, calendar_id)
    if cal.type not in ("primary", "shared", "resource") or cal.permissions == "private":
        raise err(SUB_NOT_ALLOWED, "subscribe target calendar is not allowed: private calendars cannot "
                                   "be subscribed")
    role = role_of(s, cal, ident)
    if role is None:
        raise err(SUB_NOT_ALLOWED, "subscribe target calendar is not allowed")
    subscribe_identity(s, ident, cal)
    notify_calendar_change(s, cal.calendar_id)
    return ok({"calendar": calendar_json(s, cal, ident, role)})


@bp.post("/calendars/<calendar_id>/unsubscribe")
@requires()
def unsubscribe(calendar_id: str):
    ident, s = identity(), session()
    cal = load_calendar(s, calendar_id)
    if cal.type == "primary" and is_owner(cal, ident):
        raise err(CAL_BAD_TYPE, "invalid calendar type: one's own primary calendar cannot be unsubscribed")
    sub = subscription(s, ident, cal.calendar_id)
    if sub is None or not sub.active:
        raise bad(f"calendar_id: {calendar_id} is not in the caller's calendar list")
    sub.active, sub.seq = False, next_seq(s)
    notify_calendar_change(s, cal.calendar_id)
    return ok({})


def _push_sub(kind: str, calendar_id: str, on: bool) -> None:
    ident, s = identity(), session()
    row = s.scalars(select(CalPushSubscription).where(CalPushSubscription.kind == kind,
                                                      CalPushSubscription.identity == me(ident),
                                                      CalPushSubscription.calendar_id == calendar_id)).first()
    if on and row is None:
        s.add(CalPushSubscription(kind=kind, identity=me(ident), calendar_id=calendar_id))
    elif not on and row is not None:
        s.delete(row)


@bp.post("/calendars/subscription")
@requires(tenant=False)
def push_subscription():
    _push_sub("calendar", "", True)
    return ok({})


@bp.post("/calendars/unsubscription")
@requires(tenant=False)
def push_unsubscription():
    _push_sub("calendar", "", False)
    return ok({})

