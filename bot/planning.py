"""Turning a schedule draft into what its card shows: who, which room, who is busy,
which slots are free. The Feishu calls live here; the decisions are in bot/slots.py."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from . import cards, people, slots
from .feishu import Room

DEFAULT_WINDOW_DAYS = 5
WIDEN_DAYS = 7          # how far past the asked span to look when nobody is free in it
_ROOM_NOISE = re.compile(r"(?i)\b(room|meeting|conference|the|in|at)\b|会议室|会议|房间|在")
_FLOOR = re.compile(r"(\d+)\s*(?:楼|层|f\b|/f)", re.I)


def iso(v: dt.datetime) -> str:
    return v.isoformat()


def parse(v: str) -> dt.datetime:
    return dt.datetime.fromisoformat(v)


def find_room(rooms: list[Room], wanted: str | None, size: int) -> Room | None:
    """The room a message names ("珠峰会议室", "Room Everest", "3楼大会议室"), or None."""
    if not wanted:
        return None
    text = wanted.strip().lower()
    floor = _FLOOR.search(text)
    key = _ROOM_NOISE.sub(" ", _FLOOR.sub(" ", text)).replace("大", " ").replace("小", " ").strip()
    named = [r for r in rooms if key and any(part and part in r.name.lower() for part in key.split())]
    if named:
        return named[0]
    if floor:
        want = floor.group(1)
        on_floor = [r for r in rooms if re.search(rf"(?<!\d){want}\s*(f|楼|层)?\b", (r.floor or "").lower())
                    or (r.floor or "").lower().startswith(want)]
        fitting = [r for r in on_floor if r.capacity >= size] or on_floor
        if fitting:
            # "大会议室" asks for the biggest; otherwise the smallest that fits.
            return max(fitting, key=lambda r: r.capacity) if "大" in wanted else min(fitting, key=lambda r: r.capacity)
    return None


def room_named_in(rooms: list[Room], text: str) -> tuple[Room, str] | None:
    """A room whose name (or one word of it: "Everest", "珠峰") the message mentions, with the
    word found. The parser does not know the tenant's rooms; the bot does."""
    low = text.lower()
    for r in rooms:
        for word in r.name.replace("(", " ").replace(")", " ").split():
            if len(word) >= 2 and word.lower() in low:
                return r, word
    return None


def without_word(title: str | None, word: str) -> str | None:
    """The title with a room's name (and a leading 在/at/in) taken out; None if nothing is left."""
    if not title:
        return title
    out = re.sub(rf"(?i)(?:\b(?:at|in)\s+|在)?{re.escape(word)}", " ", title)
    out = re.sub(r"\s+", " ", out).strip(" ,，、-·")
    out = re.sub(r"(?i)^(?:for|about|on)\s+(?:the\s+)?", "", out)
    return out or None


def person_cards(bot, open_ids: list[str], lang: str) -> tuple[cards.Person, ...]:
    found = people.lookup_many(bot, open_ids)
    return tuple(cards.Person(name=people.display(p, lang), open_id=p.open_id, tz=p.tz) for p in found.values())


def working_hours(bot, open_id: str) -> slots.WorkingHours:
    p = people.lookup(bot, open_id)
    prefs = bot.store.get_prefs(open_id)
    return slots.WorkingHours(tz=prefs.tz or p.tz or bot.settings.default_tz, start=prefs.work_start,
                              end=prefs.work_end, days=frozenset(prefs.work_days))


def everyone(payload: dict[str, Any], owner: str) -> list[str]:
    return list(dict.fromkeys([owner, *payload.get("attendees", [])]))


def busy_by_id(bot, open_ids: list[str], room_ids: list[str], start: dt.datetime,
               end: dt.datetime) -> dict[str, list[slots.Busy]]:
    raw = bot.feishu.freebusy(open_ids, room_ids, start, end)
    return {k: [slots.Busy(s, e) for s, e in v] for k, v in raw.items()}


def proposal(bot, draft, lang: str) -> cards.Proposal:
    """The proposal card's data for a draft with a start and end: conflicts checked now."""
    p = draft.payload
    start, end = parse(p["start"]), parse(p["end"])
    ids = everyone(p, draft.owner)
    room = p.get("room")
    busy = busy_by_id(bot, ids, [room["room_id"]] if room else [], start, end)
    names = {c.open_id: c.name for c in person_cards(bot, ids, lang)}
    conflicts = []
    for oid, blocks in slots.conflicts({i: busy.get(i, []) for i in ids}, start, end).items():
        for b in blocks:
            conflicts.append(cards.Conflict(person=names.get(oid, oid), start=b.start, end=b.end, title=b.title))
    card_room = None
    if room:
        taken = bool(slots.conflicts({"room": busy.get(room["room_id"], [])}, start, end))
        card_room = cards.Room(name=room["name"], seats=room.get("capacity") or None,
                               floor=room.get("floor") or None, taken=taken)
    attendees = person_cards(bot, p.get("attendees", []), lang)
    organizer = person_cards(bot, [draft.owner], lang)[0]
    return cards.Proposal(draft_id=draft.id, title=p["title"], start=start, end=end, tz=p["tz"],
                          attendees=attendees, room=card_room, room_wanted=p.get("room_wanted"),
                          conflicts=tuple(conflicts), assumptions=tuple(p.get("assumptions", [])),
                          recurrence=p.get("recurrence"), organizer=organizer)


def free_slots(bot, draft, lang: str, window: tuple[dt.datetime, dt.datetime],
               now: dt.datetime) -> tuple[cards.SlotsView, list[tuple[str, str]]]:
    """Up to three slots inside everyone's working hours; best effort when none."""
    p = draft.payload
    ids = everyone(p, draft.owner)
    ws, we = window
    ws = max(ws, now)
    if we <= ws:
        we = ws + dt.timedelta(days=DEFAULT_WINDOW_DAYS)
    room = p.get("room")
    people.lookup_many(bot, ids)   # one contact batch call for everyone not cached yet
    # Free/busy once, over the widened span too: the asked span is a part of it, and a second
    # round of calls when nobody is free in the asked span would double the Feishu calls.
    wide_end = max(we, ws + dt.timedelta(days=WIDEN_DAYS))
    busy = busy_by_id(bot, ids, [room["room_id"]] if room else [], ws, wide_end)
    busy_people = {i: busy.get(i, []) for i in ids}
    if room:
        # A wanted room must be free too: count it as one more participant with no hours limit.
        busy_people["__room__"] = busy.get(room["room_id"], [])
    hours = {i: working_hours(bot, i) for i in ids}
    if room:
        hours["__room__"] = slots.WorkingHours(tz="UTC", start=dt.time(0), end=dt.time(23, 59),
                                               days=frozenset(range(7)))
    duration = int(p.get("duration") or 30)
    found = slots.find_slots(busy_people, hours, ws, we, duration, now, tz=p["tz"])
    names = {c.open_id: c.name for c in person_cards(bot, ids, lang)}
    names["__room__"] = room["name"] if room else ""
    widened = False
    if not found and wide_end > we:
        # Nothing in the asked span (e.g. "tomorrow afternoon" is night for someone abroad):
        # the nearest times that suit everyone beat a list of times that suit nobody.
        found = slots.find_slots(busy_people, hours, ws, wide_end, duration, now, tz=p["tz"])
        widened = bool(found)
    if found:
        choices = tuple(cards.SlotChoice(s.start, s.end) for s in found)
        best_effort = False
    else:
        be = slots.best_effort_slots(busy_people, hours, ws, we, duration, now, tz=p["tz"])
        choices = tuple(cards.SlotChoice(b.slot.start, b.slot.end,
                                         unavailable=tuple(names.get(x, x) for x in b.unavailable)) for b in be)
        best_effort = True
    view = cards.SlotsView(draft_id=draft.id, title=p["title"], tz=p["tz"], duration_minutes=duration,
                           slots=choices, best_effort=best_effort, widened=widened,
                           attendees=person_cards(bot, p.get("attendees", []), lang),
                           assumptions=tuple(p.get("assumptions", [])))
    return view, [(iso(c.start), iso(c.end)) for c in choices]
