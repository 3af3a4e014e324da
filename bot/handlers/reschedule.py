"""reschedule: which event → moved to the new time (its length kept)."""
from __future__ import annotations

import datetime as dt

from .. import cards
from .existing import ask
from .registry import on_intent


@on_intent("reschedule")
def handle(ctx) -> None:
    it = ctx.intent
    if not isinstance(it.start, dt.datetime):
        ctx.reply(cards.status_card("need_time", ctx.lang), key="reschedule")
        return
    minutes = it.duration_minutes
    if minutes is None and isinstance(it.end, dt.datetime) and it.end > it.start:
        minutes = int((it.end - it.start).total_seconds() // 60)
    ask(ctx, "reschedule", {"new_start": it.start.isoformat(), "minutes": minutes})
