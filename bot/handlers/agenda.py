"""agenda: the person's day or week from their own calendar (recurring ones expanded)."""
from __future__ import annotations

import datetime as dt

from .. import cards, oauth
from .calendar_view import card_event, span
from .registry import on_intent


@on_intent("agenda")
def handle(ctx) -> None:
    token = oauth.user_token(ctx, "agenda")
    if token is None:
        return
    bot = ctx.bot
    start, end = span(ctx)
    cal = bot.feishu.user_primary_calendar(token)
    events = bot.feishu.instance_view(cal, start, end, user_token=token)
    shown = [card_event(e, ctx.sender.tz) for e in events if e.status != "cancelled"]
    last = (end - dt.timedelta(seconds=1)).date()
    ctx.reply(cards.agenda_card(shown, start.date(), last, ctx.sender.tz, ctx.lang), key="agenda")
