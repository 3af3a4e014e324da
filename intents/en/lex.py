"""Shared pieces of the English rules: the token type, the prepared text, regex fragments.

Rules run on a lower-cased, lightly rewritten copy of the message; `Text` keeps a map
from every character of that copy back to the original, so titles keep their case.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from collections.abc import Callable, Sequence, Set as AbstractSet
from typing import cast

from ..narrow import ShapeError

_SPACES = re.compile(r"\s+")


# A token's value; its kind says which: day → a date; span → (first day, the day after);
# time → (hour, minute, second); num, seats, rem → int; part, conn, rec → str;
# inst → datetime; win → (start, end) datetimes; dur → {unit: amount}; zone → tzinfo.
TokValue = (dt.date | tuple[dt.date, dt.date] | tuple[int, int, int] | int | str
            | tuple[dt.datetime, dt.datetime] | dict[str, float] | dt.tzinfo)


@dataclass(slots=True)
class Tok:
    """One recognised piece: kind, span [a, b) in the prepared text, value, flags.

    Read `v` through the accessor of its kind: each checks the kind (the rules build every
    kind with its one type of value) and fails loudly (ShapeError) on a token of another."""
    kind: str          # day span time num part inst win dur conn zone rec seats rem
    a: int
    b: int
    v: TokValue
    f: dict = field(default_factory=dict)

    def _wrong(self, want: str) -> ShapeError:
        return ShapeError(f"a {self.kind} token read as {want}")

    def day(self) -> dt.date:
        v = self.v
        if self.kind != "day" or not isinstance(v, dt.date):
            raise self._wrong("a day")
        return v

    def days(self) -> tuple[dt.date, dt.date]:
        if self.kind != "span":
            raise self._wrong("a span of days")
        return cast(tuple[dt.date, dt.date], self.v)

    def hms(self) -> tuple[int, int, int]:
        if self.kind != "time":
            raise self._wrong("a clock time")
        return cast(tuple[int, int, int], self.v)

    def window(self) -> tuple[dt.datetime, dt.datetime]:
        if self.kind != "win":
            raise self._wrong("a window")
        return cast(tuple[dt.datetime, dt.datetime], self.v)

    def number(self) -> int:
        v = self.v
        if self.kind not in ("num", "seats", "rem") or not isinstance(v, int):
            raise self._wrong("a number")
        return v

    def word(self) -> str:
        v = self.v
        if self.kind not in ("part", "conn", "rec") or not isinstance(v, str):
            raise self._wrong("a word")
        return v

    def instant(self) -> dt.datetime:
        v = self.v
        if self.kind != "inst" or not isinstance(v, dt.datetime):
            raise self._wrong("an instant")
        return v

    def amounts(self) -> dict[str, float]:
        v = self.v
        if self.kind != "dur" or not isinstance(v, dict):
            raise self._wrong("a duration")
        return v

    def zone(self) -> dt.tzinfo:
        v = self.v
        if self.kind != "zone" or not isinstance(v, dt.tzinfo):
            raise self._wrong("a zone")
        return v


@dataclass(slots=True)
class Ctx:
    now: dt.datetime
    today: dt.date
    tz: dt.tzinfo
    s: str
    orig: str = ""
    toks: AbstractSet[str] = frozenset()  # gates.tokens(s), filled by the scan for later keyword checks
    points: list = field(default_factory=list)  # the point tokens extract used (which kinds named the time)
    found: dict = field(default_factory=dict)  # slots beside the time, by token kind (fields.py: seats, rem)

    def before(self, a: int, n: int = 24) -> str:
        """The prepared text just before position a (for look-behind checks)."""
        return self.s[max(0, a - n):a]


class Text:
    """A rewritable lower-case copy of a message that remembers where each char came from."""

    def __init__(self, original: str):
        self.orig = original
        self.lo: Sequence[int]
        self.hi: Sequence[int]
        low = original.lower()
        if len(low) == len(original):  # the usual case: one char per char
            # ranges index and slice like the lists a rewrite builds, at no cost until then
            self.s, self.lo, self.hi = low, range(len(low)), range(1, len(low) + 1)
            return
        chars: list[str] = []
        lo: list[int] = []
        hi: list[int] = []
        for i, ch in enumerate(original):
            low = ch.lower()
            chars.append(low)
            lo.extend([i] * len(low))
            hi.extend([i + 1] * len(low))
        self.s = "".join(chars)
        self.lo, self.hi = lo, hi

    def sub(self, pattern: re.Pattern, repl: str | Callable[[re.Match], str]) -> None:
        out: list[str] = []
        lo: list[int] = []
        hi: list[int] = []
        pos = 0
        # m.expand parses its template on every call: a plain string needs none of that
        literal = None if callable(repl) or "\\" in repl else repl
        for m in pattern.finditer(self.s):
            a, b = m.span()
            if a == b:
                continue
            r = literal if literal is not None else repl(m) if callable(repl) else m.expand(repl)
            out.append(self.s[pos:a])
            lo.extend(self.lo[pos:a])
            hi.extend(self.hi[pos:a])
            out.append(r)
            lo.extend([self.lo[a]] * len(r))
            hi.extend([self.hi[b - 1]] * len(r))
            pos = b
        if pos == 0 and not out:
            return
        out.append(self.s[pos:])
        lo.extend(self.lo[pos:])
        hi.extend(self.hi[pos:])
        self.s, self.lo, self.hi = "".join(out), lo, hi

    def span(self, a: int, b: int) -> tuple[int, int]:
        """The original [start, end) of prepared-text span [a, b)."""
        if b <= a or a >= len(self.lo):
            return (0, 0)
        return self.lo[a], self.hi[min(b, len(self.hi)) - 1]


MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
          "sep": 9, "oct": 10, "nov": 11, "dec": 12}
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}

MON = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
       r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?")
WD = (r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday|s)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
      r"|sat(?:urday)?|sun(?:day)?)(?![a-z])\.?")
# A weekday that may be plural ("3 fridays from now").
WDS = WD.replace("(?![a-z])\\.?", "s?(?![a-z])")
YEAR = r"(?:19|20)\d\d"
DOM = r"(?:[12]\d|3[01]|0?[1-9])"
ORD = r"(?:st|nd|rd|th)"
REL = r"(?:this|next|last|previous|past|coming|upcoming|following|current|this\s+past|this\s+coming)"


def month_of(word: str) -> int:
    return MONTHS[word.strip(". ")[:3]]


def weekday_of(word: str) -> int:
    return WEEKDAYS[word.strip(". ")[:3]]


def year_of(text: str, today: dt.date) -> int:
    """A 4-digit year, or a 2-digit one read as within 25 years ahead (74 -> 1974, 39 -> 2039)."""
    t = text.strip("' ")
    y = int(t)
    if len(t) >= 3:
        return y
    cutoff = (today.year + 25) % 100
    return (2000 if y <= cutoff else 1900) + y


def rel_weeks(word: str | None) -> int:
    """Week offset of a relative word: this -> 0, next -> 1, last -> -1."""
    if not word:
        return 0
    w = " ".join(word.split())  # = \s+ -> " " after strip (\s is str.isspace), without a regex
    if w in ("next", "following", "the following", "coming", "upcoming"):
        return 1
    if w in ("last", "previous", "past", "this past"):
        return -1
    return 0


def word_before(w: str, words: tuple[str, ...]) -> bool:
    r"""Whether `w` ends with one of `words` at a word start, then whitespace: what
    re.search(r"\b(?:w1|w2|...)\s+$", w) finds (\s is str.isspace, \w is isalnum or "_"),
    without trying the pattern at every position of w."""
    r = w.rstrip()
    if len(r) == len(w) or not r.endswith(words):
        return False
    for x in words:
        if r.endswith(x):
            k = len(r) - len(x)
            if k == 0 or not (r[k - 1].isalnum() or r[k - 1] == "_"):
                return True
    return False


def safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


# Rules that open with an optional prefix (r"(?:this\s+)?\d...") are tried by `re` at every
# position. They now open with the mandatory part (re then skips straight to it) and the
# handler extends the match left over the prefix with these helpers, reading the prefix
# right to left. The match must not start before the search's start (m.pos), as in a scan.
# \s in a str pattern is str.isspace: these are all such characters (none is above U+3000).
SPACE_CHARS = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())


def is_word(ch: str) -> bool:
    r"""Whether ch is \w in a str pattern."""
    return ch.isalnum() or ch == "_"


def space_start(s: str, lo: int, k: int, extra: str = "") -> int:
    r"""Start (>= lo) of the run of \s (and the `extra` characters) that ends at k; k if none."""
    return lo + len(s[lo:k].rstrip(SPACE_CHARS + extra if extra else None))


def word_start(s: str, lo: int, k: int, words: tuple[str, ...]) -> int:
    r"""Start j >= lo of one of `words` (each opening with a word character) that is s[j:k]
    with \b before it; -1 if none. With words that end alike, the first listed wins."""
    if not s.endswith(words, lo, k):
        return -1
    for w in words:
        if s.endswith(w, lo, k):
            j = k - len(w)
            if j == 0 or not is_word(s[j - 1]):
                return j
    return -1


def opening_set(alts: list[str]) -> str:
    r"""r"\b(?:alt1|alt2|...)" as a pattern that opens with a character set, which `re`
    skips to quickly: the first character is read first, then the \b before it is checked
    by look-behind (at once for most positions, which sit inside words), then the
    alternatives opening with that character, by look-behind too, in their order (only
    those can match there, so the order of the others does not matter). Each alternative
    opens with a plain word character."""
    by_first: dict[str, list[str]] = {}
    for alt in alts:
        assert alt[0].isalnum(), alt
        by_first.setdefault(alt[0], []).append(alt[1:])
    branches = "|".join(f"(?<={re.escape(ch)})(?:{'|'.join(rest)})" for ch, rest in by_first.items())
    first = "".join(sorted(re.escape(ch) for ch in by_first))
    return f"[{first}](?<!\\w.)(?:{branches})"


_MON_ALTS = [r"jan(?:uary)?", r"feb(?:ruary)?", r"mar(?:ch)?", r"apr(?:il)?", "may", "june?", "july?",
             r"aug(?:ust)?", r"sep(?:t(?:ember)?)?", r"oct(?:ober)?", r"nov(?:ember)?", r"dec(?:ember)?"]
assert MON == f"(?:{'|'.join(_MON_ALTS)})(?![a-z])\\.?"
# r"\b{MON}", opening with a character set
MON_FAST = opening_set(_MON_ALTS) + r"(?![a-z])\.?"


def rel_start(s: str, lo: int, e: int, words: tuple[str, ...], after_this: tuple[str, ...] = ()) -> tuple[int, int]:
    r"""r"\b(?:this\s+(?:after_this)|words)\s+" ending at e, the longest: (its start, the end
    of its words); (e, e) if there is none."""
    k = space_start(s, lo, e)
    j = word_start(s, lo, k, words) if k < e else -1
    if j < 0:
        return e, e
    if after_this and s[j:k] in after_this:
        k2 = space_start(s, lo, j)
        if k2 < j and (j2 := word_start(s, lo, k2, ("this",))) >= 0:
            return j2, k
    return j, k


def word_space_start(s: str, lo: int, e: int, words: tuple[str, ...]) -> int:
    r"""Start of r"\b(?:words)\s+" ending at e (see word_start); -1 if none."""
    k = space_start(s, lo, e)
    return word_start(s, lo, k, words) if k < e else -1


def may_follow_prefix(s: str, lo: int, q: int, lasts: str, seps: str = "") -> bool:
    """A cheap necessary test for an optional prefix of words that ends with a run of
    whitespace (or `seps`) at q: that run is there, and the character before it is one
    that can end the prefix's words (`lasts`), or the run goes on (not decided here)."""
    if q - 2 < lo:
        return False
    ch = s[q - 1]
    if not (ch.isspace() or ch in seps):
        return False
    ch = s[q - 2]
    return ch in lasts or ch.isspace() or ch in seps
