"""intents.impossible: dates no calendar has are flagged, never moved to another day."""
from __future__ import annotations

import datetime as dt

import pytest

import intents
from intents.impossible import impossible_date, impossible_time

NOW = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.mark.parametrize("text, named", [
    ("meet @_user_1 on Feb 30 at 3pm", "Feb 30"), ("the 31st of April", "31st of April"),
    ("june 31st standup", "june 31st"), ("2月30日下午3点开会", "2月30日"), ("二月三十日开会", "二月三十日"),
    ("6月31号评审", "6月31号"),
])
def test_impossible_dates_are_named_as_written(text, named):
    assert impossible_date(text) == named


@pytest.mark.parametrize("text", ["May 31 at 3pm", "Feb 29", "12月30日开会", "2月28日", "may 32 things", "in 30 min"])
def test_real_dates_and_other_numbers_are_not(text):
    assert impossible_date(text) is None


@pytest.mark.parametrize("text", ["meet @_user_1 on Feb 30 at 3pm", "2月30日下午3点和 @_user_1 开会"])
def test_the_parser_flags_it_and_names_no_other_day(text):
    it = intents.parse(text, now=NOW, tz="Asia/Shanghai", mentions=[{"key": "@_user_1", "id": "ou_bob", "name": "Bob"}])
    assert "impossible_date" in it.assumptions
    assert (it.start, it.end, it.window_start, it.window_end) == (None, None, None, None)


@pytest.mark.parametrize("text, named", [
    ("25点开会", "25点"), ("明天30点和 @_user_1 对一下", "30点"), ("sync at 26:00", "26:00"), ("15pm standup", "15pm"),
])
def test_impossible_times_are_named_as_written(text, named):
    assert impossible_time(text) == named
    it = intents.parse(text, now=NOW, tz="Asia/Shanghai", mentions=[{"key": "@_user_1", "id": "ou_bob", "name": "Bob"}])
    assert "impossible_time" in it.assumptions and (it.start, it.window_start) == (None, None)


@pytest.mark.parametrize("text", ["明天3点25开会", "3点25分开会", "25分钟后提醒我", "25号开会", "13:30 开会",
                                  "3pm sync", "12am", "23:59", "1:15pm", "17:55:23-18:33:02", "8:00:25am"])
def test_real_times_and_other_numbers_are_not(text):
    assert impossible_time(text) is None
