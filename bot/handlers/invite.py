"""invite: add the mentioned people to an existing event."""
from __future__ import annotations

from .. import cards
from .existing import ask
from .registry import on_intent


@on_intent("invite")
def handle(ctx) -> None:
    users = [a["id"] for a in ctx.intent.attendees if a.get("type") == "user"]
    emails = [a["email"] for a in ctx.intent.attendees if a.get("type") == "third_party"]
    if not users and not emails:
        ctx.reply(cards.help_card(ctx.lang), key="invite")
        return
    ask(ctx, "invite", {"users": users, "emails": emails})
