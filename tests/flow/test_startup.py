"""`python app.py` serves before the bot has started (issue 17): /healthz says `starting`
and the bot's routes answer 503 + Retry-After, then hand over to the bot once it is up."""
from __future__ import annotations

import json

from app import BOT_ROUTES, serving_app
from tests.support.yue import message_event, settings_for, signed


def test_bot_routes_wait_for_the_late_bot_then_delegate(tmp_path):
    settings = settings_for(tmp_path, SANDBOX_EMPTY="1")
    app, late = serving_app(settings)
    client = app.test_client()
    assert client.get("/healthz").get_json()["status"] == "starting"
    for path, method in BOT_ROUTES:
        r = client.open(path, method=method, json={})
        assert r.status_code == 503 and r.headers["Retry-After"] == "1", path
        assert "starting" in r.get_json()["msg"]
    assert client.get("/open-apis/calendar/v4/calendars").status_code != 503   # the sandbox serves meanwhile

    late.start()
    assert late.ready.wait(120) and late.status == "ready"
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["status"] == "ready"
    # the bot itself answers now: a forged event is refused by its verification, a signed one stored
    assert client.post("/feishu/events", data=b'{"x": 1}', content_type="application/json").status_code == 400
    body, headers = signed(settings, "im.message.receive_v1",
                           message_event("oc_p2p_alice", "ou_alice", "help", "om_startup_1"))
    r = client.post("/feishu/events", data=body, headers=headers)
    assert r.status_code == 200, r.data
    bot = late.app.extensions["yue_bot"]
    try:
        assert bot.store.inbox_get(1).event_id == "message:om_startup_1"
    finally:
        bot.stop()


def test_a_bot_that_fails_to_start_is_reported_not_hidden(tmp_path, monkeypatch):
    settings = settings_for(tmp_path, SANDBOX_EMPTY="1")
    app, late = serving_app(settings)
    import bot.app

    def broken(*_a, **_k):
        raise RuntimeError("database unreachable")
    monkeypatch.setattr(bot.app, "init_app", broken)
    late.start()
    assert late.ready.wait(120)
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert {k: health.get_json()[k] for k in ("ok", "mode", "status")} == {"ok": False, "mode": "sandbox",
                                                                           "status": "failed"}
    r = client.post("/feishu/events", data=json.dumps({}), content_type="application/json")
    assert r.status_code == 503 and "failed" in r.get_json()["msg"]
