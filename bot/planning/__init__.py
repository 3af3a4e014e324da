"""Turning a schedule draft into what its card shows: who, which room, who is busy,
which slots are free. The Feishu calls live here; the decisions are in bot/slots.py."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .. import cards, people, slots
from ..feishu import Room
from . import room_picks

DEFAULT_WINDOW_DAYS = 5
WIDEN_DAYS = 7          # how far past the asked span to look when nobody is free in it
PAST_GRACE = dt.timedelta(minutes=1)   # "now" said a moment ago is not the past
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
            span = slots.normalize(b, p["tz"])   # a date-only block (a day off) as its hours: cards show times
            if span is not None:
                conflicts.append(cards.Conflict(person=names.get(oid, oid), start=span[0], end=span[1], title=b.title))
    card_room, options = None, ()
    if room:
        taken = bool(slots.conflicts({"room": busy.get(room["room_id"], [])}, start, end))
        card_room = room_picks.card_room(room, taken=taken)
        if taken:
            options = room_picks.options(bot, draft, start, end, exclude=(room["room_id"],))
    elif p.get("room_ask") or p.get("room_wanted"):
        options = room_picks.options(bot, draft, start, end)
    attendees = person_cards(bot, p.get("attendees", []), lang)
    organizer = person_cards(bot, [draft.owner], lang)[0]
    off = off_hours(bot, [i for i in ids if i != draft.owner], start, end, names)   # the requester chose it
    in_past = start < bot.now() - PAST_GRACE
    # the note follows the time shown (a picked slot is no longer the past time the message named)
    assumptions = [a for a in p.get("assumptions", []) if a != "date_in_past"] + (["date_in_past"] if in_past else [])
    return cards.Proposal(draft_id=draft.id, title=p["title"], start=start, end=end, tz=p["tz"],
                          attendees=attendees, room=card_room, room_wanted=p.get("room_wanted"),
                          conflicts=tuple(conflicts), assumptions=tuple(assumptions),
                          recurrence=p.get("recurrence"), organizer=organizer, room_options=options,
                          room_asked=bool(p.get("room_ask")), off_hours=off, in_past=in_past)


def off_hours(bot, ids: list[str], start: dt.datetime, end: dt.datetime,
              names: dict[str, str]) -> tuple[cards.OffHours, ...]:
    """Who would meet outside their working hours at [start, end), with their zone."""
    out = []
    for oid in ids:
        h = working_hours(bot, oid)
        if not slots.within_hours(h, start, end):
            out.append(cards.OffHours(person=names.get(oid, oid), tz=h.tz))
    return tuple(out)


PARTS_OF_DAY = ((dt.time(9), dt.time(12)), (dt.time(12), dt.time(14)), (dt.time(14), dt.time(18)),
                (dt.time(18), dt.time(21)))


def band_of(window: tuple[dt.datetime, dt.datetime] | None, start: dt.datetime | None,
            tz: str) -> list[str] | None:
    """The part of day a request asked for, kept when looking on other days: a window inside
    one day that is not the whole day ("下午" → 14:00–18:00), else the part of day holding an
    exact start ("3pm" → afternoon). None when the request names no part of day."""
    z = people.zone(tz)
    if window:
        ws, we = window[0].astimezone(z), window[1].astimezone(z)
        one_day = ws.date() == we.date() or (we - ws <= dt.timedelta(days=1) and we.time() == dt.time(0))
        if one_day and not (ws.time() == dt.time(0) and we.time() == dt.time(0)) and we - ws < dt.timedelta(hours=12):
            return [ws.strftime("%H:%M"), we.strftime("%H:%M")]
        return None
    if start is not None:
        at = start.astimezone(z).time()
        for lo, hi in PARTS_OF_DAY:
            if lo <= at < hi:
                return [lo.strftime("%H:%M"), hi.strftime("%H:%M")]
    return None


def other_window(p: dict, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Where "Other times" looks: the span the message asked for while it lasts (its part of day
    is kept by the payload's `band`), else the working days from the proposed day on."""
    if p.get("window"):
        ws, we = parse(p["window"][0]), parse(p["window"][1])
        if we > now:
            return max(ws, now), we
    start = parse(p["start"]) if p.get("start") else now
    day0 = start.astimezone(people.zone(p["tz"])).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(now, day0), day0 + dt.timedelta(days=DEFAULT_WINDOW_DAYS)


def _band(p: dict) -> tuple[dt.time, dt.time] | None:
    b = p.get("band")
    return (dt.time.fromisoformat(b[0]), dt.time.fromisoformat(b[1])) if b else None


def free_slots(bot, draft, lang: str, window: tuple[dt.datetime, dt.datetime],
               now: dt.datetime, *, ids: list[str] | None = None, ignore: tuple[dt.datetime, dt.datetime] | None = None,
               intro: str | None = None) -> tuple[cards.SlotsView, list[tuple[str, str]]]:
    """Up to three slots inside everyone's working hours and the asked part of day (`band` in
    the payload); the nearest later ones when none; else best effort, marking who would meet
    outside their hours ("01:00 for Carol"). `ids`: who must attend (default: the draft's
    people); `ignore`: a busy block not to count (the meeting being moved)."""
    p = draft.payload
    ids = ids or everyone(p, draft.owner)
    ws, we = window
    ws = max(ws, now)
    if we <= ws:
        we = ws + dt.timedelta(days=DEFAULT_WINDOW_DAYS)
    room = p.get("room")
    room_ids = [room["room_id"]] if room else []
    band = _band(p)
    people.lookup_many(bot, ids)   # one contact batch call for everyone not cached yet
    hours = {i: working_hours(bot, i) for i in ids}
    if room:
        # A wanted room must be free too: one more participant with no hours limit.
        hours["__room__"] = slots.WorkingHours(tz="UTC", start=dt.time(0), end=dt.time(0), days=frozenset(range(7)))

    def busy_people(start: dt.datetime, end: dt.datetime) -> dict[str, list[slots.Busy]]:
        busy = busy_by_id(bot, ids, room_ids, start, end)
        out = {i: [b for b in busy.get(i, []) if (b.start, b.end) != ignore] for i in ids}
        if room:
            out["__room__"] = [b for b in busy.get(room["room_id"], []) if (b.start, b.end) != ignore]
        return out

    duration = int(p.get("duration") or 30)
    # Free/busy once, over the widened span too: the asked span is a part of it, and a second
    # round of calls when nobody is free in the asked span would double the Feishu calls.
    wide_end = max(we, ws + dt.timedelta(days=WIDEN_DAYS))
    busy = busy_people(ws, wide_end)
    found = slots.find_slots(busy, hours, ws, we, duration, now, tz=p["tz"], band=band)
    widened = False
    if not found:
        # Nothing in the asked span (e.g. "tomorrow afternoon" is night for someone abroad):
        # the nearest times that suit everyone, in the same part of day, beat times that suit nobody.
        # When the part of day suits nobody on any day (Carol's afternoon is Dave's night), any time of day.
        for b in dict.fromkeys([band, None]):
            found = slots.find_slots(busy, hours, ws, wide_end, duration, now, tz=p["tz"], band=b)
            if found:
                break
        widened = bool(found)
    names = {c.open_id: c.name for c in person_cards(bot, ids, lang)}
    names["__room__"] = room["name"] if room else ""
    if found:
        choices = tuple(cards.SlotChoice(s.start, s.end) for s in found)
        best_effort = False
    else:
        # Ranked by how many can come; shown, like every list of times, in time order.
        be = sorted(slots.best_effort_slots(busy, hours, ws, we, duration, now, tz=p["tz"], band=band),
                    key=lambda b: b.slot.start)
        choices = tuple(cards.SlotChoice(
            b.slot.start, b.slot.end, unavailable=tuple(names.get(x, x) for x in b.busy),
            off_hours=tuple(cards.OffHours(person=names.get(x, x), tz=hours[x].tz)
                            for x in b.outside_hours if x != "__room__" and x not in b.busy)) for b in be)
        best_effort = True
    view = cards.SlotsView(draft_id=draft.id, title=p["title"], tz=p["tz"], duration_minutes=duration,
                           slots=choices, best_effort=best_effort, widened=widened,
                           attendees=person_cards(bot, [i for i in ids if i != draft.owner], lang),
                           assumptions=tuple(p.get("assumptions", [])), intro=intro)
    return view, [(iso(c.start), iso(c.end)) for c in choices]
