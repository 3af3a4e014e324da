"""Spans of days and windows: this/next/last week|month|weekend, next 3 days, last 2 weeks,
within 2 hours, rest of the day, end of month (EOM), early/mid/late March, first Monday of
October, the last week of September, week 31, the last weekend of July."""
from __future__ import annotations

import datetime as dt
import re


from ..narrow import present
from ..timeutil import at, monday_of, nth_weekday_of_month
from .durations import DUR, finest, parse
from .lex import MON, REL, WD, YEAR, Ctx, Tok, month_of, rel_weeks, safe_date, weekday_of
from .relative import shift


# Compiled once: re.match(str, ...) looks its pattern up in re's cache on every call.
_DIGITS = re.compile(r"\d+")


def _span(a, b, start, end, grain, **f):
    return Tok("span", a, b, (start, end), {"grain": grain, **f})


def month_start(y: int, m: int, add: int = 0) -> dt.date:
    y, m = y + (m - 1 + add) // 12, (m - 1 + add) % 12 + 1
    return dt.date(y, m, 1)


def weekend(monday: dt.date) -> tuple[dt.date, dt.date]:
    return monday + dt.timedelta(days=5), monday + dt.timedelta(days=7)


def _rel_period(m: re.Match, c: Ctx):
    rel, unit = m.group(1), m.group(2)
    k = rel_weeks(rel) if rel else 0
    if m.group(3):  # "week after next", "the month after the next"
        k = 2
    if unit == "week":
        s = monday_of(c.today) + dt.timedelta(days=7 * k)
        return _span(m.start(), m.end(), s, s + dt.timedelta(days=7), "week")
    if unit == "weekend":
        return _span(m.start(), m.end(), *weekend(monday_of(c.today) + dt.timedelta(days=7 * k)), "weekend", fuzzy=True)
    s = month_start(c.today.year, c.today.month, k)
    return _span(m.start(), m.end(), s, month_start(s.year, s.month, 1), "month")


def _the_weekend(m: re.Match, c: Ctx):
    return _span(m.start(), m.end(), *weekend(monday_of(c.today)), "weekend", fuzzy=True)


def _next_n(m: re.Match, c: Ctx):
    """"next 3 days" = the 3 days after today; "last 2 weeks" = the 2 whole weeks before this one."""
    rel, d = m.group(1), parse(m.group(2))
    unit, n = finest(d), max(d.values())
    back = rel not in ("next", "coming", "upcoming", "following")
    if unit in ("seconds", "minutes", "hours"):
        t = shift(c.now, d, -1 if back else 1)
        lo, hi = (t, c.now) if back else (c.now, t)
        return Tok("win", m.start(), m.end(), (lo, hi), {})
    n = int(n)
    if unit == "days":
        base = c.today
        s, e = (base - dt.timedelta(days=n), base) if back else (base + dt.timedelta(days=1), base + dt.timedelta(days=n + 1))
    elif unit == "weeks":
        base = monday_of(c.today)
        s, e = (base - dt.timedelta(weeks=n), base) if back else (base + dt.timedelta(weeks=1), base + dt.timedelta(weeks=n + 1))
    elif unit == "months":
        s, e = (month_start(c.today.year, c.today.month, -n), month_start(c.today.year, c.today.month)) if back else \
            (month_start(c.today.year, c.today.month, 1), month_start(c.today.year, c.today.month, n + 1))
    else:
        y = c.today.year
        s, e = (dt.date(y - n, 1, 1), dt.date(y, 1, 1)) if back else (dt.date(y + 1, 1, 1), dt.date(y + n + 1, 1, 1))
    return _span(m.start(), m.end(), s, e, unit)


def _past_minutes(m: re.Match, c: Ctx):
    d = {"minutes" if m.group(2).startswith("min") else "hours": float(m.group(1))}
    return Tok("win", m.start(), m.end(), (shift(c.now, d, -1), c.now), {})


def _within(m: re.Match, c: Ctx):
    d = parse(m.group(1))
    return Tok("win", m.start(), m.end(), (c.now, shift(c.now, d, 1)), {})


def _rest_of(m: re.Match, c: Ctx):
    unit = m.group(1)
    if unit == "day":
        end = c.today + dt.timedelta(days=1)
    elif unit == "week":
        end = monday_of(c.today) + dt.timedelta(days=7)
    elif unit == "month":
        end = month_start(c.today.year, c.today.month, 1)
    else:
        end = dt.date(c.today.year + 1, 1, 1)
    return Tok("win", m.start(), m.end(), (c.now, at(end, 0, 0, c.tz)), {"fuzzy": True})


def _edge_span(edge: str, unit: str, c: Ctx, rel: str | None, word: str | None) -> tuple[dt.date, dt.date]:
    """Beginning or end of a day/week/month/year, as a fuzzy span (the peers' bounds)."""
    k = rel_weeks(rel) if rel else 0
    if rel and "around" in rel:
        k = 1
    if unit == "week":
        s = monday_of(c.today) + dt.timedelta(days=7 * k)
        return (s, s + dt.timedelta(days=3)) if edge == "b" else (s + dt.timedelta(days=4), s + dt.timedelta(days=7))
    if unit == "month":
        if word:
            mo = month_of(word)
            s = dt.date(c.today.year + (mo < c.today.month), mo, 1)
        else:
            s = month_start(c.today.year, c.today.month, k)
        e = month_start(s.year, s.month, 1)
        return (s, s + dt.timedelta(days=10)) if edge == "b" else (s + dt.timedelta(days=20), e)
    if unit == "year":
        y = int(word) if word else c.today.year + k
        return (dt.date(y, 1, 1), dt.date(y, 4, 1)) if edge == "b" else (dt.date(y, 9, 1), dt.date(y + 1, 1, 1))
    d = c.today + dt.timedelta(days=k)
    return (d, d + dt.timedelta(days=1))


def _edge(m: re.Match, c: Ctx):
    by, edge, rel, unit = m.group(1), m.group(2), m.group(3), m.group(4)
    e = "b" if edge in ("beginning", "start") else "e"
    if re.fullmatch(YEAR, unit):
        span = _edge_span(e, "year", c, None, unit)
    elif unit in ("day", "week", "month", "year"):
        span = _edge_span(e, unit, c, rel, None)
    else:
        span = _edge_span(e, "month", c, None, unit)
    return _edge_tok(m, c, span, bool(by), unit == "day")


def _edge_tok(m: re.Match[str], c: Ctx, span: tuple[dt.date, dt.date], by: bool, day: bool) -> Tok:
    if day:  # the end of the working day (eod): 18:00, where the contract's afternoon ends;
        # "by eod (friday)" leaves its "by" to the connector rule, as "by friday" does
        a = m.start() if not by else m.start() + len(m.group(1))
        return Tok("part", a, m.end(), "eod", {"day": (span[0] - c.today).days} if span[0] != c.today else {})
    if by:  # "by the end of the month": from now until then
        return Tok("win", m.start(), m.end(), (c.now, at(span[1], 0, 0, c.tz)), {"by": True})
    return _span(m.start(), m.end(), span[0], span[1], "fuzzy", fuzzy=True)


_ABBR = {"eom": ("e", "month"), "bom": ("b", "month"), "eoy": ("e", "year"), "boy": ("b", "year"),
         "eow": ("e", "week"), "bow": ("b", "week"), "eod": ("e", "day")}


def _abbr(m: re.Match, c: Ctx):
    e, unit = _ABBR[m.group(2)]
    return _edge_tok(m, c, _edge_span(e, unit, c, None, None), bool(m.group(1)), unit == "day")


def _early_mid_late(m: re.Match, c: Ctx):
    part, word, year = m.group(1), m.group(2), m.group(3)
    mo = month_of(word)
    y = int(year) if year else c.today.year + (mo < c.today.month)
    s = dt.date(y, mo, 1)
    e = month_start(y, mo, 1)
    lo = {"early": 0, "mid": 10, "late": 20}[part]
    hi = {"early": s + dt.timedelta(days=10), "mid": s + dt.timedelta(days=20), "late": e}[part]
    return _span(m.start(), m.end(), s + dt.timedelta(days=lo), hi, "fuzzy", fuzzy=True)


def _month_ref(c: Ctx, rel: str | None, word: str | None, year: str | None) -> tuple[int, int]:
    if word:
        mo = month_of(word)
        if year:
            return int(year), mo
        return c.today.year + (mo < c.today.month), mo
    s = month_start(c.today.year, c.today.month, rel_weeks(rel) if rel else 0)
    return s.year, s.month


def _nth(word: str) -> int:
    return -1 if word == "last" else int(present(_DIGITS.match(word), "ordinal digits").group(0))


def _nth_weekday(m: re.Match, c: Ctx):
    n, wd = _nth(m.group(1)), weekday_of(m.group(2))
    y, mo = _month_ref(c, m.group(4), m.group(6), m.group(7))
    d = nth_weekday_of_month(y, mo, n, wd)
    if m.group(5) and d is not None and d < c.today:  # "of every month": the next one
        nxt = month_start(y, mo, 1)
        d = nth_weekday_of_month(nxt.year, nxt.month, n, wd)
    if d is None:
        return None
    f = {"part": m.group(3)} if m.group(3) else {}
    if m.group(4) is None and m.group(6) is None:  # "of the month", "of every month": each month's
        f["rec"] = f"FREQ=MONTHLY;BYDAY={n}{_RRULE_DAYS[wd]}"
    return Tok("day", m.start(), m.end(), d, f)


def _nth_day(m: re.Match, c: Ctx):
    y, mo = _month_ref(c, None, m.group(2), m.group(3))
    d: dt.date | None
    if m.group(1) == "last":
        d = month_start(y, mo, 1) - dt.timedelta(days=1)
    else:
        d = safe_date(y, mo, _nth(m.group(1)))
    return Tok("day", m.start(), m.end(), d, {}) if d else None


def _weeks_of(first: dt.date, last: dt.date) -> tuple[dt.date, int]:
    """The first Monday and the number of the weeks that belong to [first, last]: a week
    belongs where its Thursday is (ISO). Counted, not listed: a year has 52 of them."""
    mon = monday_of(first)
    if (first - mon).days > 3:  # this week's Thursday is before `first`
        mon += dt.timedelta(days=7)
    return mon, max(0, ((last - mon).days - 3) // 7 + 1)


def _nth_week(m: re.Match, c: Ctx):
    n = _nth(m.group(1))
    if m.group(4):
        y = int(m.group(4))
        first, last = dt.date(y, 1, 1), dt.date(y, 12, 31)
    elif m.group(5):
        if m.group(6) == "year":
            y = c.today.year + rel_weeks(m.group(5))
            first, last = dt.date(y, 1, 1), dt.date(y, 12, 31)
        else:
            s = month_start(c.today.year, c.today.month, rel_weeks(m.group(5)))
            first, last = s, month_start(s.year, s.month, 1) - dt.timedelta(days=1)
    else:
        y, mo = _month_ref(c, None, m.group(2), m.group(3))
        first, last = dt.date(y, mo, 1), month_start(y, mo, 1) - dt.timedelta(days=1)
    mon, count = _weeks_of(first, last)
    if not count or n > count:
        return None
    s = mon + dt.timedelta(days=7 * (n - 1 if n > 0 else count - 1))
    return _span(m.start(), m.end(), s, s + dt.timedelta(days=7), "week")


def _week_no(m: re.Match, c: Ctx):
    y = int(m.group(2)) if m.group(2) else c.today.year
    try:
        s = dt.date.fromisocalendar(y, int(m.group(1)), 1)
    except ValueError:
        return None
    return _span(m.start(), m.end(), s, s + dt.timedelta(days=7), "week")


def _nth_weekend(m: re.Match, c: Ctx):
    n = _nth(m.group(1))
    y, mo = _month_ref(c, None, m.group(2), m.group(3))
    sats = [d for d in (dt.date(y, mo, 1) + dt.timedelta(days=i) for i in range(31))
            if d.month == mo and d.weekday() == 5]
    if not sats or n > len(sats):
        return None
    sat = sats[n - 1] if n > 0 else sats[-1]
    return _span(m.start(), m.end(), sat, sat + dt.timedelta(days=2), "weekend", fuzzy=True)


_N = r"(\d(?:st|nd|rd|th)|last)"
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_OF_MONTH = rf"(?:of|in)\s+(?:the\s+)?(?:({REL})\s+month|((?:every|each)\s+)?month|({MON})(?:\s*,?\s*({YEAR}))?)"
RULES = [
    (re.compile(r"\b(?:the\s+)?(this|next|last|previous|past|coming|upcoming|following|current|this\s+past|the\s+following)\s+"
                r"(week|month|weekend)\b(\s+after\s+(?:the\s+)?next)?"), _rel_period),
    (re.compile(r"\b(?:the\s+)?()(week|month)\b(\s+after\s+(?:the\s+)?next)"), _rel_period),
    (re.compile(r"\b(?:the|my|this)\s+weekend\b"), _the_weekend),
    (re.compile(rf"\b(?:the\s+)?(next|last|past|coming|upcoming|previous|following)\s+({DUR})"), _next_n),
    (re.compile(r"\b(\d+)\s+past\s+(minutes?|hours?)\b"), _past_minutes),
    (re.compile(rf"\bwithin\s+(?:the\s+)?(?:next\s+|upcoming\s+|coming\s+)?({DUR})(?:\s+(?:after|from)\s+(?:today|now))?"), _within),
    (re.compile(r"\b(?:the\s+)?rest\s+of\s+(?:the\s+|my\s+|this\s+|current\s+)?(day|week|month|year)\b"), _rest_of),
    (re.compile(rf"\b(by\s+)?(?:at\s+)?(?:the\s+)?(end|beginning|start)\s+of\s+(?:the\s+)?"
                rf"(?:(this|next|last|current|coming|past|previous|following|around\s+next)\s+)?(day|week|month|year|{MON}|{YEAR})\b"), _edge),
    (re.compile(r"\b(by\s+)?(?:at\s+)?(?:the\s+)?(eom|bom|eoy|boy|eow|bow|eod)\b"), _abbr),
    (re.compile(rf"\b(early|mid|late)[\s-]+({MON})(?:\s+({YEAR}))?"), _early_mid_late),
    (re.compile(rf"\b(?:the\s+)?{_N}\s+({WD})(?:\s+(morning|afternoon|evening|night))?\s+{_OF_MONTH}"), _nth_weekday),
    (re.compile(rf"\b(?:the\s+)?(last|\d{{1,2}}(?:st|nd|rd|th))\s+day\s+(?:of|in)\s+({MON})(?:\s*,?\s*({YEAR}))?"), _nth_day),
    (re.compile(rf"\b(?:the\s+)?{_N}\s+week\s+(?:of|in)\s+(?:(?:the\s+)?(?:month\s+of\s+)?({MON})(?:\s*,?\s*({YEAR}))?|({YEAR})"
                rf"|(?:the\s+)?(this|next|last)\s+(year|month))"), _nth_week),
    (re.compile(rf"\bweek\s+(\d{{1,2}})\b(?:\s+of\s+({YEAR}))?"), _week_no),
    (re.compile(rf"\b(?:the\s+)?{_N}\s+weekend\s+(?:of|in)\s+({MON})(?:\s*,?\s*({YEAR}))?"), _nth_weekend),
]
