"""Run by the inbox sweeper: expire old drafts (and say so on their cards), take the Undo
button off cards whose window has passed, finish bookings a crash interrupted."""
from __future__ import annotations

import datetime as dt
import logging

from bot import cards

from .clicks import patch, view
from .payloads import payload_of
from .proposal import book
from .room_answers import refresh_pending

log = logging.getLogger("yue.drafts")

STUCK_BOOKING = dt.timedelta(seconds=60)


def maintenance(bot) -> None:
    """Also follows the Exchange bindings Feishu is still working on (bot/handlers/exchange.py)."""
    now = bot.now()
    from bot.feishu import FeishuError
    from bot.handlers.exchange import poll
    try:
        poll(bot)
    except FeishuError as e:
        log.info("exchange poll: code=%s", e.code)
    for d in bot.store.expire_drafts(now):
        p = payload_of(d)
        patch(bot, d, cards.status_card("expired", p.lang, d.payload.get("title")))
    for d in bot.store.lapse_undo(now):
        patch(bot, d, view(bot, d, payload_of(d).lang, now))
    refresh_pending(bot)      # rooms answer later: re-read those still pending
    for d in bot.store.drafts_in_status("booking", older_than=now - STUCK_BOOKING):
        if d.kind != "schedule":
            continue
        log.info("resuming booking of draft %s interrupted earlier", d.id)
        _, card = book(bot, d)
        patch(bot, d, card)
