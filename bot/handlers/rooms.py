"""rooms: "有哪些会议室？", "明天下午2点哪个会议室空", "which rooms seat 8?" — every room with its
seats and floor and, when the message names a time, whether it is free then."""
from __future__ import annotations

import datetime as dt

from .. import cards
from ..feishu import Room
from ..planning import room_picks
from ..planning import rooms as room_rules
from .registry import on_intent

DEFAULT_MINUTES = 60     # "哪个会议室空" at 2pm: free for the hour that follows


def asked_span(ctx) -> tuple[dt.datetime, dt.datetime] | None:
    """The time the message asks about: an exact start (for its length, or an hour), or a span."""
    it = ctx.intent
    if isinstance(it.start, dt.datetime):
        end = it.end if isinstance(it.end, dt.datetime) and it.end > it.start else \
            it.start + dt.timedelta(minutes=it.duration_minutes or DEFAULT_MINUTES)
        return it.start, end
    if isinstance(it.window_start, dt.datetime) and isinstance(it.window_end, dt.datetime) \
            and "default_window" not in it.assumptions:
        return it.window_start, it.window_end
    return None


def is_booking(ctx) -> bool:
    """A "rooms" message that books a meeting with a room ("明天下午3点和@张三在珠峰开会"): the
    schedule handler's, whose proposal picks the room (`bot.handlers.dispatch` sends it there)."""
    it = ctx.intent
    return it.intent == "rooms" and room_rules.is_room_booking(
        ctx.text, isinstance(it.start, dt.datetime), any(a.get("type") == "user" for a in it.attendees))


@on_intent("rooms")
def handle(ctx) -> None:
    """Every room with its seats and floor, free or not at the asked time."""
    bot = ctx.bot
    seats = getattr(ctx.intent, "capacity", None) or room_rules.seats_in(ctx.text) or 0
    rooms = [r for r in bot.feishu.list_rooms() if r.capacity >= seats]
    span = asked_span(ctx)
    near = room_picks.near(bot, ctx.sender.open_id)
    listed: list[tuple[Room, bool | None]]       # free at the asked time; None: no time asked
    if span is None:
        listed = [(r, None) for r in room_rules.rank(rooms, seats, near)]
    else:
        taken = room_picks.taken_rooms(bot, [r.room_id for r in rooms], span[0], span[1])
        free = room_rules.rank(rooms, seats, near, taken)
        listed = [(r, True) for r in free] + [(r, False) for r in sorted(rooms, key=lambda r: (r.capacity, r.name))
                                              if r.room_id in taken]
    ctx.reply(cards.rooms_card([(room_picks.card_room(room_rules.as_payload(r)), ok) for r, ok in listed],
                               ctx.lang, at=span[0] if span else None, tz=ctx.sender.tz, seats=seats), key="rooms")
