"""invite / cancel / reschedule act on an event that already exists. Find the one the
message means — events Yue booked for the person first, then their own calendar —
and ask on a card which one (and, for a series, this one or all) before acting."""
from __future__ import annotations

import datetime as dt

import intents

from .. import cards, oauth
from ..config import zone
from ..drafts import as_card_event
from ..drafts.existing_steps import first_step
from ..planning import matching
from .calendar_view import span

MAX_CANDIDATES = 10
MAX_OWN = 50         # the person's own latest bookings through Yue
MAX_RECENT = 200     # everyone's latest, for meetings the person attends (Yue booked them for someone else)
LOOK_AHEAD = dt.timedelta(days=30)   # the person's own calendar, read when Yue booked nothing that fits



def _query(ctx) -> str:
    return (ctx.intent.query or ctx.intent.title or "").strip()


PART_OF_DAY_SLACK = dt.timedelta(hours=1)


def _time_filter(ctx, verb: str):
    """For cancel/invite a named time says which event; for reschedule it is the new time.
    A part of day names the event loosely: "今晚的上线复盘" is the 23:00 one although the
    parser's evening window ends at 21:00, so such a window reaches an hour either side and an
    evening runs to midnight."""
    it = ctx.intent
    if verb == "reschedule" or (it.start is None and it.window_start is None):
        return None
    start, end = span(ctx)
    if it.window_start is not None and end - start < dt.timedelta(days=1):
        tz = zone(ctx.sender.tz)
        local_end = end.astimezone(tz)
        midnight = dt.datetime.combine(local_end.date() + dt.timedelta(days=1), dt.time(0), tz)
        end = midnight if local_end.hour >= 18 else end + PART_OF_DAY_SLACK
        start = start - PART_OF_DAY_SLACK
    return start, end


def hints(ctx, verb: str) -> matching.Hints:
    """What the message says about the meeting. For a reschedule the parsed time is the new one:
    a day named before "挪到" / "to" ("把明天的预算会挪到周五") says which meeting."""
    it = ctx.intent
    day, at = None, None
    if verb == "reschedule":
        head = matching.target_part(ctx.text)
        old = intents.parse(head, now=ctx.now.astimezone(zone(ctx.sender.tz)), tz=ctx.sender.tz) if head else None
        if old is not None and old.start is not None:
            at = old.start if isinstance(old.start, dt.datetime) else None
            day = old.start if not isinstance(old.start, dt.datetime) else None
    elif isinstance(it.start, dt.datetime) and not it.all_day:
        at = it.start
    people = frozenset(a["id"] for a in it.attendees if a.get("type") == "user") if verb != "invite" else frozenset()
    return matching.Hints(query=_query(ctx), day=day, at=at, people=people)


def _bot_candidates(ctx, verb: str, h: matching.Hints) -> list[tuple[float, dict]]:
    """Meetings Yue booked that the sender organizes or attends, scored against the hints."""
    bot, me, tz = ctx.bot, ctx.sender.open_id, zone(ctx.sender.tz)
    when = _time_filter(ctx, verb)
    out = []
    mine = bot.store.find_drafts(owner=me, kind="schedule", statuses={"booked"}, limit=MAX_OWN)
    recent = bot.store.find_drafts(kind="schedule", statuses={"booked"}, limit=MAX_RECENT)
    for d in {x.id: x for x in [*mine, *recent]}.values():
        p, r = d.payload, d.result or {}
        if d.owner != me and me not in p.get("attendees", []):
            continue
        start, end = dt.datetime.fromisoformat(p["start"]), dt.datetime.fromisoformat(p["end"])
        if when and not p.get("recurrence") and not (when[0] <= start < when[1]):
            continue
        if not p.get("recurrence") and end < ctx.now:
            continue
        sc = matching.score(p.get("title", ""), start, [d.owner, *p.get("attendees", [])], h, tz,
                            recurring=bool(p.get("recurrence")))
        if sc <= 0:
            continue
        out.append((sc, {"event_id": r.get("event_id"), "calendar_id": r.get("calendar_id"), "title": p.get("title"),
                         "start": p["start"], "end": p["end"], "recurrence": p.get("recurrence"),
                         "series_id": r.get("event_id") if p.get("recurrence") else None, "source": "bot",
                         "organizer": d.owner, "people": [d.owner, *p.get("attendees", [])]}))
    return out


def candidates(ctx, verb: str) -> list[dict] | None:
    """Matching events, best first, as plain dicts; None when the connect card was sent instead.
    A clear winner comes alone (the others would only ask "which one?" for nothing)."""
    bot, query = ctx.bot, _query(ctx)
    h = hints(ctx, verb)
    when = _time_filter(ctx, verb)
    scored = _bot_candidates(ctx, verb, h)
    if not scored and (query or when or h.day or h.at):
        token = oauth.user_token(ctx, verb)
        if token is None:
            return None
        cal = bot.feishu.user_primary_calendar(token)
        look = when or (ctx.now, ctx.now + LOOK_AHEAD)
        tz = zone(ctx.sender.tz)
        for e in bot.feishu.instance_view(cal, look[0], look[1], user_token=token):
            if e.status == "cancelled" or (not e.recurrence and e.end < ctx.now):
                continue
            sc = matching.score(e.summary, e.start, [], h, tz)
            if sc <= 0:
                continue
            scored.append((sc, {"event_id": e.event_id, "calendar_id": e.calendar_id or cal, "title": e.summary,
                                "start": e.start.isoformat(), "end": e.end.isoformat(), "all_day": e.all_day,
                                "recurrence": e.recurrence or None,
                                "series_id": e.recurring_event_id or (e.event_id if e.recurrence else None),
                                "source": "user", "organizer": e.organizer_id or None}))
    # A series is one meeting: its next occurrence stands for it (not thirty "which one?" rows).
    firsts: dict[str, tuple[float, dict]] = {}
    for sc, c in sorted(scored, key=lambda x: x[1]["start"]):
        firsts.setdefault(c.get("series_id") or f"{c['event_id']}@{c['start']}", (sc, c))
    scored = list(firsts.values())
    best = matching.clear_winner(scored)
    if best is not None:
        return [best]
    ranked = sorted(scored, key=lambda x: (-x[0], x[1]["start"]))
    return [c for _, c in ranked][:MAX_CANDIDATES]


def ask(ctx, verb: str, extra: dict) -> None:
    """Find the meeting and act on it: one clear match goes straight on (a cancel is confirmed
    first, a vague new time offers slots, someone else's meeting offers to ask its organizer);
    several get the "which meeting?" card. The draft keeps what the action needs."""
    found = candidates(ctx, verb)
    if found is None:
        return
    if not found:
        ctx.reply(cards.status_card("no_match", ctx.lang), key=verb)
        return
    payload = {"verb": verb, "candidates": found, "tz": ctx.sender.tz, "lang": ctx.lang, **extra}
    draft = ctx.bot.store.create_draft(ctx.sender.open_id, verb, payload, chat_id=ctx.chat_id,
                                       key=f"{ctx.message_id}:{verb}")
    if len(found) == 1:
        card = first_step(ctx.bot, draft, found[0], ctx.lang, ctx.now)
        if card is not None:
            mid = ctx.reply(card, key=verb)
            ctx.bot.store.update_draft(draft.id, card_message_id=mid)
            return
    events = [as_card_event(c, ctx.sender.tz) for c in found]
    mid = ctx.reply(cards.choose_event_card(draft.id, events, ctx.sender.tz, ctx.lang, verb=verb), key=verb)
    ctx.bot.store.update_draft(draft.id, card_message_id=mid)
