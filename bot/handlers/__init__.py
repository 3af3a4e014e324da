"""One module per intent, each registering its handler where it is defined
(`@on_intent("schedule")`, see `registry`); `dispatch` looks it up. Importing
this package imports every handler module and fails if an intent the parser can
produce has no handler. A handler replies through `ctx`."""
from __future__ import annotations

import logging
import re

import intents

from .. import drafts
from ..feishu import FeishuError
from . import (  # noqa: F401  (they register)
    agenda,
    caldav,
    cancel,
    changes,
    coming_soon,
    digest,
    exchange,
    find_time,
    help,
    invite,
    leave,
    remind,
    reschedule,
    rooms,
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
    handler = handler_for(_about_reminders(ctx) or _booking_a_room(ctx) or ctx.intent.intent, ctx.command)
    try:
        handler(ctx)
    except FeishuError as e:
        # Told to the person in their language with a Retry that runs the message again,
        # or (rate limit, a reply whose answer was lost) back to the inbox for a later try.
        log.warning("handler %s: feishu op=%s code=%s msg=%s log_id=%s", ctx.intent.intent, e.op, e.code, e.msg,
                    e.log_id)
        drafts.on_failure(ctx, e, last_attempt=ctx.last_attempt)


_REMINDER_WORDS = re.compile(r"提醒|\breminders?\b", re.I)
_DIGEST_WORDS = re.compile(r"日程推送|\bdigests?\b", re.I)
_SEND_WORDS = re.compile(r"发到群|发在群|发群里|发给我|发我|\b(send|post)\b", re.I)


def _about_reminders(ctx) -> str | None:
    """What the parser leaves to the bot: "stop my digests", "my digests" (unknown) and
    "@Yue 每周一早上把本周团队会议发到群里" (unknown: a repeating "send/post" is a digest);
    a cancel that names reminders is about them, not about a meeting."""
    if ctx.intent.intent not in ("cancel", "unknown") or ctx.command:
        return None
    if _REMINDER_WORDS.search(ctx.text):
        return "remind"
    if _DIGEST_WORDS.search(ctx.text) or (ctx.intent.recurrence and _SEND_WORDS.search(ctx.text)):
        return "digest"
    return None


def _booking_a_room(ctx) -> str | None:
    """A meeting in a room read as a question about rooms: the schedule handler books it
    (decided here, once, so the rooms and schedule handlers need not call each other)."""
    return "schedule" if rooms.is_booking(ctx) else None
