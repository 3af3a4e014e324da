"""leave: a time-off event for the sender (tenant token), with Undo."""
from __future__ import annotations

import datetime as dt

from .. import cards
from ..drafts import do_once, leave_view
from .registry import on_intent


def _span(ctx):
    """(start, end, all_day): dates with an inclusive end, or datetimes."""
    it = ctx.intent
    if isinstance(it.start, dt.datetime):
        end = it.end if isinstance(it.end, dt.datetime) and it.end > it.start else None
        if end is None:  # "明天下午请假" gives a window; a bare time means until the working day ends
            end = it.window_end if isinstance(it.window_end, dt.datetime) and it.window_end > it.start else \
                it.start.replace(hour=18, minute=0) if it.start.hour < 18 else it.start + dt.timedelta(hours=1)
        return it.start, end, False
    if isinstance(it.start, dt.date):
        return it.start, it.end if isinstance(it.end, dt.date) else it.start, True
    if isinstance(it.window_start, dt.datetime) and isinstance(it.window_end, dt.datetime):
        return it.window_start, it.window_end, False
    return None


@on_intent("leave")
def handle(ctx) -> None:
    bot = ctx.bot
    tz = ctx.sender.tz
    span = _span(ctx)
    if span is None:
        ctx.reply(cards.status_card("need_time", ctx.lang), key="leave")
        return
    start, end, all_day = span
    title = {"zh": "请假", "en": "Out of office"}[ctx.lang if ctx.lang in ("zh", "en") else "en"]
    payload = {"start": start.isoformat(), "end": end.isoformat(), "all_day": all_day, "tz": tz, "lang": ctx.lang}
    done = do_once(ctx, "leave", payload,
                   lambda: {"timeoff_event_id": bot.feishu.create_timeoff(ctx.sender.open_id, start, end, tz, title)})
    mid = ctx.reply(leave_view(bot, done, ctx.lang, bot.now()), key="leave")
    bot.store.update_draft(done.id, card_message_id=mid)
