"""Read-side event routes: list (the incremental-sync API: masters and exceptions, never
expanded), search, instances and instance_view (the expanding ones). Registered on the
blueprint of sandbox/api/calendar_event.py, which wraps each in the gateway check."""
from __future__ import annotations

import time

from flask import request
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from sandbox.api.common import body, id_type, identity, ok, session, to_open_id
from sandbox.calendar_core import (CAL_BAD_TYPE, PARAM, RANGE_TOO_LONG, SYNC_CONFLICT, TOO_MANY_INSTANCES, bad,
                                   err, field_list, field_obj, field_str, load_calendar, need_role, page_offset,
                                   page_size, time_info, unix_query)
from sandbox.calendar_events_core import calendar_attendee_key, event_json, find_event, view_of
from sandbox.calendar_models import CalAttendee, CalCalendar, CalEvent
from sandbox.calendar_query import occurrences
from sandbox.recurrence import Occ, instances as series_instances

INSTANCE_VIEW_SPAN = 40 * 86400
INSTANCE_VIEW_MAX = 1000
INSTANCES_SPAN = 2 * 366 * 86400


def _readable(s: Session, calendar_id: str, types: tuple[str, ...] = ("primary", "shared", "resource")):
    """Reading events needs reader or above (a free_busy_reader gets 191002; free/busy stays open)."""
    ident = identity()
    cal = load_calendar(s, calendar_id)
    if cal.type not in types:
        raise err(CAL_BAD_TYPE, f"invalid calendar type: {cal.type} calendars are not supported here")
    role = need_role(s, cal, ident, "reader")
    return ident, cal, role


def _on_calendar(s: Session, cal: CalCalendar, include_removed: bool = False):
    user, room = calendar_attendee_key(cal)
    conds = [CalEvent.calendar_id == cal.calendar_id]
    if user or room:
        col = CalAttendee.user_open_id if user else CalAttendee.room_id
        sub = select(CalAttendee.series_uid).where(col == (user or room))
        if not include_removed:
            sub = sub.where(CalAttendee.rsvp_status != "removed")
        conds.append(CalEvent.series_uid.in_(sub))
    return or_(*conds)


def list_events(calendar_id: str):
    s = session()
    kind = id_type(code=PARAM)
    ident, cal, role = _readable(s, calendar_id)
    size = page_size(500, 50, 1000)
    a = request.args
    start, end = unix_query(a.get("start_time"), "start_time"), unix_query(a.get("end_time"), "end_time")
    anchor = unix_query(a.get("anchor_time"), "anchor_time")
    page_token, sync_token = a.get("page_token"), a.get("sync_token")
    if sync_token and (start or end or anchor):
        raise err(SYNC_CONFLICT, "sync token cannot be used with other request restrictions: "
                                 "sync_token with start_time/end_time/anchor_time")
    render = lambda e: event_json(s, e, ident, view=view_of(s, e, cal, role, ident), kind=kind)  # noqa: E731
    if start is not None or end is not None:
        if start is None or end is None:
            raise bad("start_time and end_time must be given together")
        if end < start:
            raise bad("end_time must not be before start_time")
        if page_token or anchor:
            raise bad("start_time/end_time cannot be combined with page_token or anchor_time")
        e = CalEvent
        rows = s.scalars(select(e).where(_on_calendar(s, cal), e.is_deleted.is_(False), e.start_ts < end,
                                         or_(e.series_end > start, e.end_ts > start),
                                         or_(e.status != "cancelled", e.is_exception.is_(True)))
                         .order_by(e.start_ts, e.pk).limit(size))
        return ok({"has_more": False, "page_token": "", "sync_token": "", "items": [render(r) for r in rows]})
    if sync_token and not page_token:
        since = page_offset(sync_token, "es")
        rows = list(s.scalars(select(CalEvent).where(_on_calendar(s, cal, include_removed=True),
                                                     CalEvent.seq > since).order_by(CalEvent.seq)))
        items = []
        for r in rows:
            item = render(r)
            if r.is_deleted:
                item["status"] = "cancelled"
            items.append(item)
        return ok({"has_more": False, "page_token": "", "sync_token": f"es:{_head(s)}", "items": items})
    if page_token:
        p, _, rest = page_token.partition(":")
        anchor_s, _, last = rest.partition(":")
        if p != "ep" or not last.isdigit() or not anchor_s.isdigit():
            raise err(190008, "page_token or sync_token expired")
        anchor = int(anchor_s)
        after = int(last)
    else:
        after = 0
    e = CalEvent
    q = select(e).where(_on_calendar(s, cal), e.is_deleted.is_(False), e.pk > after)
    if anchor is not None:
        q = q.where(or_(and_(e.recurrence == "", e.is_exception.is_(False), e.end_ts >= anchor),
                        e.recurrence != "",
                        and_(e.is_exception.is_(True), e.original_start >= anchor, e.end_ts >= anchor)))
    rows = list(s.scalars(q.order_by(e.pk).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    # Feishu: "目前仅当传入 anchor_time 时，会返回 page_token" — without an anchor the first page is all there is.
    token = f"ep:{anchor}:{rows[-1].pk}" if more and anchor is not None else ""
    return ok({"has_more": more, "page_token": token, "sync_token": "" if more else f"es:{_head(s)}",
               "items": [render(r) for r in rows]})


def _head(s: Session) -> int:
    from sandbox.calendar_models import CalCounter
    row = s.get(CalCounter, "changes")
    return row.value if row else 0


def search(calendar_id: str):
    s, data = session(), body(PARAM)
    kind = id_type(code=PARAM)
    ident, cal, role = _readable(s, calendar_id, ("primary", "shared"))
    query = field_str(data, "query", max_len=200) or ""
    flt = field_obj(data, "filter") or {}
    size = page_size(20, 10, 100)
    offset = page_offset(request.args.get("page_token"), "ss")
    now = int(time.time())
    # Documented default: "the past month"; read as ±30 days so upcoming meetings are findable.
    ws = time_info(flt, "start_time")[0] if flt.get("start_time") else now - 30 * 86400
    we = time_info(flt, "end_time")[0] if flt.get("end_time") else now + 30 * 86400
    if we < ws:
        raise bad("filter.end_time must not be before filter.start_time")
    user, room = calendar_attendee_key(cal)
    hits = occurrences(s, [cal.calendar_id], ws, we, user=user, room=room)
    pks = list(dict.fromkeys(h.event_pk for h in hits))
    wanted_sets = []
    for name, col in (("user_ids", "user"), ("room_ids", "resource"), ("chat_ids", "chat")):
        ids = field_list(flt, name)
        if ids:
            if col == "user":
                ids = [to_open_id(s, i, kind) or i for i in ids]
            wanted_sets.append((col, set(ids)))
    out = []
    q = query.lower()
    for pk in pks:
        ev = s.get(CalEvent, pk)
        if q and (q not in (ev.summary or "").lower() if "_" not in q else q != (ev.summary or "").lower()):
            continue
        if view_of(s, ev, cal, role, ident) != "full":
            continue     # a title search must not reveal events the caller may only see as busy
        if wanted_sets and not _matches(s, ev, wanted_sets):
            continue
        out.append(ev)
    page = out[offset:offset + size]
    more = len(out) > offset + size
    return ok({"items": [event_json(s, e, ident, kind=kind) for e in page],
               "page_token": f"ss:{offset + size}" if more else ""})


def _matches(s: Session, ev: CalEvent, wanted: list[tuple[str, set[str]]]) -> bool:
    atts = list(s.scalars(select(CalAttendee).where(CalAttendee.series_uid == ev.series_uid,
                                                    CalAttendee.rsvp_status != "removed")))
    for typ, ids in wanted:     # AND across lists, OR within one
        have = {a.user_open_id if typ == "user" else a.room_id if typ == "resource" else a.chat_id
                for a in atts if a.type == typ}
        if not have & ids:
            return False
    return True


def _window(required: bool = True) -> tuple[int, int]:
    a = request.args
    start, end = unix_query(a.get("start_time"), "start_time"), unix_query(a.get("end_time"), "end_time")
    if start is None:
        raise bad("start_time is required")
    if end is None:
        raise bad("end_time is required")
    if end < start:
        raise bad("end_time must not be before start_time")
    return start, end


def instance_view(calendar_id: str):
    s = session()
    kind = id_type(code=PARAM)
    ident, cal, role = _readable(s, calendar_id, ("primary", "shared", "resource"))
    ws, we = _window()
    if we - ws >= INSTANCE_VIEW_SPAN:
        raise err(RANGE_TOO_LONG, "requested time exceeds the allowed range: end_time - start_time must be "
                                  "less than 40 days")
    user, room = calendar_attendee_key(cal)
    hits = occurrences(s, [cal.calendar_id], ws, we, user=user, room=room)
    if len(hits) >= INSTANCE_VIEW_MAX:
        raise err(TOO_MANY_INSTANCES, "exceeded the maximum instance number: narrow the time range")
    rows = {}
    items = []
    for h in hits:
        ev = rows.get(h.event_pk) or s.get(CalEvent, h.event_pk)
        rows[h.event_pk] = ev
        occ = Occ(h.original_start, h.start, h.end) if ev.recurrence else None
        items.append(event_json(s, ev, ident, view=view_of(s, ev, cal, role, ident), kind=kind, occ=occ,
                                instance=True))
    return ok({"items": items})


def instances(calendar_id: str, event_id: str):
    s = session()
    kind = id_type(code=PARAM)
    ident, cal, role = _readable(s, calendar_id, ("primary", "shared"))
    ws, we = _window()
    if we - ws > INSTANCES_SPAN:
        raise err(RANGE_TOO_LONG, "requested time exceeds the allowed range: at most 2 years")
    size = page_size(50, 10, 500)
    offset = page_offset(request.args.get("page_token"), "ip")
    ev, _ = find_event(s, cal, event_id)
    master = ev
    if ev.is_exception:
        master = s.scalars(select(CalEvent).where(CalEvent.event_id == ev.recurring_event_id)).first() or ev
    view = view_of(s, master, cal, role, ident)
    if master.recurrence:
        pairs = [(o, row) for o, row in series_instances(s, master, ws, we) if ws < o.start and o.end < we or
                 (o.start < we and o.end > ws)]
    else:
        pairs = [(Occ(master.start_ts, master.start_ts, master.end_ts), master)] \
            if master.start_ts < we and master.end_ts > ws else []
    page = pairs[offset:offset + size]
    more = len(pairs) > offset + size
    items = [event_json(s, row, ident, view=view, kind=kind, occ=o if row.recurrence else None, instance=True)
             for o, row in page]
    return ok({"items": items, "page_token": f"ip:{offset + size}" if more else "", "has_more": more})
