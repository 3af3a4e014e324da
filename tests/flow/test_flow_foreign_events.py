"""Events signed with our key but naming another app or tenant are dropped (logged, 200,
no processing); the inbox keeps an event without its verification token; a message
whose content is a number is acknowledged and ignored."""
from __future__ import annotations

import json
import logging
import uuid

from sqlalchemy import select

from bot.store.tables import inbox
from tests.flow.conftest import p2p, wait_for


def stored(yue, message_id: str) -> list[dict]:
    with yue.store.engine.connect() as c:
        rows = c.execute(select(inbox.c.payload).where(inbox.c.event_id == f"message:{message_id}"))
        return [r.payload for r in rows]


def mention_event(yue, sent: dict, sender: str) -> dict:
    return yue.message_event(sent, sender, "group", mentions=[
        {"key": "@_user_1", "id": {"open_id": "ou_yue_bot"}, "name": "Yue", "mentioned_type": "bot"}])


def test_events_of_another_app_or_tenant_are_dropped(yue, caplog):
    caplog.set_level(logging.WARNING, "yue.inbound")
    sent = yue.say_nothing("oc_team", "ou_lin", "help")           # not pushed: no mention
    envelope = yue.envelope("im.message.receive_v1", mention_event(yue, sent, "ou_lin"))
    for header in ({"app_id": "cli_someone_else"}, {"tenant_key": "another_tenant"}, {"app_id": None}):
        forged = {**envelope, "header": {**envelope["header"], **header, "event_id": uuid.uuid4().hex}}
        r = yue.post_raw("/feishu/events", *yue.signed(forged))
        assert r.status_code == 200, (header, r.status_code)       # acknowledged: Feishu stops re-delivering
    assert stored(yue, sent["message_id"]) == []
    assert sum("not ours" in r.getMessage() for r in caplog.records) == 3
    # the same event naming our app and tenant is processed: the check above is not vacuous
    assert yue.post_raw("/feishu/events", *yue.signed(envelope)).status_code == 200
    wait_for("the genuine event's reply", lambda: yue.replies(sent["message_id"], "oc_team"))


def test_card_clicks_of_another_app_book_nothing(yue):
    reply = yue.say(p2p("ou_lin"), "ou_lin", "明天上午10点和 @李博 开会 外来点击")
    confirm = yue.button(reply, "confirm")
    event = {"operator": {"open_id": "ou_lin"}, "token": "c-" + uuid.uuid4().hex,
             "action": {"value": confirm, "tag": "button"}, "host": "im_message",
             "context": {"open_message_id": reply["message_id"], "open_chat_id": reply["chat_id"]}}
    envelope = yue.envelope("card.action.trigger", event)
    forged = {**envelope, "header": {**envelope["header"], "app_id": "cli_someone_else"}}
    r = yue.post_raw("/feishu/cards", *yue.signed(forged))
    assert r.status_code == 200 and "toast" not in r.json()
    assert yue.store.get_draft(confirm["d"]).status == "pending"
    ok = yue.post_raw("/feishu/cards", *yue.signed(envelope))
    assert ok.status_code == 200 and "toast" in ok.json()
    assert yue.store.get_draft(confirm["d"]).status == "booked"


def test_the_inbox_keeps_no_verification_token(yue):
    reply = yue.say(p2p("ou_lin"), "ou_lin", "帮助")
    payloads = stored(yue, reply["request"]["message_id"])
    assert len(payloads) == 1
    text = json.dumps(payloads[0])
    assert yue.settings.verification_token not in text and "token" not in payloads[0].get("header", {})
    assert payloads[0]["header"]["app_id"] == yue.settings.app_id      # the rest is kept


def test_numeric_content_is_acknowledged_and_ignored(yue):
    sent = yue.say_nothing("oc_team", "ou_lin", "help")
    event = mention_event(yue, sent, "ou_lin")
    event["message"]["content"] = 12345
    r = yue.post_raw("/feishu/events", *yue.signed(yue.envelope("im.message.receive_v1", event)))
    assert r.status_code == 200
    yue.settle()
    items = stored(yue, sent["message_id"])
    assert len(items) == 1
    with yue.store.engine.connect() as c:
        status = c.execute(select(inbox.c.status, inbox.c.attempts, inbox.c.last_error)
                           .where(inbox.c.event_id == f"message:{sent['message_id']}")).one()
    assert (status.status, status.attempts, status.last_error) == ("done", 1, None)   # no TypeError, no retry
    assert yue.replies(sent["message_id"], "oc_team") == []
