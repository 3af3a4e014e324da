"""Two weekdays named as one span: "thursday and friday", "thu/fri afternoon", "thu/fri next week"."""
from __future__ import annotations

import datetime as dt
import re

from ..timeutil import ONE_DAY, at
from . import clock
from .lex import Ctx, Tok
from .resolve import _glued


# What may stand between two paired days besides an "and" connector: "thu/fri", "thu, fri", "thu or fri".
_PAIR_GAP = re.compile(r"[\s,/&]*(?:or[\s,]+)?")
_PAIR_SPACE = re.compile(r"[\s,]*")
_CLOCK_KINDS = frozenset(["time", "num", "inst"])


def day_pairs(seq: list[Tok], c: Ctx) -> list[Tok]:
    """"thursday and friday", "thu/fri afternoon" (as 周四周五): a weekday and the day after it
    name both days — one all-day span, or, with a part of day after the second, one window from
    that part of the first day to its end on the second (the contract has one window). Not with
    a clock time ("thursday and friday at 3" stays Thursday) nor after "between" (a range)."""
    if any(t.kind in _CLOCK_KINDS for t in seq):
        return seq
    out: list[Tok] = []
    i, n = 0, len(seq)
    while i < n:
        t = seq[i]
        j = i + 1
        if t.kind == "day" and "wd" in t.f and j < n and not (out and out[-1].kind == "conn" and out[-1].v == "between"):
            if seq[j].kind == "conn" and seq[j].v == "and" and _PAIR_SPACE.fullmatch(c.s, t.b, seq[j].a):
                j += 1
                gap = j < n and _PAIR_SPACE.fullmatch(c.s, seq[j - 1].b, seq[j].a)
            else:
                gap = _PAIR_GAP.fullmatch(c.s, t.b, seq[j].a)
            u = seq[j] if gap else None
            if u is not None and u.kind == "day" and "wd" in u.f and _adjacent(t, u):
                part = seq[j + 1] if j + 1 < n and seq[j + 1].kind == "part" and _glued(c, u, seq[j + 1]) else None
                k = j + 2 if part is not None else j + 1
                last = part or u
                week = seq[k] if k < n and seq[k].kind == "span" and seq[k].f.get("grain") == "week" \
                    and not t.f.get("week_fixed") and _glued(c, last, seq[k]) else None
                first, second = t.day(), t.day() + ONE_DAY
                if u.f.get("week_fixed") and not t.f.get("week_fixed"):  # "thu/fri next week"
                    first, second = u.day() - ONE_DAY, u.day()
                if week is not None:  # "thu/fri next week": the two days of that week
                    first = week.days()[0] + dt.timedelta(days=t.day().weekday())
                    second = first + ONE_DAY
                    last = week
                if part is not None and part.word() in clock.PARTS:
                    lo, hi = clock.PARTS[part.word()]
                    out.append(Tok("win", t.a, last.b, (at(first, lo, 0, c.tz), at(second, hi, 0, c.tz)), {}))
                else:
                    out.append(Tok("span", t.a, last.b, (first, second + ONE_DAY), {"grain": "day", "explicit": True}))
                i = k + 1 if week is not None else k
                continue
        out.append(t)
        i += 1
    return out


def _adjacent(t: Tok, u: Tok) -> bool:
    """Weekday u is the day after weekday t, once a week named on one side holds for both
    ("thu/fri next week", "next thu/fri")."""
    if u.day() == t.day() + ONE_DAY:
        return True
    return bool(t.f.get("week_fixed")) != bool(u.f.get("week_fixed")) and u.f["wd"] == t.f["wd"] + 1
