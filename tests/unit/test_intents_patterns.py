"""intents.patterns.compile_words: the split pattern finds a match exactly where the plain
one does (speed only)."""
from __future__ import annotations

import re

import pytest

from intents import rules_en, rules_zh
from intents.patterns import _top_level, compile_words

TEXTS = ["my day?", "help", "  off to lunch", "who set up this call", "yes to the all hands", "free at 3?",
         "i'm out tomorrow", "nothing here", "what's on my calendar", "exchange", "", "?", "[a|b] (c|d)",
         "明天的评审我去不了", "我的日历给谁看了", "exchange?", "不用每天发了", "unsub from release calendar"]


def test_top_level_alternatives():
    assert _top_level(r"a|(b|c)|[|]|\||d") == ["a", "(b|c)", "[|]", r"\|", "d"]
    assert _top_level(r"[]|]x|^y") == ["[]|]x", "^y"]


@pytest.mark.parametrize("name,rx", [(n, r) for n, r in rules_en.WANT + rules_en.WORDS] +
                         [(n, r) for n, r in rules_zh.WANT + rules_zh.WORDS])
def test_same_matches_as_plain_re(name, rx):
    plain = re.compile(rx.pattern, rx.flags)
    for t in TEXTS:
        assert bool(plain.search(t)) == bool(rx.search(t)), (name, t)


def test_anchored_branch_only_at_start():
    w = compile_words(r"\bzzz\b|^\s*my\s+day\b")
    assert w.search("my day?") and not w.search("not my day")
