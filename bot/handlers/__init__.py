"""One module per intent, each registering its handler where it is defined
(`@on_intent("schedule")`, see `registry`); `dispatch` looks it up. Importing
this package imports every handler module and fails if an intent the parser can
produce has no handler. A handler replies through `ctx`."""
from __future__ import annotations

import logging

import intents

from .. import cards
from ..feishu import FeishuError
from . import (  # noqa: F401  (they register)
    agenda,
    caldav,
    cancel,
    changes,
    coming_soon,
    exchange,
    find_time,
    help,
    invite,
    leave,
    reschedule,
    rsvp,
    schedule,
    search,
    share,
    subscribe,
    undo,
)
from .registry import handler_for, require

log = logging.getLogger("yue.handlers")

require(set(intents.INTENTS) | set(coming_soon.COMING_SOON))


def dispatch(ctx) -> None:
    handler = handler_for(ctx.intent.intent, ctx.command)
    try:
        handler(ctx)
    except FeishuError as e:
        # Told to the person in their language, with what to do; the inbox does not retry
        # (the card's Retry button does, keeping the draft).
        log.warning("handler %s: feishu code=%s msg=%s log_id=%s", ctx.intent.intent, e.code, e.msg, e.log_id)
        ctx.reply(cards.error_card(_error_kind(e), ctx.lang), key="error")


def _error_kind(e: FeishuError) -> str:
    return e.kind if e.kind in ("permission", "rate_limit", "not_found") else "other"
