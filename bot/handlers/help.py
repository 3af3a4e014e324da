"""help, and the hint for a message Yue cannot act on (short in groups)."""
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
    # In a group the router only gets here when Yue was @mentioned (or a command was
    # used): being spoken to always gets an answer, a short one so the group stays quiet.
    card = cards.unknown_card(ctx.lang) if ctx.private else cards.status_card("hint", ctx.lang)
    ctx.reply(card, key="hint")
