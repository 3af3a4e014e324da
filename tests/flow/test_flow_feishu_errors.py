"""Feishu failing, injected through the sandbox's faults: the booking's error path (the
event cannot be created: an error card with Retry, the draft kept, Retry books once) and
the dispatcher's (free/busy cannot be read: an error card instead of a proposal). The
sandbox counts the calls, so the tests also see that the bot retried before giving up."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.cards.i18n import t
from tests.flow.conftest import card_text, p2p, today_in, wait_for


@pytest.fixture
def faults(yue):
    def set_faults(**values) -> dict:
        r = yue.http.post(f"{yue.url}/sandbox/api/faults", json=values, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    yue.http.delete(f"{yue.url}/sandbox/api/faults", timeout=10)
    yield set_faults
    yue.http.delete(f"{yue.url}/sandbox/api/faults", timeout=10)


def fault_view(yue) -> dict:
    return yue.http.get(f"{yue.url}/sandbox/api/faults", timeout=10).json()


def test_booking_that_feishu_refuses_shows_an_error_card_and_retry_books_once(yue, faults):
    day = today_in("ou_kevin") + dt.timedelta(days=6)
    reply = yue.say(p2p("ou_kevin"), "ou_kevin", f"{day.month}月{day.day}日上午10点和 @李博 开会 故障预订")
    confirm = yue.button(reply, "confirm")
    title = yue.store.get_draft(confirm["d"]).payload["title"]
    events_path = f"/open-apis/calendar/v4/calendars/{yue.bot.feishu.bot_calendar_id()}/events"
    faults(error_rate=1.0, path_prefix=events_path)          # every create answers 500
    yue.click(reply, "ou_kevin", confirm)                     # answered at once or "working", then patched
    shown = wait_for("the error card", lambda: (c := yue.current(reply).get("card")) and
                     t("err_other", "zh") in card_text(c) and c)
    retry = yue.button(shown, "retry")
    assert retry["d"] == confirm["d"]
    assert yue.store.get_draft(confirm["d"]).status == "pending"      # kept for the Retry button
    view = fault_view(yue)
    creates = sum(n for route, n in view["calls"].items() if route.startswith("POST") and route.endswith("/events"))
    assert view["injected"]["error"] >= 2 and creates >= 2, view       # retried before giving up
    span = (day - dt.timedelta(days=1), day + dt.timedelta(days=1))
    assert yue.events("ou_bob", title, *span) == []
    # Feishu recovers; Retry books, once, with the draft's idempotency key.
    faults(error_rate=0.0)
    out = yue.click(reply, "ou_kevin", retry)
    booked = wait_for("the booked draft", lambda: yue.store.get_draft(confirm["d"]).status == "booked")
    assert booked and out["toast"]["type"] in ("success", "info")
    assert len(yue.events("ou_bob", title, *span)) == 1


def test_a_handler_that_feishu_fails_answers_with_an_error_card(yue, faults):
    day = today_in("ou_henry") + dt.timedelta(days=5)
    text = f"{day.month}月{day.day}日下午4点和 @李博 开会 忙闲失败"
    faults(error_rate=1.0, path_prefix="/open-apis/calendar/v4/freebusy")
    reply = yue.say(p2p("ou_henry"), "ou_henry", text)
    shown = card_text(reply["card"])
    assert t("err_other", "zh") in shown and t("err_other_hint", "zh") in shown, shown
    assert not any(v.get("a") == "confirm" for _, v in yue.buttons(reply))
    view = fault_view(yue)
    assert view["injected"]["error"] >= 2, view                         # freebusy was retried first
    yue.settle(reply["request"]["event_id"])
    assert yue.store.inbox_pending_count() == 0   # answered with the card, not left for the inbox to retry
    # the same message once Feishu answers: a proposal (the error card came from the fault)
    faults(error_rate=0.0)
    again = yue.say(p2p("ou_henry"), "ou_henry", text)
    assert yue.button(again, "confirm")
