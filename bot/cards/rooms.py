"""Rooms on cards: the room line of a proposal or a booked meeting (with its answer and free
rooms to switch to), the `rooms` list, and the off-hours line ("01:00 for Carol")."""
from __future__ import annotations

import datetime as dt
from typing import Any

from .base import button, card, esc, md, row
from .data import ROOM, OffHours, Room, value
from .format import fmt_day, fmt_hm, fmt_when, local
from .i18n import join, t


def room_text(room: Room, lang: str) -> str:
    """"珠峰 · 12人 · 3F" / "Everest · 12 seats · floor 3"."""
    bits = [esc(room.name)]
    if room.seats:
        bits.append(t("room_seats", lang, n=room.seats))
    if room.floor:
        # Floors come as "3" or already labelled ("3F", "5楼"): label only bare numbers.
        label = room.floor.strip()
        bits.append(t("room_floor", lang, floor=esc(label)) if label.isdigit() else esc(label))
    return " · ".join(bits)


def room_buttons(draft_id: str, options: tuple[Room, ...], lang: str) -> list[dict[str, Any]]:
    """"These rooms are free then:" and a button per room `{"a": "room", "d", "r": room_id}`."""
    if not options:
        return []
    lines = "\n".join(f"- {room_text(r, lang)}" for r in options)
    return [md(f"{t('room_alternatives', lang)}\n{lines}", small=True),
            row([button(t("btn_use_room", lang, name=r.name), value(ROOM, draft_id, r=r.room_id))
                 for r in options if r.room_id])]


def booked_room(draft_id: str, room: Room | None, options: tuple[Room, ...], lang: str) -> list[dict[str, Any]]:
    """The booked meeting's room as the room answered: confirmed, pending, or — declined or
    taken at Confirm — not the meeting's room at all, with free rooms to add instead."""
    if room is None:
        return []
    if room.status in ("decline", "taken"):
        key = "room_declined" if room.status == "decline" else "room_not_booked"
        out = [md(f"🏢 {t(key, lang, name=esc(room.name))}")]
        return out + (room_buttons(draft_id, options, lang) or [md(t("room_none_free", lang), small=True)])
    state = t("room_pending", lang) if room.status == "pending" else t("room_accepted", lang)
    return [md(f"🏢 {room_text(room, lang)} — {state}")]


def off_hours_items(start: dt.datetime, tz: str, off: tuple[OffHours, ...], lang: str) -> list[str]:
    """"01:00 for Carol (Sat Dec 12)" per person — the date when it is not the requester's."""
    mine = local(start, tz).date()
    items = []
    for o in off:
        x = local(start, o.tz)
        when = fmt_hm(x) + ("" if x.date() == mine else f" ({fmt_day(x.date(), lang)})")
        items.append(t("off_hours_for", lang, name=esc(o.person), time=when))
    return items


def off_hours_line(start: dt.datetime, tz: str, off: tuple[OffHours, ...], lang: str) -> str:
    """"Outside working hours: 01:00 for Carol (Sat Dec 12)", or "" when it suits everyone."""
    items = off_hours_items(start, tz, off, lang)
    return t("off_hours", lang, list=join(items, lang)) if items else ""


def rooms_card(rooms: list[tuple[Room, bool | None]], lang: str, *, at: dt.datetime | None = None,
               tz: str | None = None, seats: int = 0) -> dict[str, Any]:
    """The tenant's rooms, each with seats and floor, and — given a time `at` — free or taken
    (the bool; None when no time was asked). Free rooms first."""
    head = []
    if at is not None:
        head.append(t("rooms_at", lang, when=fmt_when(at, tz, lang)))
    if seats:
        head.append(t("rooms_for", lang, n=seats))
    lines = []
    for r, free in rooms:
        state = "" if free is None else f" — {t('rooms_free' if free else 'rooms_busy', lang)}"
        lines.append(f"{'✅' if free else '⛔' if free is False else '🏢'} {room_text(r, lang)}{state}")
    if not lines:
        lines.append(t("room_none_fits", lang, n=seats) if seats else t("rooms_none", lang))
    elements = ([md(" · ".join(head))] if head else []) + [md("\n".join(lines)),
                                                         md(t("rooms_hint", lang), small=True)]
    return card(t("title_rooms", lang), "wathet", elements, lang)
