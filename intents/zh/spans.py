"""Groups joined into ranges (3点到4点半, 从一月十日到十二日, 2015年和2018年之间) and open
bounds (2018年以前, 今晚八点以后, 截止到周五)."""
from __future__ import annotations

import datetime as dt
import re

from .. import narrow
from ..timeutil import ONE_DAY, at
from .atoms import Atom, Ctx
from .compose import _DAYLEVEL, Group, Moment, resolve


def _as_dt(v: dt.date | None, tz: dt.tzinfo) -> dt.datetime | None:
    if v is None or isinstance(v, dt.datetime):
        return v
    return dt.datetime(v.year, v.month, v.day, 0, 0, 0, 0, tz)


def _inherit(L: Group, R: Group, lm: Moment | None, next_day: bool) -> Group:
    sl, ls = dict(R.slots), L.slots
    if not R.has_day():
        if lm is not None and isinstance(lm.start, (dt.date, dt.datetime)) and not lm.window:
            d = lm.start.date() if isinstance(lm.start, dt.datetime) else lm.start
            if isinstance(lm.start, dt.datetime) and "clock" in ls and ls["clock"]["h"] >= 24:
                d -= dt.timedelta(days=1)
            sl["date"] = {"date": d + dt.timedelta(days=1 if next_day else 0)}
        elif lm is not None and lm.window and "pod" in ls and isinstance(lm.start, dt.datetime):
            sl["date"] = {"date": lm.start.date()}
        else:
            for k in _DAYLEVEL & ls.keys():
                sl[k] = ls[k]
        if "pod" not in sl and "pod" in ls and "clock" in sl and sl["clock"]["ampm"] is None \
                and sl["clock"]["h"] < 12:
            sl["pod"] = ls["pod"]
    else:
        if "wd" in sl and not (_DAYLEVEL - {"wd"}) & sl.keys() and lm is not None and lm.all_day:
            d = lm.start_day()  # 下周一到周三: the first such weekday from the range's start
            sl["date"] = {"date": d + dt.timedelta(days=(sl.pop("wd")["wd"] - d.weekday()) % 7)}
        if "dom" in sl and "month" not in sl and "date" not in sl and "month" in ls:
            sl["month"] = ls["month"]
            if "year" in ls and "year" not in sl:
                sl["year"] = ls["year"]
        if ("month" in sl or "hol" in sl) and "year" not in sl and "y" not in sl.get("month", {}) and "year" in ls:
            sl["year"] = ls["year"]
        if "wd" in sl and "week" not in sl and "week" in ls:
            sl["week"] = ls["week"]
    if "zone" in ls and "zone" not in sl:
        sl["zone"] = ls["zone"]
    return Group(sl, R.s, R.e)


def _last_day(m: Moment) -> dt.date:
    if m.window:
        return (m.end_dt() - dt.timedelta(days=1)).date()
    return narrow.day(m.end or m.start, "last day of a moment")


def _is_days(m: Moment) -> bool:
    """Whole days: a date, a span of days, or a whole-day window (周三全天)."""
    return m.all_day or (m.window and (m.grain == "span" or _whole_day_window(m)))


def _whole_day_window(m: Moment) -> bool:
    s, e = m.start, m.end
    return isinstance(s, dt.datetime) and isinstance(e, dt.datetime) and s.hour == s.minute == 0 \
        and e.hour == e.minute == 0 and e > s


def make_range(lm: Moment, rm: Moment, rg: Group, tz) -> Moment:
    out = Moment(start=None, s=lm.s, e=rm.e, assumptions=lm.assumptions + rm.assumptions,
                 recurrence=lm.recurrence or rm.recurrence)
    if _is_days(lm) and _is_days(rm):
        a = lm.start.date() if isinstance(lm.start, dt.datetime) else lm.start
        out.start, out.end, out.all_day = a, _last_day(rm), True
        return out
    a = _as_dt(lm.start, tz)
    b: dt.date | None
    if rm.window or rm.all_day:
        b = _as_dt(rm.excl_end(), tz)
    else:
        b = rm.start
    if isinstance(b, dt.datetime) and isinstance(a, dt.datetime) and b <= a:
        ck = rg.slots.get("clock")
        if ck and ck["ampm"] is None and "pod" not in rg.slots and b.hour < 12 and b + dt.timedelta(hours=12) > a:
            b += dt.timedelta(hours=12)
        elif not rg.has_day() or "date" in rg.slots:
            while b <= a:
                b += dt.timedelta(days=1)
    out.start, out.end, out.grain = a, b, "minute"
    if "rolled_to_tomorrow" in rm.assumptions and "rolled_to_tomorrow" not in lm.assumptions:
        out.assumptions.remove("rolled_to_tomorrow")
    return out


def _range(L: Group, R: Group, c: Ctx, next_day: bool) -> Moment | None:
    for shift in (0, 1):
        lm = resolve(L, c, future=False, shift=shift)
        rg = _inherit(L, R, lm, next_day)
        rm = resolve(rg, c, future=False, shift=shift)
        if lm is None or rm is None:
            continue
        if rm.yearless and _day(rm.start) < _day(lm.start):
            rm = resolve(rg, c, future=False, shift=shift + 1) or rm  # 8月至2月: February next year
        if shift == 0 and (lm.yearless or rm.yearless):
            end = rm.excl_end()
            if end is not None and _day(end) <= c.today:
                continue
        return make_range(lm, rm, rg, c.tz)
    return None


def _day(v) -> dt.date:
    return v.date() if isinstance(v, dt.datetime) else v


def _bound(m: Moment, side: str, incl: bool, tz) -> Moment:
    out = Moment(start=None, s=m.s, e=m.e, assumptions=list(m.assumptions), recurrence=m.recurrence,
                 grain=m.grain)
    point = m.grain == "minute" and not m.window
    if side == "after":
        out.start = _as_dt(m.start if (incl or point) else m.excl_end(), tz)
    else:
        out.end = _as_dt(m.excl_end() if (incl and not point) else m.start, tz)
    out.assumptions = [a for a in out.assumptions if a != "rolled_to_tomorrow" or side == "after"]
    return out


def build(seq: list, c: Ctx) -> list[Moment]:
    """Moments (points, windows, ranges, bounds) in text order."""
    n = len(seq)
    if n == 1:  # the common message: one group (a lone connector or bound names nothing)
        m = resolve(seq[0], c) if isinstance(seq[0], Group) else None
        return [m] if m is not None else []
    out: list[Moment] = []
    i = 0
    while i < n:
        x = seq[i]
        if not isinstance(x, Group):
            if isinstance(x, Atom) and x.kind in ("from", "until") and i + 1 < n and isinstance(seq[i + 1], Group) \
                    and seq[i + 1].s - x.e <= 1:
                g = seq[i + 1]
                j = i + 2
                # 从 X 到 Y is a range; 从 X (开始) an open start; 截止到 X an end.
                if x.kind == "from" and j + 1 < n and _is_conn(seq[j], "to") and isinstance(seq[j + 1], Group) \
                        and seq[j + 1].s - seq[j].e <= 1:
                    m = _range(g, seq[j + 1], c, seq[j].v.get("next_day", False))
                    if m:
                        m.s = x.s
                        out.append(m)
                    i = j + 2
                    continue
                m = resolve(g, c)
                if m:
                    if x.kind == "until":
                        out.append(_bound(m, "before", False, c.tz))
                    else:
                        out.append(_bound(m, "after", True, c.tz))
                    i = j + (1 if j < n and _is_bound(seq[j], g) else 0)
                    continue
            i += 1
            continue
        # X 到 Y / X 和 Y 之间
        if i + 2 < n and isinstance(seq[i + 2], Group) and seq[i + 2].s - seq[i + 1].e <= 1 \
                and seq[i + 1].s - x.e <= 1:
            conn = seq[i + 1]
            if _is_conn(conn, "to"):
                m = _range(x, seq[i + 2], c, conn.v.get("next_day", False))
                if m:
                    out.append(m)
                    i += 3
                    continue
            if _is_conn(conn, "and") and i + 3 < n and isinstance(seq[i + 3], Atom) and seq[i + 3].kind == "between" \
                    and seq[i + 3].s - seq[i + 2].e <= 1:
                m = _range(x, seq[i + 2], c, False)
                if m:
                    out.append(m)
                    i += 4
                    continue
        m = resolve(x, c)
        if m is None:
            i += 1
            continue
        nxt = _next_day_of(seq, i, m, c)
        if nxt:
            out.append(_two_days(m, seq[nxt], c))
            i = nxt + 1
            continue
        if i + 1 < n and _is_bound(seq[i + 1], x):
            b = seq[i + 1]
            out.append(_bound(m, b.v["side"], b.v["incl"], c.tz))
            i += 2
            continue
        out.append(m)
        i += 1
    return out


_PAIR_GAP = re.compile(r"[\s、,，]*")


def _next_day_of(seq: list, i: int, m: Moment, c: Ctx) -> int | None:
    """周四周五 / 周四和周五 / 周四、周五: a weekday right after the day before it names the two
    days as one span; the index of that weekday's group, else None."""
    j = i + 1
    if j < len(seq) and _is_conn(seq[j], "and"):
        j += 1
    if j >= len(seq) or not isinstance(seq[j], Group) or not m.all_day or m.end is not None:
        return None
    r = seq[j]
    if r.slots.keys() != {"wd"} and r.slots.keys() != {"wd", "pod"}:
        return None
    if (r.slots["wd"]["wd"] - m.start_day().weekday()) % 7 != 1 or not _PAIR_GAP.fullmatch(c.text, seq[j - 1].e, r.s):
        return None
    if j + 1 < len(seq) and isinstance(seq[j + 1], Atom) and seq[j + 1].kind in ("between", "bound") \
            and seq[j + 1].s - r.e <= 1:  # 周四和周五之间 is a range; the 间 of a later 时间 is not
        return None
    return j


def _two_days(m: Moment, second: Group, c: Ctx) -> Moment:
    """The two days of 周四周五 as one all-day span; with a part of day on the second
    (周四周五下午) the window runs from that part of the first day to its end on the second:
    the contract has one window, and this one holds both afternoons."""
    if "pod" in second.slots:
        w = resolve(second, c)
        if w is not None and w.window:
            first, ws = m.start_day(), w.start_dt()
            return Moment(at(first, ws.hour, ws.minute, c.tz), m.s, second.e, w.end, window=True, grain=w.grain)
    return Moment(start=m.start, end=m.start_day() + ONE_DAY, all_day=True, s=m.s, e=second.e)


def _is_conn(a, kind: str) -> bool:
    return isinstance(a, Atom) and a.kind == "conn" and a.v["c"] == kind


def _is_bound(a, g: Group) -> bool:
    return isinstance(a, Atom) and a.kind == "bound" and a.s - g.e <= 1
