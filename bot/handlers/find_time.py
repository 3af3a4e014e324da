"""find_time: the slots card; each slot's button becomes a proposal."""
from __future__ import annotations

from .registry import on_intent
from .schedule import draft_payload, offer_slots, window_of


@on_intent("find_time")
def handle(ctx) -> None:
    offer_slots(ctx, draft_payload(ctx), window_of(ctx))
