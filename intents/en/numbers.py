"""Number words to digits before the rules run: "twenty-third" -> "23rd",
"three weeks" -> "3 weeks", "seven thirty pm" -> "7:30 pm", "a couple of" -> "2".
Also folds spellings the rules should not each repeat (tmrw, a.m., -ish, o'clock)."""
from __future__ import annotations

import re
from collections.abc import Collection

from ..prefilter import fast_compile
from .lex import Text

UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
         "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
         "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
ORDS = {"first": 1, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
        "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
        "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
        "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30}
SUFFIX = {1: "st", 2: "nd", 3: "rd"}


# Compiled once: re.match(str, ...) looks its pattern up in re's cache on every call.
_PARTS = re.compile(r"[\s-]+")


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else SUFFIX.get(n % 10, 'th')}"


_U = "|".join(sorted(UNITS, key=len, reverse=True))
_T = "|".join(TENS)
_O = "|".join(sorted(ORDS, key=len, reverse=True))
# One number word group: "twenty four", "twenty-fourth", "seven", "fifteenth".
_GROUP = rf"(?:(?:{_T})(?:[\s-]+(?:{_U}|{_O}))?|{_U}|{_O})"
_NUMWORDS = fast_compile(
    rf"\b(?:({_U})\s+thousand(?:\s+and)?\s+)?({_GROUP})(?:(?:\s+and\s+|[\s-]+)({_GROUP}))?\b")
_ORDWORDS = fast_compile(rf"\b(?:({_T})[\s-]+)?({_O})\b")
_SECOND = fast_compile(r"\bsecond\b(?=\s+(?:of\b|week|day|mon|tue|wed|thu|fri|sat|sun|weekend))"
                     r"|(?<=the )second\b")

_ABBREV = {
    "tmrw": "tomorrow", "tmr": "tomorrow", "tmrow": "tomorrow", "tomorow": "tomorrow",
    "tommorow": "tomorrow", "tommorrow": "tomorrow", "tomorrows": "tomorrow", "2moro": "tomorrow",
    "tonite": "tonight", "2nite": "tonight", "tdy": "today", "wk": "week", "wks": "weeks",
    "yr": "year", "yrs": "years", "hr": "hour", "hrs": "hours", "mins": "minutes",
    "min": "minutes", "secs": "seconds", "sec": "seconds", "xmas": "christmas",
    "x-mas": "christmas", "wkend": "weekend", "week-end": "weekend", "weekend's": "weekend",
    "week-ends": "weekends", "mid-day": "midday", "fortnightly": "biweekly",
    "a couple of": "2", "a couple": "2", "couple of": "2", "a few": "3",
    # chat spellings (v2): next, tomorrow, Aussie afternoon, close of business
    "nxt": "next", "tmw": "tomorrow", "tmro": "tomorrow", "tmrrw": "tomorrow", "2mrw": "tomorrow",
    "2morrow": "tomorrow", "arvo": "afternoon", "wknd": "weekend", "cob": "eod",
}
_WORD = fast_compile(r"[a-z0-9]+")

# Typos of the day and month words (wendesday, thrusday, tuesdy, fridya, decmber, tomorow):
# every spelling one edit (a letter dropped, added, changed, or two swapped) from a target,
# read once at import, so a message pays one set lookup per word. A spelling that is a word
# of its own (or one edit from two targets) is left alone. Short words (may, june, march,
# noon) have too many real neighbours ("match", "moon") and are not corrected.
_TYPO_TARGETS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                 "january", "february", "april", "august", "september", "october", "november",
                 "december", "tomorrow", "today", "tonight", "yesterday", "weekend", "morning",
                 "afternoon", "evening")
_REAL_WORDS = frozenset("sundae sundry mourning augusta toady todays tody mornings evenings afternoons weekends "
                        "mondays tuesdays wednesdays thursdays fridays saturdays sundays tomorrows tonights "
                        "yesterdays octobers aprils augusts evenin evens nono".split())
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _edits1(w: str) -> set[str]:
    splits = [(w[:i], w[i:]) for i in range(len(w) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + ch + b[1:] for a, b in splits if b for ch in _LETTERS}
    out |= {a + ch + b for a, b in splits for ch in _LETTERS}
    return out


# Short words get only their swaps (nxet, wkee, mrach): a changed or dropped letter would
# reach real words ("text", "moon", "match").
_SWAP_TARGETS = ("next", "week", "june", "july", "march", "noon")


def _swaps(w: str) -> set[str]:
    return {w[:i] + w[i + 1] + w[i] + w[i + 2:] for i in range(len(w) - 1)}


def _typo_table() -> dict[str, str]:
    table: dict[str, str | None] = {}
    for targets, edits, shortest in ((_TYPO_TARGETS, _edits1, 5), (_SWAP_TARGETS, _swaps, 4)):
        for target in targets:
            for v in edits(target):
                if len(v) >= shortest and v != target:
                    table[v] = target if table.get(v, target) == target else None
    keep = set(_TYPO_TARGETS) | _REAL_WORDS
    return {k: v for k, v in table.items() if v is not None and k not in keep}


_TYPOS = _typo_table()
_ABBREV_WORDS = frozenset(w for k in _ABBREV for w in re.findall(r"[a-z0-9]+", k)) - {"a", "of"}
# A narrower check after _ABBREV_WORDS ("day" or "week" alone is no key): a one-run key is
# a whole run of the text, any other key holds one of _ABBREV_PARTS.
_ABBREV_ONE = frozenset(k for k in _ABBREV if k.isalnum())
_ABBREV_PARTS = ("x-mas", "week-end", "weekend's", "mid-day", "couple", "a few")
if not all(any(p in k for p in _ABBREV_PARTS) for k in _ABBREV if k not in _ABBREV_ONE):
    raise ValueError("every key of more than one run needs a part in _ABBREV_PARTS")
_ABBREV_RX = fast_compile(r"(?<![\w@])(" + "|".join(
    re.escape(k) for k in sorted(_ABBREV, key=len, reverse=True)) + r")(?![\w])")
_GLUED_UNIT = fast_compile(r"(?<=\d)(mins?|hrs?)\b")
# A spelled ordinal before one of these counts things ("my first meeting"), it names no day.
_NOUN_AFTER = re.compile(r"\s+(?:meetings?|calls?|things?|time|slots?|drafts?|steps?|items?|points?|rounds?"
                         r"|sessions?|syncs?|reviews?|priority|question|half|available|free|open|event|appointment)\b")
_AMPM = fast_compile(r"(\d)\s*\.?\s*([ap])\s*\.?\s*m\b\.?")
_ISH = fast_compile(r"\b(noon|afternoon|morning|evening|night|midnight|lunch)ish\b|(?<=\w)\s+ish\b")
_NUM_ISH = fast_compile(r"\b(?:at\s+|around\s+)?(\d+)ish\b")
_OCLOCK = fast_compile(r"\s*o'?\s*clock\b")
_MORE = fast_compile(r"(?<=\d)\s+more(?=\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b)")
_SLASH_RANGE = fast_compile(r"(?<=\d)/(?=\d{4}-\d)")
# Phone numbers are not times or dates: "555-123-4567", "+1 415 555 0100".
_PHONE = fast_compile(r"(?<![\w:/-])(?:\+\d{1,3}[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|\+\d[\d\s-]{8,}\d")
_QUOTES = fast_compile(r"[\u2018\u2019\u2032`]")
_ALNUM_ONLY = bytes(c if 97 <= c <= 122 or 48 <= c <= 57 else 32 for c in range(256))
_NOT_DIGITS = bytes(c for c in range(256) if not 48 <= c <= 57)
_ORD_SET = frozenset(ORDS)
_NUM_SET = frozenset(UNITS) | frozenset(TENS)
_TABLE_WORDS = _ABBREV_WORDS | _ORD_SET | _NUM_SET


def _value(group: str) -> tuple[int, bool]:
    """(value, is_ordinal) of one number word group."""
    parts = _PARTS.split(group.strip())
    total, is_ord = 0, False
    for p in parts:
        if p in TENS:
            total += TENS[p]
        elif p in UNITS:
            total += UNITS[p]
        elif p in ORDS:
            total += ORDS[p]
            is_ord = True
    return total, is_ord


def _numwords(m: re.Match) -> str:
    thousands, g1, g2 = m.group(1), m.group(2), m.group(3)
    v1, o1 = _value(g1)
    if thousands:  # "two thousand and twenty seven"
        v2, o2 = _value(g2) if g2 else (0, False)
        return str(UNITS[thousands] * 1000 + v1 + v2)
    if g2 is None:
        return ordinal(v1) if o1 else str(v1)
    v2, o2 = _value(g2)
    joiner = m.group(0)[len(g1):len(m.group(0)) - len(g2)]
    if "and" in joiner:
        if g1 in TENS and v2 < 10 and not o1:  # "twenty and four"
            return ordinal(v1 + v2) if o2 else str(v1 + v2)
        return f"{ordinal(v1) if o1 else v1} and {ordinal(v2) if o2 else v2}"
    # hour then minutes: "seven thirty", "nine fifty nine", "five-thirty"
    if not o1 and not o2 and 1 <= v1 <= 12 and 10 <= v2 <= 59 and g1 in UNITS:
        return f"{v1}:{v2:02d}"
    return f"{ordinal(v1) if o1 else v1} {ordinal(v2) if o2 else v2}"


def prepare(original: str) -> Text:
    """Lower-case, fold abbreviations and spelled-out numbers; keeps the position map."""
    t = Text(original)
    s = t.s
    # Each sub below needs a whole word (\b...\b) from its table: one set of the message's
    # alphanumeric runs answers all those checks (the subs before it add none of them).
    alnum: str | None
    runs: Collection[str]
    if s.isascii():  # the same counts and runs by bytes.translate, a few times faster
        b = s.encode()
        digits = len(b.translate(None, _NOT_DIGITS))
        alnum = b.translate(_ALNUM_ONLY).decode()
        runs = alnum.split()  # only read by `in` and isdisjoint: a list answers as a set would
        quotes = "`" in s
    else:
        digits = sum(map(str.isdigit, s))
        alnum, runs = None, frozenset(_WORD.findall(s))
        quotes = "\u2018" in s or "\u2019" in s or "\u2032" in s or "`" in s
    if quotes:
        t.sub(_QUOTES, "'")
    if digits >= 7:
        t.sub(_PHONE, lambda m: "#" * len(m.group(0)))
    if not _TYPOS.keys().isdisjoint(runs):
        _fix_typos(t, runs)
        s = t.s  # (the digit counts and am/pm runs above still hold: only letters changed)
        runs = [_TYPOS.get(r, r) for r in runs]
    if digits and ("min" in s or "hr" in s):  # "45min", "2hrs": the unit as its own word
        t.sub(_GLUED_UNIT, lambda m: " minutes" if m.group(1)[0] == "m" else " hours")
    words = not _TABLE_WORDS.isdisjoint(runs)  # most messages hold none of the three tables' words
    if words and not _ABBREV_WORDS.isdisjoint(runs) and _abbrev_keys(t.s, runs if t.s is s else None):
        t.sub(_ABBREV_RX, lambda m: _ABBREV[m.group(1)])
    if "second" in t.s:
        t.sub(_SECOND, "2nd")
    if words and not _ORD_SET.isdisjoint(runs):  # ordinals first, so "24th one thirty" stays apart
        t.sub(_ORDWORDS, lambda m: m.group(0) if _NOUN_AFTER.match(t.s, m.end()) else
              ordinal((TENS[m.group(1)] if m.group(1) else 0) + ORDS[m.group(2)]))
    if words and not _NUM_SET.isdisjoint(runs):
        t.sub(_NUMWORDS, _numwords)
    # number words may have added digits (a text no sub changed is the same object)
    if digits or (t.s is not s and any(map(str.isdigit, t.s))):
        if _ampm_possible(s, alnum, runs):
            _fold_ampm(t)
        if "more" in t.s:
            t.sub(_MORE, "")
        if "/" in t.s:
            t.sub(_SLASH_RANGE, " to ")
    if "ish" in t.s:
        t.sub(_ISH, lambda m: m.group(1) or "")
        t.sub(_NUM_ISH, lambda m: "around " + m.group(1))
    if "clock" in t.s:
        t.sub(_OCLOCK, " o'clock")
    return t


def _fix_typos(t: Text, runs: Collection[str]) -> None:
    """Each mistyped day or month word replaced by the word (as a whole letter run)."""
    found = sorted({r for r in runs if r in _TYPOS}, key=len, reverse=True)
    rx = re.compile(r"(?<![a-z])(?:" + "|".join(found) + r")(?![a-z])")
    t.sub(rx, lambda m: _TYPOS[m.group(0)])


def _abbrev_keys(s: str, runs: Collection[str] | None) -> bool:
    """Whether an _ABBREV key can be in `s` (`runs`: its alphanumeric runs, if known)."""
    if runs is None:  # a sub changed the text (a phone number can split a run)
        runs = frozenset(_WORD.findall(s))
    return not _ABBREV_ONE.isdisjoint(runs) or any(p in s for p in _ABBREV_PARTS)


def _ampm_possible(s: str, alnum: str | None, runs: Collection[str]) -> bool:
    """Whether _AMPM can match once the subs ran, read off the message before them (`alnum`:
    its runs joined by spaces, for ASCII): its "m" ends a run that is "m" or ends in
    "am"/"pm", and no sub adds such a run."""
    if alnum is None:
        return "am" in s or "pm" in s or ".m" in s or " m" in s
    return "m" in runs or "am " in alnum or "pm " in alnum or alnum.endswith(("am", "pm"))


def _ampm(m: re.Match) -> str:
    return m.group(1) + m.group(2) + "m"


def _fold_ampm(t: Text) -> None:
    """t.sub(_AMPM, _ampm). A match already written so ("3pm", three characters) reads the
    same after that rewrite, which only points its characters' map at the match's first and
    last original ones: when every match is such, the map gets just that (no rebuild)."""
    starts = []
    for m in _AMPM.finditer(t.s):
        a, b = m.span()
        if b - a != 3:
            t.sub(_AMPM, _ampm)
            return
        starts.append(a)
    if starts:
        lo, hi = list(t.lo), list(t.hi)
        for a in starts:
            lo[a + 1] = lo[a + 2] = lo[a]
            hi[a] = hi[a + 1] = hi[a + 2]
        t.lo, t.hi = lo, hi
