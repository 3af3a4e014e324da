"""Intents the parser recognises whose bot handler is not built yet: a clear
"coming soon" card, in the person's language, instead of the generic hint."""
from __future__ import annotations

from ..cards.coming_soon import coming_soon_card
from .registry import on_intent

# Remove an intent from here when its real handler registers itself.
COMING_SOON: tuple[str, ...] = ()


@on_intent(*COMING_SOON)
def handle(ctx) -> None:
    ctx.reply(coming_soon_card(ctx.intent.intent, ctx.lang), key="soon")
