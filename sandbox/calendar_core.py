"""Shared calendar v4 logic for the route modules: Feishu's error codes, id checks, roles and
permissions (contract §6), TimeInfo parsing, and serialising calendars and ACLs for the caller.
Event serialisation and lookup live in calendar_events_core.py."""
from __future__ import annotations

import re
from datetime import datetime, UTC
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sandbox import store
from sandbox.api.common import ApiError, Identity, after_commit, qint, state, user_ids
from sandbox.calendar_models import (CalAcl, CalCalendar, CalPushSubscription, CalSubscription, identity_key,
                                     primary_calendar)
from sandbox.recurrence import RecurrenceError, zone

# Feishu calendar codes (contract §9.1).
PARAM = 190002
PAGE_TOKEN = 190008
SYNC_CONFLICT = 190009
CAL_NOT_FOUND, CAL_BAD_ID, CAL_NO_ROLE, CAL_DELETED, CAL_BAD_TYPE = 191000, 191001, 191002, 191003, 191004
SUB_LIMIT, SUB_NOT_ALLOWED = 191005, 191006
ACL_NOT_FOUND = 192000
EVENT_BAD_ID, EVENT_NOT_FOUND, EVENT_NO_PERM, EVENT_DELETED = 193000, 193001, 193002, 193003
RANGE_TOO_LONG, TOO_MANY_INSTANCES = 193103, 193104
ATT_NOT_FOUND, ATT_NO_LIST, ATT_NO_CREATE, ATT_NO_DELETE, ATT_BAD_TYPE = 194000, 194001, 194002, 194003, 194004
USER_NOT_FOUND = 195100

# Limits (overview page and contract §4); module constants so tests can lower them.
MAX_SUBSCRIPTIONS = 1000
MAX_ATTENDEES = 3000
MAX_ATTENDEES_PER_REQUEST = 1000
MAX_ROOMS_PER_REQUEST = 100
MAX_BATCH_DELETE = 500

RANK = {"free_busy_reader": 1, "reader": 2, "writer": 3, "owner": 4}
MAX_TS = 16725225600

_CAL_ID = re.compile(r"^[A-Za-z0-9._\-]+@group\.calendar\.[A-Za-z0-9.\-]+$")
_EVENT_ID = re.compile(r"^([0-9a-fA-F\-]{8,64})_(\d{1,12})$")


def bad(msg: str) -> ApiError:
    return ApiError(PARAM, f"invalid parameters in request: {msg}", 400)


def err(code: int, msg: str) -> ApiError:
    http = {CAL_NOT_FOUND: 404, ACL_NOT_FOUND: 404, EVENT_NOT_FOUND: 404, ATT_NOT_FOUND: 404,
            USER_NOT_FOUND: 404}.get(code)
    if http is None:
        http = 403 if code in (CAL_NO_ROLE, CAL_DELETED, CAL_BAD_TYPE, EVENT_NO_PERM, EVENT_DELETED,
                               ATT_NO_LIST, ATT_NO_CREATE, ATT_NO_DELETE) else 400
    return ApiError(code, msg, http)


def me(ident: Identity) -> str:
    return identity_key("app", ident.app_id) if ident.kind == "tenant" else identity_key("user", ident.open_id)


def own_primary(s: Session, ident: Identity) -> CalCalendar:
    if ident.kind == "tenant":
        app = s.get(store.App, ident.app_id)
        return primary_calendar(s, ident.app_id, "app", summary=(app.name if app else "") or "")
    u = s.get(store.User, ident.open_id)
    return primary_calendar(s, ident.open_id, "user", summary=u.name if u else "")


def user_primary(s: Session, open_id: str) -> CalCalendar:
    u = s.get(store.User, open_id)
    return primary_calendar(s, open_id, "user", summary=u.name if u else "")


def room_calendar(s: Session, room_id: str) -> CalCalendar:
    room = s.get(store.Room, room_id)
    cal = primary_calendar(s, room_id, "room", summary=room.display_name if room else room_id)
    cal.permissions = "public"   # a room's bookings are visible to everyone in the tenant
    return cal


# --- calendars and roles -------------------------------------------------------------------------

def check_calendar_id(cid: str) -> None:
    if not cid or not _CAL_ID.match(cid):
        raise err(CAL_BAD_ID, f"invalid calendar_id: {cid!r}")


def load_calendar(s: Session, cid: str, allow_deleted: bool = False) -> CalCalendar:
    check_calendar_id(cid)
    cal = s.get(CalCalendar, cid)
    if cal is None:
        raise err(CAL_NOT_FOUND, f"calendar not found: {cid}")
    if cal.is_deleted and not allow_deleted:
        raise err(CAL_DELETED, f"calendar is deleted: {cid}")
    return cal


def is_owner(cal: CalCalendar, ident: Identity) -> bool:
    if ident.kind == "tenant":
        return cal.owner_kind == "app" and cal.owner_id == ident.app_id
    return cal.owner_kind == "user" and cal.owner_id == ident.open_id


def role_of(s: Session, cal: CalCalendar, ident: Identity) -> str | None:
    """The caller's role: owner, then an ACL, then what the calendar's permissions give anyone."""
    if is_owner(cal, ident):
        return "owner"
    if ident.kind == "user":
        acl = s.scalars(select(CalAcl).where(CalAcl.calendar_id == cal.calendar_id,
                                             CalAcl.user_open_id == ident.open_id)).first()
        if acl is not None:
            return acl.role
    return {"public": "reader", "show_only_free_busy": "free_busy_reader"}.get(cal.permissions)


def need_role(s: Session, cal: CalCalendar, ident: Identity, minimum: str) -> str:
    role = role_of(s, cal, ident)
    if role is None or RANK[role] < RANK[minimum]:
        raise err(CAL_NO_ROLE, f"no calendar access_role: {minimum} or above is needed on {cal.calendar_id}")
    return role


def subscription(s: Session, ident: Identity, cid: str) -> CalSubscription | None:
    return s.scalars(select(CalSubscription).where(CalSubscription.identity == me(ident),
                                                   CalSubscription.calendar_id == cid)).first()


def subscription_count(s: Session, ident: Identity) -> int:
    return s.scalar(select(func.count()).select_from(CalSubscription).where(
        CalSubscription.identity == me(ident), CalSubscription.active.is_(True))) or 0


def calendar_json(s: Session, cal: CalCalendar, ident: Identity, role: str | None = None,
                  deleted: bool | None = None) -> dict:
    sub = subscription(s, ident, cal.calendar_id)
    role = role if role is not None else role_of(s, cal, ident)
    return {"calendar_id": cal.calendar_id, "summary": cal.summary, "description": cal.description,
            "permissions": cal.permissions,
            "color": sub.color if sub is not None and sub.color is not None else cal.color,
            "type": cal.type, "summary_alias": sub.summary_alias if sub is not None else "",
            "is_deleted": bool(cal.is_deleted if deleted is None else deleted), "is_third_party": False,
            "role": role or "unknown"}


def owner_user_id(s: Session, cal: CalCalendar, kind: str) -> str:
    """The user id a primary calendar belongs to (the bot's open_id for the app's calendar)."""
    from sandbox.api.common import user_id_as
    if cal.owner_kind == "app":
        app = s.get(store.App, cal.owner_id)
        return user_id_as(s, app.bot_open_id if app else cal.owner_id, kind) or ""
    return user_id_as(s, cal.owner_id, kind) or ""


def owner_name(s: Session, cal: CalCalendar) -> str:
    if cal.owner_kind == "app":
        app = s.get(store.App, cal.owner_id)
        return app.name if app else cal.owner_id
    if cal.owner_kind == "room":
        room = s.get(store.Room, cal.owner_id)
        return room.display_name if room else cal.owner_id
    u = s.get(store.User, cal.owner_id)
    return u.name if u else cal.owner_id


def active_user(s: Session, value: Any, kind: str, field: str) -> store.User:
    """A user named in a request (in `user_id_type` form); 195100 when unknown or resigned."""
    from sandbox.api.common import find_user
    if not isinstance(value, str) or not value:
        raise bad(f"{field} is required and must be a string")
    u = find_user(s, value, kind)
    if u is None or not u.active:
        raise err(USER_NOT_FOUND, f"user is dismiss or not exist in the tenant: {field}={value}")
    return u


# --- request values ------------------------------------------------------------------------------

def field_str(data: dict, name: str, *, required: bool = False, max_len: int | None = None,
              choices: tuple[str, ...] | None = None, min_len: int = 0) -> str | None:
    if name not in data or data[name] is None:
        if required:
            raise bad(f"{name} is required")
        return None
    v = data[name]
    if not isinstance(v, str):
        raise bad(f"{name} must be a string, got {type(v).__name__}")
    if max_len is not None and len(v) > max_len:
        raise bad(f"{name} is longer than {max_len} characters")
    if len(v) < min_len:
        raise bad(f"{name} must have at least {min_len} characters")
    if choices is not None and v not in choices:
        raise bad(f"{name} must be one of {', '.join(choices)}, got {v!r}")
    return v


def field_int(data: dict, name: str, lo: int | None = None, hi: int | None = None) -> int | None:
    if name not in data or data[name] is None:
        return None
    v = data[name]
    if not isinstance(v, int) or isinstance(v, bool):
        raise bad(f"{name} must be an integer, got {type(v).__name__}")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise bad(f"{name} must be between {lo} and {hi}")
    return v


def _typed(data: dict, name: str, typ: type, what: str):
    """The field if absent (None) or of the right JSON type, else Feishu's invalid-param error."""
    v = data.get(name)
    if v is not None and not isinstance(v, typ):
        raise bad(f"{name} must be {what}, got {type(v).__name__}")
    return v


def field_bool(data: dict, name: str, default: bool) -> bool:
    v = _typed(data, name, bool, "a boolean")
    return default if v is None else v


def field_obj(data: dict, name: str) -> dict | None:
    return _typed(data, name, dict, "an object")


def field_list(data: dict, name: str) -> list | None:
    return _typed(data, name, list, "an array")


def time_info(data: dict, name: str) -> tuple[int, str | None, str]:
    """A TimeInfo → (unix seconds, all-day date or None, timezone). All-day is pinned to UTC."""
    obj = data.get(name)
    if obj is None:
        raise bad(f"{name} is required")
    if not isinstance(obj, dict):
        raise bad(f"{name} must be an object, got {type(obj).__name__}")
    d, ts = obj.get("date"), obj.get("timestamp")
    if d and ts:
        raise bad(f"{name}: date and timestamp must not both be set")
    if d:
        if not isinstance(d, str):
            raise bad(f"{name}.date must be a string")
        try:
            day = datetime.strptime(d, "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            raise bad(f"{name}.date must be YYYY-MM-DD, got {d!r}") from None
        return int(day.timestamp()), d, "UTC"
    if ts is None or ts == "":
        raise bad(f"{name}: one of date or timestamp is required")
    if not isinstance(ts, str) or not ts.isdigit():
        raise bad(f"{name}.timestamp must be a string of Unix seconds, got {ts!r}")
    value = int(ts)
    if not 1 <= value <= MAX_TS:
        raise bad(f"{name}.timestamp out of range")
    tz = obj.get("timezone") or "Asia/Shanghai"
    if not isinstance(tz, str):
        raise bad(f"{name}.timezone must be a string")
    try:
        zone(tz)
    except RecurrenceError:
        raise bad(f"{name}.timezone is not a valid IANA time zone: {tz!r}") from None
    return value, None, tz


FIELD_INVALID = 99992402      # the gateway's "field validation failed" (a documented 数据校验规则)


def page_size(default: int, lo: int, hi: int, *, small_is_lo: bool = False) -> int:
    """`page_size` as each endpoint documents it: a value outside its validation range is refused
    by the gateway (99992402); endpoints documented "values below lo are treated as lo"
    (acls.list, attendees.list) raise those instead."""
    value = qint("page_size", default, code=FIELD_INVALID)
    if value < lo and small_is_lo:
        return lo
    if not lo <= value <= hi:
        raise ApiError(FIELD_INVALID, f"field validation failed: page_size must be between {lo} and {hi}, got {value}")
    return value


def unix_query(raw: str | None, name: str) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or not 0 < int(raw) <= MAX_TS:
        raise bad(f"{name} must be Unix seconds, got {raw!r}")
    return int(raw)


def page_offset(token: str | None, prefix: str) -> int:
    """Page tokens are opaque to clients; here `<prefix>:<offset>`. Foreign or garbled → 190008."""
    if not token:
        return 0
    p, _, n = token.partition(":")
    if p != prefix or not n.isdigit():
        raise err(PAGE_TOKEN, "page_token or sync_token expired")
    return int(n)


# --- pushes --------------------------------------------------------------------------------------

def push_subscribers(s: Session, kind: str, calendar_id: str = "") -> list[str]:
    return list(s.scalars(select(CalPushSubscription.identity).where(
        CalPushSubscription.kind == kind, CalPushSubscription.calendar_id == calendar_id)))


def id_triplets(s: Session, identities: list[str]) -> list[dict]:
    out = []
    for ident in identities:
        kind, _, value = ident.partition(":")
        if kind == "app":
            app = s.get(store.App, value)
            value = app.bot_open_id if app and app.bot_open_id else value
        out.append(user_ids(s, value))
    return out


def push(event_type: str, event: dict) -> None:
    """Deliver after this request's commit, so the bot re-reading state finds the change."""
    def send() -> None:
        state().delivery.deliver_event(event_type, event)
    after_commit(send)
