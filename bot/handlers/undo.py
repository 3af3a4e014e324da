"""/undo: undo the person's latest action that is still inside its Undo window."""
from __future__ import annotations

from .. import cards
from ..actions_existing import reverse, undo_latest
from ..feishu import FeishuError
from .registry import on_command


@on_command("undo")
def handle(ctx) -> None:
    bot = ctx.bot
    draft = undo_latest(bot, ctx.sender.open_id, bot.now())
    if draft is None or bot.store.transition(draft.id, {"booked"}, "undoing") is None:
        ctx.reply(cards.status_card("no_match", ctx.lang), key="undo")
        return
    try:
        reverse(bot, draft)
    except FeishuError:
        bot.store.transition(draft.id, {"undoing"}, "booked")
        raise
    bot.store.transition(draft.id, {"undoing"}, "undone")
    card = cards.status_card("undone", ctx.lang, draft.payload.get("title"))
    if draft.card_message_id:
        bot.feishu.update_card(draft.card_message_id, card)
    ctx.reply(card, key="undo")
