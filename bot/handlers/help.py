"""help, and the hint for a message Yue cannot act on (silent in groups)."""
from __future__ import annotations

from .. import cards
from ..planning.rooms import is_rooms_question
from . import rooms
from .registry import on_intent


@on_intent("help")
def handle(ctx) -> None:
    ctx.reply(cards.help_card(ctx.lang), key="help")


@on_intent("unknown")
def unknown(ctx) -> None:
    if is_rooms_question(ctx.text):     # until the parser names the `rooms` intent itself
        rooms.handle(ctx)
        return
    if ctx.private:
        ctx.reply(cards.unknown_card(ctx.lang), key="hint")
