"""Atoms → groups (one point in time: 明天 + 下午 + 3点) → moments, then ranges and bounds.

A group is a run of atoms with only spaces, commas or 的 between them, each filling a
different slot in roughly coarse-to-fine order (year, month, day, part of day, clock).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .. import narrow
from ..timeutil import DAYS, ONE_DAY, ONE_MINUTE, add_months, at, monday_of, next_weekday
from .atoms import Atom, Ctx
from .clock import WINDOWS, hour24
from .holidays import holiday_date, next_holiday
from .relative import sub_span

_GAP = re.compile(r"(?:[\s,，的、(（]|大约|大概|约莫|约)*")  # 下午3点（纽约时间）: a zone in brackets
_RANK = {"set": 0, "zone": 0, "wd": 0, "year": 1, "month": 2, "week": 2, "hol": 3, "dom": 3,
         "ord": 3, "weekend": 3, "date": 3, "sub": 3, "period": 3, "instant": 3, "pod": 4, "clock": 5}
_DAYLEVEL = {"year", "month", "dom", "date", "wd", "week", "weekend", "hol", "ord", "sub", "period", "instant"}
_EXCLUSIVE = {"date", "period", "instant"}
_BREAKS = frozenset(("conn", "between", "bound", "from", "until", "dur"))  # atoms that end a group
# Per kind, the kinds a group must not hold yet to take it: those ranked above it (a group
# fills coarse to fine), none for a weekday, zone or repeat (they fit anywhere).
_ABOVE = {k: frozenset() if k in ("wd", "zone", "set") else frozenset(x for x in _RANK if _RANK[x] > _RANK[k])
          for k in _RANK}


@dataclass(slots=True)
class Group:
    slots: dict = field(default_factory=dict)
    s: int = 0
    e: int = 0

    def can_take(self, a: Atom) -> bool:
        k, held = a.kind, self.slots.keys()
        if k in held:
            return False
        # one day-level slot at most when either is a whole date, period or instant
        if k in _DAYLEVEL and not held.isdisjoint(_DAYLEVEL) \
                and (k in _EXCLUSIVE or not held.isdisjoint(_EXCLUSIVE)):
            return False
        return held.isdisjoint(_ABOVE[k])

    def add(self, a: Atom) -> None:
        if not self.slots:
            self.s = a.s
        self.slots[a.kind] = a.v
        self.e = a.e

    def has_day(self) -> bool:
        return bool(_DAYLEVEL & self.slots.keys())


@dataclass(slots=True)
class Moment:
    # start and the text span first: most moments are built with just these, positionally
    # (a call with keywords costs a dict per call)
    start: dt.date | dt.datetime | None
    s: int = 0
    e: int = 0
    end: dt.date | dt.datetime | None = None
    all_day: bool = False
    window: bool = False           # start/end are a span to search in
    grain: str = "day"
    yearless: bool = False         # month/day read without a year (ranges may shift it)
    assumptions: list = field(default_factory=list)
    recurrence: str | None = None

    def excl_end(self) -> dt.datetime | dt.date | None:
        """Exclusive end of the named unit (the day after a date)."""
        if self.window or isinstance(self.start, dt.datetime):
            return self.end if self.end is not None else self.start
        last = self.end or self.start
        return last + ONE_DAY if last is not None else None

    # What the kind of moment fixes (a window's bounds are datetimes, an all-day one has a
    # start day); each fails loudly (ShapeError) if it does not hold.
    def start_day(self) -> dt.date:
        return narrow.day(self.start, "start of a moment")

    def start_dt(self) -> dt.datetime:
        return narrow.moment(self.start, "start of a moment")

    def end_dt(self) -> dt.datetime:
        return narrow.moment(self.end, "end of a moment")


def group_atoms(text: str, atoms: list[Atom]) -> list:
    """The sequence of Groups and connector/bound atoms, in text order."""
    out: list = []
    cur: Group | None = None
    for a in atoms:
        if a.kind in _BREAKS:
            cur = None
            out.append(a)
            continue
        # (nothing between two atoms is a gap too: the regex is skipped)
        if cur is not None and (cur.e == a.s or _GAP.fullmatch(text, cur.e, a.s)) and cur.can_take(a):
            cur.add(a)
            continue
        cur = Group({a.kind: a.v}, a.s, a.e)
        out.append(cur)
    return out


def _mid(d: dt.date, tz) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, 0, 0, 0, 0, tz)


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _month_first(sl: dict, c: Ctx, future: bool, shift: int) -> tuple[dt.date, bool]:
    mo = sl["month"]
    if "year" in sl:  # 去年本月十日: the year word wins over 本月's own year
        return dt.date(sl["year"]["y"], mo["m"], 1), False
    if "y" in mo:
        return dt.date(mo["y"], mo["m"], 1), False
    y = c.today.year + shift
    if future and mo["m"] < c.today.month:
        y += 1
    return dt.date(y, mo["m"], 1), True


def _ordinal(o: dict, first: dt.date, nxt: dt.date):
    """Ordinal inside [first, nxt): ('day', d) or ('span', a, b)."""
    k, how, unit = o["k"], o["how"], o["unit"]
    if unit == "wd":
        if how == "last":
            d = nxt - dt.timedelta(days=1)
            d -= dt.timedelta(days=(d.weekday() - o["wd"]) % 7 + 7 * (k - 1))
        else:
            d = first + dt.timedelta(days=(o["wd"] - first.weekday()) % 7 + 7 * (k - 1))
        return ("day", d)
    if unit == "week":
        mon = first + dt.timedelta(days=(-first.weekday()) % 7)
        end_mon = monday_of(nxt)
        if how == "nth":
            a = mon + dt.timedelta(weeks=k - 1)
            return ("span", a, a + dt.timedelta(weeks=1))
        if how == "first":
            return ("span", mon, mon + dt.timedelta(weeks=k))
        return ("span", end_mon - dt.timedelta(weeks=k), end_mon)
    if unit == "day":
        if how == "nth":
            return ("day", first + dt.timedelta(days=k - 1))
        if how == "first":
            return ("span", first, first + dt.timedelta(days=k))
        return ("span", nxt - dt.timedelta(days=k), nxt)
    if how == "nth":
        a = add_months(first, k - 1)
        return ("span", a, add_months(a, 1))
    if how == "first":
        return ("span", first, add_months(first, k))
    return ("span", add_months(nxt, -k), nxt)


def day_of(sl: dict, c: Ctx, future: bool = True, shift: int = 0):
    """The day-level meaning of a group's slots: ('day', d) | ('span', a, b) | ('win', t0, t1)
    | ('instant', t) | None, plus whether a month/day was read without a year."""
    if "instant" in sl:
        return ("instant", sl["instant"]["dt"]), False
    if "period" in sl:
        return ("win", sl["period"]["start"], sl["period"]["end"]), False
    if "date" in sl:
        return ("day", sl["date"]["date"]), False
    if "hol" in sl:
        name = sl["hol"]["name"]
        d = holiday_date(name, sl["year"]["y"]) if "year" in sl else next_holiday(name, c.today)
        off = sl["hol"].get("off", 0)
        return (("day", d + dt.timedelta(days=off)) if d else None), False
    wd = sl["wd"]["wd"] if "wd" in sl else None  # (every wd slot holds one)
    if wd is None and "set" in sl:
        wd = sl["set"].get("wd")
    if "week" in sl:
        mon, n = sl["week"]["monday"], sl["week"]["n"]
        if wd is not None:
            return ("day", mon + DAYS[wd]), False
        if "sub" in sl and sl["sub"]["unit"] == "week":
            return ("span",) + sub_span("week", sl["sub"]["which"], mon), False
        return ("span", mon, mon + dt.timedelta(weeks=n)), False
    if "weekend" in sl:
        sat = sl["weekend"]["sat"]
        return ("span", sat, sat + dt.timedelta(days=2)), False
    yearless = False
    if "month" in sl:
        first, yearless = _month_first(sl, c, future and "dom" not in sl and "ord" not in sl, shift)
        nxt = add_months(first, 1)
        if "ord" in sl:
            if yearless and future and _ordinal(sl["ord"], first, nxt)[-1] <= c.today:
                first, nxt = add_months(first, 12), add_months(nxt, 12)
            return _ordinal(sl["ord"], first, nxt), yearless
        if "sub" in sl and sl["sub"]["unit"] == "month":
            return ("span",) + sub_span("month", sl["sub"]["which"], first), yearless
        if "dom" in sl:
            d0 = sl["dom"]["d"]
            if not yearless:
                d = _safe_date(first.year, first.month, d0)
                return (("day", d) if d else None), False
            if wd is not None:  # 周日, 二月十号: the year whose date falls on that weekday
                for y in (first.year, first.year + 1, first.year - 1):
                    d = _safe_date(y, first.month, d0)
                    if d and d.weekday() == wd:
                        return ("day", d), False
            for k in range(9):
                d = _safe_date(first.year + k, first.month, d0)
                if d and (not future or d >= c.today):
                    return ("day", d), True
                if d and not future:
                    break
            return None, True
        return ("span", first, nxt), yearless
    if "year" in sl:
        first = dt.date(sl["year"]["y"], 1, 1)
        nxt = dt.date(first.year + 1, 1, 1)
        if "ord" in sl:
            return _ordinal(sl["ord"], first, nxt), False
        if "sub" in sl:
            return ("span",) + sub_span("year", sl["sub"]["which"], first), False
        return ("span", first, nxt), False
    if "dom" in sl:
        d0 = sl["dom"]["d"]
        base = c.today.replace(day=1)
        for k in range(13):
            first = add_months(base, k)
            d = _safe_date(first.year, first.month, d0)
            if d and (not future or d >= c.today):
                return ("day", d), True
        return None, True
    if "sub" in sl:
        s = sl["sub"]
        base = {"week": monday_of(c.today), "month": c.today.replace(day=1),
                "year": dt.date(c.today.year, 1, 1)}[s["unit"]]
        return ("span",) + sub_span(s["unit"], s["which"], base), False
    if wd is not None:
        return ("day", next_weekday(c.today, wd)), False
    return None, False


def resolve(g: Group, c: Ctx, future: bool = True, shift: int = 0) -> Moment | None:
    sl = g.slots
    if "zone" in sl:
        tz = sl["zone"]["tz"]
        now = c.now.astimezone(tz)
        c = Ctx(now=now, today=now.date(), tz=tz, text=c.text)
    day, yearless = day_of(sl, c, future, shift)
    rec = sl["set"]["rrule"] if "set" in sl else None
    pod = sl["pod"]["pod"] if "pod" in sl else None  # (every pod slot holds one)
    m = Moment(None, g.s, g.e)
    m.yearless, m.recurrence = yearless, rec
    if day is None and g.has_day():
        return None
    kind = day[0] if day else None
    if kind == "instant":
        m.start, m.grain = day[1], "minute"
        return m
    if kind == "win":
        m.start, m.end, m.window, m.grain = day[1], day[2], True, "minute"
        return m
    the_day = day[1] if day else None
    if "clock" in sl:
        ck = sl["clock"]
        h, why = hour24(ck["h"], ck["mi"], ck["ampm"], pod)
        base = the_day or c.today
        t = at(base, h, ck["mi"], c.tz)
        if why:
            m.assumptions.append(why)
        if the_day is None and t < c.now - ONE_MINUTE:
            t += ONE_DAY
            m.assumptions.append("rolled_to_tomorrow")
        m.start, m.grain = t, "minute"
        return m
    if pod == "allday" and the_day is not None and day[0] == "day":
        m.start, m.all_day = the_day, True  # 周五全天: the day itself, as a date with no time is
        return m
    if pod:
        a, b = WINDOWS[pod]
        if day and day[0] == "span" and pod != "allday":
            the_day = day[1]
        elif day and day[0] == "span":
            m.start, m.end, m.window = _mid(day[1], c.tz), _mid(day[2], c.tz), True
            return m
        base = the_day or c.today
        t0, t1 = at(base, a, 0, c.tz), at(base, b, 0, c.tz)
        if the_day is None and t1 <= c.now:
            t0, t1 = t0 + ONE_DAY, t1 + ONE_DAY
        m.start, m.end, m.window, m.grain = t0, t1, True, "hour"
        return m
    if day is None:
        if rec:
            return m
        return None
    if day[0] == "day":
        m.start, m.all_day = day[1], True
        return m
    m.start, m.end, m.window = _mid(day[1], c.tz), _mid(day[2], c.tz), True
    m.grain = "span"
    return m
