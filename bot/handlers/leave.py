"""leave: a time-off event for the sender (tenant token), with Undo."""
from __future__ import annotations

import datetime as dt

from .. import cards
from .immediate import existing, record
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
    done = existing(ctx, "leave")
    if done is None:
        span = _span(ctx)
        if span is None:
            ctx.reply(cards.status_card("need_time", ctx.lang), key="leave")
            return
        start, end, all_day = span
        title = {"zh": "请假", "en": "Out of office"}[ctx.lang if ctx.lang in ("zh", "en") else "en"]
        tid = bot.feishu.create_timeoff(ctx.sender.open_id, start, end, tz, title)
        payload = {"start": start.isoformat(), "end": end.isoformat(), "all_day": all_day, "tz": tz,
                   "lang": ctx.lang}
        done = record(ctx, "leave", payload, {"timeoff_event_id": tid})
    mid = ctx.reply(leave_view(done, ctx.lang, bot.now()), key="leave")
    bot.store.update_draft(done.id, card_message_id=mid)


def leave_view(draft, lang: str, now: dt.datetime) -> dict:
    p = draft.payload
    conv = dt.date.fromisoformat if p["all_day"] else dt.datetime.fromisoformat
    undo = draft.undo_until if draft.status == "booked" else None
    return cards.leave_card(draft.id, conv(p["start"]), conv(p["end"]), p["tz"], lang, now,
                            all_day=p["all_day"], undo_until=undo)


