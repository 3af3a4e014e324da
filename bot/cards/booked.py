"""Done cards: a booked meeting, leave, a shared calendar, an invite, a cancel, a move.

Each shows an Undo button `{"a": "undo", "d": draft_id}` while `now < undo_until`
(pass `undo_until=None` where undo makes no sense); after that the card says
so, without a button.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from .base import button, card, esc, md, row, url_button
from .data import UNDO, Booked, Event, Person, value
from .format import describe_rrule, fmt_event_time, fmt_hm, fmt_local_short, fmt_range, local, zone_label
from .i18n import join, t
from .rooms import booked_room


def _undo(draft_id: str, undo_until: dt.datetime | None, now: dt.datetime, tz: str | None,
          lang: str, link: str | None = None) -> list[dict[str, Any]]:
    buttons = []
    if link:
        buttons.append(url_button(t("btn_open", lang), link, "default"))
    if undo_until is not None and now < undo_until:
        buttons.append(button(t("btn_undo", lang), value(UNDO, draft_id)))
    out = []
    if undo_until is not None and now < undo_until:
        # In the reader's zone, named: a deadline with no zone is a guess for anyone abroad.
        when = local(undo_until, tz)
        out.append(md(t("undo_until_zone", lang, time=fmt_hm(when), zone=zone_label(when)), small=True))
    if buttons:
        out.append(row(buttons))
    return out


def booked_card(b: Booked, lang: str, now: dt.datetime) -> dict[str, Any]:
    """The meeting is on the calendar: time with zone, other-zone clocks, room, link, Undo."""
    lines = [f"**{esc(b.title) or t('untitled', lang)}**", f"🕒 {fmt_range(b.start, b.end, b.tz, lang)}"]
    if b.recurrence:
        lines.append(f"🔁 {esc(describe_rrule(b.recurrence, lang))}")
    if b.attendees:
        lines.append("👥 " + join([esc(p.name) for p in b.attendees[:30]], lang)
                     + (f" {t('and_more', lang, n=len(b.attendees) - 30)}" if len(b.attendees) > 30 else ""))
    elements = [md("\n".join(lines))]
    # The room as it answered: a declined or taken room is not listed as the meeting's.
    elements += booked_room(b.draft_id, b.room, b.room_options, lang)
    others = [f"{esc(p.name)}: {fmt_local_short(b.start, p.tz, lang)}" for p in b.attendees[:30]
              if p.tz and local(b.start, p.tz).utcoffset() != local(b.start, b.tz).utcoffset()]
    if others:
        elements.append(md(f"🌐 {t('local_times', lang)}\n" + "\n".join(others), small=True))
    elements += _undo(b.draft_id, b.undo_until, now, b.tz, lang, b.app_link)
    return card(t("title_booked", lang), "green", elements, lang)


def leave_card(draft_id: str, start: dt.datetime | dt.date, end: dt.datetime | dt.date, tz: str,
               lang: str, now: dt.datetime, *, all_day: bool = True,
               undo_until: dt.datetime | None = None) -> dict[str, Any]:
    """Time off recorded. All-day: `start`/`end` are dates, `end` inclusive."""
    when = fmt_event_time(start, end, all_day, tz, lang)
    elements = [md(f"🌴 {t('leave_done', lang, when=when)}")]
    elements += _undo(draft_id, undo_until, now, tz, lang)
    return card(t("title_leave", lang), "green", elements, lang)


def share_card(draft_id: str, grantee: Person, role: str, lang: str, now: dt.datetime, *,
               undo_until: dt.datetime | None = None, tz: str | None = None) -> dict[str, Any]:
    """The person's calendar is shared (ACL); `role` is a Feishu ACL role."""
    role_txt = t(f"role_{role}", lang) if role in ("free_busy_reader", "reader", "writer", "owner") else esc(role)
    elements = [md(f"🔗 {t('share_done', lang, name=esc(grantee.name), role=role_txt)}")]
    elements += _undo(draft_id, undo_until, now, tz, lang)
    return card(t("title_share", lang), "green", elements, lang)


def invite_card(draft_id: str, event: Event, added: tuple[Person, ...] | list[Person], tz: str,
                lang: str, now: dt.datetime, *, undo_until: dt.datetime | None = None) -> dict[str, Any]:
    """People added to an existing event."""
    names = join([esc(p.name) for p in added[:30]], lang)
    lines = [t("invite_done", lang, names=names, title=esc(event.title) or t("untitled", lang)),
             f"🕒 {fmt_event_time(event.start, event.end, event.all_day, tz, lang)}"]
    elements = [md("\n".join(lines))]
    elements += _undo(draft_id, undo_until, now, tz, lang, event.app_link)
    return card(t("title_invite", lang), "green", elements, lang)


def cancelled_event_card(draft_id: str, event: Event, tz: str, lang: str, now: dt.datetime, *,
                         series: bool = False, undo_until: dt.datetime | None = None) -> dict[str, Any]:
    """An existing event was cancelled (one occurrence, or the whole series)."""
    key = "cancel_series_done" if series else "cancel_done"
    lines = [t(key, lang, title=esc(event.title) or t("untitled", lang)),
             f"🕒 {fmt_event_time(event.start, event.end, event.all_day, tz, lang)}"]
    elements = [md("\n".join(lines))]
    elements += _undo(draft_id, undo_until, now, tz, lang)
    return card(t("title_cancelled_event", lang), "grey", elements, lang)


def rescheduled_card(draft_id: str, event: Event, new_start: dt.datetime, new_end: dt.datetime,
                     tz: str, lang: str, now: dt.datetime, *,
                     undo_until: dt.datetime | None = None) -> dict[str, Any]:
    """An event moved: old time struck through, new time with zone."""
    old = fmt_event_time(event.start, event.end, event.all_day, tz, lang)
    lines = [t("reschedule_done", lang, title=esc(event.title) or t("untitled", lang)),
             f"~~{old}~~", f"🕒 {fmt_range(new_start, new_end, tz, lang)}"]
    elements = [md("\n".join(lines))]
    elements += _undo(draft_id, undo_until, now, tz, lang, event.app_link)
    return card(t("title_rescheduled", lang), "green", elements, lang)


__all__ = ["booked_card", "leave_card", "share_card", "invite_card", "cancelled_event_card",
           "rescheduled_card"]
