"""Pure time rules of the scheduler (bot/scheduler/timing.py) and the digest's marks."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot import cards
from bot.scheduler.digest_job import marks, span_of
from bot.scheduler.timing import (LATE_CUTOFF, ON_TIME, first_occurrence, lateness, next_for, next_occurrence,
                                  recheck_at, tomorrow_at)

UTC = dt.UTC
LON, LA = ZoneInfo("Europe/London"), ZoneInfo("America/Los_Angeles")


def _series(rule: str, start: dt.datetime, n: int) -> list[dt.datetime]:
    out, after = [], start - dt.timedelta(seconds=1)
    for _ in range(n):
        after = next_occurrence(rule, start, start.tzinfo.key, after)
        out.append(after)
    return out


def test_daily_reminder_keeps_its_wall_time_across_spring_forward_in_london() -> None:
    got = _series("FREQ=DAILY", dt.datetime(2026, 3, 27, 18, 0, tzinfo=LON), 4)
    assert [g.astimezone(LON).hour for g in got] == [18, 18, 18, 18]
    assert [g.hour for g in got] == [18, 18, 17, 17]             # the UTC instant moves instead
    assert all(g.tzinfo == UTC for g in got)


def test_weekday_reminder_across_fall_back_in_los_angeles() -> None:
    start = dt.datetime(2026, 10, 29, 9, 0, tzinfo=LA)         # a Thursday; DST ends Sun Nov 1
    got = _series("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start, 4)
    assert [g.astimezone(LA).strftime("%a %H:%M") for g in got] == ["Thu 09:00", "Fri 09:00", "Mon 09:00",
                                                                   "Tue 09:00"]
    assert [g.hour for g in got] == [16, 16, 17, 17]


def test_wall_time_that_does_not_exist_fires_an_hour_later() -> None:
    start = dt.datetime(2026, 3, 28, 1, 30, tzinfo=LON)
    got = _series("FREQ=DAILY", start, 2)
    assert got[1] == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)   # 01:30 GMT = 02:30 BST


def test_first_occurrence() -> None:
    now = dt.datetime(2026, 12, 7, 2, 0, tzinfo=UTC)                     # Monday 10:00 in Shanghai
    sh = ZoneInfo("Asia/Shanghai")
    assert first_occurrence(None, now + dt.timedelta(hours=1), "Asia/Shanghai", now) == now + dt.timedelta(hours=1)
    assert first_occurrence(None, now - dt.timedelta(minutes=1), "Asia/Shanghai", now) is None
    # "every weekday at 18:00", said at 10:00 on Monday: today 18:00.
    assert first_occurrence("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", dt.datetime(2026, 12, 7, 18, tzinfo=sh),
                            "Asia/Shanghai", now).astimezone(sh) == dt.datetime(2026, 12, 7, 18, tzinfo=sh)
    # "every Monday 9:00" said at 10:00 on Monday: next Monday.
    assert first_occurrence("FREQ=WEEKLY;BYDAY=MO", dt.datetime(2026, 12, 7, 9, tzinfo=sh), "Asia/Shanghai",
                            now).astimezone(sh) == dt.datetime(2026, 12, 14, 9, tzinfo=sh)
    # A dtstart ahead that the rule does not include: the rule decides.
    assert first_occurrence("FREQ=WEEKLY;BYDAY=MO", dt.datetime(2026, 12, 9, 9, tzinfo=sh), "Asia/Shanghai",
                            now).astimezone(sh) == dt.datetime(2026, 12, 14, 9, tzinfo=sh)


def test_next_for_a_one_off_is_none_and_a_series_follows_its_rule() -> None:
    now = dt.datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    assert next_for({"tz": "UTC"}, now) is None
    p = {"rrule": "FREQ=DAILY;COUNT=2", "dtstart": "2026-12-07T10:00:00+08:00", "tz": "Asia/Shanghai"}
    assert next_for(p, now) == dt.datetime(2026, 12, 8, 2, 0, tzinfo=UTC)
    assert next_for(p, dt.datetime(2026, 12, 8, 2, 0, tzinfo=UTC)) is None     # COUNT reached


def test_lateness_and_cutoff() -> None:
    t = dt.datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert lateness(t, t - dt.timedelta(minutes=1)) == "on_time"
    assert lateness(t, t + ON_TIME) == "on_time"
    assert lateness(t, t + ON_TIME + dt.timedelta(seconds=1)) == "late"
    assert lateness(t, t + LATE_CUTOFF) == "late"
    assert lateness(t, t + LATE_CUTOFF + dt.timedelta(seconds=1)) == "too_late"


def test_recheck_and_tomorrow() -> None:
    now = dt.datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    assert recheck_at(now + dt.timedelta(days=3), now) == now + dt.timedelta(hours=6)
    assert recheck_at(now + dt.timedelta(hours=2), now) == now + dt.timedelta(hours=1)
    assert recheck_at(now + dt.timedelta(minutes=3), now) == now + dt.timedelta(minutes=3)
    assert tomorrow_at(now, "America/Los_Angeles").astimezone(LA) == dt.datetime(2026, 12, 7, 9, 0, tzinfo=LA)


def _ev(title: str, s: dt.datetime, e: dt.datetime) -> cards.Event:
    return cards.Event(event_id=title, title=title, start=s, end=e)


def test_marks_conflicts_and_gaps() -> None:
    sh = ZoneInfo("Asia/Shanghai")
    d = lambda h, m=0: dt.datetime(2026, 12, 8, h, m, tzinfo=sh)  # noqa: E731
    evs = [_ev("A", d(9), d(10)), _ev("B", d(9, 30), d(11)), _ev("C", d(14), d(14, 15)),
           _ev("D", d(17, 45), d(19))]
    conflicts, gaps = marks(evs, d(9), d(18))
    assert [(c.first, c.second, c.start, c.end) for c in conflicts] == [("A", "B", d(9, 30), d(10))]
    assert gaps == [(d(11), d(14)), (d(14, 15), d(17, 45))]
    assert marks([], d(9), d(18)) == ([], [(d(9), d(18))])


def test_span_of_day_and_week() -> None:
    sh = ZoneInfo("Asia/Shanghai")
    wed = dt.datetime(2026, 12, 9, 9, 0, tzinfo=sh)
    assert span_of(wed, "day") == (dt.datetime(2026, 12, 9, tzinfo=sh), dt.datetime(2026, 12, 10, tzinfo=sh))
    assert span_of(wed, "week") == (dt.datetime(2026, 12, 7, tzinfo=sh), dt.datetime(2026, 12, 14, tzinfo=sh))
