"""The drafts package's declarative parts: state tables, the click registry, typed payloads,
and the router's reading of the parser's confidence."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

import intents
from bot import drafts, router
from bot.drafts.payloads import ExistingPayload, ProposalPayload
from bot.drafts.table import CLICKS, TABLES, on_click
from bot.store import DRAFT_STATUSES


def test_every_kind_has_a_table_of_known_states_and_every_click_a_handler():
    assert set(TABLES) == {"schedule", "cancel", "reschedule", "invite", "leave", "share", "error", "didyoumean",
                           "unshare", "subscribe", "unknownpeople",
                           "cancelall"}
    for kind, t in TABLES.items():
        assert set(t.states) <= set(DRAFT_STATUSES), kind
        for state in t.states.values():
            assert set(state.clicks.values()) <= set(DRAFT_STATUSES), kind
        for action in t.actions():
            assert (kind, action) in CLICKS, (kind, action)
    # An ended state offers no click: its card has no buttons left to press.
    for kind in ("schedule", "cancel", "leave"):
        for status in ("undone", "gone", "expired"):
            assert not TABLES[kind].state(status).clicks


def test_a_click_the_table_does_not_allow_is_an_import_time_error():
    with pytest.raises(ValueError, match="allows no 'explode'"):
        on_click("schedule", "explode")(lambda click: {})
    with pytest.raises(ValueError, match="no state table"):
        on_click("nonsense", "undo")(lambda click: {})


def test_payloads_are_typed_and_keep_what_they_do_not_know():
    p = ProposalPayload.of({"title": "评审", "lang": "en_US", "tz": "Europe/Berlin", "slots": [["a", "b"]],
                            "room_options": [1, 2]})
    assert p.lang == "en" and p.tz == "Europe/Berlin" and p.slots == [["a", "b"]]
    assert p.to_json()["room_options"] == [1, 2]             # a newer writer's key survives a round trip
    assert ProposalPayload.of({}).lang == "zh"
    e = ExistingPayload.of({"verb": "invite", "users": ["ou_x"], "chosen": None})
    assert e.verb == "invite" and e.users == ["ou_x"] and e.chosen is None


def _intent(**extra):
    it = intents.parse("明天下午3点和 @_user_1 开会",
                       now=dt.datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
                       tz="Asia/Shanghai", mentions=[{"key": "@_user_1", "id": "ou_bob", "name": "Bob"}])
    return intents.Intent.of(**{**it.__dict__, **extra})


def test_unsure_readings_follow_confidence_and_alternatives():
    assert router.unsure_readings(_intent()) == []                       # no confidence: taken as sure
    assert router.unsure_readings(_intent(confidence=0.9)) == []
    alts = ({"intent": "find_time", "confidence": 0.2}, {"intent": "unknown", "confidence": 0.1},
            {"intent": "schedule", "confidence": 0.1})
    assert router.unsure_readings(_intent(confidence=0.5, alternatives=alts)) == ["schedule", "find_time"]
    assert router.unsure_readings(_intent(intent="unknown", confidence=0.4, alternatives=alts)) == \
        ["find_time", "schedule"]
    assert 0.6 <= router.UNSURE_BELOW <= 0.8


def test_undo_window_and_public_names():
    assert drafts.UNDO_WINDOW.total_seconds() == 600
    assert callable(drafts.on_card) and callable(drafts.maintenance)


def test_asking_the_organizer_to_move_a_meeting_keeps_its_length_an_all_day_one_gets_an_hour():
    from bot.drafts.existing import as_card_event
    from bot.drafts.organizer import _minutes
    timed = as_card_event({"event_id": "e1", "title": "Sync", "start": "2026-12-10T15:00:00+08:00",
                           "end": "2026-12-10T16:30:00+08:00"}, "Asia/Shanghai")
    all_day = as_card_event({"event_id": "e2", "title": "Offsite", "all_day": True,
                             "start": "2026-12-10T00:00:00+08:00", "end": "2026-12-12T00:00:00+08:00"},
                            "Asia/Shanghai")
    assert (_minutes(timed), _minutes(all_day)) == (90, 60)
