"""Clock times and parts of the day: 3pm, 3p, 15:30, 3h18, 8.30pm, noon, midnight,
half past 3, a quarter to 4, 20 past 3pm, "at 3", 3 o'clock, morning/afternoon/tonight."""
from __future__ import annotations

import re

from .lex import WD, Ctx, Tok, word_before

# Part-of-day windows [start hour, end hour). The contract fixes the main four; the
# finer ones follow the same spirit so each phrase still names one window.
PARTS = {
    "morning": (9, 12), "afternoon": (14, 18), "evening": (18, 21), "night": (18, 24),
    "noon": (12, 14), "lunch": (12, 14), "early morning": (6, 9), "late morning": (10, 12),
    "early afternoon": (13, 15), "late afternoon": (16, 18), "early evening": (17, 19),
    "late evening": (20, 23), "late night": (21, 24), "daytime": (9, 18),
    "after lunch": (13, 18), "after work": (17, 21), "after school": (15, 19),
    "dinner": (18, 20), "breakfast": (7, 9), "am": (9, 12), "pm": (14, 18),
    # the last working hour: "eod", "end of day" (a deadline "by eod" runs to its end, 18:00)
    "eod": (17, 18),
}
AM_PARTS = {"morning", "early morning", "late morning", "breakfast", "am"}


_DAY_BEFORE = re.compile(rf"\b(?:{WD}|today|tomorrow)\s+$")
# Compiled once: re.match(str, ...) looks its pattern up in re's cache on every call.
_MEALTIME = re.compile(r"(lunch|dinner)\s*time$")


def meridiem_of(part: str) -> str | None:
    if part in AM_PARTS:
        return "am"
    if part in ("noon", "lunch", "daytime"):
        return None
    return "pm"


_DUR_BEFORE = re.compile(r"\b(?:in|for|within|another)\s+$")
_DUR_BEFORE_SHORT = re.compile(r"\b(?:in|for|within)\s+$")
_RANGE_AFTER = re.compile(r"\s*(?:-|to\b)")
_RANGE_BEFORE = re.compile(r"(?:\b(?:at|between|from|to|until|till|til|and)\s+|@\s*|-\s*)$")
# What r"(?:\b(?:at|around|about|approximately|approx\.?|circa|by)\s+|@\s*)$" finds (see _at_before).
_AT_WORDS = ("at", "around", "about", "approximately", "approx.", "approx", "circa", "by")


def _at_before(s: str, a: int) -> bool:
    """Whether an "at"-like word or "@" ends the 24 characters before `a` (the pattern above),
    without trying a pattern at every position."""
    w = s[max(0, a - 24):a]
    if not w:
        return False
    ch = w[-1]  # both need a space or "@" last: the usual "3" after a letter or digit is done
    if ch == "@":
        return True
    return ch.isspace() and (word_before(w, _AT_WORDS) or w.rstrip().endswith("@"))


def _time(a: int, b: int, h: int | None, mi: int = 0, sec: int = 0, mer: str | None = None,
          h24: bool = False) -> Tok | None:
    if h is None or h > 24 or mi > 59 or sec > 59 or (mer and (h > 12 or h == 0)):
        return None
    if mer == "pm" and h < 12:
        h += 12
    elif mer == "am" and h == 12:
        h = 0
    return Tok("time", a, b, (h, mi, sec), {"mer": mer, "h24": h24 or h > 12 or h == 0})


def _mer(x: str | None) -> str | None:
    if not x:
        return None
    return "am" if x[0] == "a" else "pm"


def _colon(m: re.Match, c: Ctx):
    hh, mm, ss, mer, ap = m.groups()
    a, b = m.span()
    return _time(a, b, int(hh), int(mm), int(ss or 0), _mer(mer or ap), h24=hh.startswith("0") and len(hh) == 2)


def _hform(m: re.Match, c: Ctx):
    if _DUR_BEFORE.search(c.before(m.start())):
        return None  # "in 1h" is a duration
    h = int(m.group(1))
    if not m.group(2) and h < 10 and not _at_before(c.s, m.start()) or not m.group(2) and h < 10 and \
            _DUR_BEFORE_SHORT.search(c.before(m.start())):
        return None
    return _time(m.start(), m.end(), h, int(m.group(2) or 0), h24=True)


def _dot(m: re.Match, c: Ctx):
    mer = _mer(m.group(3))
    after = c.s[m.end():m.end() + 4]
    if not mer and not _RANGE_BEFORE.search(c.before(m.start())) and not _RANGE_AFTER.match(after):
        return None  # "version 3.50", "$3.50" are not times
    return _time(m.start(), m.end(), int(m.group(1)), int(m.group(2)), mer=mer)


def _mertime(m: re.Match, c: Ctx):
    h, mer, ap = m.groups()
    a, b = m.span()
    return _time(a, b, int(h), mer=_mer(mer or ap))


def _hhmm(m: re.Match, c: Ctx):
    v = m.group(2)
    h, mi = int(v[:-2]), int(v[-2:])
    mer = _mer(m.group(3))
    if not mer and not m.group(1):
        return None
    return _time(m.start(2), m.end(), h, mi, mer=mer)


def _num(m: re.Match, c: Ctx):
    n = int(m[1])
    if n > 31:
        return None
    a, b = m.span()
    return Tok("num", a, b, n, {"at": _at_before(c.s, a)})


def _named(m: re.Match, c: Ctx):
    w = m.group(1)
    if w in ("noon", "midday"):
        return Tok("time", m.start(), m.end(), (12, 0, 0), {"mer": None, "h24": True})
    return Tok("time", m.start(), m.end(), (0, 0, 0), {"mer": None, "h24": True, "midnight": True})


def _hour_word(w: str) -> tuple[int, bool]:
    if w == "noon":
        return 12, True
    if w == "midnight":
        return 0, True
    return int(w), False


def _past(m: re.Match, c: Ctx):
    mins = 30 if m.group(1) else 15 if m.group(2) else int(m.group(3))
    h, fixed = _hour_word(m.group(5))
    t = _time(m.start(), m.end(), h, 0, mer=_mer(m.group(6)), h24=fixed)
    if t is None or mins > 59:
        return None
    hh = t.hms()[0]
    t.v = (hh, mins, 0)
    return t


def _to(m: re.Match, c: Ctx):
    mins = 15 if m.group(1) else int(m.group(2))
    h, fixed = _hour_word(m.group(4))
    t = _time(m.start(), m.end(), h, 0, mer=_mer(m.group(5)), h24=fixed)
    if t is None or mins > 59:
        return None
    hh = t.hms()[0] - 1 if t.hms()[0] > 0 else 23
    if hh == 0 and not fixed and not t.f["mer"]:
        hh = 12
    t.v = (hh, 60 - mins, 0)
    return t


def _oclock(m: re.Match, c: Ctx):
    return Tok("num", m.start(), m.end(), int(m.group(1)), {"at": True})


def _part(m: re.Match, c: Ctx):
    rel, mod1, inthe, mod2, name, plural = m.groups()
    if name == "morning" and word_before(c.before(m.start()), ("good",)):
        return None  # a greeting
    if plural and not inthe:
        return None  # "mornings" is a recurrence
    name = _MEALTIME.sub(r"\1", name)
    mod = mod1 or mod2
    key = f"{mod} {name}" if mod and f"{mod} {name}" in PARTS else name
    f = {}
    if rel == "this":
        f["day"] = 0
    elif rel == "last":
        f["day"] = -1
    return Tok("part", m.start(), m.end(), key, f)


def _tonight(m: re.Match, c: Ctx):
    return Tok("part", m.start(), m.end(), "late night" if m.group(1) else "night", {"day": 0, "tonight": True})


def _early_hours(m: re.Match, c: Ctx):
    return Tok("part", m.start(), m.end(), "early morning", {})


def _after(m: re.Match, c: Ctx):
    return Tok("part", m.start(), m.end(), "after " + m.group(1), {})


def _first_thing(m: re.Match, c: Ctx):
    # "first thing monday": the start of the working morning (the contract's morning opens at 9)
    return Tok("time", m.start(), m.end(), (9, 0, 0), {"mer": "am", "h24": True})


def _inthe_ampm(m: re.Match, c: Ctx):
    return Tok("part", m.start(), m.end(), m.group(1), {})


def _bare_ampm(m: re.Match, c: Ctx):
    # "Feb 5 AM", "tuesday PM": only written in capitals, so "I am" stays a verb
    if c.orig and c.orig.find(m.group(1).upper()) < 0 and not _DAY_BEFORE.search(c.before(m.start(), 14)):
        return None  # (lower case only right after a day: "friday am", "tmrw pm")
    return Tok("part", m.start(), m.end(), m.group(1), {})


# A rule that opens with a look-behind or \b is tried at every position; these open with the
# digit itself (re then skips to digits) and check the character before it right after it:
# r"(?<![X])(\d{1,2})" is r"(\d(?<![X]\d)\d?)", and \b before a digit is (?<!\w).
RULES = [
    (re.compile(r"(\d(?<![\d.:/$]\d)\d?):(\d{2})(?::(\d{2}))?(?:\s*(am|pm)\b|([ap])\b)?(?![\d:])"), _colon),
    (re.compile(r"(\d(?<!\w\d)\d?)h(\d{2})?\b"), _hform),
    (re.compile(r"(\d(?<![\d.$€£/]\d)\d?)\.(\d{2})(?:\s*(am|pm)\b)?(?![\d.]\d)"), _dot),
    (re.compile(r"(\d(?<![\d.:$€£/]\d)\d?)(?:\s*(am|pm)\b|([ap])\b)"), _mertime),
    (re.compile(r"(?:(\b(?:at|around|about|approximately|approx)\s+|@\s*))?(?<![\d.:$/-])(\d{3,4})(?:\s*(am|pm)\b)?(?![\d:./]|-\d)"), _hhmm),
    (re.compile(r"(\d(?<![\w.:/$#€£,]\d)\d?)\b(?![\d:/%]|\.\d|\s*(?:st|nd|rd|th)\b)"), _num),
    (re.compile(r"\b(?:12\s+)?(noon|midday|midnight|mid\s+night)\b"), _named),
    (re.compile(r"\b(?:(half)|(?:an?\s+)?(quarter)|(\d{1,2})(?:\s*(?:minutes?|mins?))?)\s+(past|after)\s+"
                r"(\d{1,2}|noon|midnight)(?:\s*(am|pm)\b)?"), _past),
    (re.compile(r"\b(?:(?:an?\s+)?(quarter)|(\d{1,2})\s*(?:minutes?|mins?))\s+(to|of|before|till|til)\s+"
                r"(\d{1,2}|noon|midnight)(?:\s*(am|pm)\b)?"), _to),
    (re.compile(r"\b(\d{1,2})\s+o'clock\b"), _oclock),
    (re.compile(r"\b(?:(this|last)\s+)?(?:(early|late|mid)[\s-]+)?((?:in|during)\s+the\s+)?(?:(early|late)\s+)?"
                r"(morning|afternoon|evening|night|daytime|lunch\s*time|lunch|dinner\s*time|dinner|breakfast)(s)?\b"), _part),
    (re.compile(r"\b(?:(late)\s+)?tonight\b"), _tonight),
    (re.compile(r"\b(?:in\s+)?the\s+early\s+hours(?:\s+of\s+the\s+morning)?\b"), _early_hours),
    (re.compile(r"\bafter\s+(lunch|work|school)\b"), _after),
    (re.compile(r"\bin\s+the\s+(am|pm)\b"), _inthe_ampm),
    # only before a day or "in the morning": "the first thing we need" is no time
    (re.compile(r"\b(?:1st|first)\s+thing(?:\s+in\s+the\s+(?:morning|am)\b|(?=\s+(?:on\s+|at\s+)?"
                r"(?:tomorrow|today|next|this|mon|tue|wed|thu|fri|sat|sun|\d)))"), _first_thing),
    (re.compile(r"(am|pm)(?<!\w[ap]m)\b"), _bare_ampm),
]
