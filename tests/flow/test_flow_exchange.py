"""Exchange from chat (issue 18): link an account and follow its status as Feishu reports it
(the sandbox's binding moves on its timeline, stepped by the test; the bot's maintenance sweep
patches the card), ask whether it is linked, unlink — zh and en, and a binding that fails."""
from __future__ import annotations

import pytest
from lark_oapi.api.calendar.v4 import GetExchangeBindingRequest

from bot.drafts import maintenance
from tests.flow.conftest import card_text, p2p, wait_for


@pytest.fixture(autouse=True)
def manual_time(yue):
    """The sandbox's delayed effects wait for the test to move its clock."""
    assert yue.http.post(f"{yue.url}/sandbox/api/timeline", json={"manual": True, "exchange_step": 1}).ok
    yield
    yue.http.post(f"{yue.url}/sandbox/api/timeline", json={"manual": False})


def advance(yue, seconds: float) -> None:
    assert yue.http.post(f"{yue.url}/sandbox/api/timeline", json={"advance": seconds}).ok


def connected_say(yue, who: str, text: str) -> dict:
    reply = yue.say(p2p(who), who, text)
    if "连接你的日历" in card_text(reply["card"]) or "Connect your calendar" in card_text(reply["card"]):
        yue.connect(who, reply["card"])
        mid = reply["request"]["message_id"]
        reply = wait_for("the answer after consent",
                         lambda: [m for m in yue.replies(mid, p2p(who)) if m["message_id"] != reply["message_id"]])[0]
    return reply


def feishu_status(yue, who: str) -> str:
    # the handler stores the link just after its reply (it keeps the reply's id): wait for it
    link = wait_for("the stored Exchange link", lambda: yue.store.exchange_link(who))
    r = yue.lark.calendar.v4.exchange_binding.get(
        GetExchangeBindingRequest.builder().exchange_binding_id(link.binding_id).user_id_type("open_id").build(),
        yue.user_option(who))
    assert r.success(), r.msg
    return r.data.status


def test_bind_zh_follows_the_status_until_done_then_status_and_unbind(yue):
    reply = connected_say(yue, "ou_kevin", "绑定我的 Exchange 账号 kevin@corp.com")
    assert "正在绑定 kevin@corp.com" in card_text(reply["card"]) and "正在连接" in card_text(reply["card"])
    seen = []
    for expected, words in (("cal_done", "日历已同步"), ("timespan_done", "日程已同步"), ("done", "已绑定")):
        advance(yue, 1)
        assert feishu_status(yue, "ou_kevin") == expected
        maintenance(yue.bot)                                  # the sweep asks Feishu and patches the card
        seen.append(card_text(yue.current(reply)["card"]))
        assert words in seen[-1], seen
    assert yue.store.exchange_link("ou_kevin").status == "done"
    assert not [x for x in yue.store.pending_exchange_links() if x.open_id == "ou_kevin"]   # no longer polled
    status = yue.say(p2p("ou_kevin"), "ou_kevin", "我的 Exchange 绑定得怎么样了")
    assert "kevin@corp.com 已绑定" in card_text(status["card"]), card_text(status["card"])
    off = yue.say(p2p("ou_kevin"), "ou_kevin", "解绑 Exchange")
    assert "已解绑 kevin@corp.com" in card_text(off["card"])
    assert yue.store.exchange_link("ou_kevin") is None
    again = yue.say(p2p("ou_kevin"), "ou_kevin", "解绑 Exchange")
    assert "还没有通过约绑定" in card_text(again["card"])


def test_bind_en_that_fails_says_err_and_status(yue):
    none = connected_say(yue, "ou_frank", "is my Exchange linked?")
    assert "have not linked an Exchange account" in card_text(none["card"])
    reply = yue.say(p2p("ou_frank"), "ou_frank", "link my exchange account frank@corp.invalid")
    assert "Linking frank@corp.invalid" in card_text(reply["card"])
    advance(yue, 1)
    maintenance(yue.bot)
    assert "failed (Feishu reports err)" in card_text(yue.current(reply)["card"])
    status = yue.say(p2p("ou_frank"), "ou_frank", "is my Exchange linked?")
    assert "failed" in card_text(status["card"])


def test_bind_without_an_address_asks_for_it(yue):
    reply = yue.say(p2p("ou_grace"), "ou_grace", "link my exchange account")
    assert "Tell me the Exchange address" in card_text(reply["card"])
    assert yue.store.exchange_link("ou_grace") is None
