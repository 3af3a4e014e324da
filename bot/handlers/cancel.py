"""cancel: which event → (this one or the series) → deleted. "Cancel all my meetings
tomorrow": every meeting the person organizes that day, listed for one confirmation."""
from __future__ import annotations

import datetime as dt
import re

from .. import oauth
from ..cards.format import fmt_days
from ..config import zone
from ..drafts import bulk_cancel
from .calendar_view import span
from .existing import ask
from .registry import on_intent

_ALL = re.compile(r"所有|全部|\ball\s+(?:of\s+)?(?:my|the)\b|\bevery\s+(?:meeting|event)|\beverything\b", re.I)
MAX_BULK = 20


@on_intent("cancel")
def handle(ctx) -> None:
    if _ALL.search(ctx.text) and not ctx.intent.attendees:
        cancel_all(ctx)
        return
    ask(ctx, "cancel", {})


def _mine(ctx, start: dt.datetime, end: dt.datetime) -> tuple[list[dict], bool]:
    """The meetings in [start, end) the sender organizes: Yue's bookings, and their own calendar
    when it is connected (series are left out: "this one or all?" is not a bulk question);
    and whether only Yue's bookings were looked at."""
    bot, me = ctx.bot, ctx.sender.open_id
    out: dict[str, dict] = {}
    for d in bot.store.find_drafts(owner=me, kind="schedule", statuses={"booked"}, limit=200):
        p, r = d.payload, d.result or {}
        s = dt.datetime.fromisoformat(p["start"])
        if p.get("recurrence") or not (start <= s < end) or s < ctx.now or not r.get("event_id"):
            continue
        out[r["event_id"]] = {"event_id": r["event_id"], "calendar_id": r.get("calendar_id"), "title": p.get("title"),
                              "start": p["start"], "end": p["end"], "source": "bot", "organizer": me,
                              "people": [me, *p.get("attendees", [])]}
    token = oauth.fresh_token(bot, me) if bot.store.get_user_token(me) else None
    if token:
        cal = bot.feishu.user_primary_calendar(token)
        for e in bot.feishu.instance_view(cal, start, end, user_token=token):
            if e.status == "cancelled" or e.start < ctx.now or e.organizer_id != me or e.recurrence \
                    or e.recurring_event_id or e.event_id in out:
                continue
            out[e.event_id] = {"event_id": e.event_id, "calendar_id": e.calendar_id or cal, "title": e.summary,
                               "start": e.start.isoformat(), "end": e.end.isoformat(), "all_day": e.all_day,
                               "source": "user", "organizer": me}
    return sorted(out.values(), key=lambda c: c["start"])[:MAX_BULK], not token


def cancel_all(ctx) -> None:
    start, end = span(ctx)
    found, only_yue = _mine(ctx, start, end)
    if not found:
        tz = zone(ctx.sender.tz)
        when = fmt_days(start.astimezone(tz).date(), (end - dt.timedelta(seconds=1)).astimezone(tz).date(), ctx.lang)
        ctx.reply(bulk_cancel.none_card(when, ctx.lang, only_yue), key="cancelall")
        return
    payload = {"verb": "cancel", "candidates": found, "tz": ctx.sender.tz, "lang": ctx.lang}
    draft = ctx.bot.store.create_draft(ctx.sender.open_id, "cancelall", payload, chat_id=ctx.chat_id,
                                       key=f"{ctx.message_id}:cancelall")
    mid = ctx.reply(bulk_cancel.ask_card(draft.id, found, ctx.sender.tz, ctx.lang, only_yue), key="cancelall")
    ctx.bot.store.update_draft(draft.id, card_message_id=mid)
