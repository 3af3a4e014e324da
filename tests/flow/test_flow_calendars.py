"""Who can see my calendar (list, stop sharing with confirm and Undo, change a role) and
calendar subscriptions by name (pick card, unsubscribe, list, Feishu's 1,000 cap told in plain
words) — zh and en, through the sandbox and the real SDK (issue 18)."""
from __future__ import annotations

from lark_oapi.api.calendar.v4 import Calendar, CreateCalendarRequest, ListCalendarAclRequest, ListCalendarRequest

from tests.flow.conftest import card_text, p2p


def connected(yue, who: str, text: str) -> dict:
    """Say `text`; connect the calendar if asked; the answer."""
    reply = yue.say(p2p(who), who, text)
    if yue.store.get_user_token(who) is None or "连接你的日历" in card_text(reply["card"]) \
            or "Connect your calendar" in card_text(reply["card"]):
        yue.connect(who, reply["card"])
        mid = reply["request"]["message_id"]
        from tests.flow.conftest import wait_for
        reply = wait_for("the answer after consent",
                         lambda: [m for m in yue.replies(mid, p2p(who)) if m["message_id"] != reply["message_id"]])[0]
    return reply


def acls(yue, who: str) -> dict[str, str]:
    from lark_oapi.api.calendar.v4 import PrimaryCalendarRequest
    opt = yue.user_option(who)
    cal = yue.lark.calendar.v4.calendar.primary(PrimaryCalendarRequest.builder().build(), opt).data.calendars[0]
    r = yue.lark.calendar.v4.calendar_acl.list(ListCalendarAclRequest.builder().calendar_id(cal.calendar.calendar_id)
                                               .user_id_type("open_id").page_size(50).build(), opt)
    assert r.success(), r.msg
    return {a.scope.user_id: a.role for a in r.data.acls or [] if a.scope.user_id != who}


def test_share_list_revoke_with_confirm_and_undo_en(yue):
    connected(yue, "ou_carol", "share my calendar with @Dave")
    assert acls(yue, "ou_carol").get("ou_dave") == "reader"
    listing = yue.say(p2p("ou_carol"), "ou_carol", "who can see my calendar")
    assert "Dave Zhou: can see details" in card_text(listing["card"]), card_text(listing["card"])
    changed = yue.say(p2p("ou_carol"), "ou_carol", "let @Dave edit my calendar")
    assert "can edit" in card_text(changed["card"])
    assert acls(yue, "ou_carol")["ou_dave"] == "writer"
    undo = yue.click(changed, "ou_carol", yue.button(changed, "undo"))
    assert undo["toast"]["content"] == "Undone"
    assert acls(yue, "ou_carol")["ou_dave"] == "reader"                     # a change undone is the old role
    ask = yue.say(p2p("ou_carol"), "ou_carol", "stop sharing with @Dave")
    assert "Stop sharing" in card_text(ask["card"]) and acls(yue, "ou_carol").get("ou_dave") == "reader"
    done = yue.click(ask, "ou_carol", yue.button(ask, "unshare"))
    assert "can no longer see your calendar" in card_text(done["card"])
    assert "ou_dave" not in acls(yue, "ou_carol")
    again = yue.click(ask, "ou_carol", yue.button(ask, "unshare"))          # a second click changes nothing
    assert again["toast"]["type"] != "success" or "ou_dave" not in acls(yue, "ou_carol")
    yue.click(ask, "ou_carol", yue.button(done["card"], "undo"))
    assert acls(yue, "ou_carol").get("ou_dave") == "reader"                  # Undo re-created it
    listing = yue.say(p2p("ou_carol"), "ou_carol", "who can see my calendar")
    assert "Dave Zhou" in card_text(listing["card"])


def test_share_revoke_zh_and_nothing_to_revoke(yue):
    connected(yue, "ou_ivy", "把我的日历共享给 @李博")
    ask = yue.say(p2p("ou_ivy"), "ou_ivy", "取消 @李博 查看我日历的权限")
    assert "停止共享日历" in card_text(ask["card"]) and "李博" in card_text(ask["card"])
    yue.click(ask, "ou_ivy", yue.button(ask, "unshare"))
    assert "ou_bob" not in acls(yue, "ou_ivy")
    none = yue.say(p2p("ou_ivy"), "ou_ivy", "取消 @李博 查看我日历的权限")
    assert "本来就看不到" in card_text(none["card"])
    assert "没有共享给任何人" in card_text(yue.say(p2p("ou_ivy"), "ou_ivy", "谁能看我的日历")["card"])


def _public_calendar(yue, owner: str, name: str) -> str:
    body = Calendar.builder().summary(name).permissions("public").build()
    r = yue.lark.calendar.v4.calendar.create(CreateCalendarRequest.builder().request_body(body).build(),
                                             yue.user_option(owner))
    assert r.success(), r.msg
    return r.data.calendar.calendar_id


def my_list(yue, who: str) -> set[str]:
    r = yue.lark.calendar.v4.calendar.list(ListCalendarRequest.builder().page_size(500).build(), yue.user_option(who))
    assert r.success(), r.msg
    return {c.summary for c in r.data.calendar_list or [] if not c.is_deleted}


def test_subscribe_zh_unsubscribe_and_list(yue):
    connected(yue, "ou_alice", "我今天有什么安排")
    _public_calendar(yue, "ou_alice", "产品发布")
    connected(yue, "ou_lin", "我今天有什么安排")
    done = yue.say(p2p("ou_lin"), "ou_lin", "订阅「产品发布」日历")
    assert "已订阅「产品发布」" in card_text(done["card"]), card_text(done["card"])
    assert "产品发布" in my_list(yue, "ou_lin")
    listing = yue.say(p2p("ou_lin"), "ou_lin", "我订阅了哪些日历")
    assert "产品发布" in card_text(listing["card"])
    off = yue.say(p2p("ou_lin"), "ou_lin", "退订产品发布日历")
    assert "已退订「产品发布」" in card_text(off["card"])
    assert "产品发布" not in my_list(yue, "ou_lin")
    nothing = yue.say(p2p("ou_lin"), "ou_lin", "订阅「不存在的日历名」日历")
    assert "没有找到" in card_text(nothing["card"])


def test_subscribe_en_pick_card_and_the_limit_in_plain_words(yue):
    connected(yue, "ou_jonas", "what's on my calendar today")
    _public_calendar(yue, "ou_jonas", "Holidays Germany")
    us = _public_calendar(yue, "ou_jonas", "Holidays US")
    connected(yue, "ou_erin", "what's on my calendar today")
    ask = yue.say(p2p("ou_erin"), "ou_erin", "subscribe me to the Holidays calendar")
    labels = [label for label, _ in yue.buttons(ask)]
    assert "Holidays Germany" in labels and "Holidays US" in labels, labels
    pick_us = next(v for label, v in yue.buttons(ask) if label == "Holidays US")
    # Feishu refuses at 1,000 subscribed calendars (191005): injected on this calendar's subscribe call
    r = yue.http.post(f"{yue.url}/sandbox/api/faults", json={
        "fail_code": 191005, "fail_count": 1, "path_prefix": f"/open-apis/calendar/v4/calendars/{us}/subscribe"})
    assert r.status_code == 200
    try:
        out = yue.click(ask, "ou_erin", pick_us)
    finally:
        yue.http.delete(f"{yue.url}/sandbox/api/faults")
    text = card_text(out["card"])
    assert "1,000 calendars" in text and "Feishu's limit" in text and "191005" not in text, text
    assert "Holidays US" not in my_list(yue, "ou_erin")
    assert not [v for _, v in yue.buttons(out["card"])]                      # nothing left to click on it
    again = yue.say(p2p("ou_erin"), "ou_erin", "subscribe me to the Holidays US calendar")   # under the cap now
    assert "Subscribed to “Holidays US”" in card_text(again["card"])
    assert "Holidays US" in my_list(yue, "ou_erin")
    listing = yue.say(p2p("ou_erin"), "ou_erin", "which calendars am I subscribed to")
    assert "Holidays US" in card_text(listing["card"]) and "Holidays Germany" not in card_text(listing["card"])
    off = yue.say(p2p("ou_erin"), "ou_erin", "unsubscribe me from the Holidays US calendar")
    assert "Unsubscribed" in card_text(off["card"]) and "Holidays US" not in my_list(yue, "ou_erin")
