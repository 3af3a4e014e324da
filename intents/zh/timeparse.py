"""The time side of a message: atoms → moments → one TimeSpec (the contract's time fields)."""
from __future__ import annotations

import datetime as dt
import re

from .. import narrow
from ..model import TimeSpec
from . import colloquial
from . import clock, dates, durations, holidays, ranges, recurrence, relative, zones  # noqa: F401 (rules)
from .atoms import Ctx, build_index, scan
from .compose import Group, Moment, group_atoms
from .spans import build

build_index()  # every rule module is imported: index the rules now, not on the first message

# After these words the new time follows (改到周四): that is the one the message asks for.
MOVE = re.compile(r"(改到|改成|改为|改在|挪到|推迟到|推到|延到|延期到|延后到|顺延到|提前到|换到|调到|调整到|移到|放到)")


def read_time(text: str, now: dt.datetime,
              chars: set[str] | None = None) -> tuple[TimeSpec, list[tuple[int, int]]]:
    """The TimeSpec of a (folded) message, and the text spans that named times
    (`chars`: gates.text_chars(text), if the caller has it)."""
    new, blanked = colloquial.rewrite(text, chars if chars is not None else set(text))
    if new != text:  # the gates' view of the text changes with it
        text, chars = new, None
    c = Ctx(now, now.date(), narrow.present(now.tzinfo, "the zone of now"), text)
    atoms = scan(text, c, chars)
    seq = group_atoms(text, atoms)
    moments = build(seq, c)
    spans: list[tuple[int, int]] = [(m.s, m.e) for m in moments]
    durs, sets = [], []
    for a in atoms:
        if a.kind == "dur":
            durs.append(a)
        elif a.kind == "set":
            sets.append(a)
    for a in durs:
        spans.append((a.s, a.e))
    for a in sets:
        spans.append((a.s, a.e))
    spans += blanked
    ts = TimeSpec()
    m = _primary(text, moments, seq)
    if m is not None:
        if m.window:
            ts.window_start = narrow.moment_or_none(m.start, "start of a window")
            ts.window_end = narrow.moment_or_none(m.end, "end of a window")
        else:
            ts.start, ts.end, ts.all_day = m.start, m.end, m.all_day
        ts.recurrence = m.recurrence
        ts.assumptions = list(m.assumptions)
    if sets and (ts.recurrence is None or len(sets) > 1):
        # 工作日每天9点: the most specific rule (the one with BYDAY) wins
        ts.recurrence = max((a.v["rrule"] for a in sets), key=len)
    if durs:
        secs = durs[0].v["seconds"]
        ts.duration_minutes = int(round(secs / 60))
        if isinstance(ts.start, dt.datetime) and ts.end is None:
            ts.end = ts.start + dt.timedelta(seconds=secs)
        elif ts.all_day and ts.end is None and secs >= 86400 and secs % 86400 == 0:
            ts.end = narrow.day(ts.start, "start of an all-day time") + dt.timedelta(days=int(secs // 86400) - 1)
    return ts, spans


def _primary(text: str, moments: list[Moment], seq: list) -> Moment | None:
    if len(moments) < 2:
        return moments[0] if moments else None
    timed = [m for m in moments if m.start is not None or m.end is not None]
    moments = timed or moments
    mv = MOVE.search(text) if len(moments) > 1 else None
    if mv:
        for i, m in enumerate(moments):
            if m.s >= mv.start():
                if i and not _names_day(seq, m):
                    _keep_day(m, moments[i - 1], seq)
                return m
    return moments[0]


def _names_day(seq: list, m: Moment) -> bool:
    return any(isinstance(g, Group) and m.s <= g.s < m.e and g.has_day() for g in seq)


def _keep_day(new: Moment, old: Moment, seq: list) -> None:
    """把明天下午2点的会改到5点: a new time with no day keeps the old event's day."""
    if not _names_day(seq, old) or (old.window and old.grain == "span") or old.start is None:
        return
    day = old.start.date() if isinstance(old.start, dt.datetime) else old.start
    base = new.start
    if not isinstance(base, dt.datetime) or new.all_day:
        return
    shift = day - base.date()
    new.start = base + shift
    if isinstance(new.end, dt.datetime):
        new.end += shift
    new.assumptions = [a for a in new.assumptions if a != "rolled_to_tomorrow"]
