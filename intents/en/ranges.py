"""Range words and spans of days: 3-4pm, from 10 to noon, between X and Y, until/before/
after/since/by X, "July 13-15", "13 to 15 July", "between 4 and 22 this month"."""
from __future__ import annotations

import datetime as dt
import re

from .lex import DOM, MON, ORD, YEAR, Ctx, Tok, month_of, rel_weeks, safe_date
from .periods import month_start

_CONNS = [
    (r"on\s+or\s+(?:before|earlier\s+than)|as\s+late\s+as|no\s+later\s+than|up\s+(?:un)?till?|up\s+to|upto", "until"),
    (r"(?:some\s*time?s?\s+|anytime\s+)?before|earlier\s+than|prior\s+to", "before"),
    (r"(?:anytime\s+)?after|later\s+than(?:\s+or\s+at)?|since|on\s+or\s+after|at\s+or\s+after|no\s+earlier\s+than", "after"),
    (r"from|starting(?:\s+(?:from|on|at))?|beginning(?:\s+(?:from|on|at))?|as\s+of|effective", "from"),
    (r"to|thru|through|till|til|'til|until|and\s+end(?:ing)?\s+at", "to"),
    (r"between", "between"),
    (r"and", "and"),
    (r"by", "by"),
    (r"or\s+later|or\s+after|onwards|onward", "orlater"),
]
# The words and the dashes are two patterns: one alternation of both is tried at every
# space and word start (several times slower). Their matches cannot overlap (a word match
# holds no dash and no space before its last letter is left open), so the two scans find
# what the one did.
_CONN_RX = re.compile(r"\b(?:" + "|".join(f"(?P<c{i}>{p})" for i, (p, _) in enumerate(_CONNS)) + r")\b")
_DASH_RX = re.compile(r"(?<=[\w.)])\s*-\s*(?=[\w(])|\s+-\s+|~")
_OPEN_END = {"until", "till", "til", "'til", "through", "thru"}


_KIND = {f"c{i}": kind for i, (_, kind) in enumerate(_CONNS)}


def _dash(m: re.Match, c: Ctx):
    return Tok("conn", m.start(), m.end(), "to", {"word": "-"})


def _conn(m: re.Match, c: Ctx):
    name = m.lastgroup  # the named groups are the alternatives, none nested
    if name is None:
        return None
    kind = _KIND.get(name)
    if kind is None or not m[name]:
        return None
    a, b = m.span()
    # the match has no space at either end: split/join is the \s+ -> " " of _WS, without a regex
    return Tok("conn", a, b, kind, {"word": " ".join(m[0].split())})


def day_range(a: int, b: int, c: Ctx, month: int, d1: int, d2: int, year: str | None,
              month2: int | None = None) -> Tok | None:
    """A span of days in one (or two) months; without a year the span is the next one not yet over."""
    m2 = month2 or month
    if year:
        y = int(year)
        s, e = safe_date(y, month, d1), safe_date(y, m2, d2)
    else:
        y = c.today.year
        s, e = safe_date(y, month, d1), safe_date(y + (m2 < month), m2, d2)
        if e and e < c.today:
            s, e = safe_date(y + 1, month, d1), safe_date(y + 1 + (m2 < month), m2, d2)
    if not s or not e or e < s:
        return None
    return Tok("span", a, b, (s, e + dt.timedelta(days=1)), {"grain": "day", "explicit": True})


def _mon_dd(m: re.Match, c: Ctx):
    return day_range(m.start(), m.end(), c, month_of(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4))


def _dd_mon(m: re.Match, c: Ctx):
    return day_range(m.start(), m.end(), c, month_of(m.group(3)), int(m.group(1)), int(m.group(2)), m.group(4))


def _between_this_month(m: re.Match, c: Ctx):
    s = month_start(c.today.year, c.today.month, rel_weeks(m.group(3)))
    return day_range(m.start(), m.end(), c, s.month, int(m.group(1)), int(m.group(2)), str(s.year))


_TO = r"\s*(?:-|to|thru|through|till|until|and)\s*"
RULES = [
    (_CONN_RX, _conn),
    (_DASH_RX, _dash),
    (re.compile(rf"\b(?:from\s+|between\s+)?({MON})\s*(?:the\s+)?({DOM})(?:{ORD})?{_TO}(?:the\s+)?({DOM})(?:{ORD})?\b"
                rf"(?!\s*(?::|\.\d|am\b|pm\b|[ap]\b|h\b|{MON}|o'clock))(?:,?\s*({YEAR}))?"), _mon_dd),
    (re.compile(rf"\b(?:from\s+|between\s+)?(?:the\s+)?({DOM})(?:{ORD})?{_TO}(?:the\s+)?({DOM})(?:{ORD})?\s*(?:of\s+)?({MON})"
                rf"(?:,?\s*({YEAR}))?"), _dd_mon),
    (re.compile(rf"\bbetween\s+(?:the\s+)?({DOM})(?:{ORD})?\s+and\s+(?:the\s+)?({DOM})(?:{ORD})?\s+(?:of\s+)?(this|next|last)\s+month"),
     _between_this_month),
]
