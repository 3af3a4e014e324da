"""bot.planning's pure parts: what a message asks of a room and which rooms fit (rooms.py), which
meeting loose words mean (matching.py), the asked part of day (band_of), and slots.in_band /
within_hours."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot import slots
from bot.feishu import Room
from bot.planning import band_of, matching, rooms

SH = ZoneInfo("Asia/Shanghai")
ROOMS = [Room("r_big", "Changbai", 20, "HQ", "6F"), Room("r_6", "Kunlun", 6, "HQ", "3F"),
         Room("r_8", "Huangshan", 8, "HQ", "5F"), Room("r_4", "Taishan", 4, "HQ", "5F"),
         Room("r_2", "Emei", 2, "HQ", "5F"), Room("r_far", "Annex", 6, "Annex", "1F")]


# --- rooms ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,capacity,seats", [
    ("明天下午2点 找个6人的会议室", None, 6), ("book a room for 6 people tomorrow 2pm", None, 6),
    ("a room for 8", None, 8), ("在会议室开会", None, 3), ("need a room", 10, 10), ("会议室 2人", None, 3)])
def test_room_ask_reads_any_room_and_seats(text, capacity, seats):
    ask = rooms.room_ask(None, capacity, text, people=3)
    assert ask.wanted and ask.any_room and ask.name is None
    assert ask.seats == seats          # never fewer than the people attending


def test_room_ask_named_and_none():
    assert rooms.room_ask("珠峰", None, "在珠峰开会", 2) == rooms.RoomAsk(name="珠峰", any_room=False, seats=2)
    assert not rooms.room_ask(None, None, "明天下午3点开会 讨论预算", 2).wanted
    assert rooms.room_ask("会议室", None, "在会议室开会", 2).any_room      # "会议室" is no name


@pytest.mark.parametrize("text,yes", [
    ("有哪些会议室？", True), ("明天下午2点哪个会议室空", True), ("which rooms are free at 3", True),
    ("what meeting rooms are there?", True), ("会议室现在有空吗？", True),
    ("在会议室开会", False), ("book a room for 6 people tomorrow 2pm", False), ("明天下午3点开会", False)])
def test_rooms_question(text, yes):
    assert rooms.is_rooms_question(text) is yes


def test_rank_fits_free_near_and_smallest_first():
    ranked = rooms.rank(ROOMS, 6, taken={"r_6"})
    assert [r.room_id for r in ranked] == ["r_far", "r_8", "r_big"]   # Kunlun taken; by size, then name
    near = rooms.rank(ROOMS, 6, near=("HQ", "5F"), taken={"r_6"})
    assert [r.room_id for r in near] == ["r_8", "r_big", "r_far"]     # same floor, then same building
    assert rooms.rank(ROOMS, 30) == []


@pytest.mark.parametrize("title,left", [("room people", None), ("找个6人的会议室 讨论排期", "讨论排期"),
                                        ("a room for 6 people sprint review", "sprint review"),
                                        ("讨论预算", "讨论预算")])
def test_without_room_words(title, left):
    assert rooms.without_room_words(title) == left


# --- matching -------------------------------------------------------------------------------------

@pytest.mark.parametrize("title,query,score", [
    ("讨论预算", "预算会", 1.0), ("Q3 planning", "the Q3 one", 1.0), ("Q3 Planning Review", "Q3 planning", 1.0),
    ("设计评审", "预算会", 0.0), ("Budget review", "budget", 1.0), ("预算终审", "预算初审", 1 / 3),
    ("standup", "", 1.0), ("", "预算", 0.0)])
def test_word_score(title, query, score):
    assert matching.word_score(title, query) == pytest.approx(score)


def test_target_part_is_before_the_new_time():
    assert matching.target_part("把明天的预算会挪到周五下午") == "把明天的预算会"
    assert matching.target_part("move the Q3 planning to Friday afternoon").strip() == "move the Q3 planning"
    assert matching.target_part("改期") == ""


def test_score_and_clear_winner():
    day = dt.date(2026, 12, 10)
    at15 = dt.datetime(2026, 12, 10, 15, tzinfo=SH)
    h = matching.Hints(query="预算会", day=day)
    assert matching.score("讨论预算", at15, [], h, SH) == 2.0
    assert matching.score("讨论预算", at15 + dt.timedelta(days=1), [], h, SH) == 0.0     # another day
    assert matching.score("讨论预算", at15 - dt.timedelta(days=7), [], h, SH, recurring=True) == 1.0   # a series
    assert matching.score("周会", at15, [], h, SH) == 0.0
    timed = matching.Hints(query="预算", at=at15)
    earlier = at15 - dt.timedelta(hours=5)
    assert matching.score("预算A", at15, [], timed, SH) > matching.score("预算B", earlier, [], timed, SH)
    people = matching.Hints(query="", people=frozenset({"ou_b"}))
    assert matching.score("x", at15, ["ou_a", "ou_b"], people, SH) == 1.5
    a, b = {"id": "a"}, {"id": "b"}
    assert matching.clear_winner([(1.0, a)]) is a
    assert matching.clear_winner([(2.0, a), (1.0, b)]) is a
    assert matching.clear_winner([(1.0, a), (1.0, b)]) is None
    assert matching.clear_winner([(0.0, a)]) is None


# --- parts of day ---------------------------------------------------------------------------------

def test_band_of_a_window_or_an_exact_time():
    afternoon = (dt.datetime(2026, 12, 10, 14, tzinfo=SH), dt.datetime(2026, 12, 10, 18, tzinfo=SH))
    assert band_of(afternoon, None, "Asia/Shanghai") == ["14:00", "18:00"]
    whole = (dt.datetime(2026, 12, 10, tzinfo=SH), dt.datetime(2026, 12, 11, tzinfo=SH))
    assert band_of(whole, None, "Asia/Shanghai") is None
    week = (dt.datetime(2026, 12, 10, 9, tzinfo=SH), dt.datetime(2026, 12, 17, 9, tzinfo=SH))
    assert band_of(week, None, "Asia/Shanghai") is None
    assert band_of(None, dt.datetime(2026, 12, 10, 15, tzinfo=SH), "Asia/Shanghai") == ["14:00", "18:00"]
    assert band_of(None, dt.datetime(2026, 12, 10, 10, tzinfo=SH), "Asia/Shanghai") == ["09:00", "12:00"]
    assert band_of(None, dt.datetime(2026, 12, 10, 23, tzinfo=SH), "Asia/Shanghai") is None


def test_in_band_and_within_hours():
    s = slots.Slot(dt.datetime(2026, 12, 10, 14, 30, tzinfo=SH), dt.datetime(2026, 12, 10, 15, tzinfo=SH))
    assert slots.in_band(s, "Asia/Shanghai", (dt.time(14), dt.time(18)))
    assert not slots.in_band(s, "Asia/Shanghai", (dt.time(9), dt.time(12)))
    assert slots.in_band(s, "Asia/Shanghai", None)
    late = slots.Slot(dt.datetime(2026, 12, 10, 23, 30, tzinfo=SH), dt.datetime(2026, 12, 11, 0, tzinfo=SH))
    assert slots.in_band(late, "Asia/Shanghai", (dt.time(18), dt.time(0)))     # to midnight
    carol = slots.WorkingHours(tz="America/Los_Angeles")
    assert not slots.within_hours(carol, s.start, s.end)                        # 22:30 in LA
    assert slots.within_hours(slots.WorkingHours(tz="Asia/Shanghai"), s.start, s.end)


def test_find_slots_keeps_the_band_on_every_day():
    now = dt.datetime(2026, 12, 7, 8, tzinfo=SH)
    found = slots.find_slots({}, {"a": slots.WorkingHours()}, now, now + dt.timedelta(days=3), 30, now,
                             tz="Asia/Shanghai", band=(dt.time(14), dt.time(18)))
    assert found and all(dt.time(14) <= x.start.astimezone(SH).time() < dt.time(18) for x in found)
    assert len({x.start.date() for x in found}) == len(found)                  # spread over days
