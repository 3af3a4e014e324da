"""Durations: "30 min", "1.5 hours", "an hour and a half", "45 mins", "all day", "1/2h".

A duration is a dict of calendar units (years, months, weeks, days, hours, minutes,
seconds) so that "in 3 months" can step by calendar months; `seconds()` flattens it
with a 30-day month and a 365-day year, as the peers do.
"""
from __future__ import annotations

import re

from ..narrow import present
from ..prefilter import fast_compile
from .lex import Ctx, Tok, word_before

_UNIT_WORDS = {
    "second": "seconds", "seconds": "seconds", "s": "seconds",
    "minute": "minutes", "minutes": "minutes", "m": "minutes", "'": "minutes",
    "hour": "hours", "hours": "hours", "h": "hours",
    "day": "days", "days": "days", "d": "days", "night": "days", "nights": "days",
    "week": "weeks", "weeks": "weeks", "w": "weeks",
    "fortnight": "fortnights", "fortnights": "fortnights",
    "month": "months", "months": "months", "mo": "months",
    "year": "years", "years": "years", "y": "years",
}
# Unit words; single letters only when glued to the number ("10d", "1h", "3y").
UNIT = r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|years?)\b"
_GLUED = r"(?:[smhdwy]|mo)\b"
QTY = r"(?:\d+(?:\.\d+)?|\d/\d|an?|another|one|half|½)"
ONE = (rf"(?:(?:{QTY})\s+and\s+an?\s+half\s+{UNIT}"          # 1 and a half hours
       rf"|(?:{QTY})\s*-?\s*{UNIT}(?:\s+and\s+(?:an?\s+)?half\b)?"  # an hour and a half
       rf"|\d+(?:\.\d+)?{_GLUED}|\d/\d\s*h\b|\d+'(?!\w)"
       rf"|half\s+an?\s+{UNIT}|an?\s+quarter\s+of\s+an?\s+hour|(?:three|3)-?\s?quarters\s+of\s+an?\s+hour)")
DUR = rf"(?:{ONE})(?:(?:\s*,\s*|\s+and\s+|\s+)(?:{ONE}))*"
_ONE_RX = fast_compile(ONE)
_PIECE = re.compile(rf"(?P<q>{QTY})?\s*-?\s*(?P<u>{UNIT}|(?<=\d){_GLUED}|(?<=\d)')")
_AND_HALF = re.compile(rf"(?P<q>{QTY})\s+and\s+an?\s+half\s+(?P<u>{UNIT})")
# Compiled once: re.match(str, ...) looks its pattern up in re's cache on every call.
_FRAC_H = re.compile(r"(\d)/(\d)\s*h")
_HOURS_GLUED = re.compile(r"\d+h")
# The usual duration, one quantity and its unit word ("2 hours", "1.5 days", "an hour"), as
# parse reads it: one piece, the number or 1.0 for a word, the unit ("fortnight" scales: left
# to parse).
_SIMPLE = re.compile(r"(\d+(?:\.\d+)?|an?|another|one)\s*-?\s*"
                     r"(seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?)")
# r"\b(?:in|for|within|another|about|around)\s+$" before a glued "16h" (see lex.word_before)
_DUR_BEFORE_WORDS = ("in", "for", "within", "another", "about", "around")


def _fraction(n: str, d: str) -> float:
    """n/d; "1/0" is no quantity: ValueError, so the rule does not match (scan drops it)."""
    if int(d) == 0:
        raise ValueError("zero denominator")
    return int(n) / int(d)


def _qty(q: str | None) -> float:
    if not q or q in ("a", "an", "another", "one"):
        return 1.0
    if q in ("half", "½"):
        return 0.5
    if "/" in q:
        n, d = q.split("/")
        return _fraction(n, d)
    return float(q)


def parse(text: str) -> dict[str, float]:
    """Units of a matched duration text, e.g. "1 day and 5 hours" -> {days: 1, hours: 5}."""
    m = _SIMPLE.fullmatch(text)
    if m is not None:
        q = m[1]
        return {_UNIT_WORDS[m[2]]: float(q) if q[0] not in "ao" else 1.0}
    out: dict[str, float] = {}
    # a search loop is finditer here (a piece is never empty); the cheap `in` checks skip
    # patterns that cannot match (_FRAC_H needs a "/", _AND_HALF an "and")
    m = _ONE_RX.search(text)
    while m is not None:
        one = m.group(0)
        m = _ONE_RX.search(text, m.end())
        if "quarter" in one:
            out["minutes"] = out.get("minutes", 0) + (45 if one.startswith(("three", "3")) else 15)
            continue
        if one.startswith("half"):
            unit = _UNIT_WORDS[present(re.search(UNIT, one), "unit word").group(0)]
            out[unit] = out.get(unit, 0) + 0.5
            continue
        frac = "/" in one and _FRAC_H.match(one)
        if frac:
            out["hours"] = out.get("hours", 0) + _fraction(frac.group(1), frac.group(2))
            continue
        p = "and" in one and _AND_HALF.match(one) or _PIECE.search(one)
        if not p:
            continue
        unit = _UNIT_WORDS.get(p.group("u"), "minutes")
        q = _qty(p.group("q"))
        if "half" in one:
            q += 0.5
        if unit == "fortnights":  # 14 days, so "in a fortnight" keeps the clock like "in 14 days"
            unit, q = "days", q * 14
        out[unit] = out.get(unit, 0) + q
    return out


_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800,
            "months": 30 * 86400, "years": 365 * 86400}


def seconds(d: dict[str, float]) -> float:
    return sum(_SECONDS[k] * v for k, v in d.items())


def finest(d: dict[str, float]) -> str:
    for unit in ("seconds", "minutes", "hours", "days", "weeks", "months", "years"):
        if unit in d:
            return unit
    return "days"


_ALL = re.compile(r"\b(?:all|full|whole|entire)[\s-](day|week|month|year)\b"
                  r"|\bhalf\s+(?:an?\s+)?year\b")
_DUR_RX = re.compile(rf"(?<![\w.$/])(?:for\s+(?:about\s+|around\s+|roughly\s+)?)?({DUR})(?![\w/])")
_ALL_UNITS = {"day": {"days": 1}, "week": {"weeks": 1}, "month": {"months": 1}, "year": {"years": 1}}


def _dur(m: re.Match, c: Ctx):
    whole = m[0]
    if whole[-1] == "h" and _HOURS_GLUED.fullmatch(whole) and int(whole[:-1]) >= 10 and \
            not word_before(c.before(m.start()), _DUR_BEFORE_WORDS):
        return None  # "16h" alone is a clock time (French-style 16h00)
    d = parse(m[1])
    if not d:
        return None
    a, b = m.span()
    return Tok("dur", a, b, d, {"for": whole.startswith("for")})


def _all(m: re.Match, c: Ctx):
    if m.group(1):
        return Tok("dur", m.start(), m.end(), dict(_ALL_UNITS[m.group(1)]), {"all": True})
    return Tok("dur", m.start(), m.end(), {"months": 6}, {})


RULES = [(_DUR_RX, _dur), (_ALL, _all)]
