"""Rooms at a time, from Feishu: which rooms are free, the best one for a draft, and what the
room of a booked meeting answered. Room booking is asynchronous on Feishu: a room added to an
event starts `needs_action` and accepts or declines later, so the booked draft keeps the
room's answer (`result["room_status"]`) and the sweeper re-reads it until it is final
(bot/drafts/room_answers.py: the booked card is the drafts layer's)."""
from __future__ import annotations

import datetime as dt

from .. import cards
from ..feishu import Room
from . import rooms as pure

MAX_OPTIONS = 3
# The room's answer as the booked card tells it; "taken" = found busy at Confirm, never added.
FINAL = ("accept", "decline", "taken")
STATUS_OF_RSVP = {"accept": "accept", "decline": "decline", "removed": "decline"}


def taken_rooms(bot, room_ids: list[str], start: dt.datetime, end: dt.datetime,
                ignore: tuple[dt.datetime, dt.datetime] | None = None) -> set[str]:
    """The rooms of `room_ids` busy at some moment of [start, end). `ignore`: the meeting's own
    time, when the room is already booked for it (a room is not taken by its own meeting)."""
    if not room_ids:
        return set()
    busy = bot.feishu.freebusy([], room_ids, start, end)
    out = set()
    for rid, blocks in busy.items():
        if any(s < end and e > start and (s, e) != ignore for s, e in blocks):
            out.add(rid)
    return out


def near(bot, owner: str) -> tuple[str, str] | None:
    """Where the person meets: the building and floor of the room of their latest booking."""
    for d in bot.store.find_drafts(owner=owner, kind="schedule", statuses={"booked"}, limit=20):
        room = d.payload.get("room") or {}
        if room.get("building") or room.get("floor"):
            return room.get("building", ""), room.get("floor", "")
    return None


def free_rooms(bot, owner: str, seats: int, start: dt.datetime, end: dt.datetime,
               exclude: tuple[str, ...] = (), want: int = 1) -> list[Room]:
    """Up to `want` free rooms seating `seats` at [start, end), best first. Rooms are asked in
    the order they would be offered, `want` at a time, so the usual case costs one free/busy
    call per room wanted rather than one per room of the tenant."""
    ranked = pure.rank([r for r in bot.feishu.list_rooms() if r.room_id not in exclude], seats, near(bot, owner))
    found: list[Room] = []
    for i in range(0, len(ranked), max(1, want)):
        batch = ranked[i:i + max(1, want)]
        taken = taken_rooms(bot, [r.room_id for r in batch], start, end)
        found += [r for r in batch if r.room_id not in taken]
        if len(found) >= want:
            break
    return found[:want]


def settle(bot, draft):
    """Give a draft that asks for *a* room (no name) the best free room at its time, keeping one
    that is still free. Returns the draft (updated when the room changed)."""
    p = draft.payload
    ask = p.get("room_ask") or {}
    if not ask.get("any") or not p.get("start"):
        return draft
    start, end = dt.datetime.fromisoformat(p["start"]), dt.datetime.fromisoformat(p["end"])
    room = p.get("room")
    if room and room["room_id"] not in taken_rooms(bot, [room["room_id"]], start, end):
        return draft
    found = free_rooms(bot, draft.owner, int(ask.get("seats") or 0), start, end)
    new = pure.as_payload(found[0]) if found else None
    if new == room:
        return draft
    return bot.store.update_draft(draft.id, payload={**p, "room": new}) or draft


def options(bot, draft, start: dt.datetime, end: dt.datetime, exclude: tuple[str, ...] = ()) -> tuple:
    """Up to three free rooms to offer instead of the draft's (taken, declined or missing) room."""
    p = draft.payload
    ask = p.get("room_ask") or {}
    seats = int(ask.get("seats") or 0) or len(p.get("attendees", [])) + 1
    found = free_rooms(bot, draft.owner, seats, start, end, exclude, want=MAX_OPTIONS)
    return tuple(card_room(pure.as_payload(r)) for r in found)


def card_room(room: dict, status: str | None = None, taken: bool = False) -> cards.Room:
    return cards.Room(name=room["name"], seats=room.get("capacity") or None, floor=room.get("floor") or None,
                      taken=taken, room_id=room.get("room_id", ""), status=status)


def status_from(attendees, room_id: str) -> str:
    """The room's answer among an event's attendees: accept, decline or pending."""
    for a in attendees:
        if a.type == "resource" and a.room_id == room_id:
            return STATUS_OF_RSVP.get(a.rsvp_status, "pending")
    return "decline"     # not among the attendees (removed): the meeting has no room
