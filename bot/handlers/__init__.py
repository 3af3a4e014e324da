"""One module per intent; `dispatch` picks it. A handler replies through `ctx`."""
from __future__ import annotations

import logging

from .. import cards
from ..feishu import FeishuError

log = logging.getLogger("yue.handlers")


def dispatch(ctx) -> None:
    from . import agenda, caldav, cancel, find_time, help, invite, leave, reschedule, schedule, search, share, undo
    table = {
        "schedule": schedule.handle, "find_time": find_time.handle, "agenda": agenda.handle,
        "search": search.handle, "invite": invite.handle, "cancel": cancel.handle,
        "reschedule": reschedule.handle, "leave": leave.handle, "share": share.handle,
        "caldav": caldav.handle, "help": help.handle, "unknown": help.unknown,
    }
    handler = undo.handle if ctx.command == "undo" else table.get(ctx.intent.intent, help.unknown)
    try:
        handler(ctx)
    except FeishuError as e:
        # Told to the person in their language, with what to do; the inbox does not retry
        # (the card's Retry button does, keeping the draft).
        log.warning("handler %s: feishu code=%s msg=%s log_id=%s", ctx.intent.intent, e.code, e.msg, e.log_id)
        ctx.reply(cards.error_card(_error_kind(e), ctx.lang), key="error")


def _error_kind(e: FeishuError) -> str:
    return e.kind if e.kind in ("permission", "rate_limit", "not_found") else "other"
