"""Plain dataclasses `bot.feishu` returns (never SDK objects), and the converters
from lark-oapi models / wire values to them. Every datetime here is aware."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.config import zone

UTC = dt.UTC


@dataclass(frozen=True)
class Person:
    open_id: str
    name: str
    en_name: str = ""
    email: str = ""
    tz: str | None = None          # IANA zone from contact `time_zone`; None when Feishu has none
    lang: str | None = None        # primary language subtag: "zh", "en", "ja"…; None when unknown


@dataclass(frozen=True)
class Room:
    room_id: str
    name: str
    capacity: int = 0
    building: str = ""
    floor: str = ""
    description: str = ""


@dataclass(frozen=True)
class ChatMember:
    open_id: str
    name: str


@dataclass(frozen=True)
class Attendee:
    type: str                       # user | chat | resource | third_party
    attendee_id: str = ""
    open_id: str | None = None      # type user
    chat_id: str | None = None      # type chat
    room_id: str | None = None      # type resource
    email: str | None = None        # type third_party
    rsvp_status: str = ""           # needs_action | accept | tentative | decline | removed
    is_organizer: bool = False
    is_optional: bool = False
    display_name: str = ""


@dataclass(frozen=True)
class Event:
    event_id: str
    summary: str
    start: dt.datetime
    end: dt.datetime
    tz: str = "UTC"
    all_day: bool = False           # start/end are midnights (end exclusive as Feishu sends it)
    calendar_id: str = ""           # the organizer calendar
    description: str = ""
    location: str = ""
    recurrence: str = ""            # RRULE body, "" for single events and occurrences
    recurring_event_id: str = ""
    is_exception: bool = False
    status: str = ""                # tentative | confirmed | cancelled
    app_link: str = ""
    organizer_name: str = ""
    organizer_id: str = ""          # the organizer's open_id (user_id_type=open_id), "" when unknown
    visibility: str = ""
    free_busy_status: str = ""
    attendees: list[Attendee] = field(default_factory=list)   # rooms only for instance_view
    reminders: tuple[int, ...] = ()     # minutes before, as the reading identity set them


@dataclass(frozen=True)
class TokenGrant:
    """Tokens Feishu just granted (code exchange or refresh), before the store
    keeps them as a `bot.store.UserToken`."""
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: dt.datetime
    refresh_expires_at: dt.datetime | None
    open_id: str
    scope: str = ""


@dataclass(frozen=True)
class CaldavConf:
    server: str
    username: str
    password: str = field(repr=False)
    device_name: str = ""


@dataclass(frozen=True)
class Acl:
    acl_id: str
    role: str
    open_id: str


Interval = tuple[dt.datetime, dt.datetime]


# --- converters -------------------------------------------------------------------------------

def require_aware(*values: dt.datetime) -> None:
    """A naive datetime here is a bug in the caller: refuse it rather than guess a zone."""
    for v in values:
        if not isinstance(v, dt.datetime) or v.tzinfo is None or v.utcoffset() is None:
            raise ValueError(f"an aware datetime is required, got {v!r}")


def unix_s(value: dt.datetime) -> str:
    require_aware(value)
    return str(int(value.timestamp()))


def rfc3339(value: dt.datetime) -> str:
    require_aware(value)
    return value.isoformat(timespec="seconds")


def parse_rfc3339(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def time_info(ti: Any, default_tz: str = "Asia/Shanghai") -> tuple[dt.datetime, str, bool]:
    """TimeInfo → (aware datetime, zone name, all_day). Timestamps are Unix-second
    strings (the SDK does not coerce, so an int is accepted too); all-day values are
    a `date` at midnight in the event's zone (Feishu fixes it to UTC)."""
    tz_name = (getattr(ti, "timezone", None) or default_tz) if ti is not None else default_tz
    tz = zone(tz_name)
    if ti is None:
        return dt.datetime.fromtimestamp(0, tz), tz_name, False
    ts = getattr(ti, "timestamp", None)
    if ts not in (None, ""):
        return dt.datetime.fromtimestamp(int(ts), tz), tz_name, False
    date = getattr(ti, "date", None)
    if date:
        d = dt.date.fromisoformat(str(date))
        return dt.datetime(d.year, d.month, d.day, tzinfo=tz), tz_name, True
    return dt.datetime.fromtimestamp(0, tz), tz_name, False


def attendee_from(a: Any) -> Attendee:
    return Attendee(
        type=a.type or "",
        attendee_id=a.attendee_id or "",
        open_id=a.user_id or None,
        chat_id=a.chat_id or None,
        room_id=a.room_id or None,
        email=a.third_party_email or None,
        rsvp_status=a.rsvp_status or "",
        is_organizer=bool(a.is_organizer),
        is_optional=bool(a.is_optional),
        display_name=a.display_name or "",
    )


def event_from(e: Any, calendar_id: str = "") -> Event:
    """CalendarEvent or Instance (SDK) → Event."""
    start, tz, all_day = time_info(e.start_time)
    end, _, _ = time_info(e.end_time)
    loc = getattr(e, "location", None)
    org = getattr(e, "event_organizer", None)
    return Event(
        event_id=e.event_id or "",
        summary=e.summary or "",
        start=start,
        end=end,
        tz=tz,
        all_day=all_day,
        calendar_id=getattr(e, "organizer_calendar_id", None) or calendar_id,
        description=e.description or "",
        location=(loc.name or loc.address or "") if loc is not None else "",
        recurrence=getattr(e, "recurrence", None) or "",
        recurring_event_id=getattr(e, "recurring_event_id", None) or "",
        is_exception=bool(getattr(e, "is_exception", False)),
        status=e.status or "",
        app_link=getattr(e, "app_link", None) or "",
        organizer_name=(org.display_name or "") if org is not None else "",
        organizer_id=(getattr(org, "user_id", None) or "") if org is not None else "",
        visibility=getattr(e, "visibility", None) or "",
        free_busy_status=getattr(e, "free_busy_status", None) or "",
        attendees=[attendee_from(a) for a in (getattr(e, "attendees", None) or [])],
        reminders=tuple(r.minutes for r in (getattr(e, "reminders", None) or []) if r.minutes is not None),
    )


def lang_of(raw_user: dict) -> str | None:
    """The person's language from the raw contact JSON. lark-oapi's `User` model has
    no language field (it drops unknown keys), so this reads the body itself:
    `language`/`locale` when the tenant exposes it, else the notification language."""
    value = raw_user.get("language") or raw_user.get("locale") or raw_user.get("preferred_language")
    if not value:
        value = (raw_user.get("notification_option") or {}).get("language")
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().replace("_", "-").split("-")[0].lower()


def person_from(u: Any, raw_user: dict | None = None) -> Person:
    raw_user = raw_user or {}
    tz = u.time_zone or raw_user.get("time_zone") or None
    return Person(
        open_id=u.open_id or raw_user.get("open_id", ""),
        name=u.name or "",
        en_name=u.en_name or "",
        email=u.email or u.enterprise_email or "",
        tz=tz,
        lang=lang_of(raw_user),
    )


def chunks(start: dt.datetime, end: dt.datetime, span: dt.timedelta) -> list[Interval]:
    """Split [start, end) into consecutive windows no longer than `span` (Feishu caps
    free/busy at 90 days and instance_view under 40)."""
    require_aware(start, end)
    out: list[Interval] = []
    cur = start
    while cur < end:
        nxt = min(end, cur + span)
        out.append((cur, nxt))
        cur = nxt
    return out
