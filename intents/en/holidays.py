"""Holidays: Christmas, New Year's Eve/Day, Valentine's, Halloween, Thanksgiving, Easter
(computed), Independence Day, Memorial/Labor Day, Mother's/Father's Day, MLK Day,
Presidents' Day, St Patrick's, Black Friday. "next", "last", "of next year", "2012"."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from dateutil.easter import easter

from .lex import YEAR, Ctx, Tok, rel_weeks



def _nth(n: int, wd: int, month: int) -> Callable[[int], dt.date]:
    def f(y: int) -> dt.date:
        if n > 0:
            first = dt.date(y, month, 1)
            return first + dt.timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))
        last = dt.date(y + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
        return last - dt.timedelta(days=(last.weekday() - wd) % 7)
    return f


def _fixed(month: int, day: int) -> Callable[[int], dt.date]:
    return lambda y: dt.date(y, month, day)


def _easter(delta: int) -> Callable[[int], dt.date]:
    return lambda y: easter(y) + dt.timedelta(days=delta)


_thanksgiving = _nth(4, 3, 11)
HOLIDAYS: list[tuple[str, Callable[[int], dt.date]]] = [
    (r"christmas\s+eve", _fixed(12, 24)),
    (r"christmas(?:\s+day)?", _fixed(12, 25)),
    (r"new\s+year'?s?\s+eve", _fixed(12, 31)),
    (r"new\s+year'?s?(?:\s+day)?", _fixed(1, 1)),
    (r"valentine'?s?(?:\s+day)?", _fixed(2, 14)),
    (r"halloween", _fixed(10, 31)),
    (r"black\s+friday", lambda y: _thanksgiving(y) + dt.timedelta(days=1)),
    (r"thanksgiving(?:\s+day)?", _thanksgiving),
    (r"easter\s+mon(?:day)?", _easter(1)),
    (r"good\s+friday", _easter(-2)),
    (r"easter(?:\s+sunday)?", _easter(0)),
    (r"independence\s+day|(?:the\s+)?fourth\s+of\s+july", _fixed(7, 4)),
    (r"memorial\s+day", _nth(-1, 0, 5)),
    (r"labou?r\s+day", _nth(1, 0, 9)),
    (r"mother'?s'?\s+day", _nth(2, 6, 5)),
    (r"father'?s'?\s+day", _nth(3, 6, 6)),
    (r"(?:mlk|martin\s+luther\s+king(?:\s+jr\.?)?)(?:'s)?\s+day", _nth(3, 0, 1)),
    (r"presidents?'?\s+day|washington'?s\s+birthday", _nth(3, 0, 2)),
    (r"(?:st\.?|saint)\s+(?:patrick|paddy)'?s?(?:\s+day)?", _fixed(3, 17)),
]
# After each holiday an empty group: the one that matched tells which holiday it is. It is
# the first holiday whose pattern matches the name whole (an earlier one that did would have
# matched here first), which is what looking the name up pattern by pattern found.
_ALL = "|".join(f"(?:{p})()" for p, _ in HOLIDAYS)
_RX = re.compile(rf"(?<!chinese )(?<!lunar )\b(?:(next|last|previous|this|coming|upcoming)\s+)?({_ALL})"
                 rf"(?:\s*(?:,|of|in)?\s*(?:(?P<rel_year>this|next|last)\s+year|(?P<year>{YEAR})))?\b")
_DATES = [f for _, f in HOLIDAYS]


def holiday_date(fn: Callable[[int], dt.date], c: Ctx, rel: str | None, rel_year: str | None,
                 year: str | None) -> dt.date | None:
    if year:
        return fn(int(year))
    if rel_year:
        return fn(c.today.year + rel_weeks(rel_year))
    if rel == "this":
        return fn(c.today.year)
    if rel in ("last", "previous"):
        d = fn(c.today.year)
        return d if d < c.today else fn(c.today.year - 1)
    d = fn(c.today.year)  # plain and "next": the coming one
    return d if d >= c.today else fn(c.today.year + 1)


# A holiday name before one of these words is what the meeting is about, not its day.
_MODIFIER = re.compile(r"\s+(?:planning|plans?|party|kickoff|kick-off|goals?|review|offsite|strategy|resolutions?|retro"
                       r"|dinner|lunch|celebration|sync|meeting|prep|campaign|sale|promo|launch)\b")


def _holiday(m: re.Match, c: Ctx):
    g = m.groups()
    # group 2 (the name) is not empty and the year groups come after: the first empty
    # group from there is the matched holiday's
    fn = _DATES[g.index("", 2) - 2]
    if _MODIFIER.match(c.s, m.end()):
        return None  # "new year planning", "christmas party next friday": the holiday names the topic
    d = holiday_date(fn, c, g[0], m["rel_year"], m["year"])
    return Tok("day", m.start(), m.end(), d, {"holiday": True}) if d else None


RULES = [(_RX, _holiday)]
