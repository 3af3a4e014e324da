"""schedule: an exact time → a proposal card; a vague one → the best slots."""
from __future__ import annotations

import datetime as dt

from dateutil.rrule import rrulestr

from .. import cards, planning
from ..config import zone
from ..planning import room_picks
from ..planning import rooms as room_rules
from . import rooms
from .registry import on_intent

DEFAULT_TITLE = {"zh": "会议", "en": "Meeting"}


def draft_payload(ctx) -> dict:
    """What the request asks for, as the draft keeps it (JSON)."""
    it = ctx.intent
    bot = ctx.bot
    users = [a["id"] for a in it.attendees if a.get("type") == "user" and a.get("id") != ctx.sender.open_id]
    emails = [a["email"] for a in it.attendees if a.get("type") == "third_party"]
    if any(a.get("type") == "chat" for a in it.attendees) and not ctx.private:
        users += [m.open_id for m in bot.feishu.chat_members(ctx.chat_id)
                  if m.open_id and m.open_id != ctx.sender.open_id]
    users = list(dict.fromkeys(users))
    prefs = bot.store.get_prefs(ctx.sender.open_id)
    duration = it.duration_minutes
    if duration is None and isinstance(it.start, dt.datetime) and isinstance(it.end, dt.datetime):
        duration = int((it.end - it.start).total_seconds() // 60)
    duration = duration if duration and duration > 0 else prefs.meeting_minutes
    room, title = None, it.title
    ask = room_rules.room_ask(it.room, getattr(it, "capacity", None), ctx.text, len(users) + 1)
    rooms = bot.feishu.list_rooms()
    found = planning.find_room(rooms, ask.name, ask.seats) if ask.name else None
    if found is None and not ask.name:
        named = planning.room_named_in(rooms, ctx.text)
        if named:   # "在珠峰和 @Bob 开会": the parser read the room's name as the topic
            found, word = named
            title = planning.without_word(title, word)
            ask = room_rules.RoomAsk(name=found.name, seats=ask.seats)
    if found:
        room = room_rules.as_payload(found)
    if ask.wanted:
        title = room_rules.without_room_words(title)
    return {
        "title": title or DEFAULT_TITLE.get(ctx.lang, "Meeting"),
        "tz": ctx.sender.tz, "lang": ctx.lang, "duration": duration,
        "attendees": users, "emails": emails, "room": room,
        # Any room (no name): the best free one is chosen for the time, and again if the time moves.
        "room_ask": {"any": ask.any_room, "seats": ask.seats} if ask.wanted else None,
        "room_wanted": ask.name if ask.name and not room else None,
        "recurrence": it.recurrence, "assumptions": list(it.assumptions),
        "source_message": ctx.message_id,
    }


def window_of(ctx) -> tuple[dt.datetime, dt.datetime]:
    """Where to look for slots: the message's span, else the coming working week."""
    it = ctx.intent
    tz = zone(ctx.sender.tz)
    if isinstance(it.window_start, dt.datetime) and isinstance(it.window_end, dt.datetime):
        return it.window_start, it.window_end
    if isinstance(it.start, dt.date) and not isinstance(it.start, dt.datetime):
        last = it.end if isinstance(it.end, dt.date) else it.start
        first = dt.datetime.combine(it.start, dt.time(0), tz)
        return first, dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tz)
    now = ctx.now.astimezone(tz)
    return now, now + dt.timedelta(days=planning.DEFAULT_WINDOW_DAYS)


@on_intent("schedule")
def handle(ctx) -> None:
    it = ctx.intent
    if room_rules.is_rooms_question(ctx.text):
        # "有哪些会议室？" read as a meeting about rooms: it is a question about the rooms.
        rooms.handle(ctx)
        return
    payload = draft_payload(ctx)
    if isinstance(it.start, dt.datetime):
        end = it.end if isinstance(it.end, dt.datetime) and it.end > it.start else \
            it.start + dt.timedelta(minutes=payload["duration"])
        start, end = first_future(it.start, end, it.recurrence, ctx.now, payload)
        payload.update(start=start.isoformat(), end=end.isoformat(),
                       band=planning.band_of(None, start, ctx.sender.tz))
        propose(ctx, payload)
    else:
        offer_slots(ctx, payload, window_of(ctx))


def first_future(start: dt.datetime, end: dt.datetime, recurrence: str | None, now: dt.datetime,
                 payload: dict) -> tuple[dt.datetime, dt.datetime]:
    """"每周三下午4点" said on a Wednesday evening: the series starts with its next
    occurrence, not with one already gone (the parser names today's, as a weekday alone means)."""
    if not recurrence or start >= now:
        return start, end
    try:
        nxt = rrulestr(recurrence, dtstart=start).after(now)
    except (ValueError, TypeError):
        return start, end
    if nxt is None:
        return start, end
    payload["assumptions"] = [a for a in payload.get("assumptions", []) if a != "date_in_past"]
    return nxt, nxt + (end - start)


def propose(ctx, payload: dict) -> None:
    bot = ctx.bot
    draft = bot.store.create_draft(ctx.sender.open_id, "schedule", payload, chat_id=ctx.chat_id,
                                   key=f"{ctx.message_id}:schedule")
    draft = room_picks.settle(bot, draft)
    card = cards.proposal_card(planning.proposal(bot, draft, ctx.lang), ctx.lang)
    mid = ctx.reply(card, key="proposal")
    bot.store.update_draft(draft.id, card_message_id=mid)


def offer_slots(ctx, payload: dict, window: tuple[dt.datetime, dt.datetime]) -> None:
    bot = ctx.bot
    payload["window"] = [window[0].isoformat(), window[1].isoformat()]
    payload.setdefault("band", planning.band_of(window, None, payload["tz"]))
    draft = bot.store.create_draft(ctx.sender.open_id, "schedule", payload, chat_id=ctx.chat_id,
                                   key=f"{ctx.message_id}:schedule")
    view, found = planning.free_slots(bot, draft, ctx.lang, window, ctx.now)
    draft = bot.store.update_draft(draft.id, payload={**draft.payload, "slots": found}) or draft
    mid = ctx.reply(cards.slots_card(view, ctx.lang), key="slots")
    bot.store.update_draft(draft.id, card_message_id=mid)
