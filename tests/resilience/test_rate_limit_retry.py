"""Issue 17: a message whose Feishu calls stay rate-limited past the retry budget is never
answered with a dead-end "press Retry" card: the person hears "working on it" once (the
"busy" card, bot/drafts), the inbox keeps the message (state 'deferred', the attempt given
back) and the real answer follows."""
from __future__ import annotations

import time

import pytest

from app import create_app
from tests.support.live import LiveServer
from tests.support.yue import Chatter, card_text, settings_for

FREEBUSY = "/open-apis/calendar/v4/freebusy"


@pytest.fixture(scope="module")
def yue(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ratelimit")
    s = settings_for(tmp, YUE_WORKERS="2")
    with LiveServer(lambda port: create_app(s.with_(port=port))) as srv:
        yield srv


def _inbox_row(srv, message_id: str):
    from sqlalchemy import select

    from bot.store.tables import inbox
    bot = srv.app.extensions["yue_bot"]
    with bot.store.engine.connect() as c:
        return c.execute(select(inbox.c.status, inbox.c.last_error).where(
            inbox.c.event_id == f"message:{message_id}")).first()


def test_rate_limited_message_is_deferred_then_answered(yue):
    chat = Chatter(yue.url, timeout=30)
    # Free/busy answers 429 (reset 2 s) four times: the first attempt waits out one and
    # gives up on the second (2.5 s budget), the deferred retry meets the other two.
    chat.faults(rate_limit_burst=4, rate_limit_reset_s=2, path_prefix=FREEBUSY)
    try:
        sent = chat.say("oc_p2p_alice", "ou_alice", "明天下午3点和 @Bob 开会 讨论限流")
        mid = sent["message_id"]
        first = chat.wait_reply(mid, "oc_p2p_alice")[0]
        assert "飞书暂时限制了请求频率" in card_text(first["card"]), card_text(first["card"])
        replies = chat.wait_reply(mid, "oc_p2p_alice", count=2)
        answer = replies[1]
        assert "确认会议" in card_text(answer["card"]) and "讨论限流" in card_text(answer["card"])
        assert chat.faults()["injected"]["rate_limit"] == 4
    finally:
        chat.clear_faults()
    deadline = time.monotonic() + 10
    while (row := _inbox_row(yue, mid)).status != "done" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert row.status == "done" and "deferred" in (row.last_error or "")
    replies = chat.replies_to(mid, "oc_p2p_alice")
    assert len(replies) == 2, [card_text(r["card"])[:80] for r in replies]     # "working on it" once, then the answer
    assert not any("出错了" in card_text(r["card"]) or "请求太频繁" in card_text(r["card"]) for r in replies)
