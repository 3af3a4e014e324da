"""Calendar v4 free/busy: list (one user or one room) and batch (1–10 users), contract §4.5.
Source data: the person's primary calendar, every event they attend (not declined), recurring
occurrences, and their leave (timeoff). Answers come from the materialised occurrence table."""
from __future__ import annotations

import functools
from datetime import date, datetime, timezone, tzinfo, UTC
from operator import itemgetter
from collections.abc import Callable

from flask import Blueprint
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from sandbox import store
from sandbox.api.common import body, id_type, ok, requires, session
from sandbox.calendar_core import (PARAM, active_user, bad, field_bool, field_list, field_str, room_calendar,
                                   user_primary)
from sandbox.calendar_models import CalAttendee, CalEvent, CalEventPref, CalTimeoff
from sandbox.calendar_query import occurrences
from sandbox.recurrence import iso

bp = Blueprint("calendar_v4_freebusy", __name__, url_prefix="/open-apis/calendar/v4")

MAX_SPAN = 90 * 86400
MAX_BATCH_USERS = 10


def rfc3339(data: dict, name: str) -> datetime:
    raw = field_str(data, name, required=True)
    try:
        value = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        raise bad(f"{name} must be an RFC 3339 time such as 2024-05-01T09:00:00+08:00, got {raw!r}") from None
    if value.tzinfo is None:
        raise bad(f"{name} must carry a UTC offset, got {raw!r}")
    return value


def window(data: dict) -> tuple[int, int, tzinfo]:
    lo, hi = rfc3339(data, "time_min"), rfc3339(data, "time_max")
    ws, we = int(lo.timestamp()), int(hi.timestamp())
    if we <= ws:
        raise bad("time_max must be after time_min")
    if we - ws > MAX_SPAN:
        raise bad("time_max - time_min must not exceed 90 days")
    return ws, we, lo.tzinfo or UTC


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@functools.lru_cache(maxsize=4096)
def _day(days: int) -> str:
    return date.fromordinal(_EPOCH_ORDINAL + days).isoformat()


@functools.cache
def _clock(secs: int) -> str:
    h, rest = divmod(secs, 3600)
    return f"T{h:02d}:{rest // 60:02d}:{rest % 60:02d}"


def formatter(tz: tzinfo) -> Callable[[int], str]:
    """A `recurrence.iso(ts, tz)` equivalent. For a fixed offset (what a request's RFC 3339 bound
    carries) the wall time is plain arithmetic: an answer formats hundreds of times, and
    fromtimestamp + isoformat per time was a quarter of the route's cost."""
    off = tz.utcoffset(None) if isinstance(tz, timezone) else None
    if off is None or off.microseconds:
        return lambda ts: iso(ts, tz)
    shift = int(off.total_seconds())
    suffix = iso(0, tz)[19:]      # "+08:00", "+00:00", "+05:30:15": exactly as isoformat writes it

    def fmt(ts: int) -> str:
        if type(ts) is not int:
            return iso(ts, tz)
        days, secs = divmod(ts + shift, 86400)
        return _day(days) + _clock(secs) + suffix
    return fmt


# calendar_query.timeoffs' query, two columns instead of whole rows.
_TIMEOFF_SPANS = (select(CalTimeoff.start_ts, CalTimeoff.end_ts)
                  .where(CalTimeoff.user_open_id == bindparam("who"), CalTimeoff.start_ts < bindparam("we"),
                         CalTimeoff.end_ts > bindparam("ws"))
                  .order_by(CalTimeoff.start_ts))


def _own_free_busy(s: Session, open_id: str, hits: list) -> dict[int, bool]:
    """event pk → busy, where the person set their own free_busy_status on the event (a change
    after creation is per person: it moves their free/busy only)."""
    rows = s.execute(select(CalEventPref.event_id, CalEventPref.prefs).where(
        CalEventPref.identity == f"user:{open_id}")).all()
    marked = {eid: p["free_busy_status"] for eid, p in rows if isinstance(p, dict) and p.get("free_busy_status")}
    if not marked or not hits:
        return {}
    pks = dict(s.execute(select(CalEvent.event_id, CalEvent.pk).where(CalEvent.event_id.in_(list(marked)))).all())
    return {pks[eid]: status == "busy" for eid, status in marked.items() if eid in pks}


def freebusy_items(s: Session, ws: int, we: int, out_tz: tzinfo, *, open_id: str | None = None,
                   room_id: str | None = None, only_busy: bool = True, need_rsvp: bool = False) -> list[dict]:
    """The busy blocks of a person (or a room) in [ws, we): one item per occurrence, not merged.
    This is the function the route and bench/sandbox_freebusy.py call."""
    cal = user_primary(s, open_id) if open_id else room_calendar(s, room_id)
    hits = occurrences(s, [cal.calendar_id], ws, we, user=open_id, room=None if open_id else room_id)
    rsvp: dict[str, str] = {}
    if need_rsvp and open_id and hits:
        rsvp = dict(s.execute(select(CalAttendee.series_uid, CalAttendee.rsvp_status).where(
            CalAttendee.user_open_id == open_id)).all())
    own = _own_free_busy(s, open_id, hits) if open_id else {}
    fmt = formatter(out_tz)
    items = []
    for h in hits:
        if only_busy and not own.get(h.event_pk, h.busy):
            continue
        item = {"start_time": fmt(h.start), "end_time": fmt(h.end)}
        if need_rsvp:
            item["rsvp_status"] = rsvp.get(h.series_uid, "accept")
        items.append((h.start, item))
    leave = s.execute(_TIMEOFF_SPANS, {"who": open_id, "ws": ws, "we": we}).all() if open_id else []
    if not leave:      # hits come sorted by start already
        return [i for _, i in items]
    for start, end in leave:
        item = {"start_time": fmt(start), "end_time": fmt(end)}
        if need_rsvp:
            item["rsvp_status"] = "accept"
        items.append((start, item))
    items.sort(key=itemgetter(0))
    return [i for _, i in items]


def _options(data: dict) -> tuple:
    """What list and batch share: the window, its zone and the two switches (the external-calendar
    flag is validated and ignored: the sandbox has no external calendars)."""
    ws, we, tz = window(data)
    only_busy = field_bool(data, "only_busy", True)
    field_bool(data, "include_external_calendar", True)
    return ws, we, tz, only_busy, field_bool(data, "need_rsvp_status", False)


@bp.post("/freebusy/list")
@requires()
def list_freebusy():
    s, data = session(), body(PARAM)
    kind = id_type(code=PARAM)
    ws, we, tz, only_busy, need_rsvp = _options(data)
    user, room = field_str(data, "user_id"), field_str(data, "room_id")
    if user:       # user_id wins over room_id (contract §4.5)
        u = active_user(s, user, kind, "user_id")
        items = freebusy_items(s, ws, we, tz, open_id=u.open_id, only_busy=only_busy, need_rsvp=need_rsvp)
    elif room:
        r = s.get(store.Room, room)
        if r is None:
            raise bad(f"room_id: no meeting room {room!r}")
        items = freebusy_items(s, ws, we, tz, room_id=room, only_busy=only_busy, need_rsvp=need_rsvp)
    else:
        raise bad("one of user_id or room_id is required")
    return ok({"freebusy_list": items})


@bp.post("/freebusy/batch")
@requires()
def batch_freebusy():
    s, data = session(), body(PARAM)
    kind = id_type(code=PARAM)
    ws, we, tz, only_busy, need_rsvp = _options(data)
    ids = field_list(data, "user_ids")
    if not ids:
        raise bad("user_ids is required")
    if len(ids) > MAX_BATCH_USERS:
        raise bad(f"user_ids: at most {MAX_BATCH_USERS} users")
    out = []
    for n, uid in enumerate(ids):
        u = active_user(s, uid, kind, f"user_ids[{n}]")
        out.append({"user_id": uid, "freebusy_items": freebusy_items(s, ws, we, tz, open_id=u.open_id,
                                                                     only_busy=only_busy, need_rsvp=need_rsvp)})
    return ok({"freebusy_lists": out})
