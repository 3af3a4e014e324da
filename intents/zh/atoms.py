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
# characters ("#d" stands for any \\d digit). Rules with no such set always run.
_ALWAYS: set[int] = set()
_BY_CHAR: dict[str, set[int]] = {}
_DIGIT = re.compile(r"\d")
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
    return chars


def rule(pattern: str, priority: int = 0):
    """Register a builder for a regex (compiled once, at import)."""
    rx = re.compile(pattern)

    def deco(fn: Builder) -> Builder:
        idx = len(_RULES)
        _RULES.append((with_lookahead(rx), fn, priority))
        need = required_chars(rx)
        if need is None:
            _ALWAYS.add(idx)
        else:
            for ch in need:
                _BY_CHAR.setdefault(ch, set()).add(idx)
        return fn
    return deco


def scan(text: str, ctx: Ctx) -> list[Atom]:
    cands: list[tuple[int, int, int, int, list[Atom]]] = []
    active = _ALWAYS.union(*map(_BY_CHAR.__getitem__, _BY_CHAR.keys() & text_chars(text)))
    for idx in sorted(active):
        rx, fn, prio = _RULES[idx]
        for m in rx.finditer(text):
            if m.end() == m.start():
                continue
            try:
                got = fn(m, ctx)
            except (ValueError, OverflowError, KeyError, TypeError, ZeroDivisionError):
                got = None  # an impossible date such as 2月30日 is simply not a date
            if not got:
                continue
            atoms = got if isinstance(got, list) else [got]
            cands.append((m.start(), m.end(), prio, idx, atoms))
    # Longest span wins; then higher priority; then earlier rule.
    cands.sort(key=lambda c: (-(c[1] - c[0]), -c[2], c[3], c[0]))
    taken: list[tuple[int, int]] = []
    out: list[Atom] = []
    for s, e, _p, _i, atoms in cands:
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        out.extend(atoms)
    out.sort(key=lambda a: (a.s, a.e))
    return out
