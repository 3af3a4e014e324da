"""caldav: the settings to sync Feishu Calendar to a phone. The password goes only
to the person's private chat, never to a group."""
from __future__ import annotations

from .. import cards, oauth
from .registry import on_intent


@on_intent("caldav")
def handle(ctx) -> None:
    token = oauth.user_token(ctx, "caldav")
    if token is None:
        return
    conf = ctx.bot.feishu.caldav_conf(token, device_name="Yue")
    card = cards.caldav_card(conf.username, conf.password, conf.server, ctx.lang)
    if ctx.private:
        ctx.reply(card, key="caldav")
    else:
        ctx.bot.feishu.send_card(ctx.sender.open_id, card, "open_id", key=f"{ctx.message_id}:caldav")
        ctx.reply(cards.status_card("sent_privately", ctx.lang), key="caldav-note")
