"""find_time: the slots card; each slot's button becomes a proposal."""
from __future__ import annotations

from ..planning.rooms import is_rooms_question
from .registry import on_intent
from .rooms import handle as rooms_handle
from .schedule import draft_payload, offer_slots, window_of


@on_intent("find_time")
def handle(ctx) -> None:
    if is_rooms_question(ctx.text):     # "which rooms are free at 2pm": the rooms, not people's time
        rooms_handle(ctx)
        return
    offer_slots(ctx, draft_payload(ctx), window_of(ctx))
