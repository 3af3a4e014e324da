"""Calendar dates: "July 13", "13th of July", "7/13", "2026-12-03", "Dec 3rd 2026",
"the 15th", "Thu 15th", "Fri, Jul 18", months ("March", "October 2014") and years."""
from __future__ import annotations

import datetime as dt
import re

from ..narrow import present
from .lex import (DOM, MON, MON_FAST, ORD, REL, WD, YEAR, Ctx, Tok, may_follow_prefix, month_of, rel_start,
                  rel_weeks, safe_date, space_start, weekday_of, word_before, word_space_start, word_start, year_of)


# Compiled once: re.match(str, ...) looks its pattern up in re's cache on every call.
_WORD_AFTER = re.compile(r"\s*[a-z]")
_TO_AFTER = re.compile(r"\s*(?:to|through|thru|till|until)\b")
_RANGE_AFTER = re.compile(r"\s*(?:-|to\b|till\b|through\b|and\b|or\s+later)")


def future_md(month: int, day: int, today: dt.date) -> dt.date | None:
    """That month/day this year if not yet past, else next year (Feb 29 looks ahead)."""
    for y in range(today.year, today.year + 8):
        d = safe_date(y, month, day)
        if d and d >= today:
            return d
    return None


def with_weekday(month: int, day: int, wd: int, today: dt.date) -> dt.date | None:
    """A month/day that should fall on weekday `wd`: the first future one that does, within
    a year of the plain future date; else the plain future date (the weekday was a slip)."""
    base = future_md(month, day, today)
    if base is None:
        return None
    for y in (base.year, base.year + 1):
        d = safe_date(y, month, day)
        if d and d >= today and d.weekday() == wd:
            return d
    return base


def dom_date(day: int, today: dt.date, wd: int | None = None) -> dt.date | None:
    """"The 15th": this month's if not past, else the next month that has it. With a
    weekday ("Thu 15th") the first month from this one where the 15th is that weekday."""
    y, m = today.year, today.month
    for i in range(0, 40):
        d = safe_date(y + (m - 1 + i) // 12, (m - 1 + i) % 12 + 1, day)
        if d is None:
            continue
        if wd is None and d >= today:
            return d
        if wd is not None and d.weekday() == wd:
            return d
    return None


def _day(a, b, d, **f):
    return Tok("day", a, b, d, f) if d else None


def _month_span(a: int, b: int, y: int, m: int, f: dict) -> Tok:
    """A month's span; f: its flags, "grain": "month" first (built by the caller: no ** merge)."""
    return Tok("span", a, b, (dt.date(y, m, 1), dt.date(y + (m == 12), m % 12 + 1, 1)), f)


def _resolve(c: Ctx, month: int, day: int, year: str | None, wd: str | None, this: bool = False):
    if year:
        return safe_date(year_of(year, c.today), month, day), {"year": True}
    if this:
        return safe_date(c.today.year, month, day), {"md": (month, day)}
    if wd:
        return with_weekday(month, day, weekday_of(wd), c.today), {"md": (month, day)}
    return future_md(month, day, c.today), {"md": (month, day)}


def _iso(m: re.Match, c: Ctx):
    return _day(m.start(), m.end(), safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))), year=True)


def _compact(m: re.Match, c: Ctx):
    return _day(m.start(), m.end(), safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))), year=True)


def _numeric(m: re.Match, c: Ctx):
    """7/13, 13/7, 7/13/26, 3-7-2017, 23.04.2022: US month first unless it cannot be."""
    p, sep, q, y, wd = m.groups()
    p, q = int(p), int(q)
    if sep in ("-", ".") and not y or (p, q, sep, y) == (24, 7, "/", None):
        return None  # "3-4" is a range; "24/7" means always
    month, day = (p, q) if p <= 12 and not (sep == "." and q <= 12) else (q, p)
    if sep == "." and p <= 12 and q <= 12:
        month, day = q, p  # dotted dates are European
    if month > 12 or day > 31 or month == 0 or day == 0:
        return None
    a, this = _numeric_prefix(c.s, m.pos, m.start())
    d, f = _resolve(c, month, day, y, wd, this)
    return _day(a, m.end(), d, **f)


def _mon_day(m: re.Match, c: Ctx):
    mon, day, year, wd2 = m.group("mon", "d", "y", "wd2")
    a, this, wd1 = _mon_day_prefix(c.s, m.pos, m.start())
    d, f = _resolve(c, month_of(mon), int(day), year, wd1 or wd2, this)
    return _day(a, m.end(), d, **f)


_MON_BEFORE = re.compile(rf"{MON}\s*$")


def _day_mon(m: re.Match, c: Ctx):
    mon, day, year = m.group("mon", "d", "y")
    if year and len(year.strip("'")) == 2 and _MON_BEFORE.search(c.s, max(0, m.start() - 12), m.start()):
        return None  # "dec 24-dec 31": two dates, not 24 Dec '31
    a, wd1, _ = _dom_prefix(c.s, m.pos, m.start(), on=False)
    d, f = _resolve(c, month_of(mon), int(day), year, wd1)
    return _day(a, m.end(), d, **f)


def _ymd_name(m: re.Match, c: Ctx):
    return _day(m.start(), m.end(), safe_date(int(m.group(1)), month_of(m.group(2)), int(m.group(3))), year=True)


def _dmy_name(m: re.Match, c: Ctx):
    return _day(m.start(), m.end(), safe_date(int(m.group(3)), month_of(m.group(2)), int(m.group(1))), year=True)


# r"(?:\b(?:in|of|...|between)\s+|-\s*)$" on the text before an ambiguous month word
_MONTH_CONTEXT_WORDS = ("in", "of", "from", "to", "since", "until", "till", "through", "thru", "before", "after",
                        "by", "early", "mid", "late", "end", "beginning", "start", "during", "month", "and", "between")


def _month_context(w: str) -> bool:
    return word_before(w, _MONTH_CONTEXT_WORDS) or w.rstrip().endswith("-")


# Where the token of _month, _dom, if any, starts (it ends where the match does).
def month_start(m: re.Match, c: Ctx) -> int:
    return _month_prefix(c.s, m.pos, m.start())[0]


def dom_start(m: re.Match, c: Ctx) -> int:
    return _dom_prefix(c.s, m.pos, m.start())[0]


def _month(m: re.Match, c: Ctx):
    word, year, after_next = m.groups()
    a, rel = _month_prefix(c.s, m.pos, m.start())
    month = month_of(word)
    w = word.strip(".")
    if w in ("may", "march", "mar", "jan", "sat", "dec") and not (rel or year or after_next) and \
            not _month_context(c.before(a)) and _WORD_AFTER.match(c.s, m.end()) and \
            not _TO_AFTER.match(c.s, m.end()):
        return None  # "may I", "march on" are not months
    if year:
        y = year_of(year, c.today)
    else:
        y = c.today.year
        shift = rel_weeks(rel)
        if rel and rel.strip() == "this":
            pass
        elif shift == 1:
            y = y + 1 if month <= c.today.month else y
        elif shift == -1:
            y = y - 1 if month >= c.today.month else y
        elif month < c.today.month:
            y += 1
        if after_next:
            y += 1
    return _month_span(a, m.end(), y, month, {"grain": "month", "year": bool(year), "mrel": bool(rel), "mo": month})


def _year_month(m: re.Match, c: Ctx):
    y, mo = int(m.group(1)), m.group(2)
    mo = month_of(mo) if not mo.isdigit() else int(mo)
    if not 1 <= mo <= 12:
        return None
    return _month_span(m.start(), m.end(), y, mo, {"grain": "month", "year": True})


def _month_year_num(m: re.Match, c: Ctx):
    mo, y = int(m.group(1)), int(m.group(2))
    if not 1 <= mo <= 12:
        return None
    return _month_span(m.start(), m.end(), y, mo, {"grain": "month", "year": True})


# r"(?:\b(?:in|of|...|during)\s+|-\s*|^\s*)$" on the text before a bare year
_YEAR_CONTEXT_WORDS = ("in", "of", "since", "before", "after", "from", "to", "till", "until", "through", "thru",
                       "between", "and", "year", "cy", "by", "during")


def _year_context(w: str) -> bool:
    r = w.rstrip()
    return not r or r.endswith("-") or word_before(w, _YEAR_CONTEXT_WORDS)


def _year(m: re.Match, c: Ctx):
    if not m.group(1) and not _year_context(c.before(m.start())) and \
            not _RANGE_AFTER.match(c.s, m.end()):
        return None
    y = int(m.group(2))
    return Tok("span", m.start(), m.end(), (dt.date(y, 1, 1), dt.date(y + 1, 1, 1)), {"grain": "year", "year": True})


def _rel_year(m: re.Match, c: Ctx):
    y = c.today.year + rel_weeks(m.group(1))
    return Tok("span", m.start(), m.end(), (dt.date(y, 1, 1), dt.date(y + 1, 1, 1)), {"grain": "year"})


# A day of month opening with its digit: \b then DOM, the digit first (see lex's helpers).
DOM_FAST = r"[0-9](?<!\w.)(?:(?<=[12])\d|(?<=3)[01]|(?<=0)[1-9]|(?<=[1-9]))"
_WD_FORMS = ("monday", "mon", "tuesday", "tues", "tue", "wednesday", "weds", "wed", "thursday", "thurs", "thur",
             "thu", "friday", "fri", "saturday", "sat", "sunday", "sun")


def wd_prefix(s: str, lo: int, e: int, seps: str = ",", need_sep: bool = True) -> tuple[int, str | None]:
    r"""r"\b(?P<wd>{WD})[seps\s]+" ending at e ("*" if not need_sep): its start and the
    weekday, or (e, None)."""
    k = space_start(s, lo, e, seps)
    if k == e and need_sep:
        return e, None
    w = k - 1 if k > lo and s[k - 1] == "." else k  # WD's optional "."
    j = word_start(s, lo, w, _WD_FORMS)
    return (j, s[j:k]) if j >= 0 else (e, None)


def _dom_prefix_exact(s: str, lo: int, q: int, on: bool = True) -> tuple[int, str | None, bool]:
    r"""The optional r"(?:\b(?P<wd>{WD})[,\s]+)?(?:\bon\s+)?(?P<the>\bthe\s+)?" before the
    number at q (without "on" for _day_mon): its start, the weekday, whether "the" is in it."""
    e, the = q, False
    k = space_start(s, lo, e)
    if k < e and (j := word_start(s, lo, k, ("the",))) >= 0:
        e, the = j, True
    if on:
        k = space_start(s, lo, e)
        if k < e and (j := word_start(s, lo, k, ("on",))) >= 0:
            e = j
    e, wd = wd_prefix(s, lo, e)
    return e, wd, the


def _numeric_prefix_exact(s: str, lo: int, q: int) -> tuple[int, bool]:
    r"""r"(?<![\d/.$])(?:(this)\s+)?" before the number at q: its start, whether "this"."""
    k = space_start(s, lo, q)
    j = k - 4
    if k < q and j >= lo and s.startswith("this", j) and not (j and (s[j - 1].isdecimal() or s[j - 1] in "/.$")):
        return j, True
    return q, False


def _mon_day_prefix_exact(s: str, lo: int, q: int) -> tuple[int, bool, str | None]:
    r"""r"(?:\b(?P<this>this)\s+)?(?:\b(?P<wd1>{WD})[,\s(-]*)?" before the month at q."""
    e, wd = wd_prefix(s, lo, q, ",(-", need_sep=False)
    k = space_start(s, lo, e)
    if k < e and (j := word_start(s, lo, k, ("this",))) >= 0:
        return j, True, wd
    return e, False, wd


_REL_WORDS = ("this", "next", "last", "previous", "past", "coming", "upcoming", "following", "current")


def _month_prefix_exact(s: str, lo: int, q: int) -> tuple[int, str | None]:
    r"""r"\b(?:(?:the\s+)?month\s+of\s+)?(?:({REL})\s+)?" before the month at q: its start, REL."""
    e, k = rel_start(s, lo, q, _REL_WORDS, ("past", "coming"))
    rel = s[e:k] if e < q else None
    of = word_space_start(s, lo, e, ("of",))
    month = word_space_start(s, lo, of, ("month",)) if of >= 0 else -1
    if month >= 0:
        the = word_space_start(s, lo, month, ("the",))
        e = the if the >= 0 else month
    return e, rel


# The same prefixes as patterns written backwards, matched on the reversed text at the
# rule's match (one C-level match): their greedy match is the longest prefix, which is
# the leftmost start the forward pattern finds. The _exact readers above stay for the rare
# prefix that would start before the search's start (a look-ahead there would see past it).
_WD_LASTS = "".join({w[-1] for w in _WD_FORMS}) + "."  # what a weekday before a date can end with
_WD_BACK = r"\.?(?:" + "|".join(w[::-1] for w in _WD_FORMS) + r")\b"
_DOM_BACK = re.compile(rf"(?P<the>\s+eht\b)?(?:\s+no\b)?(?:[,\s]+(?P<wd>{_WD_BACK}))?")
_DAY_MON_BACK = re.compile(rf"(?P<the>\s+eht\b)?(?:[,\s]+(?P<wd>{_WD_BACK}))?")
_NUMERIC_BACK = re.compile(r"(?:\s+siht(?![\d/.$]))?")
_MON_DAY_BACK = re.compile(rf"(?:[,\s(-]*(?P<wd>{_WD_BACK}))?(?P<this>\s+siht\b)?")
_REL_BACK = "|".join(w[::-1].replace(" ", r"\s+") for w in ("this past", "this coming") + _REL_WORDS)
_MONTH_BACK = re.compile(rf"(?:\s+(?P<rel>{_REL_BACK})\b)?(?:\s+fo\s+htnom(?:\s+eht)?\b)?")


def _dom_prefix(s: str, lo: int, q: int, on: bool = True) -> tuple[int, str | None, bool]:
    """What _dom_prefix_exact finds."""
    if not may_follow_prefix(s, lo, q, _WD_LASTS + "en", ","):
        return q, None, False
    n = len(s)
    b = present((_DOM_BACK if on else _DAY_MON_BACK).match(s[::-1], n - q), "reversed prefix")  # its parts are all optional
    if n - b.end() < lo:
        return _dom_prefix_exact(s, lo, q, on)
    wd = b["wd"]
    return n - b.end(), wd and wd[::-1], b["the"] is not None


def _numeric_prefix(s: str, lo: int, q: int) -> tuple[int, bool]:
    """What _numeric_prefix_exact finds."""
    if not may_follow_prefix(s, lo, q, "s"):
        return q, False
    n = len(s)
    b = present(_NUMERIC_BACK.match(s[::-1], n - q), "reversed prefix")  # its parts are all optional
    if n - b.end() < lo:
        return _numeric_prefix_exact(s, lo, q)
    return n - b.end(), b.end() > b.start()


def _mon_day_prefix(s: str, lo: int, q: int) -> tuple[int, bool, str | None]:
    """What _mon_day_prefix_exact finds."""
    # the weekday's "." may come right before the month
    if not (q > lo and s[q - 1] == "." or may_follow_prefix(s, lo, q, _WD_LASTS + "s", ",(-")):
        return q, False, None
    n = len(s)
    b = present(_MON_DAY_BACK.match(s[::-1], n - q), "reversed prefix")  # its parts are all optional
    if n - b.end() < lo:
        return _mon_day_prefix_exact(s, lo, q)
    wd = b["wd"]
    return n - b.end(), b["this"] is not None, wd and wd[::-1]


def _month_prefix(s: str, lo: int, q: int) -> tuple[int, str | None]:
    """What _month_prefix_exact finds."""
    if not may_follow_prefix(s, lo, q, "stgf"):  # the last letters of REL and "of"
        return q, None
    n = len(s)
    b = present(_MONTH_BACK.match(s[::-1], n - q), "reversed prefix")  # its parts are all optional
    if n - b.end() < lo:
        return _month_prefix_exact(s, lo, q)
    rel = b["rel"]
    return n - b.end(), rel and rel[::-1]


def _dom(m: re.Match, c: Ctx):
    d, o = m.group("d", "o")
    d = int(d)
    a, wd, the = _dom_prefix(c.s, m.pos, m.start())
    if wd and not (the or o or d >= 13):
        return None  # "monday 9" is a clock time
    if wd is None and not (the or o):
        return None
    return _day(a, m.end(), dom_date(d, c.today, weekday_of(wd) if wd else None), dom=d)


def _dom_of_month(m: re.Match, c: Ctx):
    d = int(m.group(1))
    rel = m.group(2)
    y, mo = c.today.year, c.today.month + rel_weeks(rel)
    y, mo = y + (mo - 1) // 12, (mo - 1) % 12 + 1
    return _day(m.start(), m.end(), safe_date(y, mo, d))


S = r"[\s,./-]*"
RULES = [
    (re.compile(r"\b(\d{4})[-/](\d{1,2})[-/](\d{1,2})\b(?![-/])"), _iso),
    (re.compile(r"\b((?:19|20)\d\d)(0[1-9]|1[0-2])([0-2]\d|3[01])\b"), _compact),
    # these open with their number or month; the optional words before it: _*_prefix
    (re.compile(rf"(\d(?<![\d/.$]\d)\d?)([/.-])(\d{{1,2}})(?:\2(\d{{4}}|\d{{2}}))?"
                rf"(?![\d/]|\.\d|\s*h\b)(?:\s*\(?({WD})\)?)?"), _numeric),
    (re.compile(rf"(?P<mon>{MON_FAST}){S}(?:the\s+)?(?P<d>{DOM})(?:{ORD})?\b"
                rf"(?:(?:,\s*|\s+)(?:of\s+|in\s+)?(?P<y>{YEAR}\b|'\d\d\b|\d\d\b(?![:.]\d|\s*(?:am|pm|[ap]\b|h\b|o'clock))))?"
                rf"(?:[\s,]*\(?(?P<wd2>{WD})\)?)?\)?"), _mon_day),
    (re.compile(rf"(?P<d>{DOM_FAST})(?:{ORD})?\.?(?:\s+day)?(?:\s+of\s+|\s+|-|(?=[a-z]))"
                rf"(?:the\s+month\s+of\s+)?(?P<mon>{MON})(?:(?:,\s*|\s+|-)(?:of\s+|in\s+)?(?P<y>{YEAR}\b|'?\d\d\b(?![:.]\d|\s*(?:am|pm|[ap]\b|h\b))))?"),
     _day_mon),
    (re.compile(rf"\b({YEAR})[/-]({MON})[/-]({DOM})\b"), _ymd_name),
    (re.compile(rf"\b({DOM})[/-]({MON})[/-]({YEAR})\b"), _dmy_name),
    (re.compile(rf"({MON_FAST})(?:\s*,?\s*({YEAR})\b)?(\s+after\s+next)?"), _month),
    (re.compile(rf"\b({YEAR})[\s/-]\s*({MON}|1[0-2]|0?[1-9])\b(?![/-]\d)"), _year_month),
    (re.compile(r"(?<![\d/])\b(1[0-2]|0?[1-9])/((?:19|20)\d\d)\b"), _month_year_num),
    (re.compile(rf"\b((?:the\s+)?(?:calendar\s+)?year\s+|cy\s*)?({YEAR})\b(?![:/]\d)"), _year),
    (re.compile(r"\b(this|next|last|previous|past|coming|current)\s+(?:calendar\s+)?year\b"), _rel_year),
    # the optional weekday / on / the before the number: _dom_prefix
    (re.compile(rf"(?P<d>{DOM_FAST})(?P<o>{ORD})?\b"
                rf"(?!\s*(?:[:.]\d|am|pm|[ap]\b|h\b|o'clock|minutes?|mins?|hours?|days?|weeks?|months?|years?|/|of\b|-\s*\d|%))"), _dom),
    (re.compile(rf"\b(?:the\s+)?({DOM})(?:{ORD})?(?:\s+day)?\s+of\s+(?:the\s+)?({REL})?\s*month\b"), _dom_of_month),
]
