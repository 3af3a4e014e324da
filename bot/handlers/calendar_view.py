"""Shared by agenda and search: the span a message names, and Feishu events as card events."""
from __future__ import annotations

import datetime as dt

from .. import cards
from ..config import zone
from ..feishu import Event


def span(ctx, default_days: int = 1) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the days the message names; today by default."""
    it = ctx.intent
    tz = zone(ctx.sender.tz)
    if isinstance(it.window_start, dt.datetime) and isinstance(it.window_end, dt.datetime):
        return it.window_start, it.window_end
    if isinstance(it.start, dt.datetime):
        day = it.start.astimezone(tz).date()
        last = it.end.astimezone(tz).date() if isinstance(it.end, dt.datetime) else day
    elif isinstance(it.start, dt.date):
        day = it.start
        last = it.end if isinstance(it.end, dt.date) else day
    else:
        day = ctx.now.astimezone(tz).date()
        last = day + dt.timedelta(days=default_days - 1)
    return (dt.datetime.combine(day, dt.time(0), tz),
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tz))


def card_event(e: Event, tz: str) -> cards.Event:
    if e.all_day:
        # Feishu's all-day end is exclusive; the cards want the last day.
        start, end = e.start.date(), (e.end - dt.timedelta(days=1)).date()
        end = max(start, end)
    else:
        start, end = e.start.astimezone(zone(tz)), e.end.astimezone(zone(tz))
    return cards.Event(event_id=e.event_id, title=e.summary, start=start, end=end, all_day=e.all_day,
                       recurring=bool(e.recurrence or e.recurring_event_id), app_link=e.app_link or None,
                       location=e.location or None, recurrence=e.recurrence or None)
