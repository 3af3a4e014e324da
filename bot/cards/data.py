"""Plain values the card functions take. Handlers build these from store/feishu data.

All datetimes are timezone-aware. `tz` fields are IANA zone names; a person's
`tz` of None means "same zone as the viewer/requester".
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

# Button actions: the "a" of every callback value.
CONFIRM = "confirm"     # {"a", "d"}
OTHER = "other"         # {"a", "d"}  other times
CANCEL = "cancel"       # {"a", "d"}  drop the draft
PICK = "pick"           # {"a", "d", "i": slot index}
UNDO = "undo"           # {"a", "d"}
RETRY = "retry"         # {"a", "d"}
CHOOSE = "choose"       # {"a", "d", "e": event id}
SCOPE = "scope"         # {"a", "d", "s": "one" | "series"}
MEAN = "mean"           # {"a", "d", "i": index of the reading}  on the did-you-mean card
ROOM = "room"           # {"a", "d", "r": room id}  use this room instead
ASK = "ask"             # {"a", "d"}  ask the organiser to make the change
ACTIONS = (CONFIRM, OTHER, CANCEL, PICK, UNDO, RETRY, CHOOSE, SCOPE, MEAN, ROOM, ASK)


def value(action: str, draft_id: str, **extra: object) -> dict[str, Any]:
    """The callback value of a button: `{"a": action, "d": draft_id, **extra}`."""
    v: dict[str, Any] = {"a": action, "d": draft_id}
    v.update({k: x for k, x in extra.items() if x is not None})
    return v


@dataclass(frozen=True)
class Person:
    name: str
    open_id: str = ""
    tz: str | None = None


@dataclass(frozen=True)
class Room:
    name: str
    seats: int | None = None
    floor: str | None = None
    taken: bool = False          # busy at the proposed time
    room_id: str = ""
    status: str | None = None    # booked: "accept" | "pending" | "decline" | "taken" (not booked)


@dataclass(frozen=True)
class Conflict:
    person: str                  # display name
    start: dt.datetime
    end: dt.datetime
    title: str | None = None     # None when free/busy hides it


@dataclass(frozen=True)
class Proposal:
    draft_id: str
    title: str
    start: dt.datetime
    end: dt.datetime
    tz: str                      # requester's zone: the card's main clock
    attendees: tuple[Person, ...] = ()
    room: Room | None = None
    room_wanted: str | None = None   # asked for by name but not found
    conflicts: tuple[Conflict, ...] = ()
    assumptions: tuple[str, ...] = ()
    recurrence: str | None = None    # RRULE, e.g. "FREQ=WEEKLY;BYDAY=MO"
    organizer: Person | None = None
    room_options: tuple[Room, ...] = ()      # free rooms to switch to (the room is taken or none fits)
    room_asked: bool = False                 # the message asked for a room (named or not)
    off_hours: tuple[OffHours, ...] = ()   # attendees for whom the time is outside working hours
    in_past: bool = False                    # the time has passed: nothing to confirm, only other times


@dataclass(frozen=True)
class SlotChoice:
    start: dt.datetime
    end: dt.datetime
    unavailable: tuple[str, ...] = ()   # names of people who can't make it (best effort)
    off_hours: tuple[OffHours, ...] = ()


@dataclass(frozen=True)
class SlotsView:
    draft_id: str
    title: str
    tz: str
    duration_minutes: int
    slots: tuple[SlotChoice, ...] = ()
    best_effort: bool = False        # nobody-free-for-all: slots name who can't come
    widened: bool = False            # nothing in the asked window: these are the nearest common times
    attendees: tuple[Person, ...] = ()
    assumptions: tuple[str, ...] = ()
    intro: str | None = None         # a line above the title ("Pick a new time for …")


@dataclass(frozen=True)
class Event:
    event_id: str
    title: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date       # for all-day: last day, inclusive
    all_day: bool = False
    recurring: bool = False
    app_link: str | None = None
    location: str | None = None
    recurrence: str | None = None


@dataclass(frozen=True)
class Booked:
    draft_id: str
    title: str
    start: dt.datetime
    end: dt.datetime
    tz: str
    attendees: tuple[Person, ...] = ()
    room: Room | None = None
    recurrence: str | None = None
    app_link: str | None = None
    undo_until: dt.datetime | None = None
    room_options: tuple[Room, ...] = ()      # the room declined or was taken: free ones to add


@dataclass(frozen=True)
class OffHours:
    """A time outside someone's working hours, on their clock: "01:00 for Carol"."""
    person: str
    tz: str
