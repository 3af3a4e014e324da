"""Properties of the v2 time rules that single corpus lines do not show: the typo table
corrects near misses but never a real word, and the Chinese rewrites keep every position."""
from __future__ import annotations

import datetime as dt

import pytest

from intents import parse
from intents.en.numbers import _TYPOS, prepare
from intents.timeutil import zone
from intents.zh import colloquial

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=zone("Asia/Shanghai"))


@pytest.mark.parametrize("typo,word", [("wendesday", "wednesday"), ("wednsday", "wednesday"),
                                       ("thrusday", "thursday"), ("tuesdy", "tuesday"), ("fridya", "friday"),
                                       ("decmber", "december"), ("tomorow", "tomorrow"), ("nxet", "next")])
def test_one_edit_from_a_day_or_month_word_is_read_as_it(typo, word):
    assert _TYPOS[typo] == word
    assert prepare(f"{typo} at 3pm").s == f"{word} at 3pm"


@pytest.mark.parametrize("real", ["match", "moon", "text", "sundae", "mourning", "mondays", "evenings",
                                  "today", "tomorrow", "monday", "weekends", "augusta", "may", "mar"])
def test_real_words_and_the_targets_themselves_are_left_alone(real):
    assert real not in _TYPOS


def test_typo_fix_keeps_the_original_words_for_titles():
    t = prepare("Roadmap sync Wendesday 3pm")
    a, b = t.span(t.s.index("wednesday"), t.s.index("wednesday") + len("wednesday"))
    assert t.orig[a:b] == "Wendesday"


@pytest.mark.parametrize("text", ["后儿下午3点", "下五3点开会", "礼拜三", "开一个钟头", "提前15分钟提醒我",
                                  "tmr 下午3点", "周五 eod", "星其三 明添"])
def test_zh_rewrites_keep_the_length(text):
    new, blanked = colloquial.rewrite(text, set(text))
    assert len(new) == len(text)
    assert new != text
    for s, e in blanked:
        assert new[s:e].strip() == ""


def test_zh_five_that_is_a_number_is_not_rewritten():
    for text in ("下五天", "上五楼", "下五个人", "下五周"):
        assert colloquial.rewrite(text, set(text))[0] == text


@pytest.mark.parametrize("text,minutes", [("提前15分钟提醒我", 15), ("提前半小时提醒", 30), ("提前一个半小时提醒", 90),
                                          ("会前5分钟提醒我", 5), ("提前1天提醒", 1440), ("提前15分钟到", None)])
def test_zh_reminder_lead_time(text, minutes):
    assert colloquial.lead_minutes(text) == minutes
    assert parse(text, now=NOW).remind_before_minutes == minutes


def test_fields_are_in_the_json_and_default_to_null():
    j = parse("明天下午3点开会", now=NOW).to_json()
    assert j["capacity"] is None and j["remind_before_minutes"] is None
    j = parse("a room for 6 people tomorrow at 2, remind me 10 min before", now=NOW, tz="Asia/Shanghai").to_json()
    assert (j["capacity"], j["remind_before_minutes"], j["duration_minutes"]) == (6, 10, None)
    assert j["start"] == "2026-11-26T14:00:00+08:00"


@pytest.mark.parametrize("text", ["wendesday", "提前提醒", "提前分钟提醒", "remind me before", "for people",
                                  "每月第九个周一", "last xday of the month", "下五", "tmr", "a room for 999 people"])
def test_never_raises(text):
    parse(text, now=NOW)
