"""The demo week of the sandbox, relative to the day it is first created: a weekday stand-up
(with one occurrence moved), a weekly 1:1, Dave on leave on Friday, Everest booked every
afternoon, and a few one-off meetings across time zones; primary calendars for everyone and the
bot, a calendar per room. Called by sandbox.seed after people and rooms exist."""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox import store
from sandbox.api.timeoff import add_timeoff
from sandbox.calendar_core import room_calendar
from sandbox.calendar_models import CalAttendee, CalCalendar, CalEvent, new_event_uid, new_short_id, primary_calendar
from sandbox.recurrence import materialize_series, series_end

SHANGHAI = "Asia/Shanghai"


def _ts(day: date, hh: int, mm: int, tz: str) -> int:
    return int(datetime(day.year, day.month, day.day, hh, mm, tzinfo=ZoneInfo(tz)).timestamp())


def _event(s: Session, cal: CalCalendar, summary: str, day: date, start: tuple[int, int], end: tuple[int, int],
           tz: str = SHANGHAI, rrule: str = "", people: tuple[str, ...] = (), rooms: tuple[str, ...] = (),
           visibility: str = "default", description: str = "") -> CalEvent:
    uid, now = new_event_uid(), int(time.time())
    st, en = _ts(day, *start, tz), _ts(day, *end, tz)
    ev = CalEvent(event_id=f"{uid}_0", series_uid=uid, calendar_id=cal.calendar_id, summary=summary,
                  description=description, start_ts=st, end_ts=en, start_tz=tz, end_tz=tz, recurrence=rrule,
                  visibility=visibility, series_end=series_end(rrule, st, en, tz), create_time=now,
                  update_time=now, creator=f"user:{cal.owner_id}", extra={"reminders": [{"minutes": 5}]})
    s.add(ev)
    s.flush()
    organizer = cal.owner_id if cal.owner_kind == "user" else None
    for open_id in dict.fromkeys(((organizer,) if organizer and people else ()) + people):
        u = s.get(store.User, open_id)
        s.add(CalAttendee(attendee_id=new_short_id("user_"), series_uid=uid, type="user", user_open_id=open_id,
                          rsvp_status="accept", is_organizer=open_id == organizer,
                          display_name=u.name if u else open_id))
    for room_id in rooms:
        room = s.get(store.Room, room_id)
        room_calendar(s, room_id)
        s.add(CalAttendee(attendee_id=new_short_id("resource_"), series_uid=uid, type="resource", room_id=room_id,
                          rsvp_status="accept", display_name=room.display_name if room else room_id))
    if people or rooms:
        meeting_url = f"https://vc.feishu.cn/j/{abs(hash(uid)) % 900000000 + 100000000}"
        ev.extra = {**ev.extra, "vchat": {"vc_type": "vc", "meeting_url": meeting_url}}
    materialize_series(s, uid)
    return ev


def seed(session: Session, today: date) -> None:
    s = session
    users = {u.open_id: u for u in s.scalars(select(store.User))}
    cals = {oid: primary_calendar(s, oid, "user", summary=u.name) for oid, u in users.items() if not u.is_bot}
    for app in s.scalars(select(store.App)):
        primary_calendar(s, app.app_id, "app", summary=app.name)
    for room in s.scalars(select(store.Room)):
        room_calendar(s, room.room_id)
    if "ou_alice" not in cals or "ou_bob" not in cals:
        return
    monday = today - timedelta(days=today.weekday())
    start = monday - timedelta(days=14)      # series began before this week, as real ones do
    team = tuple(p for p in ("ou_alice", "ou_bob", "ou_henry", "ou_kevin", "ou_lin", "ou_ivy") if p in cals)
    standup = _event(s, cals["ou_bob"], "Daily stand-up 每日站会", start, (9, 30), (9, 45),
                     rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", people=team, rooms=("omm_kunlun",))
    # This Wednesday's stand-up moved to 10:00: an exception of the series.
    wed = monday + timedelta(days=2)
    orig = _ts(wed, 9, 30, SHANGHAI)
    s.add(CalEvent(event_id=f"{standup.series_uid}_{orig}", series_uid=standup.series_uid,
                   calendar_id=standup.calendar_id, summary=standup.summary, start_ts=_ts(wed, 10, 0, SHANGHAI),
                   end_ts=_ts(wed, 10, 15, SHANGHAI), start_tz=SHANGHAI, end_tz=SHANGHAI, is_exception=True,
                   recurring_event_id=standup.event_id, original_start=orig, series_end=_ts(wed, 10, 15, SHANGHAI),
                   creator=standup.creator, extra=dict(standup.extra)))
    s.flush()
    materialize_series(s, standup.series_uid)
    thursday = start + timedelta(days=3)
    _event(s, cals["ou_alice"], "1:1 Alice / Bob", thursday, (16, 0), (16, 30), rrule="FREQ=WEEKLY;BYDAY=TH",
           people=("ou_bob",), rooms=("omm_taishan",))
    booker = cals.get("ou_lin") or cals["ou_alice"]
    _event(s, booker, "Finance desk 财务对账", start, (14, 0), (15, 0), rrule="FREQ=DAILY",
           rooms=("omm_everest",), people=(booker.owner_id,))
    _event(s, cals["ou_alice"], "Q3 planning 季度规划", wed, (10, 30), (11, 30),
           people=("ou_bob", "ou_carol", "ou_henry"), rooms=("omm_everest",))
    tue = monday + timedelta(days=1)
    if "ou_carol" in cals:
        _event(s, cals["ou_carol"], "Design sync", tue, (17, 0), (17, 45), tz="America/Los_Angeles",
               people=("ou_alice", "ou_kevin"))
    if "ou_frank" in cals and "ou_dave" in cals:
        _event(s, cals["ou_frank"], "ACME renewal call", tue, (10, 0), (11, 0), tz="America/New_York",
               people=("ou_dave",))
    fri = monday + timedelta(days=4)
    _event(s, cals["ou_alice"], "Doctor appointment", fri, (12, 0), (13, 0), visibility="private")
    if "ou_dave" in cals:
        add_timeoff(s, "ou_dave", fri.isoformat(), fri.isoformat(), "Europe/London", "Annual leave 年假")
    s.flush()
