"""The console's week covers the whole day (a 23:00 meeting shows), the chat follows a sent
message to its reply, escaped card text reads as text, the sandbox sign-in page pre-selects the
acting person, and "Open in Calendar" opens the console's week of the event."""
from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import lark_oapi as lark
import requests
from lark_oapi.api.im.v1 import (CreateMessageRequest, CreateMessageRequestBody, ReplyMessageRequest,
                                 ReplyMessageRequestBody)
from playwright.sync_api import Page, expect

from bot.config import Settings
from bot.feishu import Feishu
from tests.browser.test_console import show_week_of

HOUR_PX = 44          # calendar.js at desktop width
SH = ZoneInfo("Asia/Shanghai")
APP_ID, APP_SECRET = "cli_sandbox_yue", "sandbox-secret"


def client(base_url: str) -> lark.Client:
    return (lark.Client.builder().app_id(APP_ID).app_secret(APP_SECRET).domain(base_url)
            .log_level(lark.LogLevel.ERROR).build())


def send(base_url: str, chat_id: str, msg_type: str, content: dict) -> str:
    req = (CreateMessageRequest.builder().receive_id_type("chat_id")
           .request_body(CreateMessageRequestBody.builder().receive_id(chat_id).msg_type(msg_type)
                         .content(json.dumps(content, ensure_ascii=False)).build()).build())
    resp = client(base_url).im.v1.message.create(req)
    assert resp.success(), (resp.code, resp.msg)
    return resp.data.message_id


def card(title: str, *elements: dict) -> dict:
    return {"schema": "2.0", "config": {"update_multi": True},
            "header": {"title": {"tag": "plain_text", "content": title}, "template": "blue"},
            "body": {"elements": list(elements)}}


def in_view(page: Page, selector: str) -> bool:
    """Whether the element's top is inside the visible part of the message list."""
    return page.evaluate("""(sel) => {
        const box = document.getElementById('messages').getBoundingClientRect();
        const r = document.querySelector(sel).getBoundingClientRect();
        return r.top >= box.top - 1 && r.top < box.bottom - 20;
    }""", selector)


def week_monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def test_week_covers_the_whole_day_and_opens_at_the_morning(sandbox_only, open_page):
    fs = Feishu(Settings(), domain=sandbox_only.url)
    day = dt.datetime.now(SH).date() + dt.timedelta(days=1)
    cal = fs.bot_calendar_id()
    for title, (h, m), minutes in (("Late call 深夜会", (23, 0), 45), ("Early call 凌晨会", (0, 30), 30)):
        start = dt.datetime.combine(day, dt.time(h, m), SH)
        ev = fs.create_event(cal, title, "", start, start + dt.timedelta(minutes=minutes), "Asia/Shanghai")
        fs.add_attendees(cal, ev.event_id, users=["ou_alice"])
    page, errors = open_page(sandbox_only.url + "/?as=ou_alice")
    show_week_of(page, day)
    col = page.locator(f'.cal-daycol[data-day="{day.isoformat()}"]')
    assert col.evaluate("c => c.style.height") == f"{24 * HOUR_PX}px"
    late = col.locator('.ev[data-summary="Late call 深夜会"]')
    early = col.locator('.ev[data-summary="Early call 凌晨会"]')
    expect(late).to_have_count(1)
    expect(early).to_have_count(1)
    assert f"top: {23 * HOUR_PX}px" in late.get_attribute("style")
    assert f"top: {int(0.5 * HOUR_PX)}px" in early.get_attribute("style")
    # The week opens at the working morning, and the night is a scroll away.
    assert page.locator("#cal-body").evaluate("b => b.scrollTop") == 7 * HOUR_PX
    late.scroll_into_view_if_needed()
    expect(late).to_be_in_viewport()
    assert errors == []


def test_the_chat_scrolls_to_the_reply_after_sending(sandbox_only, open_page):
    sandbox_only.app.extensions["sandbox"].limiter.enabled = False   # 30 sends to one chat at once: not tested here
    for i in range(30):
        send(sandbox_only.url, "oc_p2p_alice", "text", {"text": f"earlier message {i}"})
    page, errors = open_page(sandbox_only.url + "/?as=ou_alice")
    expect(page.locator(".msg", has_text="earlier message 29")).to_be_visible()
    # The person scrolled up to read; then writes.
    page.locator("#messages").evaluate("b => { b.scrollTop = 0; }")
    box = page.locator("#composer-input")
    box.click()
    box.fill("明天下午3点开会")
    page.keyboard.press("Enter")
    expect(box).to_have_value("")
    sent = [m for m in requests.get(f"{sandbox_only.url}/sandbox/api/chats/oc_p2p_alice/messages", timeout=10)
            .json()["messages"] if m["sender"].get("id") == "ou_alice" or m["sender"].get("sender_id") == "ou_alice"]
    mine = sent[-1]["message_id"] if sent else None
    if mine is None:    # the sender's shape differs: the last message of the chat is the one just sent
        mine = requests.get(f"{sandbox_only.url}/sandbox/api/chats/oc_p2p_alice/messages",
                            timeout=10).json()["messages"][-1]["message_id"]
    tall = card("Confirm the meeting", *[{"tag": "markdown", "content": f"line {i}"} for i in range(40)])
    req = (ReplyMessageRequest.builder().message_id(mine)
           .request_body(ReplyMessageRequestBody.builder().msg_type("interactive")
                         .content(json.dumps(tall)).build()).build())
    resp = client(sandbox_only.url).im.v1.message.reply(req)
    assert resp.success(), (resp.code, resp.msg)
    reply = f'.msg[data-message-id="{resp.data.message_id}"]'
    expect(page.locator(reply)).to_be_attached(timeout=15000)
    page.wait_for_function("(sel) => { const b = document.getElementById('messages');"
                           " const r = document.querySelector(sel).getBoundingClientRect();"
                           " const x = b.getBoundingClientRect();"
                           " return r.top >= x.top - 1 && r.top < x.bottom - 20; }",
                           arg=reply, timeout=10000)
    assert in_view(page, reply)        # the reply's title, not its last line, is what shows
    assert errors == []


def test_escaped_text_in_a_card_reads_as_text(sandbox_only, open_page):
    send(sandbox_only.url, "oc_p2p_alice", "interactive",
         card("Escapes", {"tag": "markdown", "content": "**&#60;Budget&#62; review** &amp; more <at id=ou_bob></at>"}))
    page, errors = open_page(sandbox_only.url + "/?as=ou_alice")
    md = page.locator('.msg[data-msg-type="interactive"]').last
    expect(md).to_contain_text("<Budget> review & more")
    assert "&#60;" not in md.inner_text() and md.locator("strong").count() == 1
    expect(md.locator(".c-at")).to_have_count(1)
    assert errors == []


def test_sign_in_page_preselects_the_acting_person(sandbox_only, open_page):
    page, errors = open_page(sandbox_only.url + "/?as=ou_carol")
    assert errors == []                          # (the sign-in page below has no favicon: not the console's)
    query = urlencode({"client_id": APP_ID, "response_type": "code", "state": "s1",
                       "redirect_uri": sandbox_only.url + "/oauth/callback"})
    page.goto(f"{sandbox_only.url}/open-apis/authen/v1/authorize?{query}")
    expect(page.locator('input[name="open_id"][value="ou_carol"]')).to_be_checked()
    expect(page.locator('input[name="open_id"][value="ou_alice"]')).not_to_be_checked()


def test_open_in_calendar_shows_the_events_week(sandbox_only, open_page):
    day = dt.datetime.now(SH).date() + dt.timedelta(days=21)
    start = int(dt.datetime.combine(day, dt.time(10), SH).timestamp())
    link = (f"https://applink.feishu.cn/client/calendar/event/detail?calendarId=c1&key=k1"
            f"&originalTime=0&startTime={start}")
    send(sandbox_only.url, "oc_p2p_alice", "interactive",
         card("Meeting booked", {"tag": "button", "text": {"tag": "plain_text", "content": "Open in Calendar"},
                                 "type": "default", "behaviors": [{"type": "open_url", "default_url": link}]}))
    page, errors = open_page(sandbox_only.url + "/?as=ou_alice")
    expect(page.locator(f'.cal-daycol[data-day="{day.isoformat()}"]')).to_have_count(0)
    page.locator('.msg[data-msg-type="interactive"]').last.locator("button.c-btn", has_text="Open in Calendar").click()
    expect(page.locator(f'.cal-daycol[data-day="{day.isoformat()}"]')).to_have_count(1)
    expect(page.locator(f'.cal-daycol[data-day="{week_monday(day).isoformat()}"]')).to_have_count(1)
    assert len(page.context.pages) == 1          # nothing opened elsewhere
    assert errors == []
