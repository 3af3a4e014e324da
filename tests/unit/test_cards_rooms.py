"""Cards about rooms, the organizer and off-hours: the room line as the room answered, free rooms
as buttons, the rooms list, "only the organizer can…", the cancel confirmation, "01:00 for Carol"."""
import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from bot.cards import (Booked, Event, OffHours, Person, Proposal, Room, SlotChoice, SlotsView, ask_organizer_card,
                       booked_card, confirm_cancel_card, not_organizer_card, proposal_card, rooms_card, slots_card)
from bot.cards.base import esc
from tests.flow.conftest import buttons, card_text

SH = "Asia/Shanghai"
START = dt.datetime(2026, 11, 26, 15, 0, tzinfo=ZoneInfo(SH))
END = START + dt.timedelta(minutes=30)
NOW = START - dt.timedelta(days=1)
FREE = (Room("Kunlun", 6, "3F", room_id="r_k"), Room("Huangshan", 8, "5F", room_id="r_h"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_booked_room_by_its_answer(lang):
    for status, shows, offers in (("accept", True, False), ("pending", True, False),
                                  ("decline", False, True), ("taken", False, True)):
        b = Booked("d1", "Sync", START, END, SH, room=Room("Everest", 12, "3F", room_id="r_e", status=status),
                   room_options=FREE if offers else ())
        card = booked_card(b, lang, NOW)
        text = card_text(card)
        rooms = [v for _, v in buttons(card) if v["a"] == "room"]
        assert ("Everest · 12" in text) is shows, (status, text)         # the room line only when it is the event's
        assert bool(rooms) is offers and all(v["d"] == "d1" for v in rooms)
        if status == "pending":
            assert ("等待会议室确认" if lang == "zh" else "waiting for the room") in text


def test_declined_without_free_rooms_says_none_is_free():
    b = Booked("d1", "Sync", START, END, SH, room=Room("Everest", 12, status="decline"))
    assert "No suitable room is free" in card_text(booked_card(b, "en", NOW))


def test_proposal_offers_free_rooms_when_its_room_is_taken_and_marks_off_hours():
    p = Proposal("d2", "Sync", START, END, SH, attendees=(Person("Carol", "ou_c", "America/Los_Angeles"),),
                 room=Room("Everest", 12, taken=True), room_options=FREE,
                 off_hours=(OffHours("Carol", "America/Los_Angeles"),))
    card = proposal_card(p, "en")
    assert [v["r"] for _, v in buttons(card) if v["a"] == "room"] == ["r_k", "r_h"]
    assert "Outside working hours: 23:00 (Wed Nov 25) for Carol" in card_text(card)
    asked = Proposal("d3", "Sync", START, END, SH, room_asked=True)
    assert "没有空闲的合适会议室" in card_text(proposal_card(asked, "zh"))


def test_slot_buttons_mark_off_hours_per_person():
    v = SlotsView("d4", "Sync", SH, 30,
                  (SlotChoice(START, END, off_hours=(OffHours("Carol", "America/Los_Angeles"),)),),
                  best_effort=True)
    label = buttons(slots_card(v, "zh"))[0][0]
    assert "Carol 当地 23:00（" not in label and "Carol 当地 23:00 (周三 11月25日)" in label


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rooms_card(lang):
    card = rooms_card([(Room("Kunlun", 6, "3F"), True), (Room("Everest", 12, "3F"), False)], lang, at=START, tz=SH,
                      seats=6)
    text = card_text(card)
    assert "Kunlun" in text and "Everest" in text and not buttons(card)
    assert ("空闲" if lang == "zh" else "free") in text and ("已占用" if lang == "zh" else "taken") in text
    assert ("6 人" if lang == "zh" else "seating 6") in text
    empty = card_text(rooms_card([], lang, seats=40))
    assert "40" in empty


def test_organizer_cards_escape_and_carry_their_buttons():
    card = not_organizer_card("d5", "<b>Plan</b>", "Alice", "reschedule", "en")
    assert "Alice organizes “&#60;b&#62;Plan&#60;/b&#62;”" in card_text(card)
    assert [v for _, v in buttons(card)] == [{"a": "ask", "d": "d5"}, {"a": "cancel", "d": "d5"}]
    assert "只有发起人可以取消" in card_text(not_organizer_card("d5", "周会", "王丽", "cancel", "zh"))
    assert esc("<x>") in json.dumps(ask_organizer_card("<x>", "en"), ensure_ascii=False)
    ev = Event("ev1", "预算", START, END)
    c = confirm_cancel_card("d6", ev, SH, "zh")
    assert [v for _, v in buttons(c)] == [{"a": "choose", "d": "d6", "e": "ev1"}, {"a": "cancel", "d": "d6"}]
