"""Issue 7: two Yue instances sharing one database behave as one bot: a message
delivered to both is answered once, Confirm clicked on both books once, and a draft
made on one is confirmed on the other. Runs on a shared SQLite file and, when
TEST_DATABASE_URL is PostgreSQL, on PostgreSQL."""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import json

import pytest
import requests

from app import create_app
from tests.support.databases import database_url
from tests.support.live import LiveServer
from tests.support.yue import Chatter, action, inbox_row, message_event, settings_for, signed, wait_until


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], scope="module")
def pair(request, tmp_path_factory):
    """(chatter, url_a, url_b, settings, sandbox app): A hosts the sandbox; B is a second
    bot instance in Feishu mode pointed at A's sandbox, on the same DATABASE_URL."""
    tmp = tmp_path_factory.mktemp(f"pair-{request.param}")
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(database_url(request.param, tmp))
        sa = settings_for(tmp, SANDBOX_EMPTY="1", DATABASE_URL=url)
        a = stack.enter_context(LiveServer(lambda port: create_app(sa.with_(port=port))))
        sb = settings_for(tmp, DATABASE_URL=url, FEISHU_APP_ID=sa.app_id, FEISHU_APP_SECRET=sa.app_secret,
                          FEISHU_ENCRYPT_KEY=sa.encrypt_key, FEISHU_VERIFICATION_TOKEN=sa.verification_token,
                          FEISHU_DOMAIN=a.url, YUE_VAR_DIR=f"{tmp}/var-b")
        b = stack.enter_context(LiveServer(lambda port: create_app(sb.with_(port=port))))
        yield Chatter(a.url), a.url, b.url, sa, a.app


def post_event(url: str, settings, event: dict) -> requests.Response:
    body, headers = signed(settings, "im.message.receive_v1", event)
    return requests.post(f"{url}/feishu/events", data=body, headers=headers, timeout=10)


def post_click(url: str, settings, message_id: str, chat_id: str, operator: str, value: dict) -> dict:
    event = {"operator": {"open_id": operator}, "token": "c-test", "host": "im_message",
             "action": {"tag": "button", "value": value},
             "context": {"open_message_id": message_id, "open_chat_id": chat_id}}
    body, headers = signed(settings, "card.action.trigger", event)
    r = requests.post(f"{url}/feishu/cards", data=body, headers=headers, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def count_events(sandbox_app, title: str) -> int:
    from sandbox.calendar_models import CalEvent
    with sandbox_app.extensions["sandbox"].db.session() as s:
        return s.query(CalEvent).filter(CalEvent.summary == title, CalEvent.is_deleted.is_(False)).count()


def test_same_message_to_both_instances_is_answered_once(pair):
    chat, a, b, settings, sandbox_app = pair
    store = sandbox_app.extensions["yue_bot"].store
    sent = chat.say("oc_p2p_bob", "ou_bob", "帮助")      # stored in the sandbox and delivered to A
    event = message_event("oc_p2p_bob", "ou_bob", "帮助", sent["message_id"])
    with cf.ThreadPoolExecutor(4) as pool:                # and re-delivered to both, at once
        codes = [f.result().status_code for f in [pool.submit(post_event, u, settings, event) for u in (a, b, a, b)]]
    assert codes == [200, 200, 200, 200]
    chat.wait_reply(sent["message_id"], "oc_p2p_bob")
    # Nothing is left to process (on either instance: one database), so no second reply can come.
    wait_until("both instances' inbox to drain", lambda: store.inbox_pending_count() == 0)
    assert len(chat.replies_to(sent["message_id"], "oc_p2p_bob")) == 1
    row = inbox_row(store, sent["message_id"])
    assert (row.status, row.attempts) == ("done", 1)      # stored once, claimed once


def test_confirm_on_both_instances_books_once(pair):
    chat, a, b, settings, sandbox_app = pair
    title = "Pair Sync Alpha"
    reply = chat.ask("oc_p2p_carol", "ou_carol", f"book {title} with @Dave tomorrow at 9am for 30 min")
    confirm = action(reply["card"], "confirm")
    assert confirm
    with cf.ThreadPoolExecutor(2) as pool:
        answers = [f.result() for f in [pool.submit(post_click, u, settings, reply["message_id"], "oc_p2p_carol",
                                                    "ou_carol", confirm) for u in (a, b)]]
    toasts = sorted(x.get("toast", {}).get("type", "") for x in answers)
    assert "success" in toasts, answers
    assert count_events(sandbox_app, title) == 1


def test_draft_made_on_one_is_confirmed_on_the_other(pair):
    chat, a, b, settings, sandbox_app = pair
    title = "Pair Sync Beta"
    reply = chat.ask("oc_p2p_dave", "ou_dave", f"book {title} tomorrow at 10am for 45 min")   # handled by A
    answer = post_click(b, settings, reply["message_id"], "oc_p2p_dave", "ou_dave", action(reply["card"], "confirm"))
    assert answer["toast"]["type"] == "success", json.dumps(answer)[:500]
    assert action(answer["card"]["data"], "undo")
    assert count_events(sandbox_app, title) == 1
    again = post_click(a, settings, reply["message_id"], "oc_p2p_dave", "ou_dave", action(reply["card"], "confirm"))
    assert again["toast"]["type"] != "success" or "already" in json.dumps(again, ensure_ascii=False).lower()
    assert count_events(sandbox_app, title) == 1
