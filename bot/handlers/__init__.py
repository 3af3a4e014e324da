"""One module per intent, each registering its handler where it is defined
(`@on_intent("schedule")`, see `registry`); `dispatch` looks it up. Importing
this package imports every handler module and fails if an intent the parser can
produce has no handler. A handler replies through `ctx`."""
from __future__ import annotations

import logging

import intents

from .. import drafts
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
        # Told to the person in their language with a Retry that runs the message again,
        # or (rate limit, a reply whose answer was lost) back to the inbox for a later try.
        log.warning("handler %s: feishu op=%s code=%s msg=%s log_id=%s", ctx.intent.intent, e.op, e.code, e.msg,
                    e.log_id)
        drafts.on_failure(ctx, e, last_attempt=ctx.last_attempt)
