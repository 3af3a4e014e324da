"""One module per intent, each registering its handler where it is defined
(`@on_intent("schedule")`, see `registry`); `dispatch` looks it up. Importing
this package imports every handler module and fails if an intent the parser can
produce has no handler. A handler replies through `ctx`."""
from __future__ import annotations

import logging

import intents

from .. import cards
from ..feishu import FeishuError, RetryLater
from . import (  # noqa: F401  (they register)
    agenda,
    caldav,
    cancel,
    coming_soon,
    find_time,
    help,
    invite,
    leave,
    reschedule,
    schedule,
    search,
    share,
    undo,
)
from .registry import handler_for, require

log = logging.getLogger("yue.handlers")

require(set(intents.INTENTS) | set(coming_soon.COMING_SOON))


def dispatch(ctx) -> None:
    handler = handler_for(ctx.intent.intent, ctx.command)
    try:
        handler(ctx)
    except RetryLater:
        # Feishu's windows are full: the inbox runs the message again shortly (never a
        # dead-end "press Retry" card); the person is told once that we are on it.
        working_on_it(ctx)
        raise
    except FeishuError as e:
        # Told to the person in their language, with what to do; the inbox does not retry
        # (the card's Retry button does, keeping the draft).
        log.warning("handler %s: feishu code=%s msg=%s log_id=%s", ctx.intent.intent, e.code, e.msg, e.log_id)
        ctx.reply(cards.error_card(_error_kind(e), ctx.lang), key="error")


def working_on_it(ctx) -> None:
    """One "working on it" reply per message, however often it is deferred."""
    key = f"working:{ctx.message_id}"
    if ctx.bot.store.cache_get(key):
        return
    try:
        ctx.reply(cards.status_card("working", ctx.lang), key="working")
    except FeishuError as e:   # IM is limited too: the real answer still comes
        log.info("could not say 'working on it' for %s: %s", ctx.message_id, e)
        return
    ctx.bot.store.cache_put(key, {"sent": True}, 86400)


def _error_kind(e: FeishuError) -> str:
    return e.kind if e.kind in ("permission", "rate_limit", "not_found") else "other"
