"""Kinds of durable inbox items besides messages, and how to queue them.

Here, not beside their handlers, so that whoever queues one (a booking, the OAuth callback)
does not import the handler that runs it: the router finds the handler by kind."""
from __future__ import annotations

from typing import Any

INVITATIONS = "invitations"        # each attendee's private invitation to a meeting Yue booked
WATCH = "watch_calendar"           # subscribe to a connected person's calendar changes


def queue(bot: Any, kind: str, key: str, payload: dict[str, Any]) -> None:
    """Store the item once per key (a retried caller queues nothing twice) and wake a worker."""
    if bot.store.inbox_put(f"{kind}:{key}", kind, payload):
        bot.kick()
