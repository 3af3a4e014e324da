"""Combine recognised pieces into one time: a point (day + clock or part of day), a
closed range (X to Y, between X and Y), an open one (before/until/after/by X), plus a
duration and a recurrence. Conventions follow the contract (see intents-contract.md)."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Set as AbstractSet
from dataclasses import dataclass, field
from typing import Literal
from operator import attrgetter

from ..timeutil import ONE_DAY, ONE_MINUTE, ampm_default, at, weekday_in_week
from . import clock, dates, durations, fields, holidays, periods, ranges, recurrence, relative, zones
from ..prefilter import with_lookahead
from .. import narrow
from ..regex_nodes import min_width
from ..regex_tree import parse
from .gates import gate_for, tokens
from .lex import Ctx, Tok

_MODULES = (recurrence, holidays, periods, ranges, relative, dates, fields, durations, clock, zones)
RULES = [(with_lookahead(rx), fn, prio,
          gate_for(mod.__name__.rsplit(".", 1)[-1], fn.__name__))
         for prio, mod in enumerate(_MODULES) for rx, fn in mod.RULES]
# Rule indices by trigger token, so a message only visits the rules its tokens can wake.
_ALWAYS = frozenset(i for i, r in enumerate(RULES) if r[3][0] is None)
_BY_TOKEN: dict[str, frozenset] = {}
for _i, _r in enumerate(RULES):
    for _t in _r[3][0] or ():
        _BY_TOKEN[_t] = _BY_TOKEN.get(_t, frozenset()) | {_i}
POINT_KINDS = {"day", "span", "time", "num", "part", "inst", "win"}
_GLUE = re.compile(r"^[\s,]*(?:(?:at|on|of|in|the|around|about|approximately|for|@|,)[\s,]*)*$")
_GLUE_NUM = re.compile(r"^[\s,]*(?:(?:at|on|in|the|around|about|@|,)[\s,]*)*$")


_START = attrgetter("a")  # a C-level sort key
# What scan runs per rule: the bound search (see scan), the handler, the module's priority,
# the rule's index (ties of equal length, priority and start keep rule order, as in a scan
# that visits the rules in order), the extra gate and whether the handler waits (_WAITING).
# Handlers that raise nothing but _NO_MATCH and whose token, if any, ends where their match
# does and starts where the match does (True) or where the given function says: their call
# waits until the match is known to win its place (most of their matches lose it to a longer
# token: "3" and "march" in "march 3", "to" in "5 to 7pm").
# A waiting handler's token starts where its match does (True) or where the function says.
_WAITING: dict[Callable[..., object], Literal[True] | Callable[[re.Match[str], Ctx], int]] = {clock._num: True, relative._weekday: True, ranges._conn: True, ranges._dash: True,
            periods._rel_period: True, dates._year: True, dates._month: dates.month_start,
            dates._dom: dates.dom_start}
_RUN = [(rx.search, fn, prio, i, extra, _WAITING.get(fn)) for i, (rx, fn, prio, (_, extra)) in enumerate(RULES)]
_HANDLER = [fn for _, fn, _, _ in RULES]
_ALWAYS_RUN = frozenset(_RUN[i] for i in _ALWAYS)
_RUN_BY_TOKEN = {t: frozenset(_RUN[i] for i in ix) for t, ix in _BY_TOKEN.items()}
if any(min_width(parse(r[0].pattern, r[0].flags).items) == 0 for r in RULES):
    raise ValueError("a rule that can match empty needs finditer's step past it in scan")
_NO_MATCH = (ValueError, OverflowError, KeyError, IndexError)


def scan(c: Ctx) -> list[Tok]:
    """Every rule's matches, then the longest non-overlapping ones (earlier rule wins ties)."""
    # (start - end, priority, start, rule, Tok, or the Match of a rule whose handler waits)
    found: list[tuple] = []
    s = c.s
    toks = c.toks = tokens(s)
    # the visiting order does not matter: the sort key ends with the rule index
    # (sets merge by their stored hashes: the rule tuples are not hashed again)
    woken = _ALWAYS_RUN.union(*map(_RUN_BY_TOKEN.__getitem__, _RUN_BY_TOKEN.keys() & toks))
    for search, fn, prio, i, extra, wait in woken:
        if extra is not None and not extra(s, toks):
            continue
        # search from the last end is what finditer does (no rule can match empty), and a
        # search that finds nothing, the usual case, costs a fraction of a finditer setup
        m = search(s)
        if wait is True:
            while m is not None:
                a, b = m.span()
                found.append((a - b, prio, a, i, m))
                m = search(s, b)
            continue
        if wait is not None:
            while m is not None:
                b = m.end()
                try:
                    a = wait(m, c)
                except _NO_MATCH:
                    a = b  # the handler would fail as its start did: no entry
                if a < b:
                    found.append((a - b, prio, a, i, m))
                m = search(s, b)
            continue
        while m is not None:
            try:
                t = fn(m, c)
            except _NO_MATCH:
                t = None  # an impossible date ("Feb 30", year 0) is simply not a match
            if t is not None and t.b > t.a:
                found.append((t.a - t.b, prio, t.a, i, t))
            m = search(s, m.end())
    if len(found) < 2:
        if not found:
            return []
        t = _settled(found[0][3], found[0][4], c)
        return [] if t is None else [t]
    found.sort()  # (length, priority, start, rule) are never all equal: the 5th is never compared
    taken: list[Tok] = []
    if len(found) <= 16:  # the usual few: compare with the taken ones (no position map)
        for d, _, a, i, t in found:
            b = a - d
            for u in taken:
                if u.a < b and a < u.b:
                    break
            else:
                if t.__class__ is not Tok and (t := _settled(i, t, c)) is None:
                    continue
                taken.append(t)
        if len(taken) < 2:
            return taken
    else:
        used = bytearray(len(s) + 1)
        for d, _, a, i, t in found:
            b = a - d
            if used.find(1, a, b) < 0:
                if t.__class__ is not Tok and (t := _settled(i, t, c)) is None:
                    continue
                taken.append(t)
                used[a:b] = b"\x01" * (b - a)
    taken.sort(key=_START)
    return taken


def _settled(i: int, x: Tok | re.Match, c: Ctx) -> Tok | None:
    """The token of rule i's found entry x: a waiting handler runs now on its Match (its
    token spans the entry's place: the place it won is the one it would have won)."""
    if x.__class__ is Tok:
        return x
    try:
        return _HANDLER[i](x, c)
    except _NO_MATCH:
        return None


@dataclass(slots=True)
class Val:
    """One resolved side: kind date|dates|dt|win (and, combined, range|until_day|from_day);
    start/end as the contract's fields: dates for date|dates|*_day, datetimes otherwise."""
    kind: str
    start: dt.date | None
    end: dt.date | None = None
    assumptions: list[str] = field(default_factory=list)

    # The kind fixes which of these hold; each fails loudly (ShapeError) if one does not.
    def start_day(self) -> dt.date:
        return narrow.day(self.start, f"start of a {self.kind} value")

    def start_dt(self) -> dt.datetime:
        return narrow.moment(self.start, f"start of a {self.kind} value")

    def end_dt(self) -> dt.datetime:
        return narrow.moment(self.end, f"end of a {self.kind} value")


def _glued(c: Ctx, a: Tok, b: Tok, rx=_GLUE) -> bool:
    return bool(rx.match(c.s[a.b:b.a]))


def _mer_hour(h: int, mer: str | None) -> int:
    if mer == "pm" and h < 12:
        return h + 12
    if mer == "am" and h == 12:
        return 0
    return h


_NONE = (None,)  # (k.get(kind) or _NONE)[0]: a kind's first token or None (the lists are never empty)
_DAYISH = frozenset(["day", "span", "inst", "win"])


class Point:
    """The pieces of one side of a range, with the message's other pieces as context."""
    __slots__ = ("c", "toks", "k", "own", "mer_hint")

    def __init__(self, toks: list[Tok], ctx: list[Tok], c: Ctx):
        self.c = c
        self.toks = toks
        kinds: dict[str, list[Tok]] = {}
        for t in toks:
            v = kinds.get(t.kind)
            if v is None:
                kinds[t.kind] = [t]
            else:
                v.append(t)
        self.k = kinds
        self.mer_hint: str | None = None
        self.own: AbstractSet[str]
        if not ctx:  # the usual case: nothing is added, so the kinds' keys are the own kinds
            self.own = kinds.keys()
            return
        own = self.own = set(kinds)
        has_day = not _DAYISH.isdisjoint(own)
        for t in ctx:  # context supplies what this side lacks (a day, a part of day)
            if t.kind == "part" and "part" not in own:
                kinds.setdefault("part", []).append(t)
            elif t.kind in ("day", "span") and not has_day:
                kinds.setdefault(t.kind, []).append(t)
            elif t.kind == "span" and t.f.get("grain") == "week" and "span" not in own \
                    and any("wd" in d.f and not d.f.get("week_fixed") for d in kinds.get("day", [])):
                kinds.setdefault("span", []).append(t)

    def first(self, kind: str) -> Tok | None:
        v = self.k.get(kind)
        return v[0] if v else None

    def day(self) -> dt.date | None:
        return self._day((self.k.get("span") or _NONE)[0])

    def _day(self, span: Tok | None) -> dt.date | None:
        days = self.k.get("day")
        if not days:
            return None
        best = days[0]
        if len(days) > 1:
            for d in days:
                if "year" in d.f or "md" in d.f:
                    best = d
                    break
        f = best.f
        if span is not None and "wd" in f and not f.get("week_fixed") and span.f.get("grain") == "week":
            return weekday_in_week(span.days()[0], f["wd"])
        if span is not None and "dom" in f and span.f.get("grain") == "month":
            first = span.days()[0]
            return dates.safe_date(first.year, first.month, f["dom"]) or best.day()
        return best.day()

    def clock(self) -> tuple[int, int, int, str | None, bool] | None:
        """(hour, minute, second, meridiem, unambiguous) from a time or a promoted bare number."""
        k = self.k
        return self._clock((k.get("time") or _NONE)[0], (k.get("num") or _NONE)[0])

    def _clock(self, t: Tok | None, n: Tok | None) -> tuple[int, int, int, str | None, bool] | None:
        if t is not None:
            return (*t.hms(), t.f.get("mer"), t.f.get("h24", False))
        if n is None:
            return None
        if n.f.get("at") or n.f.get("hour") or any(
                _glued(self.c, n, o, _GLUE_NUM) or _glued(self.c, o, n, _GLUE_NUM)
                for o in self.toks if o.kind in ("day", "part")):
            h = n.number()
            if h > 24:
                return None
            return (h, 0, 0, None, h > 12 or h == 0)
        return None

    def resolve(self) -> Val | None:
        c, k = self.c, self.k
        # k does not change while resolving: each kind's first token is read once
        g = k.get
        time_t = (g("time") or _NONE)[0]
        win = (g("win") or _NONE)[0]
        if win and not time_t:
            return Val("win", *win.window())
        nums = g("num") or []
        num = nums[0] if nums else None
        span, dtok = (g("span") or _NONE)[0], (g("day") or _NONE)[0]
        part = (g("part") or _NONE)[0]
        inst = (g("inst") or _NONE)[0]
        clk = self._clock(time_t, num)
        day = self._day(span) if dtok is not None else None
        if clk is None and num and time_t is None and day is None and span \
                and span.f.get("grain") == "month":
            s = span.days()[0]
            d = dates.safe_date(s.year, s.month, num.number())
            return Val("date", d) if d else None
        if clk is None and num and day is None and time_t is None \
                and len(nums) == 1 and span is None and part is None and inst is None:
            return None
        if inst is not None and clk is None:
            return Val("dt", inst.instant())
        if inst is not None and inst.f.get("offset") and clk is not None:
            day = inst.instant().date()
        if day is None and num and (time_t or inst) and not num.f.get("at"):
            day = dates.dom_date(num.number(), c.today)  # "15, 8pm": the number is a day
        tz = c.tz
        if day is None:
            if dtok is None and part is not None and "day" in part.f:
                day = c.today + dt.timedelta(days=part.f["day"])
        pname = part.word() if part else None
        if pname is None and dtok is not None and dtok.f.get("part"):
            pname = dtok.f["part"]
        if clk is not None:
            h, mi, sec, mer, fixed = clk
            assumptions = []
            mer = mer or self.mer_hint
            if mer:
                h = _mer_hour(h, mer)
            elif pname and not fixed:
                pm = clock.meridiem_of(pname)
                h = _mer_hour(h, pm) if pm else (h + 12 if 1 <= h <= 6 else h)
            elif not fixed:
                h, why = ampm_default(h)
                if why:
                    assumptions.append(why)
            if h >= 24:
                h -= 12
            if day is None:
                if span is not None and span.f.get("grain") in ("day", "fuzzy") \
                        and span.days()[1] - span.days()[0] == ONE_DAY:
                    day = span.days()[0]
            if day is None:
                t = at(c.today, h, mi, tz)  # at() gives second 0: replace only another one
                if sec:
                    t = t.replace(second=sec)
                if t < c.now - ONE_MINUTE:
                    t = at(c.today + ONE_DAY, h, mi, tz)
                    if sec:
                        t = t.replace(second=sec)
                    assumptions.append("rolled_to_tomorrow")
                return Val("dt", t, None, assumptions)
            t = at(day, h, mi, tz)
            return Val("dt", t.replace(second=sec) if sec else t, None, assumptions)
        if pname is not None:
            lo, hi = clock.PARTS.get(pname, (9, 12))
            base = day or c.today  # a bare part of day names today's (like "this morning")
            return Val("win", at(base, lo, 0, c.tz), at(base, hi, 0, c.tz))
        if day is not None:
            return Val("date", day)
        if span is not None:
            s, e = span.days()
            if span.f.get("explicit"):
                return Val("dates", s, e - dt.timedelta(days=1))
            return Val("win", at(s, 0, 0, c.tz), at(e, 0, 0, c.tz))
        return None


def _last_day(v: Val) -> dt.date | None:
    """The inclusive last day of a day-grain value."""
    if v.kind == "dates":
        return v.end
    if v.kind == "date":
        return v.start
    return None


def _end_of(v: Val, c: Ctx) -> dt.datetime:
    if v.kind == "win":
        return v.end_dt()
    if v.kind in ("date", "dates"):
        return at(narrow.day(_last_day(v), "last day") + dt.timedelta(days=1), 0, 0, c.tz)
    return v.start_dt()


def _as_dt(x: dt.date | None, c: Ctx) -> dt.datetime:
    return x if isinstance(x, dt.datetime) else at(narrow.day(x, "start"), 0, 0, c.tz)
