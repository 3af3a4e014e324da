"""/caldav end to end: the card for the named device with working credentials (checked against
the sandbox's CalDAV server with the `caldav` client), shown again instead of re-minted,
revoked with its button; privately only; Outlook told plainly; an event written over CalDAV in
Yue's agenda card, and a meeting booked through Yue in the person's CalDAV calendar."""
from __future__ import annotations

import datetime as dt
import uuid

import caldav
import pytest
import requests
from caldav.lib import error as dav_error

from tests.flow.conftest import at, card_text, p2p, today_in, wait_for
from tests.flow.test_flow_other_intents import second_reply

LABELS = {"服务器": "server", "Server": "server", "用户名": "user", "Username": "user", "密码": "password",
          "Password": "password"}


def settings_on(card: dict) -> dict[str, str]:
    out = {}
    for line in card_text(card).splitlines():
        label, sep, value = line.partition(": ")
        if sep and label in LABELS:
            out[LABELS[label]] = value.strip()
    return out


def ask(yue, open_id: str, text: str, chat: str | None = None) -> dict:
    """Yue's card for `text`, connecting the person's calendar first when Yue asks for it."""
    reply = yue.say(chat or p2p(open_id), open_id, text)
    if "连接你的日历" in card_text(reply["card"]) or "Connect your calendar" in card_text(reply["card"]):
        yue.connect(open_id, reply["card"])
        reply = second_reply(yue, reply)
    return reply


def client(conf: dict[str, str], password: str | None = None) -> caldav.DAVClient:
    return caldav.DAVClient(url=conf["server"], username=conf["user"], password=password or conf["password"])


def opens(conf: dict[str, str]) -> int:
    return requests.request("PROPFIND", conf["server"], auth=(conf["user"], conf["password"]),
                            headers={"Depth": "0"}, timeout=10).status_code


def test_iphone_settings_work_are_shown_again_and_revoke(yue):
    reply = ask(yue, "ou_alice", "/caldav iPhone")
    text = card_text(reply["card"])
    assert "iPhone" in text and ("添加 CalDAV 账户" in text or "Add CalDAV Account" in text), text
    conf = settings_on(reply["card"])
    assert conf["server"] == f"{yue.url}/caldav/" and len(conf["password"]) >= 12
    assert [c.get_display_name() for c in client(conf).principal().calendars()] == ["王丽"]

    again = yue.say(p2p("ou_alice"), "ou_alice", "/caldav iPhone")
    assert settings_on(again["card"]) == conf                          # the same account, not a new one
    assert opens(conf) == 207

    revoke = yue.button(again, "caldav_revoke")
    out = yue.click(again, "ou_alice", revoke)
    assert out["toast"]["type"] == "success"
    assert conf["password"] not in card_text(out["card"])
    assert opens(conf) == 401
    with pytest.raises(dav_error.AuthorizationError):
        client(conf).principal()
    twice = yue.click(again, "ou_alice", revoke)                       # nothing left to revoke: says so
    assert "无需撤销" in card_text(twice["card"]) or "nothing to revoke" in card_text(twice["card"])

    fresh = settings_on(yue.say(p2p("ou_alice"), "ou_alice", "/caldav iPhone")["card"])
    assert fresh["password"] != conf["password"] and opens(fresh) == 207


def test_asked_in_a_group_the_android_settings_go_privately(yue):
    yue.say(p2p("ou_bob"), "ou_bob", "你好")
    reply = yue.say("oc_team", "ou_bob", "@Yue /caldav 安卓手机")
    if "已私信发送" in card_text(reply["card"]):                       # the connect link went privately first
        yue.connect("ou_bob")
    cards = wait_for("the Android CalDAV card in Bob's private chat",
                     lambda: [m for m in yue.bot_messages(p2p("ou_bob")) if "DAVx5" in card_text(m["card"])
                              and settings_on(m["card"]).get("password")])
    conf = settings_on(cards[-1]["card"])
    assert opens(conf) == 207
    group = "\n".join(m["body"]["content"] for m in yue.messages("oc_team"))
    assert conf["password"] not in group and conf["user"] not in group and "DAVx5" not in group
    assert "已私信发送" in group


def test_outlook_is_told_plainly_without_a_password(yue):
    reply = yue.say(p2p("ou_henry"), "ou_henry", "/caldav 同步到 Outlook")
    text = card_text(reply["card"])
    assert "本身不支持 CalDAV" in text and "CalDav Synchronizer" in text
    assert settings_on(reply["card"]) == {} and "连接你的日历" not in text


def test_an_event_written_over_caldav_is_in_yues_agenda_card(yue):
    conf = settings_on(ask(yue, "ou_kevin", "/caldav Thunderbird")["card"])
    day = today_in("ou_kevin") + dt.timedelta(days=1)
    start, end = at(day, 20, 0, "ou_kevin"), at(day, 20, 45, "ou_kevin")
    ics = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT",
                       f"UID:{uuid.uuid4()}", "DTSTAMP:20260101T000000Z", "SUMMARY:Evening run via CalDAV",
                       f"DTSTART;TZID=Asia/Shanghai:{start:%Y%m%dT%H%M%S}",
                       f"DTEND;TZID=Asia/Shanghai:{end:%Y%m%dT%H%M%S}", "END:VEVENT", "END:VCALENDAR", ""])
    client(conf).principal().calendars()[0].save_event(ics)
    agenda = ask(yue, "ou_kevin", "我明天有什么安排")
    text = card_text(agenda["card"])
    assert "Evening run via CalDAV" in text and "20:00" in text, text


def test_a_meeting_booked_by_yue_shows_in_the_clients_calendar(yue):
    conf = settings_on(ask(yue, "ou_lin", "/caldav Mac")["card"])
    day = today_in("ou_alice") + dt.timedelta(days=2)
    reply = yue.say(p2p("ou_alice"), "ou_alice", "后天下午5点和 @Lin 开会 预算复盘")
    yue.click(reply, "ou_alice", yue.button(reply, "confirm"))
    cal = client(conf).principal().calendars()[0]
    found = [o.icalendar_component for o in cal.search(start=at(day, 0, 0, "ou_lin"),
                                                       end=at(day + dt.timedelta(days=1), 0, 0, "ou_lin"), event=True)
             if "预算复盘" in str(o.icalendar_component.get("SUMMARY"))]
    assert len(found) == 1
    assert found[0].start == at(day, 17, 0, "ou_alice")


def test_revoke_that_feishu_refuses_changes_nothing_and_can_be_pressed_again(yue):
    card = ask(yue, "ou_erin", "/caldav Android")
    conf = settings_on(card["card"])
    assert opens(conf) == 207
    r = yue.http.post(f"{yue.url}/sandbox/api/faults", timeout=10,
                      json={"error_rate": 1.0, "path_prefix": "/open-apis/calendar/v4/settings"})
    assert r.status_code == 200, r.text
    try:
        out = yue.click(card, "ou_erin", yue.button(card, "caldav_revoke"))
    finally:
        yue.http.delete(f"{yue.url}/sandbox/api/faults", timeout=10)
    assert out["toast"]["type"] == "error"
    text = card_text(out["card"])
    assert "仍然有效" in text or "still works" in text
    assert opens(conf) == 207                                        # nothing was revoked
    again = yue.click(card, "ou_erin", yue.button(out["card"], "caldav_revoke"))
    assert again["toast"]["type"] == "success" and opens(conf) == 401
