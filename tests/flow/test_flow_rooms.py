"""Rooms, end to end through the sandbox: "a room" / "a room for 6" picks a free room that seats
them; a room taken by the time of Confirm is never booked (and the booked card says so and
offers free rooms); a room that answers later (Feishu books rooms asynchronously) shows as
pending, then declined with other rooms to add; the `rooms` question lists rooms and which are
free at a time. Each test uses its own people and day."""
from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from sqlalchemy import select

from bot.drafts import maintenance
from bot.drafts.room_answers import refresh_pending
from sandbox.calendar_models import CalAttendee, CalEvent
from tests.flow.conftest import card_text, p2p
from tests.flow.days import en_day, week_day, zh_day

SEATS = {"珠峰": 12, "昆仑": 6, "泰山": 4, "黄山": 8, "峨眉": 2, "长白": 20}
ZH_NAME = {"omm_everest": "珠峰", "omm_kunlun": "昆仑", "omm_taishan": "泰山", "omm_huangshan": "黄山",
           "omm_emei": "峨眉", "omm_changbai": "长白"}





def only_draft(yue, message: dict):
    return yue.store.get_draft(yue.button(message, "confirm")["d"])


def rooms_of(yue, who: str, title: str, day: dt.date) -> list[str]:
    evs = yue.events(who, title, day, day + dt.timedelta(days=1))
    assert len(evs) == 1, evs
    return evs[0]["rooms"]


def set_room_answer(yue, event_id: str, room_id: str, status: str) -> None:
    """The room (its admin or its rules) answers the booking in the sandbox."""
    with yue.app.extensions["sandbox"].db.session() as s:
        ev = s.scalars(select(CalEvent).where(CalEvent.event_id == event_id)).first()
        att = s.scalars(select(CalAttendee).where(CalAttendee.series_uid == ev.series_uid,
                                                  CalAttendee.room_id == room_id)).one()
        att.rsvp_status = status


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_room_for_6_picks_a_free_room_that_seats_6_and_books_it(yue, lang):
    who, day = ("ou_henry", week_day("ou_henry", 2, 0)) if lang == "zh" else ("ou_lin", week_day("ou_lin", 2, 1))
    text = (f"{zh_day(day)}上午10点和 @李博 开会 找个6人的会议室 讨论排期" if lang == "zh"
            else f"book a room for 6 people with @Bob on {en_day(day)} at 11am")
    reply = yue.say(p2p(who), who, text)
    room = only_draft(yue, reply).payload["room"]
    assert room and room["capacity"] >= 6, room
    shown = card_text(reply["card"])
    assert room["name"] in shown and ("空闲" if lang == "zh" else "available") in shown, shown
    # The title is the topic, not the room request.
    title = only_draft(yue, reply).payload["title"]
    assert "会议室" not in title and "room" not in title.lower(), title
    out = yue.click(reply, who, yue.button(reply, "confirm"))
    assert out["toast"]["type"] == "success"
    assert any(room["name"] in r for r in rooms_of(yue, "ou_bob", title, day))


def test_just_a_room_gets_the_smallest_free_one(yue):
    day = week_day("ou_ivy", 2, 2)
    reply = yue.say(p2p("ou_ivy"), "ou_ivy", f"{zh_day(day)}下午3点和 @李博 在会议室开会 对齐")
    room = only_draft(yue, reply).payload["room"]
    assert room is not None and room["capacity"] >= 2
    # The smallest room seating both: the 2-seat phone booth, free at 15:00.
    assert room["room_id"] == "omm_emei", room


@contextlib.contextmanager
def room_clock(yue):
    """Rooms answer on the sandbox's timeline (Feishu answers for a room later); the test moves
    that clock itself instead of racing it, and gives real time back afterwards."""
    url = f"{yue.url}/sandbox/api/timeline"
    assert yue.http.post(url, json={"manual": True}, timeout=10).status_code == 200
    try:
        yield lambda: yue.http.post(url, json={"advance": 5}, timeout=10).json()["ran"]
    finally:
        yue.http.post(url, json={"manual": False}, timeout=10)


@pytest.mark.parametrize("named", [True, False])
def test_a_room_taken_before_confirm_is_never_booked(yue, named):
    with room_clock(yue) as rooms_answer:
        _room_taken_before_confirm(yue, named, rooms_answer)


def _room_taken_before_confirm(yue, named, rooms_answer):
    day = week_day("ou_kevin", 2, 3 if named else 4)
    asked = "在黄山会议室开会" if named else "找个8人的会议室开会"
    first = yue.say(p2p("ou_kevin"), "ou_kevin", f"{zh_day(day)}下午4点和 @李博 {asked} 评审A")
    proposed = only_draft(yue, first).payload["room"]
    room = ZH_NAME[proposed["room_id"]]
    assert room in card_text(first["card"]) and "空闲" in card_text(first["card"])
    assert proposed["capacity"] >= 8 and (room == "黄山" or not named)
    # Meanwhile someone else books the same room at the same time, and the room accepts them.
    other = yue.say(p2p("ou_lin"), "ou_lin", f"{zh_day(day)}下午4点和 @王丽 在{room}会议室开会 评审B")
    yue.click(other, "ou_lin", yue.button(other, "confirm"))
    assert rooms_answer() >= 1
    assert any(room in r for r in rooms_of(yue, "ou_alice", "评审B", day))

    out = yue.click(first, "ou_kevin", yue.button(first, "confirm"))
    assert out["toast"]["type"] == "success"
    text = card_text(out["card"])
    rooms = rooms_of(yue, "ou_bob", "评审A", day)
    assert not any(room in r for r in rooms), rooms
    draft = only_draft(yue, first)
    if named:
        # The named room was taken: booked without it, said plainly, free rooms offered.
        assert "已被占用，没有预订它" in text and "会议室已确认" not in text, text
        assert rooms == [] and draft.result["room_status"] == "taken"
        added = yue.click(first, "ou_kevin", yue.button(out["card"], "room"))
        assert added["toast"]["type"] == "success", added
        assert "等待会议室确认" in card_text(added["card"]), card_text(added["card"])    # Feishu answers later
        assert len(rooms_of(yue, "ou_bob", "评审A", day)) == 1
    else:
        # "A room for 8": another free room seating 8 is taken instead, and waits for its answer.
        assert len(rooms) == 1 and "已被占用" not in text and "等待会议室确认" in text, text
        assert any(name in rooms[0] for name, n in SEATS.items() if n >= 8), rooms
    assert rooms_answer() >= 1
    assert draft.id in refresh_pending(yue.bot)
    text = card_text(yue.current(first)["card"])
    assert "会议室已确认" in text and "等待" not in text, text


def test_a_room_that_answers_later_shows_pending_then_declined_with_other_rooms(yue):
    with room_clock(yue) as rooms_answer:
        day = week_day("ou_erin", 3, 0)
        reply = yue.say(p2p("ou_erin"), "ou_erin", f"meet @Jonas on {en_day(day)} at 11am in Taishan about roadmap")
        out = yue.click(reply, "ou_erin", yue.button(reply, "confirm"))
        assert "waiting for the room to confirm" in card_text(out["card"]), card_text(out["card"])
        draft = yue.store.get_draft(yue.button(reply, "confirm")["d"])
        assert draft.result["room_status"] == "pending"

        assert draft.id not in refresh_pending(yue.bot)      # no answer yet: nothing changes
        assert "waiting for the room" in card_text(yue.current(reply)["card"])
        set_room_answer(yue, draft.result["event_id"], "omm_taishan", "decline")   # its admin declines
        assert draft.id in refresh_pending(yue.bot)
        now = yue.current(reply)["card"]
        text = card_text(now)
        assert "Taishan" in text and "declined" in text and "waiting" not in text, text
        assert yue.store.get_draft(draft.id).result["room_status"] == "decline"
        added = yue.click(reply, "ou_erin", yue.button(now, "room"))
        assert added["toast"]["type"] == "success" and "waiting for the room" in card_text(added["card"])
        rooms_answer()
        maintenance(yue.bot)                                           # the sweeper's housekeeping
        assert "room confirmed" in card_text(yue.current(reply)["card"])
        assert yue.store.get_draft(draft.id).result["room_status"] == "accept"
    title = draft.payload["title"]
    evs = yue.events("ou_jonas", title, day - dt.timedelta(days=1), day + dt.timedelta(days=2))
    assert len(evs) == 1 and len(evs[0]["rooms"]) == 1 and "Taishan" not in evs[0]["rooms"][0], evs


@pytest.mark.parametrize("text,lang", [("有哪些会议室？", "zh"), ("what meeting rooms are there?", "en")])
def test_rooms_lists_every_room(yue, text, lang):
    who = "ou_bob" if lang == "zh" else "ou_dave"
    reply = yue.say(p2p(who), who, text)
    body = card_text(reply["card"])
    assert ("会议室" if lang == "zh" else "Meeting rooms") in body
    for name in SEATS:
        assert name in body, body
    assert not yue.buttons(reply), "a list, not a booking"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rooms_at_a_time_says_which_are_free(yue, lang):
    # The seed's finance desk holds Everest (珠峰) every day 14:00–15:00 Shanghai.
    day = week_day("ou_bob", 3, 1)
    who, text = (("ou_bob", f"{zh_day(day)}下午2点哪个会议室空") if lang == "zh"
                 else ("ou_kevin", f"which rooms are free on {en_day(day)} at 2pm"))
    reply = yue.say(p2p(who), who, text)
    lines = card_text(reply["card"]).splitlines()
    everest = [x for x in lines if "珠峰" in x]
    kunlun = [x for x in lines if "昆仑" in x]
    taken, free = ("已占用", "空闲") if lang == "zh" else ("taken", "free")
    assert everest and taken in everest[0], lines
    assert kunlun and free in kunlun[0], lines
