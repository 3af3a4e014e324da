"""One module per intent; `dispatch` picks it. A handler replies through `ctx`."""
from __future__ import annotations

import logging
import re

from intents import slash

from .. import cards
from ..feishu import FeishuError

log = logging.getLogger("yue.handlers")


def dispatch(ctx) -> None:
    from . import (agenda, caldav, cancel, digest, find_time, help, invite, leave, remind, reschedule, schedule,
                   search, share, undo)
    table = {
        "remind": remind.handle, "digest": digest.handle,
        "schedule": schedule.handle, "find_time": find_time.handle, "agenda": agenda.handle,
        "search": search.handle, "invite": invite.handle, "cancel": cancel.handle,
        "reschedule": reschedule.handle, "leave": leave.handle, "share": share.handle,
        "caldav": caldav.handle, "help": help.handle, "unknown": help.unknown,
    }
    commanded = slash.COMMANDS.get(ctx.command or "")   # "/remind": the command decides, known to the parser or not
    name = commanded if commanded in ("remind", "digest") else (_about_reminders(ctx) or ctx.intent.intent)
    handler = undo.handle if ctx.command == "undo" else table.get(name, help.unknown)
    try:
        handler(ctx)
    except FeishuError as e:
        # Told to the person in their language, with what to do; the inbox does not retry
        # (the card's Retry button does, keeping the draft).
        log.warning("handler %s: feishu code=%s msg=%s log_id=%s", ctx.intent.intent, e.code, e.msg, e.log_id)
        ctx.reply(cards.error_card(_error_kind(e), ctx.lang), key="error")


_REMINDER_WORDS = re.compile(r"提醒|\breminders?\b", re.I)
_DIGEST_WORDS = re.compile(r"日程推送|\bdigests?\b", re.I)


def _about_reminders(ctx) -> str | None:
    """"cancel the bank reminder", "我有哪些提醒": a cancel or an unknown that names
    reminders (or digests) is about them, not about a meeting."""
    if ctx.intent.intent not in ("cancel", "unknown") or ctx.command:
        return None
    if _REMINDER_WORDS.search(ctx.text):
        return "remind"
    return "digest" if _DIGEST_WORDS.search(ctx.text) else None


def _error_kind(e: FeishuError) -> str:
    return e.kind if e.kind in ("permission", "rate_limit", "not_found") else "other"
