"""Days relative to now: now, today/tonight/tomorrow/yesterday, this/next/last <weekday>,
"wednesday of next week", "friday after next", "in 3 days", "2 weeks ago", "3 fridays from now"."""
from __future__ import annotations

import datetime as dt
import re

from dateutil.relativedelta import relativedelta

from ..timeutil import next_weekday, weekday_in_week
from .durations import DUR, finest, parse, seconds
from .lex import WD, WDS, Ctx, Tok, rel_weeks, weekday_of

_SPACES = re.compile(r"\s+")

_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1, "day after tomorrow": 2,
         "day before yesterday": -2, "overmorrow": 2}


# Compiled once: re.match(str, ...) looks its pattern up in re's cache on every call.
_WHICH_WEEK = re.compile(r"(this|next|last|previous|following|coming|current)\s+week")


def shift(base: dt.datetime, d: dict[str, float], sign: int = 1) -> dt.datetime:
    """base moved by a duration; whole calendar units step by the calendar."""
    if "years" not in d and "months" not in d:  # the usual case: no calendar step, only seconds
        return base + sign * dt.timedelta(seconds=seconds(d))
    whole = {k: int(v) for k, v in d.items() if k in ("years", "months") and v == int(v)}
    rest = {k: v for k, v in d.items() if k not in whole}
    out = base + sign * relativedelta(years=whole.get("years", 0), months=whole.get("months", 0)) if whole else base
    secs = sum({"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800,
                "months": 30 * 86400, "years": 365 * 86400}[k] * v for k, v in rest.items())
    return out + sign * dt.timedelta(seconds=secs)


def offset_tok(a: int, b: int, c: Ctx, d: dict[str, float], sign: int, base: dt.datetime | None = None) -> Tok:
    """An offset from now: below a week it keeps the clock ("in 3 days" is 72 hours away);
    weeks and longer name a day."""
    t = shift(base or c.now, d, sign)
    if finest(d) in ("weeks", "months", "years"):
        return Tok("day", a, b, t.date(), {"offset": True})
    return Tok("inst", a, b, t, {"offset": True})


def _now(m: re.Match, c: Ctx):
    return Tok("inst", m.start(), m.end(), c.now, {"now": True})


_DAY_DELTAS = {k: dt.timedelta(days=v) for k, v in _DAYS.items()}


def _simple(m: re.Match, c: Ctx):
    key = m.group(1)
    if key not in _DAY_DELTAS:  # only a key written with other spaces needs the regex
        key = _SPACES.sub(" ", key)
    a, b = m.span()
    return Tok("day", a, b, c.today + _DAY_DELTAS[key], {"rel": key})


def weekday_date(rel: str | None, wd: int, today: dt.date) -> dt.date:
    if not rel:
        return next_weekday(today, wd)
    r = _SPACES.sub(" ", rel)
    if r in ("this past", "past"):
        return today - dt.timedelta(days=(today.weekday() - wd - 1) % 7 + 1)
    if r in ("coming", "upcoming", "this coming", "this upcoming"):
        return next_weekday(today, wd, include_today=False)
    if r == "this":
        return weekday_in_week(today, wd, 0)
    if r:
        return weekday_in_week(today, wd, rel_weeks(r))
    return next_weekday(today, wd)


def _weekday(m: re.Match, c: Ctx):
    rel, word, after = m.groups()
    wd = weekday_of(word)
    if after:
        words = _SPACES.sub(" ", after)
        if words == "after next":
            d = next_weekday(c.today, wd, include_today=False) + dt.timedelta(days=7)
        else:
            w = _WHICH_WEEK.search(words)
            d = weekday_in_week(c.today, wd, rel_weeks(w.group(1)) if w else -1)
        return Tok("day", m.start(), m.end(), d, {"wd": wd, "week_fixed": True})
    a, b = m.span()
    return Tok("day", a, b, weekday_date(rel, wd, c.today), {"wd": wd, "week_fixed": bool(rel)})


def _week_weekday(m: re.Match, c: Ctx):
    wd = weekday_of(m.group(2))
    return Tok("day", m.start(), m.end(), weekday_in_week(c.today, wd, rel_weeks(m.group(1))),
               {"wd": wd, "week_fixed": True})


def _in(m: re.Match, c: Ctx):
    return offset_tok(m.start(), m.end(), c, parse(m.group(1)), 1)


def _ago(m: re.Match, c: Ctx):
    d = parse(m.group(1))
    kind = _SPACES.sub(" ", m.group(2))
    return offset_tok(m.start(), m.end(), c, d, -1 if kind == "ago" else 1)


def _n_weekdays(m: re.Match, c: Ctx):
    n, wd, kind = int(m.group(1) or 1), weekday_of(m.group(2)), m.group(3)
    if kind == "ago":
        last = c.today - dt.timedelta(days=(c.today.weekday() - wd - 1) % 7 + 1)
        d = last - dt.timedelta(days=7 * (n - 1))
    else:
        d = next_weekday(c.today, wd, include_today=False) + dt.timedelta(days=7 * (n - 1))
    return Tok("day", m.start(), m.end(), d, {})


RULES = [
    (re.compile(r"\b(?:right\s+now|just\s+now|now|at\s+the\s+minute|at\s+the\s+present\s+time|"
                r"at\s+this\s+time|at\s+the\s+moment|asap|immediately)\b"), _now),
    (re.compile(r"\b(?:the\s+)?(day\s+after\s+tomorrow|day\s+before\s+yesterday|overmorrow|today|tomorrow|yesterday)\b"), _simple),
    (re.compile(rf"\b(?:(this\s+past|this\s+coming|this\s+upcoming|this|next|last|coming|upcoming|following|previous|past)\s+)?"
                rf"({WD})(?:\s*,?\s*(after\s+next|(?:of\s+)?(?:the\s+)?(?:this|next|last|previous|following|coming|current)\s+week"
                rf"|from\s+last\s+week))?"), _weekday),
    (re.compile(rf"\b(this|next|last|previous|past|following|coming|current)\s+week(?:'s)?\s*,?\s*(?:on\s+)?({WD})"), _week_weekday),
    (re.compile(rf"\b(?:in|after)\s+(?:about\s+|around\s+|approximately\s+|roughly\s+|another\s+|just\s+)?({DUR})"
                rf"(?!\s*(?:from|after|before|ago|later|hence)\b)(?!\w)"), _in),
    (re.compile(rf"(?<![\w.])({DUR})\s+(ago|from\s+(?:right\s+)?now|hence|later|after\s+now)\b"), _ago),
    (re.compile(rf"\b(\d+|an?)\s+({WDS})\s+(from\s+now|ago|later(?!\s+than)|hence)\b"), _n_weekdays),
]
