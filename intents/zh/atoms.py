"""Atoms: the small facts each rule finds in the text (a weekday, a clock time, "到" …).

Every rule family registers (regex, builder) pairs here. `scan` runs all of them over
the text, then keeps the longest non-overlapping matches, leftmost first (as Duckling
keeps the widest parse).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Callable


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


def rule(pattern: str, priority: int = 0):
    """Register a builder for a regex (compiled once, at import)."""
    rx = re.compile(pattern)

    def deco(fn: Builder) -> Builder:
        _RULES.append((rx, fn, priority))
        return fn
    return deco


def scan(text: str, ctx: Ctx) -> list[Atom]:
    cands: list[tuple[int, int, int, int, list[Atom]]] = []
    for idx, (rx, fn, prio) in enumerate(_RULES):
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
