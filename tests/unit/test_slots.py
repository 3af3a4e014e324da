"""bot.slots: working hours in several zones, busy time, DST, the past, spread, determinism."""
import datetime as dt
from zoneinfo import ZoneInfo

from bot.slots import (Busy, Slot, WorkingHours, best_effort_slots, conflicts, find_slots, merge,
                       working_intervals)

SH, LA, LON = "Asia/Shanghai", "America/Los_Angeles", "Europe/London"
ZSH, ZLA, ZLON = ZoneInfo(SH), ZoneInfo(LA), ZoneInfo(LON)
UTC = dt.UTC
WED = dt.date(2026, 11, 25)     # a Wednesday


def at(day, h, m=0, z=ZSH):
    return dt.datetime.combine(day, dt.time(h, m), z)


def days(n):
    return dt.timedelta(days=n)


def window(first=WED, n=3, z=ZSH):
    return at(first, 0, z=z), at(first + days(n), 0, z=z)


def test_busy_time_is_avoided():
    now = at(WED, 8)
    busy = {"a": [Busy(at(WED, 9), at(WED, 12))], "b": [Busy(at(WED, 12), at(WED, 13))]}
    ws, we = window(n=1)
    got = find_slots(busy, {}, ws, we, 60, now, tz=SH, count=10)
    assert got, "the afternoon is free"
    assert got[0].start == at(WED, 13)
    for s in got:
        for b in busy["a"] + busy["b"]:
            assert not (s.start < b.end and b.start < s.end)
        assert at(WED, 9) <= s.start and s.end <= at(WED, 18)


def test_not_in_the_past_and_on_half_hours():
    now = at(WED, 10, 7)
    got = find_slots({}, {}, *window(), 30, now, tz=SH)
    assert got[0].start == at(WED, 10, 30)
    assert all(s.start >= now for s in got)
    assert all(s.start.astimezone(ZSH).minute in (0, 30) for s in got)


def test_steps_follow_requester_clock_in_half_hour_zone():
    kol = "Asia/Kolkata"
    now = dt.datetime(2026, 11, 25, 3, 10, tzinfo=UTC)
    got = find_slots({}, {"r": WorkingHours(kol)}, now, now + days(3), 30, now, tz=kol, count=3)
    assert got
    for s in got:
        local = s.start.astimezone(ZoneInfo(kol))
        assert local.minute in (0, 30) and dt.time(9) <= local.time() <= dt.time(17, 30)


def test_spread_over_days_first():
    now = at(WED, 8)
    got = find_slots({}, {}, *window(n=5), 30, now, tz=SH, count=3)
    assert [s.start.astimezone(ZSH).date() for s in got] == [WED, WED + days(1), WED + days(2)]
    assert all(s.start.astimezone(ZSH).time() == dt.time(9) for s in got)


def test_one_day_window_fills_without_overlap():
    now = at(WED, 8)
    got = find_slots({}, {}, *window(n=1), 60, now, tz=SH, count=3)
    assert [s.start for s in got] == [at(WED, 9), at(WED, 10), at(WED, 11)]


def test_weekend_is_skipped():
    fri = WED + days(2)
    now = at(fri, 17, 30)
    got = find_slots({}, {}, now, at(fri + days(4), 0), 60, now, tz=SH, count=1)
    assert got[0].start == at(fri + days(3), 9)      # Monday


def test_three_zones_shanghai_london_overlap():
    now = at(WED, 0)
    hours = {"sh": WorkingHours(SH), "lon": WorkingHours(LON)}
    got = find_slots({}, hours, *window(), 60, now, tz=SH, count=3)
    # 09–18 Shanghai is 01–10 UTC, 09–18 London is 09–18 UTC: only 17:00–18:00 Shanghai.
    assert [s.start for s in got] == [at(WED + days(i), 17) for i in range(3)]
    for s in got:
        assert s.start.astimezone(ZLON).time() == dt.time(9)


def test_three_zones_no_common_hours_then_best_effort():
    now = at(WED, 0)
    hours = {"sh": WorkingHours(SH), "lon": WorkingHours(LON), "la": WorkingHours(LA)}
    assert find_slots({}, hours, *window(), 60, now, tz=SH) == []
    best = best_effort_slots({}, hours, *window(), 60, now, tz=SH, count=3)
    assert len(best) == 3
    for b in best:
        assert len(b.unavailable) == 1 and b.outside_hours == b.unavailable and b.busy == ()
        # everyone else is really inside their hours
        for p, h in hours.items():
            if p in b.unavailable:
                continue
            loc = b.slot.start.astimezone(ZoneInfo(h.tz))
            assert dt.time(9) <= loc.time() and loc.weekday() < 5
    assert len({b.slot.start.astimezone(ZSH).date() for b in best}) == 3


def test_best_effort_names_busy_people():
    now = at(WED, 8)
    ws, we = window(n=1)
    busy = {"a": [Busy(ws, we)], "b": [Busy(at(WED, 9), at(WED, 17))]}
    assert find_slots(busy, {}, ws, we, 60, now, tz=SH, people=["a", "b", "c"]) == []
    best = best_effort_slots(busy, {}, ws, we, 60, now, tz=SH, people=["a", "b", "c"], count=2)
    # best first: only "a" misses 17:00 (b's busy time is over); then a 2-of-3 slot
    assert best[0].slot.start == at(WED, 17) and best[0].unavailable == ("a",)
    assert best[0].busy == ("a",) and best[0].outside_hours == ()
    assert best[1].unavailable == ("a", "b") and best[1].busy == ("a", "b")


def test_dst_weekend_los_angeles():
    # US clocks go back on Sunday 1 Nov 2026: 09:00 local is 16:00 UTC before, 17:00 UTC after.
    fri = dt.date(2026, 10, 30)
    now = at(fri, 0, z=ZLA)
    got = find_slots({}, {"la": WorkingHours(LA)}, now, at(fri + days(5), 0, z=ZLA), 60, now, tz=LA, count=3)
    assert [s.start.astimezone(ZLA).date() for s in got] == [fri, fri + days(3), fri + days(4)]
    assert all(s.start.astimezone(ZLA).time() == dt.time(9) for s in got)
    assert [s.start.astimezone(UTC).hour for s in got] == [16, 17, 17]


def test_dst_spring_forward_london_steps_stay_aligned():
    fri = dt.date(2026, 3, 27)   # Europe springs forward on Sunday 29 March 2026
    now = at(fri, 0, z=ZLON)
    h = WorkingHours(LON, dt.time(0), dt.time(23, 59), frozenset(range(7)))
    got = find_slots({}, {"x": h}, at(dt.date(2026, 3, 29), 0, z=ZLON), at(dt.date(2026, 3, 29), 6, z=ZLON),
                     30, now, tz=LON, count=10)
    locals_ = [s.start.astimezone(ZLON) for s in got]
    assert all(x.minute in (0, 30) for x in locals_)
    assert all(x.hour != 1 for x in locals_)     # 01:00–02:00 does not exist that night


def test_all_day_busy_and_bad_intervals():
    now = at(WED, 8)
    busy = {"a": [Busy(WED, WED),                          # all of Wednesday (date-only)
                  Busy(at(WED + days(1), 9), at(WED + days(1), 9)),   # zero-length: ignored
                  Busy(at(WED + days(1), 12), at(WED + days(1), 10))]}  # inverted: ignored
    got = find_slots(busy, {"a": WorkingHours(SH)}, *window(), 60, now, tz=SH, count=1)
    assert got == [Slot(at(WED + days(1), 9), at(WED + days(1), 10))]
    allday = Busy.all_day(WED + days(1), WED + days(2), SH)
    got = find_slots({"a": [allday]}, {}, *window(n=6), 60, now, tz=SH, count=2)
    assert [s.start.astimezone(ZSH).date() for s in got] == [WED, WED + days(5)]   # Thu, Fri busy


def test_empty_and_degenerate_inputs():
    now = at(WED, 8)
    assert find_slots({}, {}, *window(), 60, now, tz=SH)          # nobody: default hours apply
    assert find_slots({}, {}, *window(), 0, now, tz=SH) == []
    assert find_slots({}, {}, at(WED, 12), at(WED, 11), 30, now, tz=SH) == []
    assert find_slots({}, {}, *window(), 30, now, tz=SH, count=0) == []
    assert find_slots({}, {}, *window(), 30, at(WED + days(9), 0), tz=SH) == []   # window in the past
    assert best_effort_slots({}, {}, *window(), 0, now, tz=SH) == []
    assert merge([]) == [] and conflicts({}, at(WED, 9), at(WED, 10)) == {}


def test_deterministic_and_order_independent():
    now = at(WED, 8)
    busy = {"a": [Busy(at(WED, 9), at(WED, 10)), Busy(at(WED, 14), at(WED, 15))],
            "b": [Busy(at(WED + days(1), 9), at(WED + days(1), 11))]}
    rev = {"b": list(reversed(busy["b"])), "a": list(reversed(busy["a"]))}
    hours = {"a": WorkingHours(SH), "b": WorkingHours(LON)}
    one = find_slots(busy, hours, *window(n=5), 30, now, tz=SH)
    assert one == find_slots(rev, dict(reversed(list(hours.items()))), *window(n=5), 30, now, tz=SH)
    assert one == find_slots(busy, hours, *window(n=5), 30, now, tz=SH)


def test_merge_joins_overlaps_and_touching():
    a = Busy(at(WED, 9), at(WED, 10))
    b = Busy(at(WED, 10), at(WED, 11))
    c = Busy(at(WED, 10, 30), at(WED, 10, 45))
    d = Busy(at(WED, 13), at(WED, 14))
    got = merge([d, c, b, a, Busy(at(WED, 15), at(WED, 15))])
    assert got == [(at(WED, 9), at(WED, 11)), (at(WED, 13), at(WED, 14))]


def test_conflicts_per_person():
    x = Busy(at(WED, 9), at(WED, 10), "standup")
    y = Busy(at(WED, 10), at(WED, 11))
    z = Busy(at(WED, 14, 30), at(WED, 16), "review")
    got = conflicts({"a": [z, x], "b": [y], "c": []}, at(WED, 9, 30), at(WED, 15))
    assert got == {"a": [x, z], "b": [y]}
    assert conflicts({"a": [x]}, at(WED, 10), at(WED, 11)) == {}     # touching is not a conflict
    assert conflicts({"a": [Busy(WED, WED)]}, at(WED, 12), at(WED, 13), zones={"a": SH}) == {"a": [Busy(WED, WED)]}


def test_working_intervals_night_shift():
    h = WorkingHours(SH, dt.time(22), dt.time(6))
    got = working_intervals(h, at(WED, 0), at(WED + days(1), 0))
    assert (at(WED - days(1), 22), at(WED, 6)) in got and (at(WED, 22), at(WED + days(1), 6)) in got
