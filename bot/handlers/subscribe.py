"""subscribe: add a shared calendar to the person's list by its name (calendar search, a pick
card when several match), remove one, or list them — all with the person's user token.
Feishu's cap (1,000 subscribed calendars, code 191005) is told in plain words."""
from __future__ import annotations

import logging
import re
from dataclasses import asdict
from typing import Any

from .. import cards, oauth
from ..cards.calendars import SUB_PICK, Cal, note_card, sub_pick_card, subscriptions_card
from ..drafts.clicks import answer, lost_race
from ..drafts.table import Click, State, StateTable, ended, on_click, table
from ..feishu import FeishuError
from .registry import on_intent

log = logging.getLogger("yue.subscribe")

SUB_LIMIT, SUB_NOT_ALLOWED = 191005, 191006
MAX_CHOICES = 8
_QUOTED = re.compile(r"[「『“\"'‘《](.+?)[」』”\"'’》]")
_ZH = re.compile(r"(?:取消订阅|退订|订阅|关注|加到我的日历)(?:一下)?(?:了)?(.+?)(?:的)?日历")
_EN = re.compile(r"\b(?:subscribe|sub|follow|add)\b(?:\s+me)?\s+(?:to|from)?\s*(?:the\s+)?(.+?)\s+calendar", re.I)
_EN_OFF = re.compile(r"\b(?:unsubscribe|unsub|unfollow|remove)\b(?:\s+me)?\s+(?:from\s+)?(?:the\s+)?(.+?)\s+calendar",
                     re.I)
_LIST = re.compile(r"哪些|什么日历|几个日历|列出|\b(?:which|what|list)\b.{0,20}\bcalendars?\b|\bmy subscriptions\b",
                   re.I)


def calendar_name(text: str) -> str:
    """The calendar the message names: quoted, else "订阅X日历" / "subscribe me to the X calendar"."""
    m = _QUOTED.search(text) or _EN_OFF.search(text) or _EN.search(text) or _ZH.search(text)
    return m.group(1).strip(" 　的") if m else ""


def _name_matches(cal_name: str, name: str) -> bool:
    return name.lower() in cal_name.lower()


@on_intent("subscribe")
def handle(ctx) -> None:
    text = ctx.text
    name = calendar_name(text)
    listing = bool(_LIST.search(text)) and not _QUOTED.search(text)
    if not listing and not name:
        ctx.reply(note_card("title_sub_none", "sub_need_name", ctx.lang, template="blue"), key="subscribe")
        return
    token = oauth.user_token(ctx, "subscribe")
    if token is None:
        return
    bot = ctx.bot
    if listing:
        own = bot.feishu.user_primary_calendar(token)
        cals = [Cal(c.calendar_id, c.summary) for c in bot.feishu.my_calendars(token)
                if c.calendar_id != own and c.role != "owner"]
        ctx.reply(subscriptions_card(cals, ctx.lang), key="subscribe")
        return
    if ctx.intent.action == "off":
        unsubscribe(ctx, token, name)
        return
    found = [c for c in bot.feishu.search_calendars(name, token) if c.type == "shared"]
    exact = [c for c in found if c.summary.lower() == name.lower()]
    found = exact if len(exact) == 1 else [c for c in found if _name_matches(c.summary, name)] or found
    if not found:
        ctx.reply(note_card("title_sub_none", "sub_none", ctx.lang, name=name), key="subscribe")
        return
    if len(found) == 1:
        ctx.reply(subscribe_card(bot, found[0].calendar_id, found[0].summary, token, ctx.lang)[1], key="subscribe")
        return
    choices = [Cal(c.calendar_id, c.summary, c.description) for c in found[:MAX_CHOICES]]
    draft = bot.store.create_draft(ctx.sender.open_id, "subscribe",
                                   {"lang": ctx.lang, "name": name, "cals": [asdict(c) for c in choices]},
                                   chat_id=ctx.chat_id)
    mid = ctx.reply(sub_pick_card(draft.id, name, choices, ctx.lang), key="subscribe")
    bot.store.update_draft(draft.id, card_message_id=mid)


def subscribe_card(bot, calendar_id: str, name: str, token: str, lang: str) -> tuple[bool, dict[str, Any]]:
    """(subscribed?, the card saying so or why not in plain words)."""
    try:
        bot.feishu.subscribe_calendar(calendar_id, token)
    except FeishuError as e:
        if e.code == SUB_LIMIT:
            log.warning("subscribe %s refused at Feishu's limit: code=%s log_id=%s", calendar_id, e.code, e.log_id)
            return False, note_card("title_sub_limit", "sub_limit", lang, name=name)
        if e.code == SUB_NOT_ALLOWED:
            log.info("subscribe %s not allowed: code=%s log_id=%s", calendar_id, e.code, e.log_id)
            return False, note_card("title_sub_refused", "sub_refused", lang, name=name)
        raise
    return True, note_card("title_subscribed", "subscribed", lang, template="green", name=name)


def unsubscribe(ctx, token: str, name: str) -> None:
    bot = ctx.bot
    own = bot.feishu.user_primary_calendar(token)
    mine = [c for c in bot.feishu.my_calendars(token)
            if c.calendar_id != own and c.role != "owner" and _name_matches(c.summary, name)]
    if not mine:
        ctx.reply(note_card("title_sub_none", "sub_not_yours", ctx.lang, template="grey", name=name), key="subscribe")
        return
    for c in mine:
        bot.feishu.unsubscribe_calendar(c.calendar_id, token)
    names = ", ".join(c.summary for c in mine)
    ctx.reply(note_card("title_unsubscribed", "unsubscribed", ctx.lang, template="grey", name=names), key="subscribe")


table(StateTable(kinds=("subscribe",), states={
    "pending": State(clicks={SUB_PICK: "booking"}, toast="working"),
    "booking": State(toast="working"),
    "booked": ended("already_done"),
    "expired": ended("expired"),
}))


@on_click("subscribe", SUB_PICK)
def pick(click: Click) -> dict:
    """A calendar chosen on the pick card: subscribe to it (once; a second click says so)."""
    bot, draft, lang = click.bot, click.draft, click.lang
    try:
        chosen = draft.payload["cals"][int(click.value["i"])]
    except (TypeError, ValueError, IndexError, KeyError):
        return answer("error", lang)
    moved = bot.store.transition(draft.id, {"pending"}, "booking")
    if moved is None:
        return lost_race(click)
    token = oauth.fresh_token(bot, draft.owner)
    try:
        if token is None:
            raise FeishuError(-1, "the person's calendar token is gone", None, "auth", op="calendar.subscribe")
        ok, card = subscribe_card(bot, chosen["calendar_id"], chosen["name"], token, lang)
    except FeishuError:
        bot.store.transition(draft.id, {"booking"}, "pending")
        return answer("error", lang, cards.error_card("other", lang))
    if not ok:                                  # refused: the pick card stays usable
        bot.store.transition(draft.id, {"booking"}, "pending")
        return answer(None, lang, card)
    bot.store.transition(draft.id, {"booking"}, "booked", result={"calendar_id": chosen["calendar_id"]})
    return answer("done", lang, card)

