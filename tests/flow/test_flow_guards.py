"""What Yue must not do: speak in a group when not spoken to, answer a message twice, book
twice, accept forged or stale callbacks, act on an expired draft or after the Undo window.

Forged requests are built as Feishu builds real ones (AES-256-CBC `encrypt`, X-Lark-Signature
over timestamp + nonce + encrypt key + body; see docs/lark-oapi-notes.md §1) and then broken
one way each; every one gets a 4xx and leaves the inbox, the drafts and the calendars as they
were, while the unbroken request, sent last, does get through (so the checks can fail)."""
from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from tests.flow.conftest import card_text, p2p, today_in, wait_for


def zh_day(d: dt.date) -> str:
    return f"{d.month}月{d.day}日"


def inbox_items(yue) -> int:
    from sqlalchemy import func, select

    from bot.store.tables import inbox
    with yue.store.engine.connect() as c:
        return c.execute(select(func.count()).select_from(inbox)).scalar_one()


# --- groups: only when spoken to ---------------------------------------------------------------

def test_group_message_without_mention_gets_no_reply(yue):
    sent = yue.say_nothing("oc_team", "ou_alice", "明天下午3点和 @Bob 开会")
    assert sent["event_id"] is None                       # Feishu pushes only mentions (no "all messages" scope)
    # Even when it does reach the bot (an app with the scope), Yue stays silent.
    before = inbox_items(yue)
    event = yue.message_event(sent, "ou_alice", "group",
                              mentions=[{"key": "@_user_1", "id": {"open_id": "ou_bob"}, "name": "李博",
                                         "mentioned_type": "user"}])
    r = yue.post_raw("/feishu/events", *yue.signed(yue.envelope("im.message.receive_v1", event)))
    assert r.status_code == 200
    assert inbox_items(yue) == before + 1
    yue.settle()
    assert yue.replies(sent["message_id"], "oc_team") == []


def test_group_slash_command_and_mention_are_answered(yue):
    # The slash command reaches the bot when the app may read group messages: deliver it as Feishu would.
    sent = yue.say_nothing("oc_team", "ou_henry", "/help")
    r = yue.post_raw("/feishu/events", *yue.signed(yue.envelope("im.message.receive_v1",
                                                                 yue.message_event(sent, "ou_henry", "group"))))
    assert r.status_code == 200
    reply = wait_for("the help card", lambda: yue.replies(sent["message_id"], "oc_team"))[0]
    assert "/meet" in card_text(reply["card"])
    mentioned = yue.say("oc_team", "ou_henry", "@Yue 帮助")
    assert "使用帮助" in card_text(mentioned["card"])


def test_messages_from_bots_are_ignored(yue):
    sent = yue.say_nothing("oc_team", "ou_lin", "帮助")        # not pushed by the sandbox: no mention
    to_yue = [{"key": "@_user_1", "id": {"open_id": "ou_yue_bot"}, "name": "Yue", "mentioned_type": "bot"}]
    for sender, sender_type in (("ou_some_bot", "app"), ("ou_yue_bot", "user")):   # another bot; Yue itself
        event = yue.message_event(sent, sender, "group", mentions=to_yue)
        event["sender"]["sender_type"] = sender_type
        r = yue.post_raw("/feishu/events", *yue.signed(yue.envelope("im.message.receive_v1", event)))
        assert r.status_code == 200
    yue.settle()
    assert yue.replies(sent["message_id"], "oc_team") == []


# --- once and only once ------------------------------------------------------------------------

def test_duplicate_delivery_gets_one_reply(yue):
    reply = yue.say(p2p("ou_kevin"), "ou_kevin", "帮助")
    sent = reply["request"]
    # Feishu re-delivers the same event (same event_id) …
    r = yue.http.post(f"{yue.url}/sandbox/api/deliveries/{sent['event_id']}/redeliver", timeout=10)
    assert r.status_code == 200
    yue.settle(sent["event_id"])          # the re-delivery was answered and the inbox is empty
    recs = yue.http.get(f"{yue.url}/sandbox/api/deliveries", timeout=10).json()["deliveries"]
    assert [r["delivered"] for r in recs if r["event_id"] == sent["event_id"]] == [True]
    # … and the same message arrives again under another event_id (a second push, a second instance).
    again = yue.post_raw("/feishu/events", *yue.signed(yue.envelope(
        "im.message.receive_v1", yue.message_event(sent, "ou_kevin", "p2p"))))
    assert again.status_code == 200
    yue.settle()
    assert len(yue.replies(sent["message_id"], p2p("ou_kevin"))) == 1


def test_the_same_signed_request_twice_gets_one_reply(yue):
    sent = yue.say_nothing("oc_team", "ou_ivy", "帮助一下")       # no mention: the sandbox does not push it
    body, headers = yue.signed(yue.envelope("im.message.receive_v1", yue.message_event(
        sent, "ou_ivy", "group", mentions=[{"key": "@_user_9", "id": {"open_id": "ou_yue_bot"}, "name": "Yue",
                                            "mentioned_type": "bot"}])))
    first = yue.post_raw("/feishu/events", body, headers)
    second = yue.post_raw("/feishu/events", body, headers)
    assert first.status_code == 200 and second.status_code == 200     # acknowledged, so Feishu stops retrying
    wait_for("the reply", lambda: yue.replies(sent["message_id"], "oc_team"))
    yue.settle()
    assert len(yue.replies(sent["message_id"], "oc_team")) == 1


def test_expired_draft_click_says_so_and_books_nothing(yue):
    day = today_in("ou_ivy") + dt.timedelta(days=3)
    reply = yue.say(p2p("ou_ivy"), "ou_ivy", f"{zh_day(day)}下午3点和 @李博 开会 过期测试")
    confirm = yue.button(reply, "confirm")
    past = yue.bot.now() - dt.timedelta(minutes=1)
    assert yue.store.update_draft(confirm["d"], expires_at=past) is not None
    out = yue.click(reply, "ou_ivy", confirm)
    assert out["toast"]["content"] == "已过期，请重新发消息"
    assert "已过期" in card_text(out["card"])
    assert yue.store.get_draft(confirm["d"]).status == "expired"
    assert yue.events("ou_bob", "过期测试", day, day + dt.timedelta(days=1)) == []
    again = yue.click(reply, "ou_ivy", confirm)
    assert again["toast"]["content"] == "已过期，请重新发消息"
    assert yue.events("ou_bob", "过期测试", day, day + dt.timedelta(days=1)) == []


def test_undo_after_its_window_is_refused_and_the_event_stays(yue):
    day = today_in("ou_grace") + dt.timedelta(days=4)
    reply = yue.say(p2p("ou_grace"), "ou_grace", f"{zh_day(day)}上午11点和 @李博 开会 期限复盘")
    out = yue.click(reply, "ou_grace", yue.button(reply, "confirm"))
    undo = yue.button(out["card"], "undo")
    yue.store.update_draft(undo["d"], undo_until=yue.bot.now() - dt.timedelta(seconds=1))
    late = yue.click(reply, "ou_grace", undo)
    assert late["toast"]["content"] == "已超过撤销时间"
    assert len(yue.events("ou_bob", "期限复盘", day, day + dt.timedelta(days=1))) == 1


def test_unknown_card_value_and_unknown_draft_change_nothing(yue):
    day = today_in("ou_jonas") + dt.timedelta(days=3)
    reply = yue.say(p2p("ou_jonas"), "ou_jonas", f"meet @Erin on {day:%B} {day.day} at 11am about odd clicks")
    d = yue.button(reply, "confirm")["d"]
    for value in ({"a": "explode", "d": d}, {"a": "confirm", "d": "no-such-draft"}, {"a": "pick", "d": d, "i": 7},
                  {"a": "confirm"}, {}):
        out = yue.click(reply, "ou_jonas", value)
        assert out["toast"]["type"] in ("error", "warning"), (value, out)
    assert yue.store.get_draft(d).status == "pending"


# --- forged and malformed callbacks ------------------------------------------------------------

def _forgeries(yue, envelope: dict) -> dict[str, tuple[bytes, dict]]:
    good_body, good_headers = yue.signed(envelope)
    stale = yue.signed(envelope, ts=int(dt.datetime.now().timestamp()) - 2 * 3600)
    wrong_token = yue.signed({**envelope, "header": {**envelope["header"], "token": "not-the-token"}})
    wrong_key = yue.signed(envelope, encrypt_key="someone-elses-key")
    bad_sig = (good_body, {**good_headers, "X-Lark-Signature": "0" * 64})
    no_sig = (good_body, {k: v for k, v in good_headers.items() if k != "X-Lark-Signature"})
    tampered_body = good_body.replace(b'"encrypt": "', b'"encrypt": "AAAA', 1)
    not_json = yue.signed(b"this is not json", encrypted=False)
    huge = yue.signed({**envelope, "pad": "x" * (1024 * 1024 + 10)})
    plain_unsigned = (json.dumps(envelope).encode(), {"Content-Type": "application/json"})
    return {"stale timestamp": stale, "wrong verification token": wrong_token, "wrong encrypt key": wrong_key,
            "bad signature": bad_sig, "no signature": no_sig, "tampered body": (tampered_body, good_headers),
            "non-JSON": not_json, "oversized": huge, "plain and unsigned": plain_unsigned}


def test_forged_events_get_4xx_and_change_nothing(yue):
    sent = yue.say_nothing("oc_team", "ou_jonas", "help")      # not delivered: no mention
    envelope = yue.envelope("im.message.receive_v1", yue.message_event(
        sent, "ou_jonas", "group", mentions=[{"key": "@_user_1", "id": {"open_id": "ou_yue_bot"}, "name": "Yue",
                                              "mentioned_type": "bot"}]))
    before = inbox_items(yue)
    for name, (body, headers) in _forgeries(yue, envelope).items():
        r = yue.post_raw("/feishu/events", body, headers)
        assert 400 <= r.status_code < 500, (name, r.status_code, r.text[:200])
    assert inbox_items(yue) == before
    yue.settle()
    assert yue.replies(sent["message_id"], "oc_team") == []
    # the same event, signed properly, is answered: the checks above were not vacuous
    ok = yue.post_raw("/feishu/events", *yue.signed(envelope))
    assert ok.status_code == 200
    wait_for("the genuine event's reply", lambda: yue.replies(sent["message_id"], "oc_team"))


def test_forged_card_clicks_get_4xx_and_book_nothing(yue):
    day = today_in("ou_erin") + dt.timedelta(days=5)
    reply = yue.say(p2p("ou_erin"), "ou_erin", f"meet @Jonas on {day:%B} {day.day} at 10am about forged clicks")
    confirm = yue.button(reply, "confirm")
    title = yue.store.get_draft(confirm["d"]).payload["title"]
    event = {"operator": {"open_id": "ou_erin"}, "token": "c-" + uuid.uuid4().hex,
             "action": {"value": confirm, "tag": "button"}, "host": "im_message",
             "context": {"open_message_id": reply["message_id"], "open_chat_id": reply["chat_id"]}}
    envelope = yue.envelope("card.action.trigger", event)
    span = (day - dt.timedelta(days=1), day + dt.timedelta(days=2))
    for name, (body, headers) in _forgeries(yue, envelope).items():
        r = yue.post_raw("/feishu/cards", body, headers)
        assert 400 <= r.status_code < 500, (name, r.status_code, r.text[:200])
        assert yue.store.get_draft(confirm["d"]).status == "pending", name
    assert yue.events("ou_jonas", title, *span) == []
    ok = yue.post_raw("/feishu/cards", *yue.signed(envelope))
    assert ok.status_code == 200 and ok.json()["toast"]["content"] == "Booked"
    assert len(yue.events("ou_jonas", title, *span)) == 1


@pytest.mark.parametrize("path", ["/feishu/events", "/feishu/cards"])
def test_url_verification_needs_the_token(yue, path):
    ok = yue.post_raw(path, json.dumps({"type": "url_verification", "challenge": "c123",
                                        "token": yue.settings.verification_token}).encode(),
                      {"Content-Type": "application/json"})
    assert ok.status_code == 200 and ok.json() == {"challenge": "c123"}
    bad = yue.post_raw(path, json.dumps({"type": "url_verification", "challenge": "c123",
                                         "token": "wrong"}).encode(), {"Content-Type": "application/json"})
    assert 400 <= bad.status_code < 500
