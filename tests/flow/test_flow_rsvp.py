"""Invitations and RSVP, and what the organiser hears (issue 18): each attendee of a meeting
Yue booked gets a private invitation (their zone), answers with its buttons as themself (a
connect card first when Yue has no token for them) or by message; the organiser hears of a
decline once, and of a move or delete made outside Yue. Through the sandbox and the SDK."""
from __future__ import annotations

import datetime as dt

from lark_oapi.api.calendar.v4 import (DeleteCalendarEventRequest, ListCalendarEventAttendeeRequest,
                                       PatchCalendarEventRequest, CalendarEvent, TimeInfo)

from tests.flow.conftest import card_text, p2p, today_in, wait_for


def zh_day(d: dt.date) -> str:
    return f"{d.month}月{d.day}日"


def book(yue, who: str, text: str):
    reply = yue.say(p2p(who), who, text)
    out = yue.click(reply, who, yue.button(reply, "confirm"))
    assert out["toast"]["type"] == "success", out
    return yue.store.get_draft(yue.button(reply, "confirm")["d"])


def connect_now(yue, who: str, text: str) -> None:
    """Connect the person's calendar through a request that needs it (Yue then watches it)."""
    reply = yue.say(p2p(who), who, text)
    if "连接" in card_text(reply["card"]) or "Connect" in card_text(reply["card"]):
        yue.connect(who, reply["card"])
    wait_for(f"{who}'s calendar watched", lambda: yue.store.watching(who))


def cards_in(yue, who: str, words: str) -> list[dict]:
    return [m for m in yue.bot_messages(p2p(who)) if words in card_text(m.get("card"))]


def rsvp_of(yue, draft, who: str) -> str:
    r = yue.lark.calendar.v4.calendar_event_attendee.list(
        ListCalendarEventAttendeeRequest.builder().calendar_id(draft.result["calendar_id"])
        .event_id(draft.result["event_id"]).user_id_type("open_id").page_size(100).build())
    assert r.success(), r.msg
    return next(a.rsvp_status for a in r.data.items if a.user_id == who)


CHANGED = "calendar.calendar.event.changed_v4"


def push_ids(yue) -> set[str]:
    recs = yue.http.get(f"{yue.url}/sandbox/api/deliveries", timeout=10).json()["deliveries"]
    return {r["event_id"] for r in recs if r["event_type"] == CHANGED and r["done"]}


def pushes_done(yue, before: set[str], n: int = 1) -> None:
    """Wait until `n` change pushes not in `before` reached the bot, and its inbox is empty."""
    wait_for(f"{n} new change push(es)", lambda: len(push_ids(yue) - before) >= n)
    yue.settle()


def test_invitation_in_their_zone_decline_needs_connect_then_organiser_hears_once(yue):
    connect_now(yue, "ou_carol", "what's on my calendar today")           # the organiser is watched
    day = today_in("ou_carol") + dt.timedelta(days=2)
    draft = book(yue, "ou_carol", f"meet with @Dave on {day:%B} {day.day} at 9am about the launch plan")
    title = draft.payload["title"]
    inv = wait_for("Dave's invitation", lambda: cards_in(yue, "ou_dave", title))[0]
    text = card_text(inv["card"])
    # 09:00 in Los Angeles is 17:00 in London, Dave's zone; the organiser is named
    assert "17:00" in text and "Carol Chen" in text, text
    before = push_ids(yue)
    out = yue.click(inv, "ou_dave", yue.button(inv, "rsvp", s="decline"))
    assert out["toast"]["type"] == "info", out                            # no token yet: connect first
    assert rsvp_of(yue, draft, "ou_dave") == "needs_action"              # nothing answered yet
    page = yue.connect("ou_dave", out["card"])
    assert page.status_code == 200
    wait_for("Dave's decline in Feishu", lambda: rsvp_of(yue, draft, "ou_dave") == "decline")
    now = wait_for("the invitation saying so", lambda: "You declined" in card_text(yue.current(inv)["card"]))
    assert now
    notice = wait_for("Carol told", lambda: cards_in(yue, "ou_carol", "declined"))
    assert "Dave Zhou declined" in card_text(notice[0]["card"]) and title in card_text(notice[0]["card"])
    pushes_done(yue, before)               # Feishu's own push of the rsvp
    assert len(cards_in(yue, "ou_carol", "declined")) == 1               # told once


def test_decline_by_message_zh_and_the_organiser_hears_once(yue):
    connect_now(yue, "ou_henry", "我今天有什么安排")
    connect_now(yue, "ou_kevin", "我今天有什么安排")
    day = today_in("ou_henry") + dt.timedelta(days=3)
    draft = book(yue, "ou_henry", f"{zh_day(day)}下午4点和 @黄凯 开会 架构评审")
    wait_for("Kevin's invitation", lambda: cards_in(yue, "ou_kevin", "会议邀请"))
    before = push_ids(yue)
    reply = yue.say(p2p("ou_kevin"), "ou_kevin", f"{zh_day(day)}的架构评审我去不了")
    assert "你已拒绝" in card_text(reply["card"]), card_text(reply["card"])
    assert rsvp_of(yue, draft, "ou_kevin") == "decline"
    notice = wait_for("Henry told", lambda: cards_in(yue, "ou_henry", "拒绝了会议"))
    assert "黄凯" in card_text(notice[0]["card"])
    pushes_done(yue, before)
    assert len(cards_in(yue, "ou_henry", "拒绝了会议")) == 1


def test_accept_by_button_tells_the_organiser_nothing(yue):
    connect_now(yue, "ou_lin", "我今天有什么安排")
    day = today_in("ou_lin") + dt.timedelta(days=4)
    draft = book(yue, "ou_lin", f"{zh_day(day)}上午10点和 @李博 开会 预算对齐")
    inv = wait_for("Bob's invitation", lambda: cards_in(yue, "ou_bob", "预算对齐"))[0]
    connect_now(yue, "ou_bob", "我今天有什么安排")
    out = yue.click(inv, "ou_bob", yue.button(inv, "rsvp", s="accept"))
    assert out["toast"]["type"] == "success" and "你已接受" in card_text(out["card"])
    assert rsvp_of(yue, draft, "ou_bob") == "accept"
    yue.settle()
    assert not cards_in(yue, "ou_lin", "会议有变化")


def test_meeting_deleted_or_moved_outside_yue_reaches_the_organiser(yue):
    connect_now(yue, "ou_grace", "what's on my calendar today")
    day = today_in("ou_grace") + dt.timedelta(days=5)
    before = push_ids(yue)
    draft = book(yue, "ou_grace", f"meet with @Erin on {day:%B} {day.day} at 2pm about hiring")
    pushes_done(yue, before)                                   # the booking's own push (nothing to tell)
    before = push_ids(yue)
    cal, eid = draft.result["calendar_id"], draft.result["event_id"]
    start = dt.datetime.fromisoformat(draft.payload["start"]) + dt.timedelta(hours=1)
    ev = CalendarEvent.builder().start_time(TimeInfo.builder().timestamp(str(int(start.timestamp()))).build()) \
        .end_time(TimeInfo.builder().timestamp(str(int(start.timestamp()) + 1800)).build()).build()
    r = yue.lark.calendar.v4.calendar_event.patch(
        PatchCalendarEventRequest.builder().calendar_id(cal).event_id(eid).request_body(ev).build())
    assert r.success(), r.msg
    moved = wait_for("Grace told of the move", lambda: cards_in(yue, "ou_grace", "moved in the calendar"))
    assert "not through Yue" in card_text(moved[0]["card"])
    r = yue.lark.calendar.v4.calendar_event.delete(
        DeleteCalendarEventRequest.builder().calendar_id(cal).event_id(eid).build())
    assert r.success(), r.msg
    gone = wait_for("Grace told of the delete", lambda: cards_in(yue, "ou_grace", "deleted in the calendar"))
    assert draft.payload["title"] in card_text(gone[0]["card"])
    pushes_done(yue, before, 2)
    assert len(cards_in(yue, "ou_grace", "deleted in the calendar")) == 1
    assert len(cards_in(yue, "ou_grace", "moved in the calendar")) == 1


def test_undo_through_yue_tells_nobody(yue):
    connect_now(yue, "ou_frank", "what's on my calendar today")
    day = today_in("ou_frank") + dt.timedelta(days=6)
    reply = yue.say(p2p("ou_frank"), "ou_frank", f"meet with @Jonas on {day:%B} {day.day} at 11am about pricing")
    before = push_ids(yue)
    out = yue.click(reply, "ou_frank", yue.button(reply, "confirm"))
    assert out["toast"]["type"] == "success"
    pushes_done(yue, before)                                   # booked (else the undo merges it away)
    before = push_ids(yue)
    undone = yue.click(reply, "ou_frank", yue.button(out["card"], "undo"))
    assert undone["toast"]["content"] == "Undone"
    pushes_done(yue, before)
    assert not cards_in(yue, "ou_frank", "Your meeting changed")


def test_cant_make_it_by_message_en_in_their_own_zone(yue):
    connect_now(yue, "ou_jonas", "what's on my calendar today")
    day = today_in("ou_jonas") + dt.timedelta(days=8)
    draft = book(yue, "ou_jonas", f"meet with @Frank on {day:%B} {day.day} at 4pm about the design sync")
    inv = wait_for("Frank's invitation", lambda: cards_in(yue, "ou_frank", draft.payload["title"]))[0]
    assert "10:00" in card_text(inv["card"])                     # 16:00 in Berlin is 10:00 in New York
    connect_now(yue, "ou_frank", "what's on my calendar today")
    reply = yue.say(p2p("ou_frank"), "ou_frank", f"I can't make the design sync on {day:%B} {day.day}")
    assert "You declined" in card_text(reply["card"]), card_text(reply["card"])
    assert rsvp_of(yue, draft, "ou_frank") == "decline"
    notice = wait_for("Jonas told", lambda: cards_in(yue, "ou_jonas", "declined"))
    assert "Frank Miller declined" in card_text(notice[0]["card"])


def test_a_move_through_yue_tells_nobody(yue):
    connect_now(yue, "ou_ivy", "我今天有什么安排")
    day = today_in("ou_ivy") + dt.timedelta(days=9)
    before = push_ids(yue)
    draft = book(yue, "ou_ivy", f"{zh_day(day)}上午10点和 @王丽 开会 招聘复盘")
    pushes_done(yue, before)
    before = push_ids(yue)
    new_day = day + dt.timedelta(days=1)
    ask = yue.say(p2p("ou_ivy"), "ou_ivy", f"把招聘复盘改到{zh_day(new_day)}下午4点")
    if "会议已改期" not in card_text(ask["card"]):               # one match is moved at once, else pick it
        ask = {"card": yue.click(ask, "ou_ivy", yue.button(ask, "choose"))["card"]}
    assert "会议已改期" in card_text(ask["card"])
    pushes_done(yue, before)
    assert not cards_in(yue, "ou_ivy", "会议有变化")                   # Ivy moved it herself, through Yue
    assert yue.store.meeting(draft.result["event_id"]).start != draft.payload["start"]   # Yue knows the new time


def test_an_invitation_to_a_meeting_undone_says_it_was_cancelled(yue):
    reply = yue.say(p2p("ou_henry"), "ou_henry", f"{zh_day(today_in('ou_henry') + dt.timedelta(days=10))}"
                                                 f"下午3点和 @赵琳 开会 周报对齐")
    out = yue.click(reply, "ou_henry", yue.button(reply, "confirm"))
    inv = wait_for("Lin's invitation", lambda: cards_in(yue, "ou_lin", "周报对齐"))[0]
    assert yue.click(reply, "ou_henry", yue.button(out["card"], "undo"))["toast"]["type"] == "success"
    connect_now(yue, "ou_lin", "我今天有什么安排")
    answer = yue.click(inv, "ou_lin", yue.button(inv, "rsvp", s="accept"))
    assert answer["toast"]["type"] == "info" and "已取消" in card_text(answer["card"]), answer
    assert not yue.buttons(answer["card"])
