"""Shared builders for the calendar contract tests (no tests here): every call goes through
lark-oapi's typed request builders, as the bot's does."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import lark_oapi as lark
from lark_oapi.api.calendar.v4 import (CalendarEvent, CalendarEventAttendee, CreateCalendarEventAttendeeRequest,
                                       CreateCalendarEventAttendeeRequestBody, CreateCalendarEventRequest,
                                       PrimaryCalendarRequest, TimeInfo)

from tests.sandbox.conftest import user_option


def ts(year: int, month: int, day: int, hh: int = 0, mm: int = 0, tz: str = "Asia/Shanghai") -> int:
    return int(dt.datetime(year, month, day, hh, mm, tzinfo=ZoneInfo(tz)).timestamp())


def tinfo(t: int, tz: str = "Asia/Shanghai") -> TimeInfo:
    return TimeInfo.builder().timestamp(str(t)).timezone(tz).build()


def primary_id(client: lark.Client, option: lark.RequestOption | None = None) -> str:
    resp = client.calendar.v4.calendar.primary(PrimaryCalendarRequest.builder().build(), option) if option \
        else client.calendar.v4.calendar.primary(PrimaryCalendarRequest.builder().build())
    assert resp.success(), resp.msg
    return resp.data.calendars[0].calendar.calendar_id


def make_event(client: lark.Client, cid: str, start: int, end: int, summary: str = "Sync", *, tz: str = "Asia/Shanghai",
               recurrence: str | None = None, visibility: str | None = None, key: str | None = None,
               option: lark.RequestOption | None = None, free_busy: str | None = None):
    b = CalendarEvent.builder().summary(summary).start_time(tinfo(start, tz)).end_time(tinfo(end, tz))
    if recurrence:
        b = b.recurrence(recurrence)
    if visibility:
        b = b.visibility(visibility)
    if free_busy:
        b = b.free_busy_status(free_busy)
    rb = CreateCalendarEventRequest.builder().calendar_id(cid).request_body(b.build())
    if key:
        rb = rb.idempotency_key(key)
    return client.calendar.v4.calendar_event.create(rb.build(), option) if option \
        else client.calendar.v4.calendar_event.create(rb.build())


def add_attendees(client: lark.Client, cid: str, eid: str, users=(), rooms=(), chats=(), option=None):
    atts = [CalendarEventAttendee.builder().type("user").user_id(u).build() for u in users]
    atts += [CalendarEventAttendee.builder().type("resource").room_id(r).build() for r in rooms]
    atts += [CalendarEventAttendee.builder().type("chat").chat_id(c).build() for c in chats]
    req = CreateCalendarEventAttendeeRequest.builder().calendar_id(cid).event_id(eid).request_body(
        CreateCalendarEventAttendeeRequestBody.builder().attendees(atts).build()).build()
    return client.calendar.v4.calendar_event_attendee.create(req, option) if option \
        else client.calendar.v4.calendar_event_attendee.create(req)


def opt(token: str) -> lark.RequestOption:
    return user_option(token)


def tenant_as_user_option(token: str) -> lark.RequestOption:
    """Put a token in the tenant slot: the SDK sends it as the Bearer token on a tenant-only API,
    which is how a user token reaches a tenant-only endpoint on the wire."""
    return lark.RequestOption.builder().tenant_access_token(token).build()
