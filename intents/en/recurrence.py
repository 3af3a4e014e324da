"""Recurrence: every Monday, every other Tuesday, weekdays, daily, weekly, every 2 weeks,
monthly, mondays, tuesday afternoons -> an RRULE (FREQ, INTERVAL, BYDAY)."""
from __future__ import annotations

import re

from .gates import ADVERB_WORDS
from .lex import MON, WD, WDS, Ctx, Tok, weekday_of

_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_WORKWEEK = "MO,TU,WE,TH,FR"
_ADVERBS = {"daily": ("DAILY", 1), "nightly": ("DAILY", 1), "weekly": ("WEEKLY", 1),
            "biweekly": ("WEEKLY", 2), "bi-weekly": ("WEEKLY", 2), "monthly": ("MONTHLY", 1),
            "bimonthly": ("MONTHLY", 2), "bi-monthly": ("MONTHLY", 2), "quarterly": ("MONTHLY", 3),
            "yearly": ("YEARLY", 1), "annually": ("YEARLY", 1), "annual": ("YEARLY", 1),
            "semiannually": ("MONTHLY", 6), "semi-annually": ("MONTHLY", 6), "semiannual": ("MONTHLY", 6),
            "semi-annual": ("MONTHLY", 6), "biannually": ("MONTHLY", 6), "hourly": ("HOURLY", 1)}
if {k.rsplit("-", 1)[-1] for k in _ADVERBS} != ADVERB_WORDS:
    raise ValueError("gates.ADVERB_WORDS must hold each adverb's last letter run")
_UNITS = {"day": "DAILY", "night": "DAILY", "morning": "DAILY", "afternoon": "DAILY", "evening": "DAILY",
          "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY", "hour": "HOURLY", "minute": "MINUTELY",
          "weekday": "WEEKLY", "workday": "WEEKLY", "weekend": "WEEKLY"}


def rrule(freq: str, interval: int = 1, byday: str | None = None) -> str:
    out = f"FREQ={freq}"
    if interval > 1:
        out += f";INTERVAL={interval}"
    if byday:
        out += f";BYDAY={byday}"
    return out


def _tok(m: re.Match, freq: str, interval: int = 1, byday: str | None = None, **f) -> Tok:
    return Tok("rec", m.start(), m.end(), rrule(freq, interval, byday), {"byday": byday, **f})


def _days(text: str) -> str:
    codes = []
    for w in re.findall(WDS, text):
        code = _CODES[weekday_of(w)]
        if code not in codes:
            codes.append(code)
    return ",".join(codes)


def _every(m: re.Match, c: Ctx):
    other, n, what = m.group(1), m.group(2), m.group(3)
    interval = 2 if other else int(n) if n else 1
    w = what.rstrip("s") if what not in ("days",) else "day"
    if re.match(WD, what):
        return _tok(m, "WEEKLY", interval, _days(what))
    if w in ("weekday", "workday"):
        return _tok(m, "WEEKLY", interval, _WORKWEEK)
    if w == "weekend":
        return _tok(m, "WEEKLY", interval, "SA,SU")
    if w in ("fortnight",):
        return _tok(m, "WEEKLY", 2 * interval)
    return _tok(m, _UNITS.get(w, "DAILY"), interval)


def _adverb(m: re.Match, c: Ctx):
    freq, n = _ADVERBS[m.group(1)]
    return _tok(m, freq, n)


def _plural_days(m: re.Match, c: Ctx):
    return _tok(m, "WEEKLY", 1, _days(m.group(0)))


def _plural_part(m: re.Match, c: Ctx):
    return _tok(m, "DAILY", 1)


def _weekdays(m: re.Match, c: Ctx):
    return _tok(m, "WEEKLY", 1, "SA,SU" if "end" in m.group(0) else _WORKWEEK)


def _yearly_date(m: re.Match, c: Ctx):
    return _tok(m, "YEARLY", 1)


_WDS = rf"{WD}(?:\s*(?:,|and|&|or|/)\s*{WD})*"
RULES = [
    (re.compile(rf"\b(?:every|each|once\s+(?:a|every|per)|per|twice\s+a|(?:on\s+)?(?:all|any)(?=\s+weekends?\b))\s+(?:(other|alternate)\s+|(\d+)(?:nd|rd|th)?\s+)?"
                rf"({_WDS}|days?|nights?|weeks?|months?|years?|hours?|minutes?|weekdays?|workdays?|weekends?|fortnights?"
                rf"|mornings?|afternoons?|evenings?)\b"), _every),
    (re.compile(r"\b(" + "|".join(sorted(_ADVERBS, key=len, reverse=True)) + r")\b"), _adverb),
    (re.compile(rf"\b(?:on\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)days\b(?:\s*(?:,|and|&)\s*{WDS})*"
                rf"(?:\s+(?:mornings?|afternoons?|evenings?|nights?))?"), _plural_days),
    (re.compile(rf"\b({WD})\s+(?:mornings|afternoons|evenings|nights)\b"), _plural_days),
    (re.compile(r"\b(?:week\s*day|work\s*day)\s+(?:mornings|afternoons|evenings)\b"), _weekdays),
    (re.compile(r"(?<!the )\b(?:mornings|afternoons|evenings|nights)\b"), _plural_part),
    (re.compile(r"(?<!every )(?<!each )\b(?:on\s+)?(?:weekdays|weekends|workdays)\b"), _weekdays),
    (re.compile(rf"\b(?:every|each)\s+(?:\d{{1,2}}/\d{{1,2}}|{MON}\s*\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MON})"), _yearly_date),
]
