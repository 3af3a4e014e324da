"""sandbox.caldav.ics, pure: a series → VCALENDAR (RRULE with RFC 5545 UNTIL, EXDATE,
RECURRENCE-ID, VTIMEZONE, VALARM, busy-only view) and a client's object → column values,
with a clear IcsError for what the sandbox cannot store."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from sandbox.caldav.ics import Attendee, IcsError, parse, render
from sandbox.calendar_models import CalEvent

SH = ZoneInfo("Asia/Shanghai")


def ts(y, m, d, hh=0, mm=0, tz=SH) -> int:
    return int(dt.datetime(y, m, d, hh, mm, tzinfo=tz).timestamp())


def row(**kw) -> CalEvent:
    base = dict(event_id="abcdef12-0000-0000-0000-000000000001_0", series_uid="abcdef12-0000-0000-0000-000000000001",
                calendar_id="c", summary="Stand-up", description="", start_ts=ts(2026, 12, 7, 9, 30),
                end_ts=ts(2026, 12, 7, 9, 45), start_tz="Asia/Shanghai", end_tz="Asia/Shanghai", visibility="default",
                free_busy_status="busy", status="confirmed", recurrence="", create_time=1, update_time=2, extra={},
                start_date=None, end_date=None, original_start=None)
    base.update(kw)
    return CalEvent(**base)


def obj(*events: str, extra: str = "") -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n" + extra +
            "".join(f"BEGIN:VEVENT\r\n{e}\r\nEND:VEVENT\r\n" for e in events) + "END:VCALENDAR\r\n").encode()


def test_series_with_cancelled_and_moved_occurrences():
    master = row(recurrence="FREQ=DAILY;UNTIL=20261211")
    cancelled = row(event_id="x_1", is_exception=True, status="cancelled", original_start=ts(2026, 12, 8, 9, 30))
    moved = row(event_id="x_2", is_exception=True, summary="Stand-up (late)", original_start=ts(2026, 12, 9, 9, 30),
                start_ts=ts(2026, 12, 9, 11), end_ts=ts(2026, 12, 9, 11, 15))
    cal = icalendar.Calendar.from_ical(render(master, [cancelled, moved], "uid-1", True,
                                              [Attendee("Bob", "bob@example.com", "ACCEPTED", organizer=True)],
                                              ["Kunlun"], [10]))
    main, override = cal.walk("VEVENT")
    # UNTIL as a date in Feishu's style becomes the end of that day in UTC (DTSTART has a zone).
    assert main["RRULE"].to_ical() == b"FREQ=DAILY;UNTIL=20261211T155959Z"
    assert [d.dt for d in main["EXDATE"].dts] == [dt.datetime(2026, 12, 8, 9, 30, tzinfo=SH)]
    assert override["RECURRENCE-ID"].dt == dt.datetime(2026, 12, 9, 9, 30, tzinfo=SH)
    assert override.start == dt.datetime(2026, 12, 9, 11, 0, tzinfo=SH) and override["SUMMARY"] == "Stand-up (late)"
    assert str(main["LOCATION"]) == "Kunlun" and str(main["ORGANIZER"]) == "mailto:bob@example.com"
    assert [a["TRIGGER"].dt for a in main.walk("VALARM")] == [dt.timedelta(minutes=-10)]
    assert [str(t["TZID"]) for t in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_busy_only_view_hides_everything_but_the_time():
    master = row(summary="Doctor", description="private", visibility="private", extra={"location": {"name": "Clinic"}})
    ev = icalendar.Calendar.from_ical(render(master, [], "u", False, [Attendee("A", "a@x", "ACCEPTED")], [])).walk(
        "VEVENT")[0]
    assert ev["SUMMARY"] == "Busy" and ev["CLASS"] == "PRIVATE"
    assert "DESCRIPTION" not in ev and "LOCATION" not in ev and "ATTENDEE" not in ev


def test_all_day_series_stays_in_dates():
    master = row(start_date="2026-12-07", end_date="2026-12-07", start_ts=ts(2026, 12, 7, tz=dt.UTC),
                 end_ts=ts(2026, 12, 8, tz=dt.UTC), start_tz="UTC", end_tz="UTC",
                 recurrence="FREQ=WEEKLY;UNTIL=20261231")
    ev = icalendar.Calendar.from_ical(render(master, [], "u", True, [], [])).walk("VEVENT")[0]
    assert ev.start == dt.date(2026, 12, 7) and ev.end == dt.date(2026, 12, 8)
    assert ev["RRULE"].to_ical() == b"FREQ=WEEKLY;UNTIL=20261231"


def test_parse_zones_floating_utc_and_a_custom_vtimezone():
    floating = parse(obj("UID:a\r\nDTSTART:20261207T100000\r\nDTEND:20261207T110000"), "Asia/Tokyo").master
    assert floating.tz == "Asia/Tokyo" and floating.start_ts == ts(2026, 12, 7, 10, tz=ZoneInfo("Asia/Tokyo"))
    utc = parse(obj("UID:a\r\nDTSTART:20261207T020000Z\r\nDURATION:PT30M"), "Asia/Shanghai").master
    assert utc.tz == "UTC" and utc.end_ts - utc.start_ts == 1800
    outlook_zone = ("BEGIN:VTIMEZONE\r\nTZID:China Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T000000\r\n"
                    "TZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")
    custom = parse(obj("UID:a\r\nDTSTART;TZID=China Standard Time:20261207T100000\r\n"
                       "DTEND;TZID=China Standard Time:20261207T110000", extra=outlook_zone), "Asia/Shanghai").master
    assert custom.tz == "Asia/Shanghai" and custom.start_ts == ts(2026, 12, 7, 10)


def test_parse_all_day_alarm_rrule_exdate_and_override():
    inc = parse(obj("UID:s\r\nDTSTART;VALUE=DATE:20261207\r\nSUMMARY:Offsite\r\nCLASS:PRIVATE\r\nTRANSP:TRANSPARENT",
                    ), "Asia/Shanghai").master
    assert (inc.start_date, inc.end_date, inc.visibility, inc.free_busy_status) == ("2026-12-07", "2026-12-08",
                                                                                  "private", "free")
    series = parse(obj("UID:r\r\nDTSTART;TZID=Asia/Shanghai:20261207T093000\r\nDTEND;TZID=Asia/Shanghai:20261207T094500"
                       "\r\nRRULE:FREQ=DAILY;COUNT=5\r\nEXDATE;TZID=Asia/Shanghai:20261208T093000\r\n"
                       "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nEND:VALARM",
                       "UID:r\r\nRECURRENCE-ID;TZID=Asia/Shanghai:20261209T093000\r\n"
                       "DTSTART;TZID=Asia/Shanghai:20261209T110000\r\nDTEND;TZID=Asia/Shanghai:20261209T111500"),
                   "Asia/Shanghai")
    assert series.master.recurrence == "FREQ=DAILY;COUNT=5" and series.master.reminders == [15]
    assert series.master.exdates == [ts(2026, 12, 8, 9, 30)]
    assert [(o.recurrence_id, o.start_ts) for o in series.overrides] == [(ts(2026, 12, 9, 9, 30), ts(2026, 12, 9, 11))]


@pytest.mark.parametrize("body,says", [
    (b"hello", "not a valid iCalendar"),
    (obj("UID:a\r\nDTSTART:20261207T100000Z\r\nDTEND:20261207T110000Z", "UID:b\r\nDTSTART:20261207T100000Z"),
     "exactly one UID"),
    (obj("DTSTART:20261207T100000Z"), "exactly one UID"),
    (obj("UID:a\r\nDTSTART:20261207T100000Z\r\nDTEND:20261207T090000Z"), "DTEND must not be before"),
    (obj("UID:a\r\nDTSTART:20261207T100000Z\r\nRDATE:20261208T100000Z"), "RDATE"),
    (obj("UID:a\r\nDTSTART:20261207T100000Z\r\nRRULE:FREQ=SOMETIMES"), "recurrence"),
    (obj("UID:a\r\nDTSTART:20261207T100000Z", "UID:a\r\nRECURRENCE-ID:20261208T100000Z\r\nDTSTART:20261208T110000Z"),
     "need a master VEVENT with RRULE"),
    (obj("UID:a\r\nDTSTART:20261207T100000Z\r\nRRULE:FREQ=DAILY",
         "UID:a\r\nRECURRENCE-ID;RANGE=THISANDFUTURE:20261208T100000Z\r\nDTSTART:20261208T110000Z"), "THISANDFUTURE"),
    (obj("UID:a\r\nDTSTART:20261207T100000Z\r\nBEGIN:VALARM\r\nTRIGGER;RELATED=END:-PT5M\r\nEND:VALARM"),
     "RELATED=END"),
    (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\nEND:VCALENDAR\r\n", "only VEVENT"),
])
def test_what_cannot_be_stored_is_refused_with_a_reason(body, says):
    with pytest.raises(IcsError) as e:
        parse(body, "Asia/Shanghai")
    assert says in str(e.value)
