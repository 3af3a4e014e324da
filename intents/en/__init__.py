"""English rules (Duckling-style: one small module per rule family).

    analyze("book a 30 min sync with @_user_1 tomorrow at 3pm about the budget", now)
"""
from __future__ import annotations

import datetime as dt

from ..model import Analysis
from .combine import extract
from .intent_words import read_intent
from .lex import Ctx
from .numbers import prepare

__all__ = ["analyze"]


def analyze(text: str, now: dt.datetime) -> Analysis:
    """Read an English message (mention placeholders already blanked) at `now` (aware)."""
    t = prepare(text)
    c = Ctx(now=now, today=now.date(), tz=now.tzinfo, s=t.s, orig=text)
    spec, spans = extract(c)
    a = Analysis(time=spec)
    read_intent(a, t, spans, c)
    return a
