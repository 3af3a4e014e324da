"""The console in a real browser: a newcomer books a meeting with Yue as Alice (Chinese), sees it
in Alice's and Bob's weeks, then as Carol (English) picks a slot and sees it in her week.
Screenshots of the steps go to build/screenshots/ (docs/screenshots/ with YUE_UPDATE_SCREENSHOTS=1).
No browser console errors are allowed.

The other tests need only the sandbox: static files, the card renderer, @-mentions, phone width,
and the "server unreachable" banner."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import lark_oapi as lark
import requests
from lark_oapi.api.im.v1 import CreateMessageRequest, CreateMessageRequestBody
from playwright.sync_api import Page, expect

CONSOLE_DIR = Path(__file__).resolve().parents[2] / "sandbox" / "console"
HOUR_PX = 44          # calendar.js: pixels per hour at desktop width
FIRST_HOUR = 0        # the grid starts at 00:00 (a whole day)
BOOKED = re.compile(r"会议已预订|Meeting booked")
CONFIRM = re.compile(r"^\s*(确认|Confirm)\s*$")


# --- helpers ------------------------------------------------------------------------------------

def cards(page: Page):
    return page.locator('.msg[data-msg-type="interactive"]')


def type_message(page: Page, text: str) -> None:
    box = page.locator("#composer-input")
    box.click()
    box.press_sequentially(text, delay=5)


def send_and_wait_for_card(page: Page, text: str):
    """Send `text` as the acting person; return the bot's first new card (a locator by message id)."""
    before = cards(page).count()
    type_message(page, text)
    page.keyboard.press("Enter")
    expect(page.locator("#composer-input")).to_have_value("")
    expect(cards(page)).to_have_count(before + 1, timeout=30000)
    mid = cards(page).nth(before).get_attribute("data-message-id")
    return page.locator(f'.msg[data-message-id="{mid}"]')


def tomorrow_in(tz: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(tz)).date() + dt.timedelta(days=1)


def show_week_of(page: Page, day: dt.date) -> None:
    """Move the grid to the week holding `day` (tomorrow is next week on a Sunday)."""
    # The grid is drawn once the week's agenda has loaded: until then no column is the day's.
    expect(page.locator("#cal-body .cal-daycol").first).to_be_attached()
    col = page.locator(f'.cal-daycol[data-day="{day.isoformat()}"]')
    if col.count() == 0:
        page.locator("#week-next").click()
    expect(col).to_have_count(1)


def blocks(page: Page, day: dt.date, owner: str):
    return page.locator(f'.cal-daycol[data-day="{day.isoformat()}"] .ev[data-owner="{owner}"]')


def act_as(page: Page, open_id: str) -> None:
    page.select_option("#person-select", open_id)
    expect(page.locator("#chat-list .chat-item.active")).to_have_attribute("data-chat-id", f"oc_p2p_{open_id[3:]}")


def block_at(page: Page, day: dt.date, owner: str, hour: int):
    """The calendar block of `owner` starting at `hour`:00 on `day` (positions are exact pixels)."""
    top = f"top: {(hour - FIRST_HOUR) * HOUR_PX}px"
    return page.locator(f'.cal-daycol[data-day="{day.isoformat()}"] .ev[data-owner="{owner}"][style*="{top}"]')


# --- the scenario of issue 6 -----------------------------------------------------------------------

def test_book_as_alice_then_pick_a_slot_as_carol(yue_server, open_page, shot):
    page, errors = open_page(yue_server.url + "/?as=ou_alice")
    expect(page.locator("#chat-list .chat-item.active")).to_have_attribute("data-chat-id", "oc_p2p_alice")
    expect(page.locator("#cal-body .cal-grid")).to_be_visible()
    tomorrow = tomorrow_in("Asia/Shanghai")

    # Alice writes in Chinese; "@Bo" offers Bob in the mention popup, Enter inserts him.
    type_message(page, "明天下午3点和 @Bo")
    expect(page.locator("#mention-popup")).to_be_visible()
    expect(page.locator("#mention-popup .mention-option.active")).to_have_attribute("data-open-id", "ou_bob")
    page.keyboard.press("Enter")
    type_message(page, "开会 讨论预算")
    expect(page.locator("#composer-input")).to_have_value("明天下午3点和 @Bob 开会 讨论预算")
    before = cards(page).count()
    page.keyboard.press("Enter")
    expect(page.locator(".msg.mine .bubble").last).to_contain_text("讨论预算")
    expect(page.locator(".msg.mine .bubble .mention").last).to_have_attribute("data-open-id", "ou_bob")

    # The proposal card.
    expect(cards(page)).to_have_count(before + 1, timeout=30000)
    proposal = cards(page).last
    confirm = proposal.locator(".c-btn").filter(has_text=CONFIRM)
    expect(confirm).to_be_visible(timeout=30000)
    expect(proposal.locator(".card-header")).to_be_visible()
    shot(page, "console-1-proposal")

    # Confirm: the toast shows and the card becomes the booked card in place.
    mid = proposal.get_attribute("data-message-id")
    confirm.click()
    expect(page.locator(".toast").first).to_be_visible()
    booked = page.locator(f'.msg[data-message-id="{mid}"] .card-title')
    expect(booked).to_have_text(BOOKED, timeout=30000)
    shot(page, "console-2-booked")

    # The meeting is in Alice's week, tomorrow at 15:00 (Asia/Shanghai).
    show_week_of(page, tomorrow)
    expect(block_at(page, tomorrow, "ou_alice", 15)).to_have_count(1, timeout=15000)
    shot(page, "console-3-alice-week")

    # Switching to Bob: it is in his week too.
    act_as(page, "ou_bob")
    show_week_of(page, tomorrow)
    expect(block_at(page, tomorrow, "ou_bob", 15)).to_have_count(1, timeout=15000)
    shot(page, "console-4-bob-week")

    # Carol, in English, in Los Angeles: a slot-picking card.
    act_as(page, "ou_carol")
    expect(page.locator("#send-btn")).to_have_text("Send")
    carol_tomorrow = tomorrow_in("America/Los_Angeles")
    show_week_of(page, carol_tomorrow)
    page.wait_for_selector('#cal-body[data-loaded]')
    lo0 = dt.datetime.combine(carol_tomorrow, dt.time(0), ZoneInfo("America/Los_Angeles"))
    carol_agenda_before = requests.get(f"{yue_server.url}/sandbox/api/people/ou_carol/agenda", timeout=10,
                                       params={"from": lo0.isoformat(),
                                               "to": (lo0 + dt.timedelta(days=10)).isoformat()}).json()
    slots = send_and_wait_for_card(page, "find a 30 min slot with @Dave tomorrow afternoon")
    first_slot = slots.locator(".c-btn").first
    expect(first_slot).to_be_visible(timeout=30000)
    expect(slots.locator(".card-title")).to_be_visible()
    shot(page, "console-5-slots")

    # Pick the first slot; the card (this one or a new one) asks to confirm; confirm.
    first_slot.click()
    expect(page.locator(".toast").first).to_be_visible()
    confirm = cards(page).locator(".c-btn:not([disabled])").filter(has_text=CONFIRM).last
    expect(confirm).to_be_visible(timeout=30000)
    confirm.click()
    expect(cards(page).locator(".card-title").filter(has_text=BOOKED).last).to_be_visible(timeout=30000)
    shot(page, "console-6-carol-booked")

    # The meeting is in Carol's calendar: the slot may be in a later week (nobody was free
    # "tomorrow afternoon" for both, so Yue offered the nearest common times), so find its day
    # through the sandbox's agenda and show that week.
    lo = dt.datetime.combine(carol_tomorrow, dt.time(0), ZoneInfo("America/Los_Angeles"))
    span = {"from": lo.isoformat(), "to": (lo + dt.timedelta(days=10)).isoformat()}
    titles_before = {(e["summary"], e["start"]) for e in carol_agenda_before}
    new = [e for e in requests.get(f"{yue_server.url}/sandbox/api/people/ou_carol/agenda", params=span,
                                   timeout=10).json() if (e["summary"], e["start"]) not in titles_before]
    assert len(new) == 1, new
    start = dt.datetime.fromisoformat(new[0]["start"]).astimezone(ZoneInfo("America/Los_Angeles"))
    show_week_of(page, start.date())
    expect(block_at(page, start.date(), "ou_carol", start.hour)).to_have_count(1, timeout=15000)
    shot(page, "console-7-carol-week")

    # The same page at phone width: panels become tabs.
    page.set_viewport_size({"width": 375, "height": 812})
    page.locator('#tabs button[data-tab="chat"]').click()
    expect(page.locator("#tabs")).to_be_visible()
    shot(page, "console-8-phone")

    assert errors == []


# --- the sandbox alone ---------------------------------------------------------------------------

def _send_card(base_url: str, chat_id: str, card: dict, ok: bool = True):
    client = (lark.Client.builder().app_id("cli_sandbox_yue").app_secret("sandbox-secret").domain(base_url)
              .log_level(lark.LogLevel.ERROR).build())
    req = (CreateMessageRequest.builder().receive_id_type("chat_id")
           .request_body(CreateMessageRequestBody.builder().receive_id(chat_id).msg_type("interactive")
                         .content(json.dumps(card, ensure_ascii=False)).build()).build())
    resp = client.im.v1.message.create(req)
    if ok:
        assert resp.success(), (resp.code, resp.msg)
    return resp


def _text(content: str) -> dict:
    return {"tag": "plain_text", "content": content}


def _button(label: str, kind: str, **extra) -> dict:
    return {"tag": "button", "text": _text(label), "type": kind, **extra}


GALLERY = {
    "schema": "2.0",
    "config": {"update_multi": True, "width_mode": "fill"},
    "header": {"title": _text("Every element"), "subtitle": _text("card JSON 2.0"), "template": "violet"},
    "body": {"elements": [
        {"tag": "markdown", "content": "**Bold** and [a link](https://open.feishu.cn) for <at id=ou_bob></at>\n"
                                       "- first\n- second\n1. one\n2. two"},
        {"tag": "hr"},
        {"tag": "column_set", "columns": [
            {"tag": "column", "width": "auto", "elements": [
                _button("Primary", "primary", behaviors=[{"type": "callback", "value": {"a": "x"}}])]},
            {"tag": "column", "width": "auto", "elements": [_button("Default", "default")]},
            {"tag": "column", "width": "auto", "elements": [_button("Danger", "danger")]},
            {"tag": "column", "width": "auto", "elements": [_button("Disabled", "primary", disabled=True)]}]},
        {"tag": "select_static", "placeholder": _text("Room"),
         "options": [{"text": _text("Everest 珠峰"), "value": "omm_everest"}]},
        {"tag": "date_picker", "initial_date": "2026-05-01"},
        {"tag": "picker_time", "initial_time": "15:00"},
        {"tag": "picker_datetime", "initial_datetime": "2026-05-01 15:00"},
        {"tag": "form", "name": "f", "elements": [
            {"tag": "input", "name": "title", "required": True, "placeholder": _text("Title")},
            _button("Submit", "primary_filled", name="submit", form_action_type="submit")]},
        {"tag": "markdown", "content": "a note", "text_size": "notation"},
        _button("Docs", "default", behaviors=[{"type": "open_url", "default_url": "https://open.feishu.cn"}]),
    ]},
}


def test_cards_render_every_element_and_invalid_ones_are_refused(sandbox_only, open_page, shot):
    # Feishu refuses a card with an unknown element or a malformed column set (230099, with the
    # component's path), so such a card never reaches the chat.
    bad = json.loads(json.dumps(GALLERY))
    bad["body"]["elements"].append({"tag": "no_such_element", "whatever": 1})
    refused = _send_card(sandbox_only.url, "oc_p2p_alice", bad, ok=False)
    assert refused.code == 230099 and "no_such_element" in refused.msg
    _send_card(sandbox_only.url, "oc_p2p_alice", GALLERY)
    page, errors = open_page(sandbox_only.url + "/?as=ou_alice")
    card = cards(page).last.locator(".card")
    expect(card.locator(".card-header")).to_have_class(re.compile(r"tpl-violet"))
    expect(card.locator(".card-title")).to_have_text("Every element")
    expect(card.locator(".c-md strong").first).to_have_text("Bold")
    expect(card.locator('.c-md a[href="https://open.feishu.cn"]')).to_have_attribute("target", "_blank")
    expect(card.locator('.c-at[data-open-id="ou_bob"]')).to_have_text(re.compile(r"^@(李博|Bob)"))
    expect(card.locator(".c-md ul li")).to_have_count(2)
    expect(card.locator(".c-md ol li")).to_have_count(2)
    expect(card.locator(".c-hr")).to_have_count(1)
    expect(card.locator(".c-btn-primary")).to_have_count(2)
    expect(card.locator(".c-btn-danger")).to_have_count(1)
    expect(card.locator("button.c-btn", has_text="Disabled")).to_be_disabled()
    expect(card.locator("select.c-select")).to_have_count(1)
    expect(card.locator('input[type="date"]')).to_have_value("2026-05-01")
    expect(card.locator('input[type="time"]')).to_have_value("15:00")
    expect(card.locator('input[type="datetime-local"]')).to_have_value("2026-05-01T15:00")
    expect(card.locator(".size-notation")).to_have_text("a note")
    expect(card.locator(".c-unsupported")).to_have_count(0)
    expect(card.locator(".c-btn", has_text="Docs")).to_be_visible()

    # A form with an empty required field is not submitted: a warning toast, the field marked.
    card.locator("button.c-btn", has_text="Submit").click()
    expect(page.locator(".toast-warning")).to_be_visible()
    expect(card.locator('input[data-field="title"]')).to_have_class(re.compile(r"invalid"))
    card.scroll_into_view_if_needed()
    shot(page, "console-0-card-elements")
    assert errors == []


def test_mentions_popup_send_and_live_update(sandbox_only, open_page):
    page, errors = open_page(sandbox_only.url + "/?as=ou_alice")
    page.locator('#chat-list .chat-item[data-chat-id="oc_team"]').click()
    expect(page.locator("#chat-title")).to_contain_text("Team")
    type_message(page, "hello @")
    popup = page.locator("#mention-popup")
    expect(popup).to_be_visible()
    # Arrow keys move, Enter inserts the highlighted name.
    first = popup.locator(".mention-option").nth(0).get_attribute("data-open-id")
    second = popup.locator(".mention-option").nth(1).get_attribute("data-open-id")
    page.keyboard.press("ArrowDown")
    expect(popup.locator(".mention-option.active")).to_have_attribute("data-open-id", second)
    page.keyboard.press("ArrowUp")
    expect(popup.locator(".mention-option.active")).to_have_attribute("data-open-id", first)
    page.keyboard.press("Escape")
    expect(popup).to_be_hidden()
    type_message(page, "Bo")
    expect(popup).to_be_visible()
    popup.locator('.mention-option[data-open-id="ou_bob"]').click()
    expect(page.locator("#composer-input")).to_have_value("hello @Bob ")
    page.keyboard.press("Shift+Enter")
    type_message(page, "second line")
    page.keyboard.press("Enter")
    mine = page.locator(".msg.mine .bubble").last
    expect(mine).to_contain_text("second line")
    expect(mine.locator('.mention[data-open-id="ou_bob"]')).to_be_visible()

    # Someone else writes in the group: it shows up without a reload.
    resp = requests.post(sandbox_only.url + "/sandbox/api/messages", timeout=10,
                         json={"chat_id": "oc_team", "sender_id": "ou_bob", "text": "hi @Alice"})
    assert resp.status_code == 200, resp.text
    other = page.locator(".msg:not(.mine) .bubble").last
    expect(other).to_contain_text("hi")
    expect(other.locator(".mention.me")).to_have_attribute("data-open-id", "ou_alice")
    assert errors == []


def test_english_ui_and_phone_width_tabs(sandbox_only, open_page):
    page, errors = open_page(sandbox_only.url + "/?as=ou_carol", width=375, height=812)
    expect(page.locator("#tabs")).to_be_visible()
    expect(page.locator("#send-btn")).to_have_text("Send")
    expect(page.locator("#panel-chat")).to_be_visible()
    expect(page.locator("#panel-cal")).to_be_hidden()
    page.locator('#tabs button[data-tab="cal"]').click()
    expect(page.locator("#panel-cal")).to_be_visible()
    expect(page.locator(".cal-dayhead").first).to_contain_text("Mon")
    expect(page.locator("#cal-body .cal-tz")).to_contain_text("America/Los_Angeles")
    page.locator('#tabs button[data-tab="chats"]').click()
    expect(page.locator("#panel-left")).to_be_visible()
    # The choice of person is remembered.
    page.reload()
    page.wait_for_selector("#chat-list .chat-item.active", state="attached")
    expect(page.locator("#person-select")).to_have_value("ou_carol")
    assert errors == []


def test_week_navigation_and_compare(sandbox_only, open_page):
    page, errors = open_page(sandbox_only.url + "/?as=ou_alice")
    page.wait_for_selector("#cal-body[data-loaded]")
    label = page.locator("#cal-range").inner_text()
    page.locator("#week-next").click()
    expect(page.locator("#cal-range")).not_to_have_text(label)
    page.locator("#week-today").click()
    expect(page.locator("#cal-range")).to_have_text(label)
    # The seeded week gives Alice something to see (a daily stand-up).
    expect(page.locator('.ev[data-owner="ou_alice"]').first).to_be_visible()
    page.select_option("#compare-select", "ou_bob")
    expect(page.locator("#cal-legend")).to_contain_text("李博")
    assert errors == []


def test_unreachable_server_shows_a_banner_not_an_error(sandbox_only, open_page):
    page, errors = open_page(sandbox_only.url + "/?as=ou_alice")
    expect(page.locator("#banner")).to_be_hidden()
    page.route("**/sandbox/api/**", lambda route: route.abort("connectionrefused"))
    expect(page.locator("#banner")).to_be_visible(timeout=5000)
    page.unroute("**/sandbox/api/**")
    expect(page.locator("#banner")).to_be_hidden(timeout=5000)
    # Aborted requests are logged by Chromium itself; anything else would be our fault.
    assert [e for e in errors if "net::ERR" not in e] == []


def test_static_files(sandbox_only):
    index = requests.get(sandbox_only.url + "/", timeout=10)
    assert index.status_code == 200 and index.headers["Content-Type"].startswith("text/html")
    scripts = re.findall(r'<script src="/console/([\w.]+)"></script>', index.text)
    # Every script of the console is loaded (a module left out of index.html would be dead code).
    assert sorted(scripts) == sorted(p.name for p in CONSOLE_DIR.glob("*.js")), scripts
    assert scripts[0] == "i18n.js" and scripts[-1] == "console.js"
    for name in scripts + ["console.css"]:
        mime = "text/css" if name.endswith(".css") else "text/javascript"
        r = requests.get(f"{sandbox_only.url}/console/{name}", timeout=10)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(mime), (name, r.headers)
        assert "no-cache" in r.headers["Cache-Control"]
    assert requests.get(sandbox_only.url + "/console/../api/console.py", timeout=10).status_code == 404
    assert requests.get(sandbox_only.url + "/console/nope.js", timeout=10).status_code == 404


def test_card_click_shows_toast_and_replaces_card_in_place(sandbox_only, open_page):
    """A stand-in bot on its own server answers the card callback; the console shows its toast and
    swaps the card, and the callback carried the button's value, the operator and the form values."""
    from flask import Flask, jsonify, request as flask_request

    from tests.support.live import LiveServer

    received: list[dict] = []
    fake_bot = Flask("fake_bot")

    @fake_bot.post("/cards")
    def cards_callback():
        received.append(flask_request.get_json(force=True))
        done = {"schema": "2.0", "config": {"update_multi": True},
                "header": {"title": _text("Done"), "template": "green"},
                "body": {"elements": [{"tag": "markdown", "content": "Booked for <at id=ou_alice></at>"},
                                      _button("Confirm", "primary_filled", disabled=True)]}}
        return jsonify({"toast": {"type": "success", "content": "Booked"}, "card": {"type": "raw", "data": done}})

    with LiveServer(lambda port: fake_bot) as bot:
        resp = requests.put(sandbox_only.url + "/sandbox/api/app", timeout=10,
                            json={"card_url": bot.url + "/cards", "encrypt_key": ""})
        assert resp.status_code == 200, resp.text
        card = {"schema": "2.0", "config": {"update_multi": True},
                "header": {"title": _text("Confirm the meeting"), "template": "blue"},
                "body": {"elements": [
                    {"tag": "form", "name": "f", "elements": [
                        {"tag": "input", "name": "title", "default_value": "Budget"},
                        {"tag": "select_static", "name": "len", "initial_option": "30",
                         "options": [{"text": _text("30 min"), "value": "30"},
                                     {"text": _text("60 min"), "value": "60"}]},
                        _button("Confirm", "primary_filled", name="ok", form_action_type="submit",
                                behaviors=[{"type": "callback", "value": {"a": "confirm", "d": "dr1"}}])]}]}}
        _send_card(sandbox_only.url, "oc_p2p_alice", card)
        page, errors = open_page(sandbox_only.url + "/?as=ou_alice")
        msg = cards(page).last
        mid = msg.get_attribute("data-message-id")
        msg.locator(".c-select").select_option("60")
        msg.locator("button.c-btn", has_text="Confirm").click()
        expect(page.locator(".toast-success")).to_have_text(re.compile("Booked"))
        replaced = page.locator(f'.msg[data-message-id="{mid}"]')
        expect(replaced.locator(".card-title")).to_have_text("Done")
        expect(replaced.locator(".card-header")).to_have_class(re.compile(r"tpl-green"))
        expect(replaced.locator("button.c-btn", has_text="Confirm")).to_be_disabled()
        expect(cards(page)).to_have_count(1)
        # The next polls keep the new card (the sandbox stored it), without a duplicate.
        page.wait_for_timeout(2500)
        expect(replaced.locator(".card-title")).to_have_text("Done")
        expect(cards(page)).to_have_count(1)
        assert errors == []

    assert len(received) == 1
    event = received[0]["event"]
    assert received[0]["header"]["event_type"] == "card.action.trigger"
    assert event["operator"]["open_id"] == "ou_alice"
    assert event["context"]["open_message_id"] == mid
    assert event["action"]["value"] == {"a": "confirm", "d": "dr1"}
    assert event["action"]["form_value"] == {"title": "Budget", "len": "60"}
    assert event["action"]["name"] == "ok"
