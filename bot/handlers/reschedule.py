"""reschedule: which event → moved to the new time (its length kept); a vague new time
("周五下午", "next week", none at all) → the free slots of everyone in the meeting."""
from __future__ import annotations

import datetime as dt

from .existing import ask
from .registry import on_intent
from .schedule import window_of


@on_intent("reschedule")
def handle(ctx) -> None:
    it = ctx.intent
    minutes = it.duration_minutes
    if isinstance(it.start, dt.datetime):
        if minutes is None and isinstance(it.end, dt.datetime) and it.end > it.start:
            minutes = int((it.end - it.start).total_seconds() // 60)
        ask(ctx, "reschedule", {"new_start": it.start.isoformat(), "minutes": minutes})
        return
    # The span named, the days named, else the coming days: where the new time is looked for.
    ws, we = window_of(ctx)
    ask(ctx, "reschedule", {"window": [ws.isoformat(), we.isoformat()], "minutes": minutes})
