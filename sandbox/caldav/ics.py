"""iCalendar both ways, with `icalendar`: a sandbox series (master row + exception rows) → one
VCALENDAR resource (RRULE, EXDATE for cancelled occurrences, a RECURRENCE-ID component per
overridden one, VTIMEZONE for every zone used); and a client's PUT body → `Incoming`, plain
values the writer applies to the sandbox tables."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, UTC
from zoneinfo import ZoneInfo

import icalendar

from sandbox.calendar_core import MAX_TS
from sandbox.calendar_models import CalEvent
from sandbox.recurrence import RecurrenceError, _split, _until, all_day_bounds, validate, zone

PRODID = "-//Yue//Sandbox CalDAV//EN"
BUSY_SUMMARY = "Busy"


class IcsError(ValueError):
    """A calendar object the sandbox cannot store; the message says what to change."""


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str
    partstat: str          # ACCEPTED | DECLINED | TENTATIVE | NEEDS-ACTION
    organizer: bool = False


# --- sandbox → iCalendar -------------------------------------------------------------------------

def _tz(name: str) -> timezone | ZoneInfo:
    return UTC if name in ("UTC", "Etc/UTC") else zone(name)


def _moment(ts: int, tz_name: str, all_day: bool) -> date | datetime:
    if all_day:
        return datetime.fromtimestamp(ts, UTC).date()
    return datetime.fromtimestamp(ts, _tz(tz_name))


def _rrule(ev: CalEvent) -> icalendar.vRecur:
    """Feishu accepts UNTIL as a date or local time whatever DTSTART is; RFC 5545 wants UTC when
    DTSTART has a zone, and a date for all-day series."""
    parts = _split(ev.recurrence)
    if "UNTIL" in parts:
        until = _until(parts["UNTIL"], zone(ev.start_tz))
        parts["UNTIL"] = until.astimezone(UTC).strftime("%Y%m%d") if ev.start_date \
            else until.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return icalendar.vRecur.from_ical(";".join(f"{k}={v}" for k, v in parts.items()))


_PARTSTAT = {"accept": "ACCEPTED", "decline": "DECLINED", "tentative": "TENTATIVE"}


def partstat(rsvp: str) -> str:
    return _PARTSTAT.get(rsvp, "NEEDS-ACTION")


def _component(ev: CalEvent, uid: str, full: bool, people: list[Attendee], rooms: list[str],
               reminders: list[int] = ()) -> icalendar.Event:
    all_day = bool(ev.start_date)
    c = icalendar.Event()
    c.add("uid", uid)
    c.add("dtstamp", datetime.fromtimestamp(ev.update_time or ev.create_time, UTC))
    c.add("created", datetime.fromtimestamp(ev.create_time, UTC))
    c.add("last-modified", datetime.fromtimestamp(ev.update_time or ev.create_time, UTC))
    c.add("dtstart", _moment(ev.start_ts, ev.start_tz, all_day))
    c.add("dtend", _moment(ev.end_ts, ev.end_tz, all_day))
    c.add("transp", "TRANSPARENT" if ev.free_busy_status == "free" else "OPAQUE")
    c.add("status", {"tentative": "TENTATIVE", "cancelled": "CANCELLED"}.get(ev.status, "CONFIRMED"))
    if ev.visibility in ("private", "public"):
        c.add("class", ev.visibility.upper())
    if not full:     # the reader may see only that the time is taken
        c.add("summary", BUSY_SUMMARY)
        return c
    c.add("summary", ev.summary or "")
    if ev.description:
        c.add("description", ev.description)
    extra = ev.extra or {}
    location = (extra.get("location") or {}).get("name") or ", ".join(rooms)
    if location:
        c.add("location", location)
    if (extra.get("vchat") or {}).get("meeting_url"):
        c.add("url", extra["vchat"]["meeting_url"])
    for p in people:
        params = {"CN": p.name, "PARTSTAT": p.partstat}
        address = f"mailto:{p.email}" if p.email else f"urn:x-yue:{p.name}"
        if p.organizer:
            c.add("organizer", address, parameters={"CN": p.name})
        c.add("attendee", address, parameters=params)
    for minutes in reminders:      # Feishu: minutes before the start (negative: after it)
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", ev.summary or "Reminder")
        alarm.add("trigger", timedelta(minutes=-minutes))
        c.add_component(alarm)
    return c


def render(master: CalEvent, exceptions: list[CalEvent], uid: str, full: bool,
           people: list[Attendee], rooms: list[str], reminders: list[int] = ()) -> bytes:
    """One calendar object resource for a series (or a single event); `reminders` are the
    reader's own (Feishu keeps them per person), as VALARMs."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    main = _component(master, uid, full, people, rooms, reminders)
    all_day = bool(master.start_date)
    if master.recurrence:
        main.add("rrule", _rrule(master))
        cancelled = sorted(e.original_start for e in exceptions
                           if e.status == "cancelled" and e.original_start is not None)
        if cancelled:
            main.add("exdate", [_moment(ts, master.start_tz, all_day) for ts in cancelled])
    cal.add_component(main)
    if master.recurrence:
        for e in sorted(exceptions, key=lambda x: x.original_start or 0):
            if e.status == "cancelled" or e.original_start is None:
                continue
            comp = _component(e, uid, full, people, rooms, reminders)
            comp.add("recurrence-id", _moment(e.original_start, master.start_tz, all_day))
            cal.add_component(comp)
    cal.add_missing_timezones()
    return cal.to_ical()


def timezone_calendar(tz_name: str) -> str:
    """A VCALENDAR holding just the VTIMEZONE of `tz_name` (the calendar-timezone property)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add_component(icalendar.Timezone.from_tzinfo(_tz(tz_name), tz_name))
    return cal.to_ical().decode()


# --- iCalendar → sandbox -------------------------------------------------------------------------

@dataclass
class IncomingEvent:
    """One VEVENT of a PUT, as sandbox column values."""
    start_ts: int
    end_ts: int
    start_date: str | None
    end_date: str | None
    tz: str
    summary: str = ""
    description: str = ""
    location: str = ""
    status: str = "confirmed"
    free_busy_status: str = "busy"
    visibility: str = "default"
    recurrence: str = ""
    recurrence_id: int | None = None
    exdates: list[int] = field(default_factory=list)
    reminders: list[int] = field(default_factory=list)     # minutes before the start


@dataclass
class Incoming:
    uid: str
    master: IncomingEvent
    overrides: list[IncomingEvent]


def _zone_name(value: datetime, person_tz: str) -> tuple[datetime, str]:
    """An aware datetime and the IANA zone to keep: the event's own when it is one, UTC for Z
    times, the person's zone for floating times or a custom VTIMEZONE with the same offset."""
    tz = value.tzinfo
    if tz is None:
        return value.replace(tzinfo=zone(person_tz)), person_tz
    if isinstance(tz, ZoneInfo):
        return value, tz.key
    if value.utcoffset() == timedelta(0):
        return value, "UTC"
    mine = value.astimezone(zone(person_tz))
    return value, person_tz if mine.utcoffset() == value.utcoffset() else "UTC"


def _ts(value: date | datetime, person_tz: str) -> int:
    if not isinstance(value, datetime):
        return all_day_bounds(value.isoformat(), value.isoformat())[0]
    aware, _ = _zone_name(value, person_tz)
    return int(aware.timestamp())


def _dates(prop, person_tz: str) -> list[int]:
    """EXDATE values: one property or several, each a list of dates or date-times."""
    props = prop if isinstance(prop, list) else [prop]
    return [_ts(d.dt, person_tz) for p in props for d in p.dts]


def _text(comp: icalendar.Event, name: str, limit: int) -> str:
    value = str(comp.get(name, "") or "")
    if len(value) > limit:
        raise IcsError(f"{name} is longer than {limit} characters")
    return value


def _reminders(comp: icalendar.Event, start: date | datetime) -> list[int]:
    """VALARM triggers as Feishu reminder minutes (before the start; an absolute trigger is
    measured from the start too). Alarms relative to the end are refused, not dropped."""
    out = []
    for alarm in comp.subcomponents:
        if alarm.name != "VALARM" or "TRIGGER" not in alarm:
            continue
        trigger = alarm["TRIGGER"]
        if isinstance(trigger.dt, timedelta):
            if str(trigger.params.get("RELATED", "START")).upper() == "END":
                raise IcsError("VALARM with TRIGGER;RELATED=END is not supported: set it before the start")
            minutes = int(-trigger.dt.total_seconds() // 60)
        else:
            first = start if isinstance(start, datetime) else datetime.combine(start, datetime.min.time(),
                                                                               UTC)
            minutes = int((first - trigger.dt).total_seconds() // 60)
        if not -20160 <= minutes <= 20160:
            raise IcsError("VALARM must trigger within 14 days of the start")
        out.append(minutes)
    return sorted(set(out))


def _event(comp: icalendar.Event, person_tz: str) -> IncomingEvent:
    try:
        start, end = comp.start, comp.end
    except (icalendar.IncompleteComponent, icalendar.InvalidCalendar) as e:
        raise IcsError(f"VEVENT needs DTSTART (and DTEND or DURATION): {e}") from None
    if isinstance(start, datetime) != isinstance(end, datetime):
        raise IcsError("DTSTART and DTEND must both be dates or both be date-times")
    if "RDATE" in comp:
        raise IcsError("RDATE is not supported: use RRULE and EXDATE")
    if isinstance(start, datetime):
        aware, tz = _zone_name(start, person_tz)
        out = IncomingEvent(start_ts=int(aware.timestamp()), end_ts=_ts(end, person_tz), start_date=None,
                            end_date=None, tz=tz)
    else:
        out = IncomingEvent(start_ts=0, end_ts=0, start_date=start.isoformat(),
                            end_date=max(end, start + timedelta(days=1)).isoformat(), tz="UTC")
        out.start_ts, out.end_ts = all_day_bounds(out.start_date, out.end_date)
    if out.end_ts < out.start_ts:
        raise IcsError("DTEND must not be before DTSTART")
    if not 1 <= out.start_ts <= MAX_TS or not 1 <= out.end_ts <= MAX_TS:
        raise IcsError("DTSTART/DTEND out of range")
    out.summary = _text(comp, "SUMMARY", 1000)
    out.description = _text(comp, "DESCRIPTION", 40960)
    out.location = _text(comp, "LOCATION", 512)
    out.status = {"CANCELLED": "cancelled", "TENTATIVE": "tentative"}.get(str(comp.get("STATUS", "")).upper(),
                                                                          "confirmed")
    out.free_busy_status = "free" if str(comp.get("TRANSP", "")).upper() == "TRANSPARENT" else "busy"
    out.visibility = {"PRIVATE": "private", "CONFIDENTIAL": "private", "PUBLIC": "public"}.get(
        str(comp.get("CLASS", "")).upper(), "default")
    out.reminders = _reminders(comp, start)
    rules = comp.get("RRULE")
    if isinstance(rules, list):
        raise IcsError("only one RRULE per event is supported")
    if rules is not None:
        out.recurrence = rules.to_ical().decode()
        try:
            validate(out.recurrence, out.start_ts, out.tz if not out.start_date else "UTC")
        except RecurrenceError as e:
            raise IcsError(str(e)) from None
    if "EXDATE" in comp:
        out.exdates = _dates(comp["EXDATE"], person_tz)
    if "RECURRENCE-ID" in comp:
        rid = comp["RECURRENCE-ID"]
        if str(rid.params.get("RANGE", "")).upper() == "THISANDFUTURE":
            raise IcsError("RECURRENCE-ID;RANGE=THISANDFUTURE is not supported: split the series instead")
        out.recurrence_id = _ts(rid.dt, person_tz)
    return out


def parse(body: bytes, person_tz: str) -> Incoming:
    """The one event (with its overrides) a calendar object resource must hold (RFC 4791 §4.1)."""
    try:
        cal = icalendar.Calendar.from_ical(body)
    except ValueError as e:
        raise IcsError(f"not a valid iCalendar object: {e}") from None
    if not isinstance(cal, icalendar.Calendar) or cal.name != "VCALENDAR":
        raise IcsError("the body must be one VCALENDAR")
    events = list(cal.walk("VEVENT"))
    if not events:
        raise IcsError("only VEVENT is supported in this calendar (no VTODO or VJOURNAL)")
    uids = {str(e.get("UID", "")) for e in events}
    if len(uids) != 1 or not next(iter(uids)):
        raise IcsError("a calendar object holds exactly one UID, present on every VEVENT")
    try:
        parsed = [_event(e, person_tz) for e in events]
    except (ValueError, TypeError) as e:
        if isinstance(e, IcsError):
            raise
        raise IcsError(f"bad value in VEVENT: {e}") from None
    masters = [p for p in parsed if p.recurrence_id is None]
    if len(masters) != 1:
        raise IcsError("exactly one VEVENT without RECURRENCE-ID is needed")
    overrides = [p for p in parsed if p.recurrence_id is not None]
    if overrides and not masters[0].recurrence:
        raise IcsError("RECURRENCE-ID components need a master VEVENT with RRULE")
    return Incoming(uid=next(iter(uids)), master=masters[0], overrides=overrides)
