"""invite / cancel / reschedule act on an event that already exists. Find the one the
message means — events Yue booked for the person first, then their own calendar —
and ask on a card which one (and, for a series, this one or all) before acting."""
from __future__ import annotations

import datetime as dt
import re

from .. import cards, oauth
from ..drafts import as_card_event
from .calendar_view import span

MAX_CANDIDATES = 10
_SPLIT = re.compile(r"[\s,，、的]+")


def _matches(title: str, query: str) -> bool:
    if not query:
        return True
    t, q = title.lower(), query.lower().strip()
    if q in t or (t and t in q):
        return True
    words = [w for w in _SPLIT.split(q) if len(w) > 1]
    return bool(words) and all(w in t for w in words)


matches = _matches   # reminders are found by their titles the same way


def _query(ctx) -> str:
    return (ctx.intent.query or ctx.intent.title or "").strip()


def _time_filter(ctx, verb: str):
    """For cancel/invite a named time says which event; for reschedule it is the new time."""
    it = ctx.intent
    if verb == "reschedule" or (it.start is None and it.window_start is None):
        return None
    return span(ctx)


def candidates(ctx, verb: str) -> list[dict] | None:
    """Matching events as plain dicts; None when the connect card was sent instead."""
    bot, query = ctx.bot, _query(ctx)
    when = _time_filter(ctx, verb)
    out: list[dict] = []
    for d in bot.store.find_drafts(owner=ctx.sender.open_id, kind="schedule", statuses={"booked"}, limit=50):
        p, r = d.payload, d.result or {}
        start, end = dt.datetime.fromisoformat(p["start"]), dt.datetime.fromisoformat(p["end"])
        if not _matches(p.get("title", ""), query):
            continue
        if when and not p.get("recurrence") and not (when[0] <= start < when[1]):
            continue
        if not when and not p.get("recurrence") and end < ctx.now:
            continue
        out.append({"event_id": r.get("event_id"), "calendar_id": r.get("calendar_id"), "title": p.get("title"),
                    "start": p["start"], "end": p["end"], "recurrence": p.get("recurrence"),
                    "series_id": r.get("event_id") if p.get("recurrence") else None, "source": "bot"})
    if out or not (query or when):
        return out[:MAX_CANDIDATES]
    token = oauth.user_token(ctx, verb)
    if token is None:
        return None
    cal = bot.feishu.user_primary_calendar(token)
    if when:
        found = [e for e in bot.feishu.instance_view(cal, when[0], when[1], user_token=token)
                 if _matches(e.summary, query)]
    else:
        found = bot.feishu.search_events(cal, query, token)
    for e in found:
        if e.status == "cancelled" or (not e.recurrence and e.end < ctx.now):
            continue
        out.append({"event_id": e.event_id, "calendar_id": e.calendar_id or cal, "title": e.summary,
                    "start": e.start.isoformat(), "end": e.end.isoformat(), "all_day": e.all_day,
                    "recurrence": e.recurrence or None,
                    "series_id": e.recurring_event_id or (e.event_id if e.recurrence else None),
                    "source": "user"})
    return out[:MAX_CANDIDATES]


def ask(ctx, verb: str, extra: dict) -> None:
    """Reply with the choose card for `verb`, keeping what the action needs in a draft."""
    found = candidates(ctx, verb)
    if found is None:
        return
    if not found:
        ctx.reply(cards.status_card("no_match", ctx.lang), key=verb)
        return
    payload = {"verb": verb, "candidates": found, "tz": ctx.sender.tz, "lang": ctx.lang, **extra}
    draft = ctx.bot.store.create_draft(ctx.sender.open_id, verb, payload, chat_id=ctx.chat_id,
                                       key=f"{ctx.message_id}:{verb}")
    events = [as_card_event(c, ctx.sender.tz) for c in found]
    mid = ctx.reply(cards.choose_event_card(draft.id, events, ctx.sender.tz, ctx.lang, verb=verb), key=verb)
    ctx.bot.store.update_draft(draft.id, card_message_id=mid)


