"""Messages in other languages (intents/fallback.py): dateparser reads the day, a small
per-language pattern the clock, a word list the intent."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from intents import fallback, parse
from intents.timeutil import zone

TZ = zone("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=TZ)  # Wednesday
BOB = [{"key": "@_user_1", "id": "ou_bob", "name": "Bob"}]


@pytest.mark.parametrize("text,code,start,intent", [
    ("明日の15時に会議", "ja", "2026-11-26T15:00:00+08:00", "schedule"),
    ("金曜日の午後3時に打ち合わせ", "ja", "2026-11-27T15:00:00+08:00", "schedule"),
    ("morgen um 15 Uhr Meeting mit @_user_1", "de", "2026-11-26T15:00:00+08:00", "schedule"),
    ("Besprechung am Freitag um 10 Uhr", "de", "2026-11-27T10:00:00+08:00", "schedule"),
    ("réunion demain à 15h avec @_user_1", "fr", "2026-11-26T15:00:00+08:00", "schedule"),
    ("rendez-vous lundi 10h", "fr", "2026-11-30T10:00:00+08:00", "schedule"),
    ("reunión mañana a las 3 de la tarde", "es", "2026-11-26T15:00:00+08:00", "schedule"),
    ("reunión el viernes a las 10:00", "es", "2026-11-27T10:00:00+08:00", "schedule"),
])
def test_other_languages_read_time_and_intent(text, code, start, intent):
    assert fallback.language_of(text.replace("@_user_1", " ")) == code
    r = parse(text, now=NOW, tz="Asia/Shanghai", mentions=BOB)
    j = r.to_json()
    assert (j["intent"], j["start"]) == (intent, start), j
    assert j["lang"] == "en"  # the contract's zh|en: English replies (see the module docstring)
    assert 0 < j["confidence"] <= 0.75  # a word list: the bot confirms first
    if "@_user_1" in text:
        assert j["attendees"] == [{"type": "user", "id": "ou_bob"}]


def test_cancel_in_french_and_an_all_day_date():
    j = parse("annuler la réunion de demain", now=NOW, tz="Asia/Shanghai").to_json()
    assert (j["intent"], j["start"], j["all_day"], j["query"]) == ("cancel", "2026-11-26", True, "réunion")


@pytest.mark.parametrize("text", ["let's meet tomorrow at 3", "con call at 3pm tomorrow", "明天下午3点开会",
                                  "a la carte lunch at noon", "Bob", "um ok", "das"])
def test_chinese_and_english_stay_on_their_rules(text):
    assert fallback.language_of(text) is None


def test_dateparser_is_imported_only_on_the_fallback_path():
    code = ("import sys, datetime as dt; from intents import parse; "
            "now = dt.datetime(2026, 11, 25, 10, tzinfo=dt.timezone.utc); "
            "parse('明天下午3点开会', now=now); parse('lunch with Bob tomorrow at noon', now=now); "
            "assert 'dateparser' not in sys.modules; "
            "parse('morgen um 15 Uhr Meeting', now=now); assert 'dateparser' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(__import__("pathlib").Path(__file__).parents[2]))
