"""Slots beside the time (contract v2): seats asked for and a reminder's lead time.

    "a room for 6 people tomorrow at 2"   -> capacity 6 (the 6 is no clock time)
    "remind me 10 min before"             -> remind_before_minutes 10 (no duration)

Both are rules of the scanner, so their numbers are taken before the clock and duration
rules could read them; `extract` keeps their values on the context (`Ctx.found`).
"""
from __future__ import annotations

import re

from .durations import DUR, parse, seconds
from .lex import Ctx, Tok

# Words that make "10 min before" a reminder's lead time rather than a duration.
REMIND_WORDS = frozenset(["remind", "reminder", "reminders", "alert", "notify", "ping", "nudge", "heads"])
_PEOPLE = r"(?:people|persons?|ppl|pax|attendees|seats|guests|heads|of\s+us)"


def _seats(m: re.Match, c: Ctx):
    n = int(next(g for g in m.groups() if g))
    if not 1 < n <= 500:
        return None
    return Tok("seats", m.start(), m.end(), n)


def _lead(m: re.Match, c: Ctx):
    if REMIND_WORDS.isdisjoint(c.toks):
        return None  # "an hour before the review" names a time, not a reminder
    g = 1 if m.group(1) else 2
    mins = int(round(seconds(parse(m.group(g))) / 60))
    # the token is the lead time only: "before the design review" stays for the reminder's query
    return Tok("rem", m.start(g), m.end(g), mins) if mins > 0 else None


def _quick(m: re.Match, c: Ctx):
    """"a quick 15 with bob": minutes, not the 15th."""
    n = int(m.group(1))
    return Tok("dur", m.start(1), m.end(), {"minutes": float(n)}, {}) if 5 <= n <= 60 else None


RULES = [
    (re.compile(rf"\b(?:seats|fits|holds|accommodates)\s+(\d{{1,3}})\b(?!\s*(?:am|pm|:))|\b(\d{{1,3}})[\s-]*{_PEOPLE}\b|\b(?:room|space|table|seats?)\s+for\s+(\d{{1,3}})\b(?!\s*(?:am|pm|:))(?:\s*{_PEOPLE}\b)?"
                rf"|\b(\d{{1,3}})[\s-]*(?:person|people|seat|seater)\s+(?:room|space)\b"), _seats),
    (re.compile(rf"(?<![\w.])({DUR})\s+(?:before(?:hand)?|ahead|early|in\s+advance|prior)\b"
                rf"|(?<![\w.])({DUR})\s+(?:heads[\s-]*up|reminder|notice|warning)(?:\s+(?:before|ahead))?\b"), _lead),
    (re.compile(r"\bquick\s+(\d{1,2})\b(?!\s*(?:am|pm|[ap]\b|:|-|minutes|hours|o'clock))"), _quick),
]


# A room asked for with no name ("book a room", "need a meeting room"): the words as written.
_GENERIC_ROOM = re.compile(r"\b(?:a|the|any|free|some|one)\s+(?:\d+[\s-]*(?:person|people|seat|seater)\s+)?"
                           r"((?:meeting\s+|conference\s+|quiet\s+|big\s+|small\s+)?room)\b")


def generic_room(s: str) -> str | None:
    """The generic room words of a prepared text ("room", "meeting room"), or None."""
    if "room" not in s:
        return None
    m = _GENERIC_ROOM.search(s)
    return m.group(1) if m else None
