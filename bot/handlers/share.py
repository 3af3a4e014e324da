"""share: who can see the sender's primary calendar (their user token). Grant or change a
role at once with Undo; list the ACLs with their roles; stop sharing after a confirm card,
with Undo re-creating what was removed."""
from __future__ import annotations

import datetime as dt

from .. import cards, oauth, people
from ..cards.calendars import Shared, acl_list_card, note_card, unshare_ask_card, unshared_card
from ..feishu import FeishuError
from .immediate import UNDO_WINDOW, existing, record
from .registry import on_intent

ROLES = ("free_busy_reader", "reader", "writer", "owner")


@on_intent("share")
def handle(ctx) -> None:
    action = ctx.intent.action
    if action == "list":
        show(ctx)
        return
    grantees = [a["id"] for a in ctx.intent.attendees if a.get("type") == "user"]
    if not grantees:
        ctx.reply(cards.help_card(ctx.lang), key="share")
        return
    if action == "revoke":
        ask_revoke(ctx, grantees)
        return
    grant(ctx, grantees)


def grant(ctx, grantees: list[str]) -> None:
    bot = ctx.bot
    done = existing(ctx, "share")
    if done is None:
        token = oauth.user_token(ctx, "share")
        if token is None:
            return
        role = ctx.intent.role if ctx.intent.role in ROLES else "reader"
        cal = bot.feishu.user_primary_calendar(token)
        # A grant to someone who already has a role changes it: Undo puts the old role back.
        before = {a.open_id: a.role for a in bot.feishu.list_acls(cal, token)}
        acls = [{"open_id": g, "acl_id": bot.feishu.create_acl(cal, g, role, token), "previous_role": before.get(g)}
                for g in grantees]
        done = record(ctx, "share", {"grantees": grantees, "role": role, "lang": ctx.lang},
                      {"calendar_id": cal, "acls": acls})
    mid = ctx.reply(share_view(bot, done, ctx.lang, bot.now()), key="share")
    bot.store.update_draft(done.id, card_message_id=mid)


def _name(bot, open_id: str, lang: str) -> str:
    return people.display(people.lookup(bot, open_id), lang)


def show(ctx) -> None:
    token = oauth.user_token(ctx, "share")
    if token is None:
        return
    bot = ctx.bot
    cal = bot.feishu.user_primary_calendar(token)
    own = ctx.sender.open_id
    shared = [Shared(_name(bot, a.open_id, ctx.lang), a.role) for a in bot.feishu.list_acls(cal, token)
              if a.open_id != own]
    ctx.reply(acl_list_card(shared, ctx.lang), key="share")


def ask_revoke(ctx, grantees: list[str]) -> None:
    token = oauth.user_token(ctx, "share")
    if token is None:
        return
    bot = ctx.bot
    cal = bot.feishu.user_primary_calendar(token)
    found = [a for a in bot.feishu.list_acls(cal, token) if a.open_id in grantees]
    if not found:
        names = ", ".join(_name(bot, g, ctx.lang) for g in grantees)
        ctx.reply(note_card("title_unshared", "not_shared", ctx.lang, template="grey", name=names), key="share")
        return
    payload = {"calendar_id": cal, "lang": ctx.lang, "tz": ctx.sender.tz,
               "acls": [{"open_id": a.open_id, "acl_id": a.acl_id, "role": a.role} for a in found]}
    draft = bot.store.create_draft(ctx.sender.open_id, "unshare", payload, chat_id=ctx.chat_id)
    shared = [Shared(_name(bot, a.open_id, ctx.lang), a.role) for a in found]
    mid = ctx.reply(unshare_ask_card(draft.id, shared, ctx.lang), key="share")
    bot.store.update_draft(draft.id, card_message_id=mid)


def revoke(bot, draft, value: dict, now: dt.datetime) -> dict:
    """The Stop sharing click: delete each ACL (already gone counts as done), Undo for 10 minutes."""
    from ..actions import _state_answer, answer
    p = draft.payload
    lang = p.get("lang", "zh")
    moved = bot.store.transition(draft.id, {"pending"}, "booking")
    if moved is None:
        return _state_answer(bot, bot.store.get_draft(draft.id), now)
    token = oauth.fresh_token(bot, draft.owner)
    try:
        if token is None:
            raise FeishuError(-1, "the owner's calendar token is gone", None, "auth", op="calendar.acl.delete")
        for a in p["acls"]:
            bot.feishu.delete_acl(p["calendar_id"], a["acl_id"], token)
    except FeishuError:
        bot.store.transition(draft.id, {"booking"}, "pending")
        return answer("error", lang, cards.error_card("other", lang))
    done = bot.store.transition(draft.id, {"booking"}, "booked", result={"calendar_id": p["calendar_id"]},
                                undo_until=now + UNDO_WINDOW) or moved
    names = [_name(bot, a["open_id"], lang) for a in p["acls"]]
    return answer("done", lang, unshared_card(done.id, names, lang, now, p.get("tz"), done.undo_until))


def restore(bot, draft, token: str | None) -> None:
    """Undo of a stop-sharing: the same people get their roles back."""
    p = draft.payload
    for a in p["acls"]:
        bot.feishu.create_acl(p["calendar_id"], a["open_id"], a["role"], token)


def share_view(bot, draft, lang: str, now: dt.datetime) -> dict:
    p = draft.payload
    names = [people.display(people.lookup(bot, g), lang) for g in p["grantees"]]
    grantee = cards.Person(name=", ".join(names), open_id=p["grantees"][0])
    undo = draft.undo_until if draft.status == "booked" else None
    return cards.share_card(draft.id, grantee, p["role"], lang, now, undo_until=undo)
