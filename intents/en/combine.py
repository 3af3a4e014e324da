"""The message's time as a whole: find the range structure among the recognised pieces,
resolve each side with `resolve.Point`, then add the duration and the recurrence."""
from __future__ import annotations

import datetime as dt
import re

from ..model import TimeSpec
from ..narrow import day, present
from ..timeutil import at, next_weekday
from . import durations
from .daypairs import day_pairs
from .lex import WD, Ctx, Tok, weekday_of
from .ranges import _OPEN_END
from .relative import offset_tok, shift
from .resolve import POINT_KINDS, Point, Val, _as_dt, _end_of, _glued, _last_day, scan

_RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_THE_DAY = re.compile(r"\bthe\s+day\s+$")
_ANCHOR_CONNS = frozenset(["from", "after", "before"])
_FIELD_KINDS = frozenset(["seats", "rem"])
_NTH_WEEKDAY = re.compile(rf"\b([1-4](?:st|nd|rd|th)|last)\s+({WD})")  # the connectors _anchor_offsets reads


def _anchor_offsets(toks: list[Tok], c: Ctx) -> list[Tok]:
    """"3 days from tuesday", "2 weeks before christmas", "for 3 days from today"."""
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.kind == "dur" and i + 2 < len(toks) and toks[i + 1].kind == "conn" \
                and toks[i + 1].v in ("from", "after", "before") and toks[i + 2].kind in ("day", "inst") \
                and _glued(c, t, toks[i + 1]) and _glued(c, toks[i + 1], toks[i + 2]):
            conn, anchor = toks[i + 1], toks[i + 2]
            base = anchor.instant() if anchor.kind == "inst" else at(anchor.day(), c.now.hour, c.now.minute, c.tz)
            if t.f.get("for") or conn.f.get("word", "").startswith("starting"):
                if anchor.kind == "day" and durations.finest(t.amounts()) not in ("seconds", "minutes", "hours"):
                    end = shift(base, t.amounts(), 1).date()
                    out.append(Tok("span", t.a, anchor.b, (anchor.day(), end), {"grain": "day", "explicit": True}))
                    i += 3
                    continue
            else:
                new = offset_tok(t.a, anchor.b, c, t.amounts(), -1 if conn.v == "before" else 1, base)
                if anchor.kind == "day":
                    new = Tok("day", t.a, anchor.b, new.v.date() if isinstance(new.v, dt.datetime) else new.v, {})
                out.append(new)
                i += 3
                continue
        if t.kind == "conn" and t.v in ("after", "before") and i + 1 < len(toks) and toks[i + 1].kind == "day" \
                and _glued(c, t, toks[i + 1]):
            m = _THE_DAY.search(c.before(t.a, 12))
            if m:  # "the day before christmas": one day off the anchor day
                anchor = toks[i + 1]
                d = anchor.day() + dt.timedelta(days=-1 if t.v == "before" else 1)
                out.append(Tok("day", t.a - (len(m.group(0))), anchor.b, d, {}))
                i += 2
                continue
        out.append(t)
        i += 1
    return out


def _run(seq: list[Tok], i: int, step: int, c: Ctx) -> list[Tok]:
    """Point tokens glued to the connector at seq[i], walking left (-1) or right (+1)."""
    out: list[Tok] = []
    j = i + step
    prev = seq[i]
    while 0 <= j < len(seq) and seq[j].kind != "conn":
        a, b = (seq[j], prev) if step < 0 else (prev, seq[j])
        if not _glued(c, a, b):
            break
        out.append(seq[j])
        prev = seq[j]
        j += step
    return out[::-1] if step < 0 else out


def _year_fix(left: list[Tok], right: list[Tok], c: Ctx) -> None:
    """Without years, "Dec 20 - Jan 5" and "may to march" run forward from the first side."""
    lt = next((t for t in left if (t.kind == "day" and "md" in t.f) or (t.kind == "span" and "mo" in t.f)), None)
    rt = next((t for t in right if (t.kind == "day" and ("md" in t.f or "year" in t.f)) or
               (t.kind == "span" and ("mo" in t.f or t.f.get("year")))), None)
    if lt is None or rt is None:
        return

    def start(t: Tok) -> dt.date:
        return t.day() if t.kind == "day" else t.days()[0]

    def with_year(t: Tok, y: int) -> None:
        if t.kind == "day":
            m, d = t.f.get("md", (t.day().month, t.day().day))
            v = dt.date(y, m, min(d, 28) if (m, d) == (2, 29) else d)
            t.v = v
        else:
            s = dt.date(y, t.days()[0].month, 1)
            t.v = (s, dt.date(y + (s.month == 12), s.month % 12 + 1, 1))

    if lt.f.get("mrel"):
        return
    if rt.f.get("year"):
        y = start(rt).year
        with_year(lt, y)
        if start(lt) > start(rt):
            with_year(lt, y - 1)
        return
    if lt.f.get("mrel") or rt.f.get("mrel"):
        return
    y = c.today.year
    with_year(lt, y)
    with_year(rt, y)
    if start(rt) < start(lt):
        with_year(rt, y + 1)
    last = rt.day() if rt.kind == "day" else rt.days()[1] - dt.timedelta(days=1)
    if last < c.today:
        with_year(lt, start(lt).year + 1)
        with_year(rt, start(rt).year + 1)


def _num_as_day(side: list[Tok], other: Val | None) -> Val | None:
    """A bare number opposite a date is a day of that month ("from 4 to January 22")."""
    if other is None or other.kind not in ("date", "dates") or not side:
        return None
    if not all(t.kind == "num" or (t.kind == "day" and "dom" in t.f) for t in side):
        return None
    t = side[0]
    n = t.number() if t.kind == "num" else t.f["dom"]
    ref = other.start_day()
    try:
        return Val("date", ref.replace(day=n))
    except ValueError:
        return None


def _closed(left: list[Tok], right: list[Tok], ctx: list[Tok], c: Ctx, framed: bool = False) -> Val | None:
    # shallow copies (the sides are adjusted below): what copy.copy gives, without its dispatch
    left, right = [Tok(t.kind, t.a, t.b, t.v, t.f) for t in left], [Tok(t.kind, t.a, t.b, t.v, t.f) for t in right]
    if {t.kind for t in left} == {"num"} and {t.kind for t in right} == {"num"} and \
            (framed or any(t.kind in ("day", "part") for t in ctx)):
        left[0].f["hour"] = right[0].f["hour"] = True  # "from 10 to 11", "tomorrow 2-4"
    _year_fix(left, right, c)
    lp = Point(left, ctx + right, c)
    rp = Point(right, ctx + left, c)
    lk, rk = lp.clock(), rp.clock()
    if lk is None and rk is not None and (num := lp.first("num")) and "day" not in lp.own:
        num.f["hour"] = True
        lk = lp.clock()
    if rk is None and lk is not None and (num := rp.first("num")) and "day" not in rp.own:
        num.f["hour"] = True
        rk = rp.clock()
    if lk and rk and not lk[3] and not lk[4] and rk[3]:
        cand = lk[0] + 12 if rk[3] == "pm" and lk[0] < 12 else lk[0]
        rh = rk[0] + 12 if rk[3] == "pm" and rk[0] < 12 else rk[0]
        lp.mer_hint = rk[3] if (cand, lk[1]) <= (rh, rk[1]) else ("am" if rk[3] == "pm" else "pm")
    rv = rp.resolve()
    lv = lp.resolve() if not (lk is None and lp.own == {"num"}) else None
    if lv is None:
        lv = _num_as_day(left, rv)
    if rv is None or (rk is None and (rday := rp.first("day")) and "dom" in rday.f and lv is not None):
        alt = _num_as_day(right, lv)
        if alt is not None:  # (so lv is a date value: _num_as_day needs one)
            rv = alt
            start = rv.start_day()
            if start < present(lv, "left side").start_day():
                m = start.month % 12 + 1
                rv = Val("date", start.replace(year=start.year + (m == 1), month=m))
    if lv is None or rv is None:
        return lv or rv
    if rv.kind == "dt" and lv.kind == "dt" and rk and not rk[3] and not rk[4] and rv.start_dt() <= lv.start_dt():
        rs = rv.start_dt()
        bump = dt.timedelta(hours=12) if rs + dt.timedelta(hours=12) > lv.start_dt() and rs.hour < 12 \
            else dt.timedelta(days=1)
        rv.start = rs + bump
    day_l = lv.kind in ("date", "dates") or (lv.kind == "win" and _midnights(lv))
    day_r = rv.kind in ("date", "dates") or (rv.kind == "win" and _midnights(rv))
    if day_l and day_r:
        s = lv.start_day() if lv.kind != "win" else lv.start_dt().date()
        e = day(_last_day(rv), "last day") if rv.kind != "win" else (rv.end_dt() - dt.timedelta(days=1)).date()
        rday = next((t for t in right if t.kind == "day"), None)
        if e < s and rday is not None and "wd" in rday.f and not rday.f.get("week_fixed"):
            e += dt.timedelta(days=7 * ((s - e).days // 7 + 1))  # "monday to wednesday": the one after
        return Val("dates", s, e, lv.assumptions + rv.assumptions)
    end = rv.start_dt() if rv.kind == "dt" else _end_of(rv, c)
    return Val("range", _as_dt(lv.start, c), end, lv.assumptions + rv.assumptions)


def _midnights(v: Val) -> bool:
    s, e = v.start, v.end
    return isinstance(s, dt.datetime) and s.hour == 0 and s.minute == 0 \
        and isinstance(e, dt.datetime) and e.hour == 0 and e.minute == 0 and e - s >= dt.timedelta(days=1)


def _open(kind: str, side: list[Tok], ctx: list[Tok], c: Ctx) -> Val | None:
    v = Point(side, ctx, c).resolve()
    if v is None:
        return None
    day_grain = v.kind in ("date", "dates") or (v.kind == "win" and _midnights(v))
    if kind == "by":
        return Val("range", c.now, _end_of(v, c), v.assumptions)
    if kind in ("before", "until"):
        if day_grain:
            first = v.start_day() if v.kind != "win" else v.start_dt().date()
            last = day(_last_day(v), "last day") if v.kind != "win" else (v.end_dt() - dt.timedelta(days=1)).date()
            return Val("until_day", None, first - dt.timedelta(days=1) if kind == "before" else last)
        end = v.start if kind == "before" or v.kind == "dt" else v.end
        return Val("range", None, end, v.assumptions)
    if day_grain:
        return Val("from_day", v.start if v.kind != "win" else v.start_dt().date(), None)
    return Val("range", _as_dt(v.start, c), None, v.assumptions)


def _comparable(left: list[Tok], right: list[Tok]) -> bool:
    """"May 22 - 11:30am" is one moment, not a range: a date-only side facing a clock-only side."""
    lk, rk = {t.kind for t in left}, {t.kind for t in right}
    dayish, clockish = {"day", "span"}, {"time", "num", "part"}
    if lk & dayish and not lk & clockish and rk <= {"time"}:
        return False
    if rk & dayish and not rk & clockish and lk <= {"time"}:
        return False
    return True


def _structure(seq: list[Tok], points: list[Tok], c: Ctx, durs: list[Tok]) -> tuple[Val | None, list[Tok]]:
    """(value, tokens used as connectors). Closed ranges first, then open ones, else a point.
    `points`: the tokens of `seq` that are not connectors (non-empty)."""
    if len(points) == len(seq):  # no connector: neither loop below finds anything
        return Point(points, [], c).resolve(), []
    for i, t in enumerate(seq):
        if t.kind != "conn":
            continue
        if t.v == "between":
            left = _run(seq, i, 1, c)
            j = i + len(left) + 1
            if left and j < len(seq) and seq[j].kind == "conn" and seq[j].v in ("and", "to"):
                right = _run(seq, j, 1, c)
                if right:
                    ctx = [p for p in points if p not in left and p not in right]
                    return _closed(left, right, ctx, c, framed=True), [t, seq[j]]
        if t.v == "to":
            left, right = _run(seq, i, -1, c), _run(seq, i, 1, c)
            if left and right and _comparable(left, right):
                ctx = [p for p in points if p not in left and p not in right]
                framed = i - len(left) - 1 >= 0 and seq[i - len(left) - 1].kind == "conn" and seq[i - len(left) - 1].v == "from"
                return _closed(left, right, ctx, c, framed), [t]
    for i, t in enumerate(seq):
        if t.kind != "conn":
            continue
        kind = t.word()
        if kind == "to" and t.f.get("word") in _OPEN_END:
            kind = "until"
        if kind == "orlater":
            left = _run(seq, i, -1, c)
            if left:
                return _open("after", left, [p for p in points if p not in left], c), [t]
        if kind in ("before", "until", "after", "by") or (kind == "from" and not durs):
            right = _run(seq, i, 1, c)
            if right:
                return _open(kind, right, [p for p in points if p not in right], c), [t]
    if not points:
        return None, []
    return Point(points, [], c).resolve(), []


def extract(c: Ctx) -> tuple[TimeSpec, list[tuple[int, int]]]:
    """The TimeSpec of a prepared message, and the spans (prepared text) that named it."""
    toks = scan(c)
    for t in toks:  # _anchor_offsets only rewrites around one of these connectors
        if t.kind == "conn" and t.v in _ANCHOR_CONNS:
            toks = _anchor_offsets(toks, c)
            break
    spec = TimeSpec()
    zone = None
    spans_extra: list[tuple[int, int]] = []
    recs: list[Tok] = []
    durs: list[Tok] = []
    seq: list[Tok] = []  # points and connectors, in text order
    points: list[Tok] = []
    for t in toks:  # one pass sorts the kinds out
        k = t.kind
        if k in POINT_KINDS:
            seq.append(t)
            points.append(t)
        elif k == "conn":
            seq.append(t)
        elif k == "dur":
            durs.append(t)
        elif k == "rec":
            recs.append(t)
        elif k == "zone" and zone is None:
            zone = t
        elif k in _FIELD_KINDS:  # fields.py: a slot beside the time, named by these words
            c.found.setdefault(k, t.v)
            spans_extra.append((t.a, t.b))
    if len(points) >= 2:
        paired = day_pairs(seq, c)
        if len(paired) < len(seq):
            seq = paired
            points = [t for t in seq if t.kind != "conn"]
    rec = _merge_recs(recs) if recs else None
    nth = next((t for t in points if t.kind == "day" and "rec" in t.f), None)
    if nth is not None and (rec is None or rec.v == "FREQ=MONTHLY"):  # "last thursday of the month"
        rec = Tok("rec", nth.a, nth.a, nth.f["rec"], {})
    elif rec is not None and rec.v == "FREQ=MONTHLY" and (m := _NTH_WEEKDAY.search(c.s)):
        n = -1 if m.group(1) == "last" else int(m.group(1)[0])  # "monthly ... on the first monday"
        rec = Tok("rec", rec.a, rec.b, f"FREQ=MONTHLY;BYDAY={n}{_RRULE_DAYS[weekday_of(m.group(2))]}", {})
    if rec is not None and rec.f.get("byday") and not any(t.kind == "day" for t in seq):
        wd = _RRULE_DAYS.index(rec.f["byday"].split(",")[0])
        seq.append(Tok("day", rec.a, rec.a, next_weekday(c.today, wd), {"wd": wd}))
        seq.sort(key=lambda t: t.a)
        points = [t for t in seq if t.kind != "conn"]
    c.points = points
    val, conns = _structure(seq, points, c, durs) if points else (None, [])
    if zone is not None and val is not None:
        val = _rezone(val, zone.zone(), c)
    spans = [(t.a, t.b) for t in points]
    for extra in (conns, durs):
        if extra:
            spans += [(t.a, t.b) for t in extra]
    if zone is not None:
        spans.append((zone.a, zone.b))
    spans += spans_extra
    if rec is not None:
        spans.append((rec.a, rec.b))
    _fill(spec, val)
    if rec is not None:
        spec.recurrence = rec.word()
    if durs and spec.all_day and durs[0].f.get("all"):
        durs = []  # "mon-wed all day", "tomorrow all day": whole days, not a length
    if durs:
        d = durs[0]
        secs = durations.seconds(d.amounts())
        spec.duration_minutes = int(round(secs / 60))
        if isinstance(spec.start, dt.datetime) and spec.end is None:
            spec.end = spec.start + dt.timedelta(seconds=secs)
        elif spec.start is not None and spec.all_day and spec.end is None and secs >= 2 * 86400 \
                and durations.finest(d.amounts()) in ("days", "weeks"):
            spec.end = spec.start + dt.timedelta(days=int(secs // 86400) - 1)
    return spec, spans


def _merge_recs(recs: list[Tok]) -> Tok:
    """"biweekly on thursdays": the frequency of one and the days of another."""
    base = next((r for r in recs if "INTERVAL" in r.word()), recs[0])
    days = next((r.f["byday"] for r in recs if r.f.get("byday")), None)
    if days and base.v == "FREQ=DAILY":  # "daily standup every weekday": the days say which
        return next(r for r in recs if r.f.get("byday"))
    if days and not base.f.get("byday") and "FREQ=WEEKLY" in base.word():
        return Tok("rec", base.a, base.b, f"{base.v};BYDAY={days}", {"byday": days})
    return base


def _rezone(v: Val, tz: dt.tzinfo, c: Ctx) -> Val:
    """Clock times were read in the user's zone; a named zone keeps the wall time in that zone."""
    def z(x):
        if isinstance(x, dt.datetime):
            return x.replace(tzinfo=tz) if x.tzinfo == c.tz else x
        return x
    return Val(v.kind, z(v.start), z(v.end), v.assumptions)


def _fill(spec: TimeSpec, v: Val | None) -> None:
    if v is None:
        return
    spec.assumptions.extend(v.assumptions)
    if v.kind == "date":
        spec.start, spec.all_day = v.start, True
    elif v.kind == "dates":
        spec.start, spec.end, spec.all_day = v.start, v.end, True
    elif v.kind in ("until_day", "from_day"):
        spec.start, spec.end, spec.all_day = v.start, v.end, True
    elif v.kind == "win":
        spec.window_start, spec.window_end = v.start_dt(), v.end_dt()
    else:
        spec.start, spec.end = v.start, v.end
