"""exchange: link the person's Exchange account (their user token), report the binding's
status as Feishu reports it (doing → cal_done → timespan_done → done, or err) — the card is
patched by the maintenance sweep (`poll`) until the status is final — say whether it is
linked, and unlink it. Feishu cannot list a person's bindings, so Yue keeps the id."""
from __future__ import annotations

import logging
import re

from .. import oauth
from ..cards.calendars import exchange_card, note_card
from ..feishu import FeishuError
from .registry import on_intent

log = logging.getLogger("yue.exchange")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _account(ctx) -> str:
    for a in ctx.intent.attendees:
        if a.get("type") == "third_party" and a.get("email"):
            return a["email"]
    m = _EMAIL.search(ctx.text)
    return m.group(0) if m else ""


@on_intent("exchange")
def handle(ctx) -> None:
    action = ctx.intent.action or "status"
    account = _account(ctx) if action == "bind" else ""
    if action == "bind" and not account:
        ctx.reply(note_card("title_exchange", "ex_need_account", ctx.lang, template="blue"), key="exchange")
        return
    token = oauth.user_token(ctx, "exchange")
    if token is None:
        return
    bot, me = ctx.bot, ctx.sender.open_id
    link = bot.store.exchange_link(me)
    if action == "bind":
        b = bot.feishu.bind_exchange(me, account, token)
        mid = ctx.reply(exchange_card(b.account or account, b.status, ctx.lang), key="exchange")
        bot.store.save_exchange_link(me, b.binding_id, b.account or account, b.status, chat_id=ctx.chat_id,
                                     card_message_id=mid, lang=ctx.lang)
        return
    if link is None:
        ctx.reply(note_card("title_exchange", "ex_none", ctx.lang, template="grey"), key="exchange")
        return
    if action == "unbind":
        try:
            bot.feishu.unbind_exchange(link.binding_id, token)
        except FeishuError as e:
            if e.kind != "invalid":          # Feishu answers an unknown binding id as a bad parameter
                raise
        bot.store.delete_exchange_link(me)
        ctx.reply(note_card("title_exchange", "ex_unbound", ctx.lang, template="grey", account=link.account),
                  key="exchange")
        return
    b = bot.feishu.exchange_binding(link.binding_id, token)
    bot.store.set_exchange_status(me, b.status)
    ctx.reply(exchange_card(link.account, b.status, ctx.lang), key="exchange")


def poll(bot) -> None:
    """On the maintenance sweep: ask Feishu about each binding still in progress and patch its
    card when the status moved on (once final, it is no longer asked about)."""
    for link in bot.store.pending_exchange_links():
        token = oauth.fresh_token(bot, link.open_id)
        if token is None:
            continue
        try:
            b = bot.feishu.exchange_binding(link.binding_id, token)
        except FeishuError as e:
            log.info("exchange status of %s: code=%s log_id=%s", link.open_id, e.code, e.log_id)
            continue
        if b.status == link.status:
            continue
        if b.status == "err":
            log.warning("exchange binding of %s failed (Feishu status err)", link.open_id)
        if link.card_message_id:
            bot.feishu.update_card(link.card_message_id, exchange_card(link.account, b.status, link.lang))
        bot.store.set_exchange_status(link.open_id, b.status)
