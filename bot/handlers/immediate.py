"""Actions done at once with an Undo (leave, share): one draft per message, so a
re-processed message shows the same result instead of doing it twice."""
from __future__ import annotations

import datetime as dt

UNDO_WINDOW = dt.timedelta(minutes=10)


def existing(ctx, kind: str):
    """The draft this very message already produced (after a crash and retry), if any."""
    for d in ctx.bot.store.find_drafts(owner=ctx.sender.open_id, kind=kind, limit=20):
        if d.payload.get("source_message") == ctx.message_id:
            return d
    return None


def record(ctx, kind: str, payload: dict, result: dict):
    """A draft born 'booked', with the Undo window open."""
    store = ctx.bot.store
    draft = store.create_draft(ctx.sender.open_id, kind, {**payload, "source_message": ctx.message_id},
                               chat_id=ctx.chat_id)
    return store.transition(draft.id, {"pending"}, "booked", result=result,
                            undo_until=ctx.bot.now() + UNDO_WINDOW) or draft
