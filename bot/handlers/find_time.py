"""find_time: the slots card; each slot's button becomes a proposal."""
from __future__ import annotations

import datetime as dt

from .. import cards
from ..config import zone
from ..planning.own_time import own_time
from ..planning.rooms import is_rooms_question
from .registry import on_intent
from .rooms import handle as rooms_handle
from .schedule import draft_payload, offer_slots, window_of


@on_intent("find_time")
def handle(ctx) -> None:
    if is_rooms_question(ctx.text):     # "which rooms are free at 2pm": the rooms, not people's time
        rooms_handle(ctx)
        return
    if ctx.intent.action == "own" and not ctx.intent.attendees:
        answer_own_time(ctx)
        return
    offer_slots(ctx, draft_payload(ctx), window_of(ctx))


def answer_own_time(ctx) -> None:
    """"我明天有空吗": the person's free times and busy blocks; a question, not a booking."""
    tz = ctx.sender.tz
    it = ctx.intent
    if "default_window" in it.assumptions:      # no day named: the rest of today
        now = ctx.now.astimezone(zone(tz))
        window = (now, now.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1))
    else:
        window = window_of(ctx)
    days = own_time(ctx.bot, ctx.sender.open_id, window, ctx.now, tz)
    ctx.reply(cards.own_time_card(days, tz, ctx.lang, ctx.now), key="owntime")
