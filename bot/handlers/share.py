"""share: an ACL on the sender's primary calendar (their user token), with Undo."""
from __future__ import annotations

from .. import cards, oauth
from ..drafts import do_once, share_view
from .registry import on_intent

ROLES = ("free_busy_reader", "reader", "writer", "owner")


@on_intent("share")
def handle(ctx) -> None:
    bot = ctx.bot
    grantees = [a["id"] for a in ctx.intent.attendees if a.get("type") == "user"]
    if not grantees:
        ctx.reply(cards.help_card(ctx.lang), key="share")
        return
    token = oauth.user_token(ctx, "share")
    if token is None:
        return
    role = ctx.intent.role if ctx.intent.role in ROLES else "reader"

    def grant() -> dict:
        cal = bot.feishu.user_primary_calendar(token)
        acls = [{"open_id": g, "acl_id": bot.feishu.create_acl(cal, g, role, token)} for g in grantees]
        return {"calendar_id": cal, "acls": acls}

    done = do_once(ctx, "share", {"grantees": grantees, "role": role, "lang": ctx.lang, "tz": ctx.sender.tz}, grant)
    mid = ctx.reply(share_view(bot, done, ctx.lang, bot.now()), key="share")
    bot.store.update_draft(done.id, card_message_id=mid)
