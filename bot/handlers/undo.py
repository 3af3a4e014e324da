"""/undo: undo the person's most recent action if its Undo window is still open, saying
what was undone; otherwise say there is nothing to undo (never an older action)."""
from __future__ import annotations

from ..drafts import undo_latest
from .registry import on_command


@on_command("undo")
def handle(ctx) -> None:
    _, card = undo_latest(ctx.bot, ctx.sender.open_id, ctx.lang)
    ctx.reply(card, key="undo")
