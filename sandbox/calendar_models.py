"""Calendar v4 tables of the sandbox (on the shared `sandbox.db.Base`).

An event is stored once, on its organizer calendar. Attendance (`CalAttendee`, keyed by the
series uid) is what makes it show up on an attendee's primary calendar or a room's calendar, as
Feishu does: the same event_id appears in every calendar that holds it.

`CalOccurrence` is the expanded, busy-relevant view of every event (single events, the
instances of recurring series minus their exceptions, exceptions themselves), materialised at
write time up to a horizon so that free/busy is an indexed range query instead of RRULE
expansion per request. Times are Unix seconds (ints) because that is Feishu's wire unit.
"""
from __future__ import annotations

import secrets
import string
import time
import uuid

from sqlalchemy import (JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, select, update, text)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from sandbox.db import Base

DEFAULT_COLOR = -14513409
# Far-future bound used for series with neither COUNT nor UNTIL (Feishu's own timestamp cap).
FOREVER = 16725225600

_B62 = string.ascii_letters + string.digits


def new_calendar_id() -> str:
    return "feishu.cn_" + "".join(secrets.choice(_B62) for _ in range(22)) + "@group.calendar.feishu.cn"


def new_event_uid() -> str:
    return str(uuid.uuid4())


def new_short_id(prefix: str) -> str:
    return prefix + secrets.token_hex(8)


class CalCalendar(Base):
    __tablename__ = "cal_calendars"
    calendar_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    summary: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(String(255), default="")
    permissions: Mapped[str] = mapped_column(String(32), default="show_only_free_busy")
    color: Mapped[int] = mapped_column(Integer, default=DEFAULT_COLOR)
    type: Mapped[str] = mapped_column(String(16), default="shared")    # primary|shared|resource|google|exchange
    owner_kind: Mapped[str] = mapped_column(String(8))                 # user | app | room
    owner_id: Mapped[str] = mapped_column(String(64))                  # open_id | app_id | room_id
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[int] = mapped_column(BigInteger, default=lambda: int(time.time()))
    __table_args__ = (
        Index("ix_cal_calendars_owner", "owner_kind", "owner_id", "type"),
        # One primary (or room) calendar per owner, even when two first requests race to make it.
        Index("ux_cal_calendars_one_primary", "owner_kind", "owner_id", "type", unique=True,
              sqlite_where=text("type IN ('primary', 'resource')"),
              postgresql_where=text("type IN ('primary', 'resource')")),
    )


class CalAcl(Base):
    __tablename__ = "cal_acls"
    acl_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    calendar_id: Mapped[str] = mapped_column(String(128), ForeignKey("cal_calendars.calendar_id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    user_open_id: Mapped[str] = mapped_column(String(64), index=True)
    __table_args__ = (UniqueConstraint("calendar_id", "user_open_id"),)


class CalSubscription(Base):
    """An identity's calendar list entry; also carries that identity's own colour and alias."""
    __tablename__ = "cal_subscriptions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    identity: Mapped[str] = mapped_column(String(96), index=True)      # "user:ou_x" | "app:cli_x"
    calendar_id: Mapped[str] = mapped_column(String(128), ForeignKey("cal_calendars.calendar_id"))
    color: Mapped[int | None] = mapped_column(Integer, nullable=True)
    summary_alias: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    __table_args__ = (UniqueConstraint("identity", "calendar_id"),)


class CalEvent(Base):
    __tablename__ = "cal_events"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(96), unique=True)
    series_uid: Mapped[str] = mapped_column(String(64), index=True)
    calendar_id: Mapped[str] = mapped_column(String(128), ForeignKey("cal_calendars.calendar_id"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    start_ts: Mapped[int] = mapped_column(BigInteger)
    end_ts: Mapped[int] = mapped_column(BigInteger)
    start_date: Mapped[str | None] = mapped_column(String(10), nullable=True)   # all-day events
    end_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    start_tz: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    end_tz: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    visibility: Mapped[str] = mapped_column(String(16), default="default")
    free_busy_status: Mapped[str] = mapped_column(String(8), default="busy")
    attendee_ability: Mapped[str] = mapped_column(String(32), default="none")
    status: Mapped[str] = mapped_column(String(16), default="confirmed")
    color: Mapped[int] = mapped_column(Integer, default=-1)
    recurrence: Mapped[str] = mapped_column(Text, default="")
    is_exception: Mapped[bool] = mapped_column(Boolean, default=False)
    recurring_event_id: Mapped[str] = mapped_column(String(96), default="")
    original_start: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # Upper bound of any occurrence's end (UNTIL/COUNT for series, end_ts otherwise): lets
    # queries skip series that ended before the window without parsing their RRULE.
    series_end: Mapped[int] = mapped_column(BigInteger, default=FOREVER)
    materialized_until: Mapped[int] = mapped_column(BigInteger, default=0)
    idempotency_key: Mapped[str | None] = mapped_column(String(128), nullable=True)
    creator: Mapped[str] = mapped_column(String(96), default="")
    create_time: Mapped[int] = mapped_column(BigInteger, default=lambda: int(time.time()))
    update_time: Mapped[int] = mapped_column(BigInteger, default=lambda: int(time.time()))
    seq: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    extra: Mapped[dict] = mapped_column(JSON, default=dict)   # location, reminders, vchat, schemas, …
    __table_args__ = (UniqueConstraint("calendar_id", "idempotency_key"),
                      Index("ix_cal_events_cal_start", "calendar_id", "start_ts"),
                      # Far-future queries find series whose materialised horizon they pass.
                      Index("ix_cal_events_mat", "materialized_until"))


class CalOccurrence(Base):
    __tablename__ = "cal_occurrences"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_pk: Mapped[int] = mapped_column(Integer, ForeignKey("cal_events.pk", ondelete="CASCADE"), index=True)
    series_uid: Mapped[str] = mapped_column(String(64))
    calendar_id: Mapped[str] = mapped_column(String(128))
    start_ts: Mapped[int] = mapped_column(BigInteger)
    end_ts: Mapped[int] = mapped_column(BigInteger)
    original_start: Mapped[int] = mapped_column(BigInteger, default=0)
    busy: Mapped[bool] = mapped_column(Boolean, default=True)
    # Occurrences longer than LONG_SPAN are few; keeping them apart lets the common query bound
    # start_ts on both sides (start in [window_start - LONG_SPAN, window_end)).
    is_long: Mapped[bool] = mapped_column(Boolean, default=False)
    # The calendar index carries every column a window query reads, so free/busy on a big
    # calendar never touches the table rows.
    __table_args__ = (Index("ix_cal_occ_cal", "calendar_id", "is_long", "start_ts", "end_ts", "busy", "event_pk",
                            "original_start", "series_uid"),
                      Index("ix_cal_occ_series", "series_uid", "is_long", "start_ts"))


LONG_SPAN = 86400


class CalAttendee(Base):
    __tablename__ = "cal_attendees"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attendee_id: Mapped[str] = mapped_column(String(64), unique=True)
    series_uid: Mapped[str] = mapped_column(String(64), index=True)
    type: Mapped[str] = mapped_column(String(16))                 # user|chat|resource|third_party
    user_open_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    chat_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    room_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    third_party_email: Mapped[str | None] = mapped_column(String(256), nullable=True)
    rsvp_status: Mapped[str] = mapped_column(String(16), default="needs_action")
    is_optional: Mapped[bool] = mapped_column(Boolean, default=False)
    is_organizer: Mapped[bool] = mapped_column(Boolean, default=False)
    display_name: Mapped[str] = mapped_column(String(256), default="")
    operate_id: Mapped[str] = mapped_column(String(64), default="")
    approval_reason: Mapped[str] = mapped_column(String(256), default="")
    # Covering: every free/busy query reads "the series this person (room) attends" from the
    # index alone; a person can attend thousands of series.
    __table_args__ = (Index("ix_cal_att_user", "user_open_id", "rsvp_status", "series_uid"),
                      Index("ix_cal_att_room", "room_id", "rsvp_status", "series_uid"))


class CalChatMember(Base):
    __tablename__ = "cal_chat_members"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attendee_pk: Mapped[int] = mapped_column(Integer, ForeignKey("cal_attendees.pk", ondelete="CASCADE"), index=True)
    open_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(256), default="")
    rsvp_status: Mapped[str] = mapped_column(String(16), default="needs_action")
    is_optional: Mapped[bool] = mapped_column(Boolean, default=False)
    is_organizer: Mapped[bool] = mapped_column(Boolean, default=False)


class CalEventPref(Base):
    """Per-identity view of an event (Feishu keeps colour, reminders, and after creation
    visibility/free_busy_status per person)."""
    __tablename__ = "cal_event_prefs"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(96))
    identity: Mapped[str] = mapped_column(String(96))
    prefs: Mapped[dict] = mapped_column(JSON, default=dict)
    __table_args__ = (UniqueConstraint("event_id", "identity"),)


class CalTimeoff(Base):
    __tablename__ = "cal_timeoffs"
    timeoff_event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_open_id: Mapped[str] = mapped_column(String(64))
    app_id: Mapped[str] = mapped_column(String(64), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    start_raw: Mapped[str] = mapped_column(String(32))     # echoed back exactly as sent
    end_raw: Mapped[str] = mapped_column(String(32))
    start_ts: Mapped[int] = mapped_column(BigInteger)
    end_ts: Mapped[int] = mapped_column(BigInteger)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_cal_timeoff_user", "user_open_id", "start_ts"),)


class CalCaldavConf(Base):
    __tablename__ = "cal_caldav_confs"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_open_id: Mapped[str] = mapped_column(String(64), index=True)
    device_name: Mapped[str] = mapped_column(String(128), default="")
    user_name: Mapped[str] = mapped_column(String(128))
    password: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[int] = mapped_column(BigInteger, default=lambda: int(time.time()))


class CalExchangeBinding(Base):
    __tablename__ = "cal_exchange_bindings"
    exchange_binding_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    user_open_id: Mapped[str] = mapped_column(String(64), index=True)
    admin_account: Mapped[str] = mapped_column(String(256))
    exchange_account: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(16), default="doing")   # doing|cal_done|timespan_done|done|err


class CalPushSubscription(Base):
    """Who asked for change events: kind calendar (calendar list), acl or event (per calendar)."""
    __tablename__ = "cal_push_subscriptions"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    identity: Mapped[str] = mapped_column(String(96))
    calendar_id: Mapped[str] = mapped_column(String(128), default="")
    __table_args__ = (UniqueConstraint("kind", "identity", "calendar_id"),)


class CalCounter(Base):
    """A monotonically increasing change counter; sync tokens are positions in it."""
    __tablename__ = "cal_counters"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


def next_seq(s: Session, name: str = "changes") -> int:
    row = s.get(CalCounter, name)
    if row is None:
        try:
            with s.begin_nested():
                row = CalCounter(name=name, value=0)
                s.add(row)
                s.flush()
        except IntegrityError:   # a concurrent first request created the counter
            row = s.get(CalCounter, name)
    s.execute(update(CalCounter).where(CalCounter.name == name).values(value=CalCounter.value + 1))
    s.refresh(row)
    return row.value


def identity_key(kind: str, ident: str) -> str:
    """'user:ou_x' or 'app:cli_x' — one string so subscriptions and prefs need one column."""
    return f"{kind}:{ident}"


def primary_calendar(s: Session, owner: str, kind: str = "user", summary: str = "") -> CalCalendar:
    """Get or create the primary calendar of a user open_id (kind 'user'), the app's own
    calendar (kind 'app', owner = app_id) or a room's calendar (kind 'room', type resource)."""
    ctype = "resource" if kind == "room" else "primary"
    cal = s.scalars(select(CalCalendar).where(CalCalendar.owner_kind == kind, CalCalendar.owner_id == owner,
                                              CalCalendar.type == ctype)).first()
    if cal is not None:
        return cal
    cal = CalCalendar(calendar_id=new_calendar_id(), summary=summary, type=ctype, owner_kind=kind, owner_id=owner,
                      permissions="show_only_free_busy", seq=next_seq(s))
    try:
        with s.begin_nested():
            s.add(cal)
            if kind != "room":
                s.add(CalSubscription(identity=identity_key(kind, owner), calendar_id=cal.calendar_id, seq=cal.seq))
            s.flush()
    except IntegrityError:       # a concurrent first request made it: use that one
        cal = s.scalars(select(CalCalendar).where(CalCalendar.owner_kind == kind, CalCalendar.owner_id == owner,
                                                  CalCalendar.type == ctype)).first()
        if cal is None:
            raise
    return cal
