"""The proposal card: one time, the people, the room, conflicts; Confirm / Other times / Cancel."""
from __future__ import annotations

import datetime as dt
from typing import Any

from .base import button, card, esc, md, more, row
from .data import CANCEL, CONFIRM, OTHER, Proposal, value
from .format import describe_rrule, fmt_duration, fmt_hm, fmt_local_range, fmt_range, local
from .i18n import join, t
from .rooms import off_hours_line, room_buttons, room_text

MAX_PEOPLE = 30
MAX_CONFLICTS = 15
ASSUMPTIONS = ("pm_assumed", "am_assumed", "rolled_to_tomorrow", "date_in_past", "default_window")


def assumption_lines(codes: tuple[str, ...] | list[str], start: dt.datetime | None, tz: str,
                     lang: str) -> list[str]:
    """Each parser convention in words, so the person can correct it; unknown codes are skipped."""
    timed = ("pm_assumed", "am_assumed")
    when = fmt_hm(local(start, tz)) if start is not None else ""
    # Without a start there is no clock time to show for am/pm, so those are skipped.
    return [t(f"assume_{c}", lang, time=when) for c in codes
            if c in ASSUMPTIONS and (start is not None or c not in timed)]


def proposal_card(p: Proposal, lang: str) -> dict[str, Any]:
    """Proposal for draft `p.draft_id`.

    Buttons: Confirm `{"a": "confirm", "d"}` (primary), Other times
    `{"a": "other", "d"}`, Cancel `{"a": "cancel", "d"}`.
    """
    minutes = int((p.end - p.start).total_seconds() // 60)
    lines = [f"**{esc(p.title) or t('untitled', lang)}**",
             f"🕒 {fmt_range(p.start, p.end, p.tz, lang)} · {fmt_duration(minutes, lang)}"]
    if p.recurrence:
        lines.append(f"🔁 {esc(describe_rrule(p.recurrence, lang))}")
    if p.organizer:
        lines.append(f"{t('organizer', lang)}: {esc(p.organizer.name)}")
    people = list(p.attendees)
    if people:
        shown = people[:MAX_PEOPLE]
        names = join([esc(x.name) for x in shown], lang)
        extra = f" {t('and_more', lang, n=len(people) - len(shown))}" if len(people) > len(shown) else ""
        lines.append(f"👥 {names}{extra}")
    elements = [md("\n".join(lines))]

    # Other zones: each person sees the meeting on their own clock.
    others = []
    for x in people[:MAX_PEOPLE]:
        if x.tz and local(p.start, x.tz).utcoffset() != local(p.start, p.tz).utcoffset():
            others.append(f"{esc(x.name)}: {fmt_local_range(p.start, p.end, x.tz, lang)}")
    if others:
        elements.append(md(f"🌐 {t('local_times', lang)}\n" + "\n".join(others), small=True))

    off = off_hours_line(p.start, p.tz, p.off_hours, lang)
    if off:
        elements.append(md(f"🌙 {off}"))

    if p.room:
        key = "room_taken" if p.room.taken else "room_free"
        elements.append(md(f"🏢 {room_text(p.room, lang)} — {t(key, lang)}"))
    elif p.room_wanted:
        elements.append(md(f"🏢 {t('room_not_found', lang, name=esc(p.room_wanted))}"))
    elif p.room_asked:
        elements.append(md(f"🏢 {t('room_none_free', lang)}"))
    if (p.room is None or p.room.taken) and p.room_options:
        elements += room_buttons(p.draft_id, p.room_options, lang)

    if p.conflicts:
        items = []
        for c in p.conflicts[:MAX_CONFLICTS]:
            what = f" · {esc(c.title, 80)}" if c.title else ""
            items.append(f"- {esc(c.person)}: {fmt_range(c.start, c.end, p.tz, lang)}{what}")
        elements.append(md(f"⚠️ **{t('conflicts', lang)}**\n" + "\n".join(items)))
        if len(p.conflicts) > MAX_CONFLICTS:
            elements.append(more(len(p.conflicts) - MAX_CONFLICTS, lang))
    else:
        elements.append(md(f"✅ {t('no_conflicts', lang)}", small=True))

    notes = assumption_lines(p.assumptions, p.start, p.tz, lang)
    if notes:
        elements.append(md("ℹ️ " + "\n".join(notes), small=True))

    # A time already gone cannot be booked: the card offers other times instead of Confirm.
    confirm = [] if p.in_past else [button(t("btn_confirm", lang), value(CONFIRM, p.draft_id), "primary_filled")]
    elements.append(row([*confirm,
                         button(t("btn_other", lang), value(OTHER, p.draft_id), "default" if confirm else "primary"),
                         button(t("btn_cancel", lang), value(CANCEL, p.draft_id), "danger")]))
    template = "orange" if p.conflicts or (p.room and p.room.taken) else "blue"
    return card(t("title_proposal", lang), template, elements, lang)
