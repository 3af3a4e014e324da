"""Persistence across a restart, rate limits, and /sandbox/api input checking."""
from __future__ import annotations

import json

import lark_oapi as lark
import requests
from lark_oapi.api.authen.v1 import GetUserInfoRequest
from lark_oapi.api.contact.v3 import GetUserRequest
from lark_oapi.api.im.v1 import CreateMessageRequest, CreateMessageRequestBody, GetMessageRequest

import sandbox
from sandbox.api.common import RateLimiter
from tests.sandbox.conftest import APP_ID, APP_SECRET, user_option
from tests.support.live import LiveServer


def test_restart_keeps_tokens_users_and_messages(sandbox_server, sandbox_settings, sandbox_today, user_token):
    client = (lark.Client.builder().app_id(APP_ID).app_secret(APP_SECRET).domain(sandbox_server.url)
              .enable_set_token(True).log_level(lark.LogLevel.ERROR).build())
    alice = user_token("ou_alice")
    sent = client.im.v1.message.create(CreateMessageRequest.builder().receive_id_type("chat_id").request_body(
        CreateMessageRequestBody.builder().receive_id("oc_team").msg_type("text").content('{"text":"before"}')
        .build()).build())
    assert sent.success()
    tenant = requests.post(f"{sandbox_server.url}/open-apis/auth/v3/tenant_access_token/internal", timeout=5,
                           data=json.dumps({"app_id": APP_ID, "app_secret": APP_SECRET})).json()["tenant_access_token"]
    sandbox_server.stop()

    with LiveServer(lambda port: sandbox.create_app(sandbox_settings.with_(port=port), sandbox_today)) as again:
        client = (lark.Client.builder().app_id(APP_ID).app_secret(APP_SECRET).domain(again.url)
                  .enable_set_token(True).log_level(lark.LogLevel.ERROR).build())
        opt = lark.RequestOption.builder().tenant_access_token(tenant).build()
        got = client.im.v1.message.get(GetMessageRequest.builder().message_id(sent.data.message_id).build(), opt)
        assert got.success() and json.loads(got.data.items[0].body.content) == {"text": "before"}
        who = client.authen.v1.user_info.get(GetUserInfoRequest.builder().build(), user_option(alice))
        assert who.success() and who.data.open_id == "ou_alice"
        assert client.contact.v3.user.get(GetUserRequest.builder().user_id("ou_bob").build(), opt).success()
        with again.app.extensions["sandbox"].db.session() as s:
            from sandbox import store
            assert s.query(store.User).count() == 13 and s.query(store.Chat).count() == 13


def test_rate_limit_answers_429_with_reset_header(sandbox_state, lark_client):
    sandbox_state.limiter.per_second = 5          # the real 50/s, scaled down so the test is quick and sure
    req = GetUserRequest.builder().user_id("ou_alice").build()
    answers = [lark_client.contact.v3.user.get(req) for _ in range(8)]
    limited = [a for a in answers if not a.success()]
    assert limited, "no request was limited"
    hit = limited[0]
    assert hit.code == 99991400 and hit.raw.status_code == 429
    assert int(hit.raw.headers["x-ogw-ratelimit-reset"]) >= 1
    # counted per API: another endpoint is unaffected
    assert lark_client.contact.v3.user.batch(
        lark.api.contact.v3.BatchUserRequest.builder().user_ids(["ou_bob"]).build()).success()


def test_rate_limiter_windows():
    rl = RateLimiter()
    assert all(rl.check(("a",), now=i * 0.001) is None for i in range(50))
    assert rl.check(("a",), now=0.06) == 1                     # 51st within one second
    assert rl.check(("a",), now=1.2) is None                   # next second is fine
    rl = RateLimiter()
    t = 0.0
    for _ in range(1000):                                      # 1000 spread over the minute at 20/s
        assert rl.check(("b",), now=t) is None
        t += 0.05
    wait = rl.check(("b",), now=t)
    assert wait is not None and 1 <= wait <= 60


def test_rate_limiter_counts_what_each_api_was_sent():
    rl = RateLimiter(per_second=3)
    for i in range(5):                                         # 5 offered within 0.4 s: 2 refused
        rl.check(("app", "POST", "/x"), now=10 + i * 0.1)
    rl.check(("app", "POST", "/x"), now=12.0)
    rl.check(("app", "GET", "/y"), now=12.0)
    view = rl.view()
    x = next(a for a in view["apis"] if a["path"] == "/x")
    rl.answered(("app", "POST", "/x"), 2.5)
    assert x == {"app_id": "app", "method": "POST", "path": "/x", "calls": 6, "refused": 2, "peak_1s": 5,
                 "peak_60s": 6, "busy_ms": 0.0}
    assert next(a for a in rl.view()["apis"] if a["path"] == "/x")["busy_ms"] == 2.5
    assert view["refused"] == 2 and len(view["apis"]) == 2
    rl.enabled = False                                         # off: still counted, never refused
    for i in range(5):
        assert rl.check(("app", "GET", "/y"), now=20 + i * 0.01) is None
    assert next(a for a in rl.view()["apis"] if a["path"] == "/y")["peak_1s"] == 5
    rl.reset()
    assert rl.view()["apis"] == []


def test_sandbox_api_bad_input(sandbox_server):
    url = f"{sandbox_server.url}/sandbox/api"
    cases = [
        ("post", "/messages", {"chat_id": "oc_team", "sender_id": "ou_alice"}, 400, "text"),
        ("post", "/messages", {"chat_id": "oc_team", "sender_id": 7, "text": "x"}, 400, "sender_id"),
        ("post", "/messages", {"chat_id": "oc_nowhere", "sender_id": "ou_alice", "text": "x"}, 404, "chat_id"),
        ("post", "/messages", {"chat_id": "oc_team", "sender_id": "ou_ghost", "text": "x"}, 404, "sender_id"),
        ("post", "/messages", {"chat_id": "oc_p2p_bob", "sender_id": "ou_alice", "text": "x"}, 400, "member"),
        ("post", "/card_actions", {"message_id": "om_nope", "operator_id": "ou_alice", "value": {}}, 404, "message_id"),
        ("post", "/card_actions", {"message_id": "om_nope", "operator_id": "ou_alice", "value": 3}, 400, "value"),
        ("get", "/chats?person=ou_ghost", None, 404, "person"),
        ("get", "/chats/oc_nowhere/messages", None, 404, "chat_id"),
        ("get", "/chats/oc_team/messages?since=yesterday", None, 400, "since"),
    ]
    for method, path, payload, status, word in cases:
        resp = requests.request(method, url + path, json=payload, timeout=5)
        assert resp.status_code == status, (path, payload, resp.text)
        assert word in resp.json()["error"], (path, resp.text)
    not_json = requests.post(url + "/messages", data=b"{nope", timeout=5)
    assert not_json.status_code == 400 and "JSON" in not_json.json()["error"]


def test_directory_and_chats(sandbox_server):
    d = requests.get(f"{sandbox_server.url}/sandbox/api/directory", timeout=5).json()
    people = {p["open_id"]: p for p in d["people"]}
    assert len(people) == 12 and people["ou_dave"]["time_zone"] == "Europe/London"
    assert people["ou_carol"]["language"] == "en" and people["ou_alice"]["name"] == "王丽"
    assert d["bot"]["open_id"] == "ou_yue_bot" and d["bot"]["display_name"] == "Yue"
    assert {r["room_id"]: r["capacity"] for r in d["rooms"]}["omm_everest"] == 12
    chats = requests.get(f"{sandbox_server.url}/sandbox/api/chats", params={"person": "ou_bob"}, timeout=5).json()["chats"]
    assert {c["chat_id"] for c in chats} == {"oc_team", "oc_p2p_bob"}
    p2p = next(c for c in chats if c["type"] == "p2p")
    assert p2p["name"] == "Bob Li" and set(p2p["members"]) == {"ou_bob", "ou_yue_bot"}


def test_rate_limiter_keeps_five_messages_a_second_to_one_target():
    rl = RateLimiter()
    assert all(rl.check_target(("app", "oc_a"), now=10 + i * 0.01) is None for i in range(5))
    assert rl.check_target(("app", "oc_a"), now=10.5) == 1              # the 6th within one second
    assert rl.check_target(("app", "oc_b"), now=10.5) is None           # another chat has its own
    assert rl.check_target(("app", "oc_a"), now=11.0) is None           # the first left the window at 11.0
    assert rl.view()["targets"] == {"per_second": 5, "calls": 8, "refused": 1, "peak_1s": 6}
    rl.enabled = False                                                  # off: counted, never refused
    assert all(rl.check_target(("app", "oc_c"), now=20 + i * 0.01) is None for i in range(7))
    assert rl.view()["targets"]["peak_1s"] == 7
    rl.reset()
    assert rl.view()["targets"]["calls"] == 0


def test_messages_to_one_chat_are_limited_to_five_a_second(sandbox_state, lark_client):
    def send(chat: str):
        return lark_client.im.v1.message.create(CreateMessageRequest.builder().receive_id_type("chat_id").request_body(
            CreateMessageRequestBody.builder().receive_id(chat).msg_type("text").content('{"text":"hi"}')
            .build()).build())

    sandbox_state.limiter.per_target = 2          # the real 5/s, scaled down so the burst surely fits one second
    answers = [send("oc_team") for _ in range(4)]
    limited = [a for a in answers if not a.success()]
    assert limited, "no message was limited"
    assert {a.code for a in limited} == {230020} and limited[0].raw.status_code == 400
    assert send("oc_p2p_bob").success()           # another chat has its own window
    assert sandbox_state.limiter.view()["targets"]["refused"] == len(limited)
