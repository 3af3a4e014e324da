"""Reminder and digest cards (bot/cards/reminders.py) and how the remind/digest handlers
read a message (bot/handlers/remind.py, digest.py) — pure parts, with Intents built here."""
from __future__ import annotations

import datetime as dt
import json
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bot.cards import reminders as rc
from bot.cards.base import SAFE_BYTES, size
from bot.cards.i18n import STRINGS
from bot.handlers import digest, remind
from intents import Intent
from tests.support.yue import buttons

SH = ZoneInfo("Asia/Shanghai")
AT = dt.datetime(2026, 12, 8, 15, 0, tzinfo=SH)


def text(card: dict) -> str:
    return json.dumps(card, ensure_ascii=False)


def values(card: dict) -> list[dict]:
    return [b["value"] for b in buttons(card)]


def test_every_reminder_string_has_both_languages_with_the_same_placeholders() -> None:
    keys = [k for k in STRINGS if k.startswith(("rem_", "dig_", "title_reminder", "title_digest", "btn_rem_"))]
    assert len(keys) > 30
    for k in keys:
        zh, en = STRINGS[k]
        assert zh and en, k
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), k


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reminder_card_buttons_and_late_marker(lang: str) -> None:
    r = rc.Reminder("job1", "交周报", AT, "Asia/Shanghai")
    card = rc.reminder_card(r, "job1:123", lang)
    assert [v["a"] for v in values(card)] == ["rem_done", "rem_snooze", "rem_snooze", "rem_snooze"]
    assert [v.get("m") for v in values(card)][1:] == [10, 60, "tomorrow"]
    assert all(v["j"] == "job1" and v["o"] == "job1:123" for v in values(card))
    late = rc.reminder_card(r, "job1:123", lang, late=True)
    assert ("迟到" if lang == "zh" else "(late)") in text(late) and ("迟到" not in text(card))


def test_set_card_claims_the_calendar_only_when_told() -> None:
    r = rc.Reminder("j", "评审", AT, "Asia/Shanghai", event_title="评审", before_minutes=15)
    assert "手机日历" not in text(rc.reminder_set_card(r, "zh"))
    assert "手机日历也会提醒" in text(rc.reminder_set_card(r, "zh", on_calendar=True))
    assert "15 min before" in text(rc.reminder_set_card(r, "en"))
    assert "15:00" in text(rc.reminder_set_card(r, "zh")) and "(GMT+8)" in text(rc.reminder_set_card(r, "zh"))


def test_list_card_has_one_cancel_per_item_and_stays_under_the_size_limit() -> None:
    items = [rc.Reminder(f"j{i}", f"提醒事项 {i} " + "很长的标题" * 20, AT, "Asia/Shanghai") for i in range(60)]
    card = rc.reminders_list_card(items, "zh")
    assert size(card) <= SAFE_BYTES
    assert [v["a"] for v in values(card)] == ["rem_cancel"] * len(values(card)) and values(card)
    assert "你现在没有提醒" in text(rc.reminders_list_card([], "zh"))
    assert "no digests" in text(rc.reminders_list_card([], "en", kind="digest"))


def test_digest_card_marks_conflicts_and_gaps() -> None:
    from bot import cards
    d = lambda h, m=0: dt.datetime(2026, 12, 8, h, m, tzinfo=SH)  # noqa: E731
    evs = [cards.Event(event_id="a", title="站会", start=d(9, 30), end=d(10)),
           cards.Event(event_id="b", title="评审", start=d(9, 45), end=d(11))]
    conflicts = [rc.Conflict("站会", "评审", d(9, 45), d(10))]
    card = rc.digest_card(evs, d(0).date(), d(0).date(), "Asia/Shanghai", "zh", conflicts=conflicts,
                          gaps=[(d(11), d(18))])
    t = text(card)
    assert "站会 × 评审" in t and "09:45–10:00" in t and "11:00–18:00" in t and "今日日程" in t
    week = rc.digest_card(evs, d(0).date(), d(0).date() + dt.timedelta(days=6), "Asia/Shanghai", "en",
                          scope="week", late=True)
    assert "This week (late)" in text(week) and "Free gaps" not in text(week)


def ctx(message: str, **fields) -> SimpleNamespace:
    return SimpleNamespace(text=message, intent=Intent(**fields))


@pytest.mark.parametrize("message,intent,expected", [
    ("我有哪些提醒", "unknown", "list"),
    ("my reminders", "unknown", "list"),
    ("cancel the bank reminder", "cancel", "cancel"),
    ("不用提醒我交周报了", "remind", "cancel"),
    ("提醒我明天下午3点交周报", "remind", "create"),
    ("remind me to call the bank at 5pm", "remind", "create"),
    ("remind me to stop by the pharmacy at 5", "remind", "create"),
    ("提醒我明天取消订阅", "remind", "create"),
    ("/remind cancel bank", "remind", "cancel"),
    ("取消交周报的提醒", "remind", "cancel"),
])
def test_remind_verb(message: str, intent: str, expected: str) -> None:
    assert remind.verb(ctx(message, intent=intent)) == expected


def test_remind_reads_the_parsers_action_and_lead_time_first() -> None:
    c = ctx("whatever", intent="remind")
    object.__setattr__(c.intent, "action", "list")
    assert remind.verb(c) == "list"
    assert remind.lead_minutes(ctx("明天的评审提前15分钟提醒我", intent="remind")) == 15
    assert remind.lead_minutes(ctx("remind me 10 min before the design review", intent="remind")) == 10
    assert remind.lead_minutes(ctx("remind me at 10", intent="remind")) is None
    c = ctx("remind me before the review", intent="remind")
    object.__setattr__(c.intent, "remind_before_minutes", 30)
    assert remind.lead_minutes(c) == 30


@pytest.mark.parametrize("words,title", [
    ("/remind 交周报", "交周报"), ("remind me to call the bank", "call the bank"), ("提醒我写日报", "写日报"),
    ("the bank reminder", "the bank"), ("评审 提醒我", "评审"), ("", ""),
])
def test_words_of(words: str, title: str) -> None:
    assert remind.words_of(words) == title


@pytest.mark.parametrize("message,expected", [
    ("每个工作日早上9点把我的日程发给我", "on"), ("send me my agenda every morning at 8:30", "on"),
    ("不用每天发了", "off"), ("stop my digests", "off"), ("my digests", "list"), ("我的日程推送", "list"),
])
def test_digest_verb(message: str, expected: str) -> None:
    assert digest.verb(ctx(message, intent="digest")) == expected


def test_digest_scope() -> None:
    assert digest.scope_of("FREQ=WEEKLY;BYDAY=MO") == "week"
    assert digest.scope_of("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR") == "day"
    assert digest.scope_of("FREQ=DAILY") == "day"
