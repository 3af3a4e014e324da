"""The CalDAV endpoint (RFC 4791 over RFC 4918, plus RFC 6578 sync-collection and RFC 6764
discovery) at `/caldav/`, the address generate_caldav_conf hands out.

Paths: `/caldav/` (service root) → `/caldav/<login>/` (principal and calendar home) →
`/caldav/<login>/<calendar_id>/` (a calendar) → `…/<name>.ics` (one event series)."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, UTC
from urllib.parse import unquote, urlsplit

from flask import Blueprint, Response, g, redirect, request

from sandbox.api.common import session
from sandbox.caldav import auth, collections as cols, props, writes
from sandbox.caldav.davxml import CALDAV, DAV, BadXml, Multistatus, error, hrefs, parse, prop_request, q
from sandbox.caldav.ics import IcsError, parse as parse_ics
from sandbox.calendar_core import MAX_TS
from sandbox.calendar_query import occurrences
from sandbox.calendar_events_core import calendar_attendee_key

bp = Blueprint("caldav_server", __name__)
METHODS = ["OPTIONS", "PROPFIND", "PROPPATCH", "REPORT", "GET", "HEAD", "PUT", "DELETE", "MKCALENDAR", "MKCOL",
           "MOVE", "COPY", "POST"]
XML = "application/xml; charset=utf-8"


@dataclass(frozen=True)
class Target:
    kind: str                             # root | principal | calendar | object
    dcal: cols.DavCalendar | None = None
    href: str = ""


def _text(status: int, message: str, headers: dict | None = None) -> Response:
    return Response(message + "\n", status, headers or {}, content_type="text/plain; charset=utf-8")


def _precondition(status: int, ns: str, name: str) -> Response:
    return Response(error(ns, name), status, content_type=XML)


def _multistatus(ms: Multistatus) -> Response:
    return Response(ms.to_bytes(), 207, content_type=XML)


@bp.route("/.well-known/caldav", methods=METHODS)
def well_known():
    return redirect(props.ROOT, 301)


@bp.route("/caldav", methods=METHODS, defaults={"path": ""})
@bp.route("/caldav/", methods=METHODS, defaults={"path": ""})
@bp.route("/caldav/<path:path>", methods=METHODS)
def dav(path: str):
    if request.method == "OPTIONS":
        return Response("", 200, {"DAV": "1, 3, calendar-access", "Allow": ", ".join(METHODS[:8])})
    s = session()
    user = auth.check(s, request.headers.get("Authorization"))
    if user is None:
        return _text(401, "CalDAV needs the user name and password Yue sent you.",
                     {"WWW-Authenticate": f'Basic realm="{auth.REALM}", charset="UTF-8"'})
    if request.method in ("MKCALENDAR", "MKCOL"):
        return _text(403, "Calendars are created in Feishu; this server serves the ones you have.")
    parts = [p for p in path.split("/") if p]
    if parts and parts[0] != user.user_name:
        return _text(403, "This path belongs to another account.")
    target = _target(s, user, parts)
    if isinstance(target, Response):
        return target
    handler = HANDLERS.get(request.method)
    if handler is None:
        return _text(403, f"{request.method} is not allowed here: calendars are managed in Feishu.")
    try:
        resp = handler(s, user, target)
    except BadXml as e:
        resp = _text(400, f"request body is not well-formed XML: {e}")
    if resp.status_code >= 400:
        g.sb_failed = True        # nothing of a refused request is kept
    return resp


def _target(s, user: auth.DavUser, parts: list[str]) -> Target | Response:
    if not parts:
        return Target("root")
    if len(parts) == 1:
        return Target("principal")
    if len(parts) > 3:
        return _text(404, "No such resource.")
    dcal = cols.calendar_for(s, user, parts[1])
    if dcal is None:
        return _text(404, "No such calendar (or you may not read it).")
    return Target("calendar", dcal) if len(parts) == 2 else Target("object", dcal, parts[2])


def _depth() -> int:
    return 0 if request.headers.get("Depth", "infinity").strip() == "0" else 1


def propfind(s, user, target: Target) -> Response:
    want = prop_request(parse(request.get_data()))
    ms = Multistatus()

    def add(url: str, available: props.Props) -> None:
        found, missing = props.answer(available, want.names, allprop=want.allprop, propname=want.propname)
        ms.resource(url, found, missing)

    if target.kind == "root":
        add(props.ROOT, props.root(user))
        if _depth():
            add(props.principal_url(user), props.principal(s, user))
    elif target.kind == "principal":
        add(props.principal_url(user), props.principal(s, user))
        if _depth():
            for dcal in cols.calendars(s, user):
                add(props.calendar_url(user, dcal.cal.calendar_id), _calendar_props(s, user, dcal))
    elif target.kind == "calendar":
        objs = _lazy_objects(s, user, target.dcal)
        add(props.calendar_url(user, target.dcal.cal.calendar_id), _calendar_props(s, user, target.dcal, objs))
        if _depth():
            for o in objs():
                add(props.object_url(user, target.dcal.cal.calendar_id, o.href), props.calendar_object(o))
    else:
        obj = cols.find(s, user, target.dcal, target.href)
        if obj is None:
            return _text(404, "No such event.")
        add(props.object_url(user, target.dcal.cal.calendar_id, obj.href), props.calendar_object(obj))
    return _multistatus(ms)


def _lazy_objects(s, user, dcal):
    return functools.cache(lambda: cols.objects(s, user, dcal))


def _calendar_props(s, user, dcal, objs=None) -> props.Props:
    objs = objs or _lazy_objects(s, user, dcal)
    return props.calendar(s, user, dcal, functools.cache(lambda: cols.listing(objs())))


def proppatch(s, user, target: Target) -> Response:
    """Every property here is computed from Feishu's data, so none can be set: 403 for each
    (RFC 4918 §9.2), never a pretended success."""
    root = parse(request.get_data())
    names = [p.tag for op in (root if root is not None else []) for prop in op.findall(q(DAV, "prop")) for p in prop]
    ms = Multistatus()
    ms.resource(request.path, {}, forbidden=names)
    return _multistatus(ms)


# --- REPORT ----------------------------------------------------------------------------------

def report(s, user, target: Target) -> Response:
    root = parse(request.get_data())
    if root is None:
        return _text(400, "REPORT needs a body.")
    if target.kind != "calendar" and not (target.kind == "object" and root.tag == q(CALDAV, "calendar-multiget")):
        return _precondition(403, DAV, "supported-report")
    dcal = target.dcal
    want = prop_request(root)
    ms = Multistatus()

    def add(o: cols.DavObject) -> None:
        found, missing = props.answer(props.calendar_object(o), want.names, allprop=want.allprop,
                                      propname=want.propname)
        ms.resource(props.object_url(user, dcal.cal.calendar_id, o.href), found, missing)

    if root.tag == q(CALDAV, "calendar-multiget"):
        for h in hrefs(root):
            name = unquote(urlsplit(h).path.rstrip("/").rsplit("/", 1)[-1])
            obj = cols.find(s, user, dcal, name)
            if obj is None:
                ms.status(h, "404 Not Found")
            else:
                add(obj)
    elif root.tag == q(CALDAV, "calendar-query"):
        for o in _query(s, user, dcal, root):
            add(o)
    elif root.tag == q(DAV, "sync-collection"):
        token_el = root.find(q(DAV, "sync-token"))
        token = (token_el.text or "").strip() if token_el is not None else ""
        objs = cols.objects(s, user, dcal)
        now = cols.listing(objs)
        old = cols.snapshot(s, dcal.cal.calendar_id, token) if token else {}
        if old is None:
            return _precondition(403, DAV, "valid-sync-token")
        for o in objs:
            if old.get(o.href) != o.etag:
                add(o)
        for href in old:
            if href not in now:
                ms.status(props.object_url(user, dcal.cal.calendar_id, href), "404 Not Found")
        ms.sync_token(cols.sync_token(s, dcal.cal.calendar_id, now))
    else:
        return _precondition(403, DAV, "supported-report")
    return _multistatus(ms)


def _utc(value: str | None, default: int) -> int:
    if not value:
        return default
    try:
        return int(datetime.strptime(value.strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp())
    except ValueError:
        raise BadXml(f"time-range value {value!r} is not a UTC date-time like 20261207T000000Z") from None


def _query(s, user, dcal, root) -> list[cols.DavObject]:
    """calendar-query: VEVENT comp-filter with an optional time-range (recurrences expanded for the
    check, through the same occurrence table free/busy reads) and UID/SUMMARY text-match filters."""
    vcal = root.find(f"{q(CALDAV, 'filter')}/{q(CALDAV, 'comp-filter')}")
    inner = vcal.findall(q(CALDAV, "comp-filter")) if vcal is not None else []
    if vcal is not None and vcal.get("name", "").upper() != "VCALENDAR":
        return []
    if any(c.get("name", "").upper() != "VEVENT" for c in inner):
        return []            # VTODO/VJOURNAL: this calendar holds only events
    series = None
    checks = []
    for comp in inner:
        tr = comp.find(q(CALDAV, "time-range"))
        if tr is not None:
            ws, we = _utc(tr.get("start"), 0), _utc(tr.get("end"), MAX_TS)
            user_key, room = calendar_attendee_key(dcal.cal)
            hits = occurrences(s, [dcal.cal.calendar_id], ws, we, user=user_key, room=room, include_declined=True)
            series = {h.series_uid for h in hits}
        checks += comp.findall(q(CALDAV, "prop-filter"))
    objs = cols.objects(s, user, dcal, series)
    return [o for o in objs if all(_prop_matches(o, pf) for pf in checks)]


def _prop_matches(o: cols.DavObject, pf) -> bool:
    name = pf.get("name", "").upper()
    value = {"UID": o.ical_uid, "SUMMARY": o.master.summary, "DESCRIPTION": o.master.description}.get(name)
    if value is None:
        return True          # a property we do not filter on: the client filters what it gets
    if pf.find(q(CALDAV, "is-not-defined")) is not None:
        return not value
    tm = pf.find(q(CALDAV, "text-match"))
    if tm is None:
        return bool(value)
    hit = (tm.text or "").casefold() in value.casefold()
    return hit != (tm.get("negate-condition", "no") == "yes")


# --- objects -----------------------------------------------------------------------------------

def _existing(s, user, target: Target, not_object: Response) -> cols.DavObject | Response:
    """The event the path names, or the answer to give: `not_object` for a collection, 404."""
    if target.kind != "object":
        return not_object
    obj = cols.find(s, user, target.dcal, target.href)
    return obj if obj is not None else _text(404, "No such event.")


def get(s, user, target: Target) -> Response:
    obj = _existing(s, user, target, _text(405, "GET works on events (…/<name>.ics); use PROPFIND or REPORT "
                                                "on collections."))
    if isinstance(obj, Response):
        return obj
    if obj.etag in _tags(request.headers.get("If-None-Match")):
        return Response("", 304, {"ETag": obj.etag})
    return Response(obj.body, 200, {"ETag": obj.etag}, content_type="text/calendar; charset=utf-8")


def _tags(header: str | None) -> list[str]:
    return [t.strip().removeprefix("W/") for t in (header or "").split(",") if t.strip()]


def _preconditions(existing: cols.DavObject | None) -> Response | None:
    """If-Match (update only what I saw) and If-None-Match: * (create, never overwrite)."""
    if_match, if_none = _tags(request.headers.get("If-Match")), _tags(request.headers.get("If-None-Match"))
    if if_match and (existing is None or ("*" not in if_match and existing.etag not in if_match)):
        return _text(412, "The event changed since you read it (If-Match failed): sync and try again.")
    if if_none and existing is not None and ("*" in if_none or existing.etag in if_none):
        return _text(412, "An event already exists at this address (If-None-Match failed).")
    return None


def put(s, user, target: Target) -> Response:
    if target.kind != "object":
        return _text(405, "PUT creates or replaces an event: …/<calendar>/<name>.ics")
    dcal = target.dcal
    if not dcal.writable:
        return _precondition(403, DAV, "need-privileges")
    ctype = request.headers.get("Content-Type", "text/calendar")
    if not ctype.lower().startswith("text/calendar"):
        return _precondition(415, CALDAV, "supported-calendar-data")
    existing = cols.find(s, user, dcal, target.href)
    refused = _preconditions(existing)
    if refused is not None:
        return refused
    try:
        incoming = parse_ics(request.get_data(), user.time_zone)
    except IcsError as e:
        return _text(400, f"Cannot store this event: {e}")
    if existing is not None:
        if not existing.writable:
            return _precondition(403, DAV, "need-privileges")
        if incoming.uid != existing.ical_uid:
            return _precondition(409, CALDAV, "no-uid-conflict")
    elif any(o.ical_uid == incoming.uid for o in cols.objects(s, user, dcal)):
        return _precondition(409, CALDAV, "no-uid-conflict")
    try:
        if existing is None:
            writes.create(s, user, dcal.cal, target.href, incoming)
        else:
            writes.update(s, existing.master, incoming)
    except IcsError as e:
        return _text(400, f"Cannot store this event: {e}")
    # No ETag: what is stored is the sandbox's rendering, not these bytes (RFC 7231 §4.3.4), so
    # the client must fetch it again rather than believe its own copy is current.
    return Response("", 201 if existing is None else 204)


def delete(s, user, target: Target) -> Response:
    existing = _existing(s, user, target, _text(403, "Calendars are managed in Feishu; delete events one by one."))
    if isinstance(existing, Response):
        return existing
    refused = _preconditions(existing)
    if refused is not None:
        return refused
    if not existing.writable:
        return _precondition(403, DAV, "need-privileges")
    writes.remove(s, existing.master)
    return Response("", 204)


HANDLERS = {"PROPFIND": propfind, "PROPPATCH": proppatch, "REPORT": report, "GET": get, "HEAD": get,
            "PUT": put, "DELETE": delete}
