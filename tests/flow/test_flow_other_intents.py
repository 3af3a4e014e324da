"""Every intent besides schedule, end to end through the sandbox and the real SDK: agenda and
search (connect card → OAuth consent → the answer), invite, cancel (this one or the series),
reschedule, leave, share, caldav (password only in private), help, unknown, /undo.

Each test uses its own people, so the module shares one app."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from lark_oapi.api.calendar.v4 import ListCalendarAclRequest

from tests.flow.conftest import at, card_text, next_weekday, p2p, today_in, url_buttons, wait_for, zh_day

SH = ZoneInfo("Asia/Shanghai")


def t(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s)


def book(yue, who: str, text: str) -> tuple[dict, dict]:
    """Ask for a meeting and confirm it: (the reply message, the booked card)."""
    reply = yue.say(p2p(who), who, text)
    out = yue.click(reply, who, yue.button(reply, "confirm"))
    assert out["toast"]["type"] == "success", out
    return reply, out["card"]


def title_of(yue, reply: dict) -> str:
    return yue.store.get_draft(yue.button(reply, "confirm")["d"]).payload["title"]


def second_reply(yue, reply: dict) -> dict:
    """The next answer to the same message (e.g. after the person connected their calendar)."""
    mid, chat = reply["request"]["message_id"], reply["chat_id"]
    return wait_for("the answer after consent",
                    lambda: [m for m in yue.replies(mid, chat) if m["message_id"] != reply["message_id"]])[0]


# --- agenda and search: connect first ----------------------------------------------------------

def test_agenda_zh_asks_to_connect_then_answers_with_the_day(yue):
    reply = yue.say(p2p("ou_alice"), "ou_alice", "我明天有什么安排")
    assert "连接你的日历" in card_text(reply["card"])
    assert any("/open-apis/authen/v1/authorize" in u for u in url_buttons(reply["card"]))
    page = yue.connect("ou_alice", reply["card"])
    assert page.status_code == 200 and "日历已连接" in page.text
    # the connect card's button is spent: the card itself now says connected, with no link left
    connected = yue.current(reply)["card"]
    assert "日历已连接" in card_text(connected) and not url_buttons(connected), card_text(connected)
    answer = second_reply(yue, reply)
    text = card_text(answer["card"])
    assert "日程" in text
    day = today_in("ou_alice") + dt.timedelta(days=1)
    expected = {e["summary"] for e in yue.agenda("ou_alice", day, day + dt.timedelta(days=1)) if e["kind"] == "event"}
    assert expected, "the demo week gives Alice something every weekday"
    for summary in expected:
        assert summary in text, (summary, text)
    # connected now: the next question is answered at once, no second connect card
    again = yue.say(p2p("ou_alice"), "ou_alice", "我明天有什么安排")
    assert "日程" in card_text(again["card"]) and "连接你的日历" not in card_text(again["card"])


def test_agenda_week_expands_recurring_events(yue):
    reply = yue.say(p2p("ou_henry"), "ou_henry", "what's on my calendar next week")
    yue.connect("ou_henry", reply["card"])
    text = card_text(second_reply(yue, reply)["card"])
    # The stand-up repeats every weekday: each occurrence is listed, not the series once.
    assert text.count("Daily stand-up") >= 5, text


def test_search_en_after_connect_finds_the_event(yue):
    reply = yue.say(p2p("ou_kevin"), "ou_kevin", "search stand-up")
    assert "Connect your calendar" in card_text(reply["card"])
    yue.connect("ou_kevin", reply["card"])
    text = card_text(second_reply(yue, reply)["card"])
    assert "Search results" in text and "Daily stand-up" in text, text
    none = yue.say(p2p("ou_kevin"), "ou_kevin", "search zebra migration")
    assert "No matching events" in card_text(none["card"])


def test_consent_as_someone_else_is_refused(yue):
    reply = yue.say(p2p("ou_lin"), "ou_lin", "我今天有什么安排")
    page = yue.connect("ou_lin", reply["card"], as_person="ou_ivy")
    assert page.status_code == 403
    assert yue.store.get_user_token("ou_lin") is None and yue.store.get_user_token("ou_ivy") is None


# --- invite, cancel, reschedule ----------------------------------------------------------------

def test_invite_carol_to_a_meeting_yue_booked_and_undo(yue):
    day = next_weekday("ou_ivy", 3)
    reply, _ = book(yue, "ou_ivy", f"{zh_day(day)}上午10点和 @黄凯 开会 设计走查")
    span = (at(day, 0, 0, "ou_ivy"), at(day, 0, 0, "ou_ivy") + dt.timedelta(days=1))   # Carol is in Los Angeles
    assert yue.events("ou_carol", "设计走查", *span) == []
    ask = yue.say(p2p("ou_ivy"), "ou_ivy", "邀请 @Carol 参加设计走查")
    # One meeting matches: no "which meeting?" card, the invite is done and can be undone.
    assert not [v for _, v in yue.buttons(ask) if v["a"] == "choose"], card_text(ask["card"])
    done = ask
    assert "已邀请" in card_text(done["card"]) and "Carol Chen" in card_text(done["card"])
    evs = yue.events("ou_carol", "设计走查", *span)
    assert len(evs) == 1 and "Carol Chen" in evs[0]["attendees"]
    assert len(yue.events("ou_kevin", "设计走查", *span)) == 1
    yue.click(ask, "ou_ivy", yue.button(done["card"], "undo"))
    assert yue.events("ou_carol", "设计走查", *span) == []
    assert len(yue.events("ou_kevin", "设计走查", *span)) == 1       # only the invite was undone


def test_cancel_recurring_asks_this_one_or_series(yue):
    reply, _ = book(yue, "ou_jonas", "every Wednesday at 4pm weekly sync with @Erin")
    title = title_of(yue, reply)
    first = today_in("ou_jonas")
    span = (first, first + dt.timedelta(days=36))
    before = yue.events("ou_erin", title, *span)
    assert len(before) >= 4
    upcoming = [e for e in before if t(e["start"]) > dt.datetime.now(dt.UTC)]
    assert t(before[0]["start"]) > dt.datetime.now(dt.UTC), "a weekly series starts in the future"
    ask = yue.say(p2p("ou_jonas"), "ou_jonas", f"cancel the {title}")
    choose = yue.button(ask, "choose")
    scope = yue.click(ask, "ou_jonas", choose)
    assert "Cancel this one or the whole series?" in card_text(scope["card"])
    one = yue.click(ask, "ou_jonas", yue.button(scope["card"], "scope", s="one"))
    assert one["toast"]["content"] == "Done"
    after = yue.events("ou_erin", title, *span)
    assert [e["start"] for e in after] == [e["start"] for e in before if e is not upcoming[0]]   # only the next one
    ask2 = yue.say(p2p("ou_jonas"), "ou_jonas", f"cancel the {title}")
    scope2 = yue.click(ask2, "ou_jonas", yue.button(ask2, "choose"))
    series = yue.click(ask2, "ou_jonas", yue.button(scope2["card"], "scope", s="series"))
    assert "whole series" in card_text(series["card"])
    assert yue.events("ou_erin", title, *span) == [] and yue.events("ou_jonas", title, *span) == []


def test_cancel_zh_one_off_meeting(yue):
    day = next_weekday("ou_grace", 4)
    reply, _ = book(yue, "ou_grace", f"{zh_day(day)}下午4点和 @李博 开会 供应商评估")
    ask = yue.say(p2p("ou_grace"), "ou_grace", "取消供应商评估")
    done = yue.click(ask, "ou_grace", yue.button(ask, "choose"))
    assert "会议已取消" in card_text(done["card"])
    assert yue.events("ou_bob", "供应商评估", day, day + dt.timedelta(days=1)) == []


def test_reschedule_moves_the_meeting_and_undo_moves_it_back(yue):
    day = next_weekday("ou_dave", 1)
    reply, _ = book(yue, "ou_dave", f"meet @Frank on {day:%B} {day.day} at 3pm about pricing")
    title = title_of(yue, reply)
    span = (day - dt.timedelta(days=1), day + dt.timedelta(days=3))
    old = at(day, 15, 0, "ou_dave")
    new_day = day + dt.timedelta(days=1)
    ask = yue.say(p2p("ou_dave"), "ou_dave", f"move {title} to {new_day:%B} {new_day.day} at 10am")
    done = ask                                                          # one match: moved at once
    assert "Meeting moved" in card_text(done["card"])
    evs = yue.events("ou_frank", title, *span)
    assert len(evs) == 1 and t(evs[0]["start"]) == at(new_day, 10, 0, "ou_dave")
    assert t(evs[0]["end"]) - t(evs[0]["start"]) == dt.timedelta(minutes=30)     # its length kept
    yue.click(ask, "ou_dave", yue.button(done["card"], "undo"))
    evs = yue.events("ou_frank", title, *span)
    assert len(evs) == 1 and t(evs[0]["start"]) == old


# --- leave, share, caldav ----------------------------------------------------------------------

def test_leave_en_records_timeoff_and_undo_removes_it(yue):
    day = today_in("ou_erin") + dt.timedelta(days=1)
    reply = yue.say(p2p("ou_erin"), "ou_erin", "I'm out of office tomorrow")
    assert "Time off recorded" in card_text(reply["card"])
    off = [e for e in yue.agenda("ou_erin", day, day + dt.timedelta(days=1)) if e["kind"] == "timeoff"]
    assert len(off) == 1 and off[0]["all_day"], off
    out = yue.click(reply, "ou_erin", yue.button(reply, "undo"))
    assert out["toast"]["content"] == "Undone"
    assert [e for e in yue.agenda("ou_erin", day, day + dt.timedelta(days=1)) if e["kind"] == "timeoff"] == []


def test_leave_zh_afternoon(yue):
    day = today_in("ou_frank") + dt.timedelta(days=2)
    reply = yue.say(p2p("ou_frank"), "ou_frank", "后天下午请假")
    assert "请假已登记" in card_text(reply["card"])
    off = [e for e in yue.agenda("ou_frank", day, day + dt.timedelta(days=1)) if e["kind"] == "timeoff"]
    assert len(off) == 1 and not off[0]["all_day"]
    assert t(off[0]["start"]) == at(day, 14, 0, "ou_frank")


def test_share_asks_to_connect_then_grants_acl_and_undo_revokes(yue):
    reply = yue.say(p2p("ou_carol"), "ou_carol", "share my calendar with @Dave")
    assert "Connect your calendar" in card_text(reply["card"])
    yue.connect("ou_carol", reply["card"])
    shared = second_reply(yue, reply)
    assert "Calendar shared" in card_text(shared["card"]) and "Dave Zhou" in card_text(shared["card"])
    d = [x for x in yue.store.find_drafts(owner="ou_carol", kind="share")][0]
    cal = d.result["calendar_id"]

    def acls() -> list[tuple[str, str]]:
        r = yue.lark.calendar.v4.calendar_acl.list(
            ListCalendarAclRequest.builder().calendar_id(cal).user_id_type("open_id").page_size(50).build(),
            yue.user_option("ou_carol"))
        assert r.success(), r.msg
        return [(a.scope.user_id, a.role) for a in r.data.acls or []]
    assert ("ou_dave", "reader") in acls()
    out = yue.click(shared, "ou_carol", yue.button(shared, "undo"))
    assert out["toast"]["content"] == "Undone"
    assert not [a for a in acls() if a[0] == "ou_dave"]


def test_caldav_asked_in_group_is_sent_privately(yue):
    yue.say(p2p("ou_bob"), "ou_bob", "你好")       # Feishu does not tell a person's language: Yue learns it
    reply = yue.say("oc_team", "ou_bob", "@Yue /caldav")
    assert "已私信发送" in card_text(reply["card"])            # the connect link is personal too
    yue.connect("ou_bob")
    note = second_reply(yue, reply)
    assert "已私信发送" in card_text(note["card"])
    cards = wait_for("the CalDAV card in Bob's private chat",
                     lambda: [m for m in yue.bot_messages(p2p("ou_bob")) if "CalDAV 同步设置" in card_text(m["card"])])
    text = card_text(cards[0]["card"])
    assert "CalDAV 同步设置" in text, text
    password = [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("密码")][0]
    assert len(password) >= 8
    group = "\n".join(m["body"]["content"] for m in yue.messages("oc_team"))
    assert password not in group and "CalDAV 同步设置" not in group


def test_caldav_in_private_chat(yue):
    reply = yue.say(p2p("ou_alice"), "ou_alice", "/caldav 同步到手机")
    if "连接你的日历" in card_text(reply["card"]):
        yue.connect("ou_alice", reply["card"])
        reply = second_reply(yue, reply)
    assert "CalDAV" in card_text(reply["card"]) and "密码" in card_text(reply["card"])


# --- help, unknown, /undo ----------------------------------------------------------------------

def test_help_in_both_languages(yue):
    zh = card_text(yue.say(p2p("ou_lin"), "ou_lin", "帮助")["card"])
    en = card_text(yue.say(p2p("ou_carol"), "ou_carol", "help")["card"])
    assert "使用帮助" in zh and "/meet" in zh and "明天下午3点" in zh
    assert "Yue · Help" in en and "/meet" in en and "tomorrow" in en


def test_unknown_private_hint_group_mention_short_hint(yue):
    hint = yue.say(p2p("ou_ivy"), "ou_ivy", "你好呀")
    assert "没太明白" in card_text(hint["card"])
    # Issue 11: an @mention of Yue in a group always gets an answer — a short hint, no buttons.
    short = yue.say("oc_team", "ou_ivy", "@Yue 你好呀")
    assert "没太明白" in card_text(short["card"]) and "/help" in card_text(short["card"])
    assert yue.buttons(short) == []
    en = yue.say("oc_team", "ou_carol", "@Yue hmm")
    assert "I didn't catch that" in card_text(en["card"])
    # Not spoken to: still silent.
    sent = yue.say_nothing("oc_team", "ou_ivy", "你好呀大家")
    assert yue.replies(sent["message_id"], "oc_team") == []


def test_slash_undo_takes_back_the_last_booking(yue):
    day = next_weekday("ou_henry", 4)
    reply, booked = book(yue, "ou_henry", f"{zh_day(day)}下午3点和 @王丽 开会 周报")
    assert len(yue.events("ou_alice", "周报", day, day + dt.timedelta(days=1))) == 1
    undo = yue.say(p2p("ou_henry"), "ou_henry", "/undo")
    assert "已撤销" in card_text(undo["card"])
    assert yue.events("ou_alice", "周报", day, day + dt.timedelta(days=1)) == []
    assert "已撤销" in card_text(yue.current(reply)["card"])        # the booked card says so too
    nothing = yue.say(p2p("ou_henry"), "ou_henry", "/undo")
    assert "没有可撤销" in card_text(nothing["card"])


# --- the other language of each -----------------------------------------------------------------

def answered(yue, reply: dict, who: str) -> dict:
    """The reply itself, or — when it was the connect card — the answer after consent."""
    if "连接你的日历" in card_text(reply["card"]) or "Connect your calendar" in card_text(reply["card"]):
        yue.connect(who, reply["card"])
        return second_reply(yue, reply)
    return reply


def test_search_zh(yue):
    reply = answered(yue, yue.say(p2p("ou_lin"), "ou_lin", "搜索 站会"), "ou_lin")
    text = card_text(reply["card"])
    assert "搜索结果" in text and "每日站会" in text, text


def test_share_zh_as_editor(yue):
    reply = answered(yue, yue.say(p2p("ou_henry"), "ou_henry", "把我的日历共享给 @王丽 可编辑"), "ou_henry")
    assert "日历已共享" in card_text(reply["card"]) and "可编辑" in card_text(reply["card"])
    cal = [x for x in yue.store.find_drafts(owner="ou_henry", kind="share")][0].result["calendar_id"]
    r = yue.lark.calendar.v4.calendar_acl.list(
        ListCalendarAclRequest.builder().calendar_id(cal).user_id_type("open_id").page_size(50).build(),
        yue.user_option("ou_henry"))
    assert r.success() and ("ou_alice", "writer") in [(a.scope.user_id, a.role) for a in r.data.acls or []]


def test_reschedule_zh(yue):
    day = next_weekday("ou_kevin", 2)
    book(yue, "ou_kevin", f"{zh_day(day)}上午10点和 @李博 开会 产品会")
    new_day = day + dt.timedelta(days=1)
    done = yue.say(p2p("ou_kevin"), "ou_kevin", f"把产品会改到{zh_day(new_day)}下午4点")
    assert "会议已改期" in card_text(done["card"]) and "有 1 个会议" not in card_text(done["card"])
    evs = yue.events("ou_bob", "产品会", day, new_day + dt.timedelta(days=1))
    assert len(evs) == 1 and t(evs[0]["start"]) == at(new_day, 16, 0, "ou_kevin")


def test_invite_en(yue):
    day = next_weekday("ou_erin", 4)
    reply, _ = book(yue, "ou_erin", f"meet @Jonas on {day:%B} {day.day} at 2pm about data review")
    title = title_of(yue, reply)
    done = yue.say(p2p("ou_erin"), "ou_erin", f"add @Carol to the {title}")
    assert "Added Carol Chen" in card_text(done["card"]) and "Which meeting" not in card_text(done["card"])
    evs = yue.events("ou_carol", title, day - dt.timedelta(days=1), day + dt.timedelta(days=2))
    assert len(evs) == 1 and "Carol Chen" in evs[0]["attendees"]
    assert "Carol Chen" in yue.events("ou_jonas", title, day - dt.timedelta(days=1),
                                      day + dt.timedelta(days=2))[0]["attendees"]
