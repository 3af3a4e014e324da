"""share: an ACL on the sender's primary calendar (their user token), with Undo."""
from __future__ import annotations

import datetime as dt

from .. import cards, oauth, people
from .immediate import existing, record
from .registry import on_intent

ROLES = ("free_busy_reader", "reader", "writer", "owner")


@on_intent("share")
def handle(ctx) -> None:
    bot = ctx.bot
    grantees = [a["id"] for a in ctx.intent.attendees if a.get("type") == "user"]
    if not grantees:
        ctx.reply(cards.help_card(ctx.lang), key="share")
        return
    done = existing(ctx, "share")
    if done is None:
        token = oauth.user_token(ctx, "share")
        if token is None:
            return
        role = ctx.intent.role if ctx.intent.role in ROLES else "reader"
        cal = bot.feishu.user_primary_calendar(token)
        acls = [{"open_id": g, "acl_id": bot.feishu.create_acl(cal, g, role, token)} for g in grantees]
        done = record(ctx, "share", {"grantees": grantees, "role": role, "lang": ctx.lang},
                      {"calendar_id": cal, "acls": acls})
    mid = ctx.reply(share_view(bot, done, ctx.lang, bot.now()), key="share")
    bot.store.update_draft(done.id, card_message_id=mid)


def share_view(bot, draft, lang: str, now: dt.datetime) -> dict:
    p = draft.payload
    names = [people.display(people.lookup(bot, g), lang) for g in p["grantees"]]
    grantee = cards.Person(name=", ".join(names), open_id=p["grantees"][0])
    undo = draft.undo_until if draft.status == "booked" else None
    return cards.share_card(draft.id, grantee, p["role"], lang, now, undo_until=undo)
