"""Atoms: the small facts each rule finds in the text (a weekday, a clock time, "到" …).

Every rule family registers (regex, builder) pairs here. `scan` runs all of them over
the text, then keeps the longest non-overlapping matches, leftmost first (as Duckling
keeps the widest parse).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from operator import attrgetter
from collections.abc import Callable

from ..prefilter import with_lookahead
from ..regex_nodes import min_width
from ..regex_tree import parse
from .gates import rule_gate, text_chars


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
# Speed only: each rule's regex cannot match unless the text meets every one of its gate
# sets (see gates.py). A rule's sets are filed as bits in one mask per character: lane k
# (bits k*_LANE…) holds bit i when rule i's k-th set has that character, and _FREE holds
# bit i in lane k when rule i has no k-th set. Scan ORs the masks of the text's characters
# into _FREE; rule i may match only if its bit is set in every lane. Then tables turn each
# 12 bits of the result into the plans of those rules: OR-ing ints and a few lookups beat
# testing sets.
_LANE = 64  # bits per lane: at most this many rules
_LANES = 4  # the filing set and up to three others (a further set is not checked: the gate
#             only saves work, it never decides a match)
_MASK: dict[str, int] = {}
_KEYS: set[str] = set()  # _MASK's keys as a set: `chars & _KEYS` walks the smaller side
_FREE = 0
# Per rule, what scan needs: (bound search, builder, -priority, rule index).
# A loop of `search` calls is cheaper than `finditer` (no scanner object per call).
_PLAN: list[tuple] = []
_TABLES: list[list[tuple]] = []  # built on first use, once every rule is registered


def rule(pattern: str, priority: int = 0):
    """Register a builder for a regex (compiled once, at import)."""
    rx = re.compile(pattern)

    def deco(fn: Builder) -> Builder:
        idx = len(_RULES)
        fast = with_lookahead(rx)
        # scan steps past each match with search(text, end): sound only for a regex
        # that never matches the empty string (finditer's rules differ there)
        if not min_width(parse(rx.pattern, rx.flags).items):
            raise ValueError(f"rule {fn.__name__} can match empty text")
        _RULES.append((fast, fn, priority))
        if idx >= _LANE:
            raise ValueError(f"more rules than a gate lane holds: raise _LANE (rule {fn.__name__})")
        need, also = rule_gate(rx)
        _PLAN.append((fast.search, fn, -priority, idx))
        global _FREE
        _TABLES.clear()
        sets = ((need,) + also)[:_LANES] if need is not None else ()
        for lane in range(_LANES):
            bit = 1 << (idx + lane * _LANE)
            if lane >= len(sets):
                _FREE |= bit
                continue
            _KEYS.update(sets[lane])
            for ch in sets[lane]:
                _MASK[ch] = _MASK.get(ch, 0) | bit
        return fn
    return deco


_BUILD_ERRORS = (ValueError, OverflowError, KeyError, TypeError, ZeroDivisionError)
_AT = attrgetter("s", "e")


def scan(text: str, ctx: Ctx, chars: set[str] | None = None) -> list[Atom]:
    """All atoms of the text: the longest non-overlapping matches. `chars` is
    text_chars(text) when the caller has it already."""
    if chars is None:
        chars = text_chars(text)
    # (-length, -priority, rule, start, builder, match): plain tuples sort in C. The first
    # four are unique per match, so builders and matches are never compared.
    cands: list[tuple] = []
    n = len(text)
    lanes = _FREE
    for ch in chars & _KEYS:
        lanes |= _MASK[ch]
    bits = lanes & lanes >> _LANE & lanes >> 2 * _LANE & lanes >> 3 * _LANE  # (_LANES == 4)
    active: tuple = ()
    for table in _TABLES or build_index():
        active += table[bits & _FULL]
        bits >>= _WIDTH
    for search, fn, nprio, idx in active:
        m = search(text)
        while m is not None:
            s, e = m.span()
            cands.append((s - e, nprio, idx, s, fn, m))
            m = search(text, e) if e < n else None  # a match is never empty
    if not cands:
        return []
    if len(cands) == 1:
        got = _build(cands[0][4], cands[0][5], ctx)
        if not got:
            return []
        return sorted(got, key=_AT) if isinstance(got, list) else [got]
    # Longest span wins; then higher priority; then earlier rule. A builder runs only for
    # a match that no winner overlaps (the outcome is the same, and losers cost nothing).
    cands.sort()
    used = 0  # bit i: text[i] is taken by a winner
    out: list[Atom] = []
    for neg, _p, _i, s, fn, m in cands:
        span = (1 << (s - neg)) - (1 << s)  # bits s … e-1
        if used & span:
            continue
        try:
            got = fn(m, ctx)
        except _BUILD_ERRORS:
            continue  # an impossible date such as 2月30日 is simply not a date
        if not got:
            continue
        used |= span
        if isinstance(got, list):
            out.extend(got)
        else:
            out.append(got)
    if len(out) > 1:
        out.sort(key=_AT)
    return out


_WIDTH = 12  # rules per table (a table has 2**_WIDTH entries)
_FULL = (1 << _WIDTH) - 1


def build_index() -> list[list[tuple]]:
    """Per run of _WIDTH rules, every subset of them (as bits) → their plans. Timeparse
    builds them once its rule modules are imported; scan builds them if a rule came later."""
    tables = []
    for q in range(0, len(_PLAN), _WIDTH):
        plans = _PLAN[q:q + _WIDTH]
        table: list[tuple] = [()]
        for x in range(1, 1 << _WIDTH):
            top = x.bit_length() - 1  # x is x without its top bit, plus that rule
            table.append(table[x ^ 1 << top] + ((plans[top],) if top < len(plans) else ()))
        tables.append(table)
    _TABLES[:] = tables
    return _TABLES


def _build(fn: Builder, m: re.Match, ctx: Ctx) -> Atom | list[Atom] | None:
    try:
        return fn(m, ctx)
    except _BUILD_ERRORS:
        return None  # an impossible date such as 2月30日 is simply not a date
