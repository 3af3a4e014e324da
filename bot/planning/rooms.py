"""Rooms by capacity and place (pure): what a message asks of a room, and which free rooms fit.

The parser reads a room's name (`room`) and, from v2, the seats asked for (`capacity`); a message
that only says "在会议室开会" / "book a room" asks for *a* room. The bot knows the tenant's
rooms and their free/busy; these functions decide with what they are given."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..feishu import Room

# "a room", "会议室", "rooms": the message wants a room even when it names none.
_ANY_ROOM = re.compile(r"(?i)会议室|会议间|\brooms?\b")
# "6人", "6个人", "for 6 people", "room for 6", "6-person", "6 seats"
_SEATS = (re.compile(r"(\d{1,3})\s*(?:个)?\s*(?:人|位|座)"),
          re.compile(r"(?i)\b(\d{1,3})\s*(?:-\s*)?(?:people|persons?|seats?|pax|attendees)\b"),
          re.compile(r"(?i)\brooms?\s+for\s+(\d{1,3})\b"))
# A question about the rooms themselves, not a meeting: "有哪些会议室", "哪个会议室空",
# "which rooms are free", "list the rooms".
_ROOMS_QUESTION = re.compile(
    r"(?i)(?:有哪些|哪些|哪个|哪间|什么)\s*会议室|会议室.{0,6}(?:有空|空着|空闲|可用)(?:吗|么|\?|？)|"
    r"\b(?:which|what|any|list(?: the| all)?)\s+(?:meeting\s+)?rooms?\b.*\b(?:free|available|are there|do we have)?|"
    r"\blist(?: the| all)?\s+(?:meeting\s+)?rooms\b")


@dataclass(frozen=True)
class RoomAsk:
    """What the message asks of a room: a name, or any room, and the seats it needs (0 = no room)."""
    name: str | None = None
    any_room: bool = False
    seats: int = 0

    @property
    def wanted(self) -> bool:
        return bool(self.name) or self.any_room


def seats_in(text: str) -> int | None:
    for rx in _SEATS:
        m = rx.search(text or "")
        if m and 0 < int(m.group(1)) <= 500:
            return int(m.group(1))
    return None


def room_ask(room: str | None, capacity: int | None, text: str, people: int) -> RoomAsk:
    """The room the message asks for. `capacity` is the parser's (v2), read from the text when it
    is absent; `people` is how many will attend, the least a room must seat."""
    named = room if room and not _ANY_ROOM.fullmatch(room.strip()) else None
    wants = bool(named) or bool(capacity) or bool(_ANY_ROOM.search(text or ""))
    if not wants:
        return RoomAsk()
    need = capacity or seats_in(text) or 0
    return RoomAsk(name=named, any_room=not named, seats=max(need, people))


_ROOM_WORDS = re.compile(r"(?i)\b(?:book|find|get|grab|reserve)?\s*(?:a|the)?\s*(?:meeting\s+)?rooms?\s*(?:for\s+\d{1,3})?"
                         r"(?:\s*(?:people|persons?|seats?|pax))?\b|\b(?:for\s+)?\d{1,3}\s*(?:people|persons?|seats?|pax)\b|"
                         r"(?:在|订|找|要)?\s*(?:一间|一个|个|间)?\s*(?:能坐)?\s*(?:(?:\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(?:个)?\s*人的?)?会议室|"
                         r"(?:在|订|找|要)?\s*(?:一间|一个|个|间)?\s*(?:能坐)?\s*(?:\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(?:个)?人的?")


def without_room_words(title: str | None) -> str | None:
    """The title with "a room for 6 people" / "6人的会议室" taken out; None if nothing is left."""
    if not title:
        return title
    out = re.sub(r"\s+", " ", _ROOM_WORDS.sub(" ", title)).strip(" ,，、-·的")
    return out if out and out.lower() not in ("a", "the", "for", "in", "at", "meeting", "开会", "会") else None


_BOOK = re.compile(r"(?i)\b(?:book|reserve|schedule|set\s+up|meet|meeting)\b|预订|预定|订|约|开会|会议(?!室)")


def is_room_booking(text: str, has_time: bool, has_people: bool) -> bool:
    """"book a room for 6 people tomorrow 2pm" / "明天下午2点订个会议室和 @Bob 开会": a meeting to
    book with a room (the `schedule` path), not a question about the rooms."""
    if is_rooms_question(text):
        return False
    return bool(_BOOK.search(text or "")) and (has_time or has_people)


def is_rooms_question(text: str) -> bool:
    """"有哪些会议室？" / "明天下午2点哪个会议室空" / "which rooms are free at 3": a question about
    rooms (the `rooms` intent), not a meeting to book."""
    return bool(_ROOMS_QUESTION.search(text or ""))


def rank(rooms: Iterable[Room], seats: int, near: tuple[str, str] | None = None,
         taken: Iterable[str] = ()) -> list[Room]:
    """Free rooms that seat `seats`, best first: the requester's building and floor (`near`),
    then the smallest that fits (a big room stays free for big meetings), then by name."""
    busy = set(taken)
    fit = [r for r in rooms if r.room_id not in busy and r.capacity >= seats]

    def key(r: Room) -> tuple[bool, bool, int, str]:
        same_building = near is not None and r.building == near[0]
        same_floor = near is not None and same_building and r.floor == near[1]
        return (not same_floor, not same_building, r.capacity, r.name)
    return sorted(fit, key=key)


def as_payload(r: Room) -> dict[str, Any]:
    """A room as a draft keeps it (JSON)."""
    return {"room_id": r.room_id, "name": r.name, "capacity": r.capacity, "floor": r.floor,
            "building": r.building}
