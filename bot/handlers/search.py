"""search: events on the person's calendar whose title matches."""
from __future__ import annotations

from .. import cards, oauth
from .calendar_view import card_event
from .registry import on_intent


@on_intent("search")
def handle(ctx) -> None:
    token = oauth.user_token(ctx, "search")
    if token is None:
        return
    bot = ctx.bot
    query = ctx.intent.query or ctx.intent.title or ""
    cal = bot.feishu.user_primary_calendar(token)
    found = bot.feishu.search_events(cal, query, token) if query.strip() else []
    events = [card_event(e, ctx.sender.tz) for e in found]
    ctx.reply(cards.search_card(query, events, ctx.sender.tz, ctx.lang), key="search")
