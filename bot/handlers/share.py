"""share: who can see the sender's primary calendar (their user token). Grant or change a
role at once with Undo (a changed role is put back, see drafts/immediate.py); list the ACLs
with their roles; stop sharing after a confirm card (draft kind `unshare`), with Undo
re-creating what was removed."""
from __future__ import annotations

import datetime as dt

from .. import cards, oauth, people
from ..cards.calendars import UNSHARE, Shared, acl_list_card, note_card, unshare_ask_card, unshared_card
from ..cards.calendars import s as say
from ..drafts import do_once, share_view
from ..drafts.clicks import answer, lost_race
from ..drafts.table import Click, State, StateTable, ended, on_click, table
from ..drafts.undo import acted, undo_click, undoer
from ..feishu import FeishuError
from ..store import Draft
from .registry import on_intent

ROLES = ("free_busy_reader", "reader", "writer", "owner")


@on_intent("share")
def handle(ctx) -> None:
    if ctx.intent.action == "list":
        show(ctx)
        return
    grantees = [a["id"] for a in ctx.intent.attendees if a.get("type") == "user"]
    if not grantees:
        ctx.reply(cards.help_card(ctx.lang), key="share")
        return
    if ctx.intent.action == "revoke":
        ask_revoke(ctx, grantees)
        return
    grant(ctx, grantees)


def grant(ctx, grantees: list[str]) -> None:
    bot = ctx.bot
    token = oauth.user_token(ctx, "share")
    if token is None:
        return
    role = ctx.intent.role if ctx.intent.role in ROLES else "reader"

    def work() -> dict:
        cal = bot.feishu.user_primary_calendar(token)
        before = {a.open_id: a.role for a in bot.feishu.list_acls(cal, token)}
        acls = [{"open_id": g, "acl_id": bot.feishu.create_acl(cal, g, role, token),
                 "previous_role": before.get(g) if before.get(g) != role else None} for g in grantees]
        return {"calendar_id": cal, "acls": acls}

    done = do_once(ctx, "share", {"grantees": grantees, "role": role, "lang": ctx.lang, "tz": ctx.sender.tz}, work)
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
    shared = [Shared(_name(bot, a.open_id, ctx.lang), a.role) for a in bot.feishu.list_acls(cal, token)
              if a.open_id != ctx.sender.open_id]
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
    draft = bot.store.create_draft(ctx.sender.open_id, "unshare", payload, chat_id=ctx.chat_id,
                                   key=f"{ctx.message_id}:unshare")
    shared = [Shared(_name(bot, a.open_id, ctx.lang), a.role) for a in found]
    mid = ctx.reply(unshare_ask_card(draft.id, shared, ctx.lang), key="share")
    bot.store.update_draft(draft.id, card_message_id=mid)


# --- the unshare draft: confirm → done (Undo re-creates) ------------------------------------------

def _done_view(bot, draft: Draft, lang: str, now: dt.datetime) -> dict:
    names = [_name(bot, a["open_id"], lang) for a in draft.payload["acls"]]
    undo = draft.undo_until if draft.status == "booked" else None
    tz = draft.payload.get("tz") or bot.settings.default_tz        # the sender's zone when they asked
    return unshared_card(draft.id, names, lang, now, tz, undo)


table(StateTable(kinds=("unshare",), states={
    "pending": State(clicks={UNSHARE: "booking", "cancel": "cancelled"}, toast="working"),
    "booking": State(toast="working"),
    "booked": State(clicks={"undo": "undoing", "retry": "undoing"}, toast="already_done", card=_done_view),
    "undoing": State(toast="working"),
    "undone": ended("already_done", lambda bot, d, lang, now: cards.status_card("undone", lang)),
    "gone": ended("already_done", lambda bot, d, lang, now: cards.status_card("gone", lang)),
    "cancelled": ended("cancelled", lambda bot, d, lang, now: cards.status_card("cancelled", lang)),
    "expired": ended("expired"),
}))
on_click("unshare", "undo", "retry")(undo_click)


@on_click("unshare", UNSHARE)
def revoke(click: Click) -> dict:
    """Stop sharing: delete each ACL (already gone counts as done), Undo for its window."""
    bot, draft, lang = click.bot, click.draft, click.lang
    moved = bot.store.transition(draft.id, {"pending"}, "booking")
    if moved is None:
        return lost_race(click)
    p = draft.payload
    token = oauth.fresh_token(bot, draft.owner)
    try:
        if token is None:
            raise FeishuError(-1, "the owner's calendar token is gone", None, "permission", op="oauth")
        for a in p["acls"]:
            bot.feishu.delete_acl(p["calendar_id"], a["acl_id"], token)
    except FeishuError as e:
        bot.store.transition(draft.id, {"booking"}, "pending")
        return answer("error", lang, cards.error_card(e.kind if e.kind in ("permission", "rate_limit") else "other",
                                                      lang))
    done = acted(bot, moved, {"booking"}, {"calendar_id": p["calendar_id"]}) or moved
    return answer("done", lang, _done_view(bot, done, lang, click.now))


@on_click("unshare", "cancel")
def keep(click: Click) -> dict:
    if click.bot.store.transition(click.draft.id, {"pending"}, "cancelled") is None:
        return lost_race(click)
    return answer("cancelled", click.lang, cards.status_card("cancelled", click.lang))


def _what_unshare(bot, draft: Draft, lang: str) -> str:
    names = [_name(bot, a["open_id"], lang) for a in draft.payload["acls"]]
    return say("what_unshare", lang, names=cards.i18n.join(names, lang))


@undoer("unshare", _what_unshare)
def _restore(bot, draft: Draft) -> bool:
    """Undo of a stop-sharing: the same people get their roles back."""
    token = oauth.fresh_token(bot, draft.owner)
    if token is None:
        raise FeishuError(-1, "no user token", None, "permission", op="oauth")
    p = draft.payload
    for a in p["acls"]:
        bot.feishu.create_acl(p["calendar_id"], a["open_id"], a["role"], token)
    return True
