"""Issue 7: with Feishu failing at random, every confirmed booking exists exactly once
and every failure reaches the person with a way to retry."""
from __future__ import annotations

import collections

import pytest

from app import create_app
from tests.support.live import LiveServer
from tests.support.yue import Chatter, action, card_text, settings_for

PEOPLE = ["ou_alice", "ou_bob", "ou_carol", "ou_dave"]
P2P = {"ou_alice": "oc_p2p_alice", "ou_bob": "oc_p2p_bob", "ou_carol": "oc_p2p_carol", "ou_dave": "oc_p2p_dave"}
FLOWS = 100


@pytest.fixture(scope="module")
def yue(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    s = settings_for(tmp, SANDBOX_EMPTY="1", YUE_WORKERS="4")
    with LiveServer(lambda port: create_app(s.with_(port=port))) as srv:
        yield srv


def bot_events(srv) -> list[tuple[str, str]]:
    """(summary, idempotency_key) of every event on the bot's calendar, straight from the sandbox."""
    from sandbox.calendar_models import CalEvent as Event
    state = srv.app.extensions["sandbox"]
    with state.db.session() as s:
        return [(e.summary, e.event_id) for e in s.query(Event).all() if not getattr(e, "is_deleted", False)]


def test_bookings_survive_random_failures(yue):
    chat = Chatter(yue.url, timeout=60)
    chat.faults(error_rate=0.1, drop_rate=0.1, seed=20261125)
    booked_titles, retries_seen = [], 0
    for i in range(FLOWS):
        who = PEOPLE[i % len(PEOPLE)]
        title = f"Review R{i:03d}"
        hour = 9 + i % 8
        reply = chat.ask(P2P[who], who, f"book {title} tomorrow at {hour}:00 for 30 min")
        card = reply.get("card")
        while action(card, "retry") and not action(card, "confirm"):
            # The proposal could not be made: the person is told and may retry.
            retries_seen += 1
            reply = chat.ask(P2P[who], who, f"book {title} tomorrow at {hour}:00 for 30 min")
            card = reply.get("card")
        confirm = action(card, "confirm")
        assert confirm, f"flow {i}: no confirm button on {card_text(card)[:400]}"
        answer = chat.click(reply["message_id"], who, confirm)
        for _ in range(10):
            shown = card_text(answer.get("card"))
            retry = action((answer.get("card") or {}).get("data") if answer.get("card") else None, "retry")
            if retry is None:
                break
            retries_seen += 1
            answer = chat.click(reply["message_id"], who, retry)
        assert action((answer.get("card") or {}).get("data"), "undo") or "working" in str(answer.get("toast")) \
            or answer.get("toast", {}).get("type") == "success", f"flow {i}: not booked: {shown[:400]}"
        booked_titles.append(title)
    view = chat.faults()
    injected = view["injected"]
    chat.clear_faults()
    assert injected["error"] + injected["drop"] > 0, "the faults were never injected"
    # The bot sent faulted requests again with the same idempotency key / uuid (its retries,
    # and the Retry buttons): counted by the sandbox, not inferred from the outcome.
    assert view["retried"] > 0, view
    creates = sum(n for route, n in view["calls"].items() if route.startswith("POST") and route.endswith("/events"))
    assert creates > FLOWS, f"{creates} event creations for {FLOWS} bookings: no create was ever retried"
    counts = collections.Counter(summary for summary, _ in bot_events(yue))
    for title in booked_titles:
        assert counts[title] == 1, f"{title} exists {counts[title]} times"
    assert len(booked_titles) == FLOWS
