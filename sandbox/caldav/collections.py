"""What a CalDAV user sees: their calendars (their primary and every calendar they can read),
the calendar object resources in each (one per series, named `<href>`), ETags, the ctag and
sync-collection snapshots. Read-only; writes are in writes.py."""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass

from sqlalchemy import delete, false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sandbox import store
from sandbox.api.common import Identity
from sandbox.caldav.auth import DavUser
from sandbox.caldav.ics import Attendee, partstat, render
from sandbox.caldav.models import CalDavObject, CalDavSnapshot
from sandbox.calendar_core import RANK, role_of, user_primary
from sandbox.calendar_events_core import GONE, attending_series, organizer_calendar, prefs, view_of
from sandbox.calendar_models import CalAcl, CalAttendee, CalCalendar, CalEvent, CalSubscription, identity_key


@dataclass(frozen=True)
class DavCalendar:
    cal: CalCalendar
    role: str

    @property
    def writable(self) -> bool:
        return RANK[self.role] >= RANK["writer"] and self.cal.type in ("primary", "shared")


@dataclass(frozen=True)
class DavObject:
    href: str                 # resource name inside the collection
    master: CalEvent
    ical_uid: str
    body: bytes
    writable: bool = False    # the reader is on the organizer side (attendees only read)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


def ident(user: DavUser) -> Identity:
    return Identity("user", "", user.open_id)


def calendars(s: Session, user: DavUser) -> list[DavCalendar]:
    """The person's primary first, then the calendars they subscribed to or were shared, when
    their role lets them read events (free/busy-only calendars have nothing to sync)."""
    me = ident(user)
    primary = user_primary(s, user.open_id)
    ids = [primary.calendar_id]
    ids += s.scalars(select(CalSubscription.calendar_id).where(
        CalSubscription.identity == identity_key("user", user.open_id), CalSubscription.active.is_(True)))
    ids += s.scalars(select(CalAcl.calendar_id).where(CalAcl.user_open_id == user.open_id))
    out = []
    for cid in dict.fromkeys(ids):
        cal = s.get(CalCalendar, cid)
        if cal is None or cal.is_deleted:
            continue
        role = role_of(s, cal, me)
        if role is not None and RANK[role] >= RANK["reader"]:
            out.append(DavCalendar(cal, role))
    return out


def calendar_for(s: Session, user: DavUser, calendar_id: str) -> DavCalendar | None:
    return next((c for c in calendars(s, user) if c.cal.calendar_id == calendar_id), None)


def _masters(s: Session, cal: CalCalendar, series: set[str] | None = None) -> list[CalEvent]:
    e = CalEvent
    attended = attending_series(s, cal)
    q = select(e).where(e.is_exception.is_(False), e.is_deleted.is_(False), e.status != "cancelled",
                        or_(e.calendar_id == cal.calendar_id, e.series_uid.in_(attended) if attended else false()))
    if series is not None:
        q = q.where(e.series_uid.in_(series))
    return list(s.scalars(q.order_by(e.start_ts, e.pk)))


def _names(s: Session, cal: CalCalendar, uids: list[str]) -> dict[str, CalDavObject]:
    if not uids:
        return {}
    rows = s.scalars(select(CalDavObject).where(CalDavObject.calendar_id == cal.calendar_id,
                                                CalDavObject.series_uid.in_(uids)))
    return {r.series_uid: r for r in rows}


def _people(s: Session, uid: str, organizer: str | None) -> tuple[list[Attendee], list[str]]:
    people, rooms = [], []
    for a in s.scalars(select(CalAttendee).where(CalAttendee.series_uid == uid,
                                                 CalAttendee.rsvp_status.notin_(GONE)).order_by(CalAttendee.pk)):
        if a.type == "resource":
            rooms.append(a.display_name or a.room_id or "")
        elif a.type == "user" and a.user_open_id:
            u = s.get(store.User, a.user_open_id)
            people.append(Attendee(name=a.display_name or (u.name if u else a.user_open_id),
                                   email=u.email if u else "", partstat=partstat(a.rsvp_status),
                                   organizer=a.user_open_id == organizer))
        elif a.type == "third_party" and a.third_party_email:
            people.append(Attendee(a.display_name or a.third_party_email, a.third_party_email,
                                   partstat(a.rsvp_status)))
    return people, rooms


def objects(s: Session, user: DavUser, dcal: DavCalendar, series: set[str] | None = None) -> list[DavObject]:
    masters = _masters(s, dcal.cal, series)
    names = _names(s, dcal.cal, [m.series_uid for m in masters])
    uids = [m.series_uid for m in masters]
    exceptions: dict[str, list[CalEvent]] = {u: [] for u in uids}
    if uids:
        for e in s.scalars(select(CalEvent).where(CalEvent.series_uid.in_(uids), CalEvent.is_exception.is_(True),
                                                  CalEvent.is_deleted.is_(False))):
            exceptions[e.series_uid].append(e)
    me = ident(user)
    out = []
    for m in masters:
        full = view_of(s, m, dcal.cal, dcal.role, me) == "full"
        org = s.get(CalCalendar, m.calendar_id)
        organizer = org.owner_id if org is not None and org.owner_kind == "user" else None
        people, rooms = _people(s, m.series_uid, organizer) if full else ([], [])
        name = names.get(m.series_uid)
        mine = prefs(s, m.event_id, me).get("reminders", (m.extra or {}).get("reminders", [])) if full else []
        role = role_of(s, organizer_calendar(s, m), me)
        uid = name.ical_uid if name else m.series_uid
        out.append(DavObject(href=name.href if name else f"{m.series_uid}.ics", master=m, ical_uid=uid,
                             body=render(m, exceptions[m.series_uid], uid, full, people, rooms,
                                         [r["minutes"] for r in mine if isinstance(r.get("minutes"), int)]),
                             writable=dcal.writable and role is not None and RANK[role] >= RANK["writer"]))
    return out


def series_for_href(s: Session, cal: CalCalendar, href: str) -> str | None:
    row = s.scalars(select(CalDavObject).where(CalDavObject.calendar_id == cal.calendar_id,
                                               CalDavObject.href == href)).first()
    if row is not None:
        return row.series_uid
    return href[:-4] if href.endswith(".ics") else None


def find(s: Session, user: DavUser, dcal: DavCalendar, href: str) -> DavObject | None:
    uid = series_for_href(s, dcal.cal, href)
    if uid is None:
        return None
    return next((o for o in objects(s, user, dcal, {uid}) if o.href == href), None)


def listing(objs: list[DavObject]) -> dict[str, str]:
    return {o.href: o.etag for o in objs}


def ctag(calendar_id: str, shown: dict[str, str]) -> str:
    """Changes whenever any resource's ETag, or the set of resources, changes."""
    raw = json.dumps([calendar_id, sorted(shown.items())]).encode()
    return hashlib.sha256(raw).hexdigest()[:32]


SYNC_PREFIX = "http://yue.sandbox/sync/"
SNAPSHOT_TTL = 30 * 86400     # an older token gets 403 valid-sync-token: the client lists everything again


def sync_token(s: Session, calendar_id: str, shown: dict[str, str]) -> str:
    """A token naming this exact listing; the listing is kept so a later sync can diff against it."""
    tag = ctag(calendar_id, shown)
    if s.get(CalDavSnapshot, tag) is None:
        s.execute(delete(CalDavSnapshot).where(CalDavSnapshot.calendar_id == calendar_id,
                                               CalDavSnapshot.created_at < int(time.time()) - SNAPSHOT_TTL))
        try:
            with s.begin_nested():
                s.add(CalDavSnapshot(token=tag, calendar_id=calendar_id, listing=shown))
        except IntegrityError:     # a concurrent request stored the same listing
            pass
    return SYNC_PREFIX + tag


def snapshot(s: Session, calendar_id: str, token: str) -> dict[str, str] | None:
    if not token.startswith(SYNC_PREFIX):
        return None
    row = s.get(CalDavSnapshot, token[len(SYNC_PREFIX):])
    return dict(row.listing) if row is not None and row.calendar_id == calendar_id else None
