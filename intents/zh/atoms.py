"""Atoms: the small facts each rule finds in the text (a weekday, a clock time, "到" …).

Every rule family registers (regex, builder) pairs here. `scan` runs all of them over
the text, then keeps the longest non-overlapping matches, leftmost first (as Duckling
keeps the widest parse).
"""
from __future__ import annotations

import datetime as dt
import re
import re._parser as _sre  # the regex syntax tree, read once per rule at import
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Callable

from ..prefilter import with_lookahead


@dataclass(slots=True)
class Atom:
    kind: str
    s: int
    e: int
    v: dict = field(default_factory=dict)


@dataclass(slots=True)
class Ctx:
    now: dt.datetime
    today: dt.date
    tz: dt.tzinfo
    text: str


Builder = Callable[[re.Match, Ctx], "Atom | list[Atom] | None"]
_RULES: list[tuple[re.Pattern, Builder, int]] = []
# Speed only: each rule's regex cannot match unless the text holds one of its required
# characters ("#d" stands for any \\d digit; "#d4"/"#d8" for a run of at least 4/8 of
# them). Rules with no such set always run.
_ALWAYS: set[int] = set()
_BY_CHAR: dict[str, set[int]] = {}
_KEYS: set[str] = set()  # _BY_CHAR's keys as a set: `chars & _KEYS` walks the smaller side
_ALSO: list[tuple[frozenset, ...]] = []  # per rule: the other sets the text must meet too
# Per rule, what scan needs: (other sets, bound search, builder, priority, rule index).
# A loop of `search` calls is cheaper than `finditer` (no scanner object per call).
_PLAN: list[tuple] = []
_DIGIT = re.compile(r"\d")
_D4, _D8 = re.compile(r"\d{4}"), re.compile(r"\d{8}")
_MAX_CLASS = 64  # a wider class ([^…], big ranges) is no useful filter


def _need(items, icase: bool = False) -> frozenset | None:
    """Characters of which every match of this sequence contains one, or None if unknown."""
    best = None
    for op, av in items:
        req = None
        if op is _sre.LITERAL:
            req = _chars((av,), icase)
        elif op is _sre.IN:
            req = _klass(av, icase)
        elif op is _sre.SUBPATTERN and not av[1] & re.IGNORECASE:
            req = _need(av[-1], icase)
        elif op is _sre.BRANCH:
            parts = [_need(b, icase) for b in av[1]]
            req = None if any(x is None for x in parts) else frozenset().union(*parts)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            req = _need(av[2], icase)
        elif op is _sre.ASSERT:  # a positive look-around also needs its text present
            req = _need(av[1], icase)
        if req is not None and (best is None or len(req) < len(best)):
            best = req
    return best


def _needs(items, icase: bool = False) -> list[frozenset]:
    """Every character set the sequence cannot match without (all of them, where _need
    keeps the smallest): a rule runs only when the text meets each."""
    out: list[frozenset] = []
    for op, av in items:
        if op is _sre.SUBPATTERN and not av[1] & re.IGNORECASE:
            out += _needs(av[-1], icase)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            out += _needs(av[2], icase)
        elif op is _sre.ASSERT:
            out += _needs(av[1], icase)
        elif op in (_sre.LITERAL, _sre.IN, _sre.BRANCH):
            req = _need([(op, av)], icase)
            if req is not None:
                out.append(req)
    return out


def _chars(codes, icase: bool) -> frozenset | None:
    """Under IGNORECASE an ASCII letter stands for both cases (texts are checked with their
    lower- and upper-cased characters too); other cased letters are not worth the risk."""
    out = set()
    for c in map(chr, codes):
        if icase and c.lower() != c.upper():
            if not c.isascii():
                return None
            out.update((c.lower(), c.upper()))
        else:
            out.add(c)
    return frozenset(out)


def _klass(items, icase: bool) -> frozenset | None:
    out: set[str] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            got = _chars((av,), icase)
        elif op is _sre.RANGE and av[1] - av[0] < _MAX_CLASS:
            got = _chars(range(av[0], av[1] + 1), icase)
        elif op is _sre.CATEGORY and av is _sre.CATEGORY_DIGIT:
            got = frozenset(("#d",))
        else:
            got = None
        if got is None:
            return None
        out |= got
    return frozenset(out) if len(out) <= _MAX_CLASS else None


def required_chars(rx: re.Pattern) -> frozenset | None:
    """See _BY_CHAR; for an IGNORECASE pattern, test `text_chars(text, cased=True)`."""
    return _need(_sre.parse(rx.pattern, rx.flags & ~re.UNICODE), bool(rx.flags & re.IGNORECASE))


def text_chars(text: str, cased: bool = False) -> set[str]:
    chars = set(text)
    if cased:
        chars.update(text.lower(), text.upper())
    if _DIGIT.search(text):
        chars.add("#d")
        if _D4.search(text):
            chars.add("#d4")
            if _D8.search(text):
                chars.add("#d8")
    return chars


_DIGIT_ITEMS = (_sre.LITERAL, _sre.RANGE, _sre.CATEGORY)


def _digits_only(op, av) -> bool:
    """Whether this one-character item matches only \\d digits."""
    if op is _sre.LITERAL:
        return chr(av) in "0123456789"
    if op is not _sre.IN or not av:
        return False
    for o, a in av:
        if not (o is _sre.LITERAL and chr(a) in "0123456789" or o is _sre.RANGE and 48 <= a[0] <= a[1] <= 57
                or o is _sre.CATEGORY and a is _sre.CATEGORY_DIGIT):
            return False
    return True


def _run(items) -> tuple[bool, int, int]:
    """(matches only digits, fewest characters it consumes, longest digit run every match has)."""
    only, total, run, best = True, 0, 0, 0
    for op, av in items:
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue  # zero-width: the characters on either side stay adjacent
        d, n, b = _run_item(op, av)
        best = max(best, b)
        if d:
            run, total = run + n, total + n
            best = max(best, run)
        else:
            only, run = False, 0
    return only, total, best


def _run_item(op, av) -> tuple[bool, int, int]:
    if op in (_sre.LITERAL, _sre.IN):
        return (True, 1, 1) if _digits_only(op, av) else (False, 0, 0)
    if op is _sre.SUBPATTERN and not (av[1] or av[2]):
        return _run(av[3])
    if op is _sre.BRANCH:
        alts = [_run(a) for a in av[1]]
        only = all(d for d, _, _ in alts)
        return only, min(n for _, n, _ in alts) if only else 0, min(b for _, _, b in alts)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        d, n, b = _run(av[2])
        if av[0] == 0:
            return d, 0, 0
        return d, n * av[0], n * av[0] if d else b
    return False, 0, 0


def _run_mark(rx: re.Pattern) -> str | None:
    best = _run(_sre.parse(rx.pattern, rx.flags & ~re.UNICODE))[2]
    return "#d8" if best >= 8 else "#d4" if best >= 4 else None


def rule(pattern: str, priority: int = 0):
    """Register a builder for a regex (compiled once, at import)."""
    rx = re.compile(pattern)

    def deco(fn: Builder) -> Builder:
        idx = len(_RULES)
        fast = with_lookahead(rx)
        # scan steps past each match with search(text, end): sound only for a regex
        # that never matches the empty string (finditer's rules differ there)
        if not _sre.parse(rx.pattern, rx.flags).getwidth()[0]:
            raise ValueError(f"rule {fn.__name__} can match empty text")
        _RULES.append((fast, fn, priority))
        mark = _run_mark(rx)
        sets = _needs(_sre.parse(rx.pattern, rx.flags & ~re.UNICODE), bool(rx.flags & re.IGNORECASE))
        if mark:  # a long run of digits implies a digit
            sets = [frozenset((mark,))] + [x for x in sets if x != {"#d"}]
        # the rarest set files the rule (digits are common: a set with them files it last)
        need = min(sets, key=lambda x: (len(x), "#d" in x), default=None)
        also = []
        for x in sorted(sets, key=len):
            if not any(y <= x for y in also + [need]):
                also.append(x)
        _ALSO.append(tuple(also))
        _PLAN.append((tuple(also), fast.search, fn, -priority, idx))
        if need is None:
            _ALWAYS.add(idx)
        else:
            _KEYS.update(need)
            for ch in need:
                _BY_CHAR.setdefault(ch, set()).add(idx)
        return fn
    return deco


_BUILD_ERRORS = (ValueError, OverflowError, KeyError, TypeError, ZeroDivisionError)
_AT = attrgetter("s", "e")


def scan(text: str, ctx: Ctx, chars: set[str] | None = None) -> list[Atom]:
    """All atoms of the text: the longest non-overlapping matches. `chars` is
    text_chars(text) when the caller has it already."""
    if chars is None:
        chars = text_chars(text)
    # (-length, -priority, rule, start, end, atoms): plain tuples sort in C. The first
    # four are unique per match, so the atoms themselves are never compared.
    cands: list[tuple] = []
    plan = _PLAN
    for idx in _ALWAYS.union(*map(_BY_CHAR.__getitem__, chars & _KEYS)):
        also, search, fn, nprio, _ = plan[idx]
        for x in also:
            if chars.isdisjoint(x):
                break
        else:
            m = search(text)
            while m is not None:
                s, e = m.span()
                try:
                    got = fn(m, ctx)
                except _BUILD_ERRORS:
                    got = None  # an impossible date such as 2月30日 is simply not a date
                if got:
                    cands.append((s - e, nprio, idx, s, e, got))
                m = search(text, e)
    if not cands:
        return []
    if len(cands) == 1:
        got = cands[0][5]
        if not isinstance(got, list):
            return [got]
        return sorted(got, key=_AT)
    # Longest span wins; then higher priority; then earlier rule.
    cands.sort()
    used = bytearray(len(text) + 1)
    out: list[Atom] = []
    for _n, _p, _i, s, e, got in cands:
        if used.find(1, s, e) >= 0:
            continue
        used[s:e] = b"\x01" * (e - s)
        if isinstance(got, list):
            out.extend(got)
        else:
            out.append(got)
    out.sort(key=_AT)
    return out
