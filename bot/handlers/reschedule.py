"""reschedule: which event → moved to the new time (its length kept); a vague new time
("周五下午", "next week", none at all) → the free slots of everyone in the meeting."""
from __future__ import annotations

import datetime as dt

from ..config import zone
from ..planning import DEFAULT_WINDOW_DAYS
from .existing import ask
from .registry import on_intent


def new_window(ctx) -> tuple[dt.datetime, dt.datetime]:
    """Where to look for the new time: the span named, the days named, else the coming days."""
    it = ctx.intent
    tz = zone(ctx.sender.tz)
    if isinstance(it.window_start, dt.datetime) and isinstance(it.window_end, dt.datetime):
        return it.window_start, it.window_end
    if isinstance(it.start, dt.date) and not isinstance(it.start, dt.datetime):
        last = it.end if isinstance(it.end, dt.date) and not isinstance(it.end, dt.datetime) else it.start
        return dt.datetime.combine(it.start, dt.time(0), tz), dt.datetime.combine(last + dt.timedelta(days=1),
                                                                                 dt.time(0), tz)
    now = ctx.now.astimezone(tz)
    return now, now + dt.timedelta(days=DEFAULT_WINDOW_DAYS)


@on_intent("reschedule")
def handle(ctx) -> None:
    it = ctx.intent
    minutes = it.duration_minutes
    if isinstance(it.start, dt.datetime):
        if minutes is None and isinstance(it.end, dt.datetime) and it.end > it.start:
            minutes = int((it.end - it.start).total_seconds() // 60)
        ask(ctx, "reschedule", {"new_start": it.start.isoformat(), "minutes": minutes})
        return
    ws, we = new_window(ctx)
    ask(ctx, "reschedule", {"window": [ws.isoformat(), we.isoformat()], "minutes": minutes})
