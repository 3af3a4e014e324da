"""intents.own_time: "am I free tomorrow?" is a question about one's own time, answered, not booked."""
from __future__ import annotations

import datetime as dt

import pytest

import intents

NOW = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def parse(text: str, mentions: list[dict] | None = None) -> intents.Intent:
    return intents.parse(text, now=NOW, tz="Asia/Shanghai", mentions=mentions)


@pytest.mark.parametrize("text", ["我明天有空吗", "明天我有空吗", "我明天下午有空吗", "我明天什么时候有空",
                                  "am I free tomorrow?", "am i free tomorrow afternoon",
                                  "when am I free tomorrow", "我有空吗"])
def test_a_question_about_ones_own_time_is_sure_and_marked(text):
    it = parse(text)
    assert (it.intent, it.action) == ("find_time", "own")
    assert it.confidence >= 0.7 and it.alternatives == ()


@pytest.mark.parametrize("text, mentions", [
    ("我和 @_user_1 明天都有空吗", [{"key": "@_user_1", "id": "ou_bob", "name": "Bob"}]),
    ("is @_user_1 free tomorrow?", [{"key": "@_user_1", "id": "ou_bob", "name": "Bob"}]),
    ("我们明天什么时候有空", None), ("am I free to meet bob tomorrow", None), ("明天下午3点开会", None),
])
def test_questions_about_others_or_requests_are_not(text, mentions):
    assert parse(text, mentions).action != "own"
