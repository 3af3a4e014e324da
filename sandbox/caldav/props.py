"""The WebDAV/CalDAV properties of each kind of resource: the service root, the principal
(which is also the calendar home, as in Radicale), a calendar collection, a calendar object."""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from sqlalchemy.orm import Session

from sandbox import store
from sandbox.caldav.auth import DavUser
from sandbox.caldav.collections import DavCalendar, DavObject, ctag, sync_token
from sandbox.caldav.davxml import CALDAV, CS, DAV, ICAL, Elements, Href, empty, q, wrapped
from sandbox.caldav.ics import timezone_calendar
from sandbox.calendar_core import owner_name

ROOT = "/caldav/"
Props = dict[str, Callable[[], object]]


def principal_url(user: DavUser) -> str:
    return f"{ROOT}{quote(user.user_name)}/"


def calendar_url(user: DavUser, calendar_id: str) -> str:
    return f"{principal_url(user)}{quote(calendar_id, safe='@._-')}/"


def object_url(user: DavUser, calendar_id: str, href: str) -> str:
    return calendar_url(user, calendar_id) + quote(href, safe="@._-~")


def _privileges(write: bool) -> Elements:
    names = ["read", "read-current-user-privilege-set"]
    if write:
        names += ["write", "write-content", "bind", "unbind"]
    return Elements(tuple(wrapped((DAV, "privilege"), (DAV, n)) for n in names))


def _reports(calendar: bool) -> Elements:
    names = [(CALDAV, "calendar-query"), (CALDAV, "calendar-multiget"), (DAV, "sync-collection")] if calendar else []
    return Elements(tuple(_report(ns, n) for ns, n in names))


def _report(ns: str, name: str):
    outer = empty(DAV, "supported-report")
    report = empty(DAV, "report")
    report.append(empty(ns, name))
    outer.append(report)
    return outer


def _common(user: DavUser) -> Props:
    return {q(DAV, "current-user-principal"): lambda: Href(principal_url(user)),
            q(DAV, "principal-collection-set"): lambda: Href(ROOT)}


def root(user: DavUser) -> Props:
    return {**_common(user),
            q(DAV, "resourcetype"): lambda: Elements((empty(DAV, "collection"),)),
            q(DAV, "displayname"): lambda: "Yue sandbox CalDAV"}


def principal(s: Session, user: DavUser) -> Props:
    person = s.get(store.User, user.open_id)
    return {**_common(user),
            q(DAV, "resourcetype"): lambda: Elements((empty(DAV, "collection"), empty(DAV, "principal"))),
            q(DAV, "displayname"): lambda: person.name if person else user.user_name,
            q(DAV, "principal-URL"): lambda: Href(principal_url(user)),
            q(DAV, "owner"): lambda: Href(principal_url(user)),
            q(CALDAV, "calendar-home-set"): lambda: Href(principal_url(user)),
            q(CALDAV, "calendar-user-address-set"): lambda: Href(f"mailto:{person.email}" if person and person.email
                                                                 else principal_url(user)),
            q(DAV, "current-user-privilege-set"): lambda: _privileges(False),
            q(DAV, "supported-report-set"): lambda: _reports(False)}


def _color(value: int) -> str:
    return "#%06X" % (value & 0xFFFFFF)


def calendar(s: Session, user: DavUser, dcal: DavCalendar, shown: Callable[[], dict[str, str]]) -> Props:
    cal = dcal.cal
    name = cal.summary or owner_name(s, cal)
    return {**_common(user),
            q(DAV, "resourcetype"): lambda: Elements((empty(DAV, "collection"), empty(CALDAV, "calendar"))),
            q(DAV, "displayname"): lambda: name,
            q(DAV, "owner"): lambda: Href(principal_url(user)) if cal.owner_id == user.open_id else None,
            q(CALDAV, "calendar-description"): lambda: cal.description or name,
            q(CALDAV, "supported-calendar-component-set"): lambda: Elements((empty(CALDAV, "comp", name="VEVENT"),)),
            q(CALDAV, "calendar-timezone"): lambda: timezone_calendar(user.time_zone),
            q(CS, "getctag"): lambda: ctag(cal.calendar_id, shown()),
            q(DAV, "sync-token"): lambda: sync_token(s, cal.calendar_id, shown()),
            q(DAV, "current-user-privilege-set"): lambda: _privileges(dcal.writable),
            q(DAV, "supported-report-set"): lambda: _reports(True),
            q(ICAL, "calendar-color"): lambda: _color(cal.color)}


def calendar_object(obj: DavObject) -> Props:
    return {q(DAV, "getetag"): lambda: obj.etag,
            q(DAV, "getcontenttype"): lambda: "text/calendar; charset=utf-8; component=vevent",
            q(DAV, "getcontentlength"): lambda: len(obj.body),
            q(DAV, "resourcetype"): lambda: Elements(()),
            q(DAV, "current-user-privilege-set"): lambda: _privileges(obj.writable),
            q(CALDAV, "calendar-data"): lambda: obj.body.decode("utf-8")}


def answer(props: Props, names: list[str] | None, *, allprop: bool = False,
           propname: bool = False) -> tuple[dict[str, object], list[str]]:
    """(found, missing) for a prop request; `allprop` gives every property this resource has."""
    if propname:
        return {n: None for n in props}, []
    # allprop leaves out what is expensive or large, as RFC 4791 §4.2 lets servers do.
    wanted = [n for n in props if n != q(CALDAV, "calendar-data")] if allprop or names is None else names
    found, missing = {}, []
    for n in wanted:
        value = props[n]() if n in props else None
        if value is None:
            missing.append(n)
        else:
            found[n] = value
    return found, missing
