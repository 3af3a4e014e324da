"""bot.unknown_names: an @name left as plain text is someone Yue cannot resolve."""
from __future__ import annotations

import pytest

from bot.unknown_names import unknown_names, without


@pytest.mark.parametrize("text, names", [
    ("明天下午3点和 @Nobody 开会", ["Nobody"]), ("let @Eve edit my calendar", ["Eve"]),
    ("@Eve's calendar and @Eve again", ["Eve"]), ("让@张三开会", ["张三"]), ("和@王小明一起吃饭", ["王小明"]),
    ("@_user_1和@李四明天开会", ["李四"]),
])
def test_plain_at_names_are_found(text, names):
    assert unknown_names(text) == names


@pytest.mark.parametrize("text", ["明天和 @_user_1 开会", "mail bob@example.com", "@all standup", "@Yue /help",
                                  "no at"])
def test_mentions_emails_everyone_and_the_bot_are_not(text):
    assert unknown_names(text) == []


def test_going_on_without_them_blanks_only_those_names():
    assert without("meet @Nobody and @_user_1 at 3", ["Nobody"]).split() == ["meet", "and", "@_user_1", "at", "3"]
