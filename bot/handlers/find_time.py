"""find_time: the slots card; each slot's button becomes a proposal."""
from __future__ import annotations

from .schedule import draft_payload, offer_slots, window_of


def handle(ctx) -> None:
    offer_slots(ctx, draft_payload(ctx), window_of(ctx))
