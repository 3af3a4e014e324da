"""Slots honour the asked part of the day (and "Other times" keeps it), everyone's working hours,
and mark a time outside someone's working day on their own clock ("01:00 for Carol"), with
their date when it is not the requester's."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.flow.conftest import ZONES, card_text, p2p
from tests.flow.days import en_day, week_day, zh_day


def slots_of(yue, card: dict) -> list[tuple[dt.datetime, dt.datetime]]:
    picks = [v for _, v in yue.buttons(card) if v["a"] == "pick"]
    assert picks, card_text(card)
    return [(dt.datetime.fromisoformat(s), dt.datetime.fromisoformat(e))
            for s, e in yue.store.get_draft(picks[0]["d"]).payload["slots"]]


def within(slots, tz: str, lo: int, hi: int) -> None:
    z = ZoneInfo(tz)
    for s, e in slots:
        a, b = s.astimezone(z), e.astimezone(z)
        assert a.date() == b.date() and dt.time(lo) <= a.time() and b.time() <= dt.time(hi), (a, b)


def test_zh_afternoon_slots_and_other_times_keep_the_afternoon(yue):
    day = week_day("ou_lin", 2, 2)
    reply = yue.say(p2p("ou_lin"), "ou_lin", f"{zh_day(day)}下午和 @李博 找个时间")
    slots = slots_of(yue, reply)
    within(slots, ZONES["ou_lin"], 14, 18)
    assert not any(s.astimezone(ZoneInfo(ZONES["ou_lin"])).hour == 9 for s, _ in slots)
    # From an exact afternoon time, "Other times" stays in the afternoon too.
    exact = yue.say(p2p("ou_henry"), "ou_henry", f"{zh_day(day)}下午3点和 @刘静 开会 复盘")
    other = yue.click(exact, "ou_henry", yue.button(exact, "other"))
    within(slots_of(yue, other["card"]), ZONES["ou_henry"], 14, 18)


def test_en_morning_slots_for_two_zones(yue):
    day = week_day("ou_dave", 2, 3)
    reply = yue.say(p2p("ou_dave"), "ou_dave", f"find 30 min with @Jonas on {en_day(day)} morning")
    slots = slots_of(yue, reply)
    within(slots, "Europe/London", 9, 12)
    within(slots, "Europe/Berlin", 9, 18)          # and inside Jonas's working day


def test_zh_time_outside_an_attendees_hours_is_marked_on_their_clock_with_their_date(yue):
    day = week_day("ou_alice", 2, 3)
    reply = yue.say(p2p("ou_alice"), "ou_alice", f"{zh_day(day)}下午3点和 @Carol 开会 设计评审")
    text = card_text(reply["card"])
    la = dt.datetime.combine(day, dt.time(15), ZoneInfo("Asia/Shanghai")).astimezone(ZoneInfo("America/Los_Angeles"))
    prev = f"{la.month}月{la.day}日"
    line = [x for x in text.splitlines() if "非工作时间" in x]
    assert line and "Carol Chen 当地 23:00" in line[0] and prev in line[0], text


def test_en_time_outside_an_attendees_hours_is_marked(yue):
    day = week_day("ou_carol", 2, 1)
    reply = yue.say(p2p("ou_carol"), "ou_carol", f"meet @Erin on {en_day(day)} at 9am about specs")
    text = card_text(reply["card"])
    line = [x for x in text.splitlines() if "Outside working hours" in x]
    tokyo = dt.datetime.combine(day, dt.time(9), ZoneInfo("America/Los_Angeles")).astimezone(ZoneInfo("Asia/Tokyo"))
    assert line and f"{tokyo:%H:%M}" in line[0] and "for Erin Sato" in line[0], text
    assert tokyo.strftime("%b ") + str(tokyo.day) in line[0], line      # Erin's date is the next day
    inside = yue.say(p2p("ou_carol"), "ou_carol", f"meet @Frank on {en_day(day)} at 10am about specs")
    assert "Outside working hours" not in card_text(inside["card"])     # 13:00 in New York
