"""Issue 7: a flood of bad callbacks (forged signatures, oversized bodies, malformed
JSON, replayed old events) is refused with 4xx while good traffic mixed in is served."""
from __future__ import annotations

import concurrent.futures as cf
import random
import time

import pytest
import requests

from app import create_app
from tests.support.live import LiveServer
from tests.support.yue import Chatter, message_event, settings_for, signed


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = settings_for(tmp_path_factory.mktemp("flood"), SANDBOX_EMPTY="1")
    with LiveServer(lambda port: create_app(s.with_(port=port))) as server:
        server.settings = s
        yield server


def forged(settings, path_kind: str, rng: random.Random) -> tuple[bytes, dict, str]:
    """One bad request of a random kind: (body, headers, kind)."""
    event = message_event("oc_p2p_carol", "ou_carol", "help", f"om_forged_{rng.random()}")
    body, headers = signed(settings, "im.message.receive_v1", event)
    kind = rng.choice(["signature", "oversized", "malformed", "replayed", "token", "no_headers"])
    if kind == "signature":
        headers["X-Lark-Signature"] = "0" * 64
    elif kind == "oversized":
        body = b'{"pad": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    elif kind == "malformed":
        body = b'{"encrypt": "not base64 at all'
    elif kind == "replayed":     # a genuine request captured long ago
        old = str(int(time.time()) - 7 * 24 * 3600)
        headers["X-Lark-Request-Timestamp"] = old
        from sandbox.delivery import sign
        headers["X-Lark-Signature"] = sign(old, headers["X-Lark-Request-Nonce"], settings.encrypt_key, body)
    elif kind == "token":       # right signature, wrong verification token inside
        s2 = settings.with_(verification_token="someone-else")
        body, headers = signed(s2, "im.message.receive_v1", event)
    else:
        headers = {"Content-Type": "application/json"}
    return body, headers, kind


def test_flood_of_bad_callbacks_is_refused_and_good_traffic_served(srv):
    rng = random.Random(7)
    settings = srv.settings
    chat = Chatter(srv.url, timeout=30)
    bad = [forged(settings, "events", rng) for _ in range(150)]
    good_ids: list[str] = []

    def send_bad(item):
        body, headers, kind = item
        path = "/feishu/cards" if rng.random() < 0.3 else "/feishu/events"
        r = requests.post(srv.url + path, data=body, headers=headers, timeout=15)
        return kind, r.status_code, r.headers.get("Content-Type", "")

    with cf.ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(send_bad, b) for b in bad]
        for _ in range(5):          # real people keep writing during the flood
            good_ids.append(chat.say("oc_p2p_carol", "ou_carol", "help")["message_id"])
        results = [f.result() for f in futures]
    for kind, status, ctype in results:
        assert 400 <= status < 500, f"{kind} got {status}"
        assert "html" not in ctype
    assert {k for k, _, _ in results} >= {"signature", "oversized", "malformed", "replayed", "token"}
    for mid in good_ids:
        assert len(chat.wait_reply(mid, "oc_p2p_carol")) == 1
    # Nothing the forged requests carried reached the bot.
    bot = srv.app.extensions["yue_bot"]
    assert bot.store.inbox_pending_count() == 0
    assert not any(m["message_id"].startswith("om_forged") for m in chat.messages("oc_p2p_carol"))


def test_bad_card_callbacks_change_nothing(srv):
    settings = srv.settings
    chat = Chatter(srv.url)
    reply = chat.ask("oc_p2p_dave", "ou_dave", "book Flood Check tomorrow at 9am")
    from tests.support.yue import action
    confirm = action(reply["card"], "confirm")
    event = {"operator": {"open_id": "ou_dave"}, "token": "c-x", "host": "im_message",
             "action": {"tag": "button", "value": confirm},
             "context": {"open_message_id": reply["message_id"], "open_chat_id": "oc_p2p_dave"}}
    body, headers = signed(settings, "card.action.trigger", event)
    headers["X-Lark-Signature"] = "f" * 64
    r = requests.post(srv.url + "/feishu/cards", data=body, headers=headers, timeout=10)
    assert r.status_code in (400, 401, 403)
    draft = srv.app.extensions["yue_bot"].store.get_draft(confirm["d"])
    assert draft.status == "pending"
