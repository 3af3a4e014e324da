"""help, and the hint for a message Yue cannot act on (silent in groups)."""
from __future__ import annotations

from .. import cards


def handle(ctx) -> None:
    ctx.reply(cards.help_card(ctx.lang), key="help")


def unknown(ctx) -> None:
    if ctx.private:
        ctx.reply(cards.unknown_card(ctx.lang), key="hint")
