"""An invitation to a meeting Yue booked (Accept / Tentative / Decline, the time in the
reader's zone), the answer to "I can't make …", and what the organiser is told when the
meeting changed outside Yue. Strings live here, in zh and en, beside their cards."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .base import button, card, esc, md, row, url_button
from .format import fmt_range
from .i18n import pick

RSVP = "rsvp"
STATUSES = ("accept", "tentative", "decline")

_S: dict[str, tuple[str, str]] = {
    "title_invite": ("会议邀请", "Meeting invitation"),
    "from": ("发起人：{name}", "Organiser: {name}"),
    "agenda": ("议程：{text}", "Agenda: {text}"),
    "btn_accept": ("接受", "Accept"),
    "btn_tentative": ("待定", "Tentative"),
    "btn_decline": ("拒绝", "Decline"),
    "answered_accept": ("✅ 你已接受", "✅ You accepted"),
    "answered_tentative": ("❔ 你已回复待定", "❔ You answered tentative"),
    "answered_decline": ("❌ 你已拒绝", "❌ You declined"),
    "change_hint": ("可以随时改变回复。", "You can change your answer any time."),
    "connect_first": ("回复邀请需要以你的身份操作：请先连接日历，连接后会自动完成回复。",
                      "To answer as you, Yue needs your calendar: connect it and the answer is sent right after."),
    "btn_connect": ("连接日历", "Connect calendar"),
    "title_rsvp": ("已回复邀请", "Invitation answered"),
    "title_rsvp_pick": ("回复哪个会议？", "Which meeting?"),
    "rsvp_pick": ("找到多个会议，请选择要回复「{answer}」的那个：", "Several meetings match; pick the one to answer “{answer}”:"),
    "word_accept": ("接受", "accept"),
    "word_tentative": ("待定", "tentative"),
    "word_decline": ("拒绝", "decline"),
    "title_notice": ("会议有变化", "Your meeting changed"),
    "notice_decline": ("{who} 拒绝了会议", "{who} declined"),
    "notice_tentative": ("{who} 回复了待定", "{who} answered tentative"),
    "notice_moved": ("会议在日历中被改到了 {when}（不是通过约）", "The meeting was moved in the calendar (not through Yue) to {when}"),
    "notice_deleted": ("会议在日历中被删除了（不是通过约）", "The meeting was deleted in the calendar (not through Yue)"),
}


def s(key: str, lang: str, **kw: str) -> str:
    return pick(_S, key, lang, **kw)


@dataclass(frozen=True)
class Invitation:
    event_id: str
    title: str
    start: dt.datetime
    end: dt.datetime
    organiser: str                     # display name
    agenda: str = ""
    draft_id: str = ""


def rsvp_value(event_id: str, status: str, draft_id: str = "") -> dict[str, str]:
    v = {"a": RSVP, "e": event_id, "s": status}
    return {**v, "d": draft_id} if draft_id else v


def _head(inv: Invitation, tz: str, lang: str) -> list[str]:
    lines = [f"**{esc(inv.title)}**", f"🕒 {fmt_range(inv.start, inv.end, tz, lang)}"]
    if inv.organiser:
        lines.append(s("from", lang, name=esc(inv.organiser)))
    if inv.agenda and inv.agenda != inv.title:
        lines.append(s("agenda", lang, text=esc(inv.agenda)))
    return lines


def invitation_card(inv: Invitation, tz: str, lang: str, answered: str | None = None,
                    connect_url: str | None = None) -> dict[str, Any]:
    """What each attendee gets privately; after an answer it says which, buttons stay to change it."""
    lines = _head(inv, tz, lang)
    if answered in STATUSES:
        lines += [s(f"answered_{answered}", lang), s("change_hint", lang)]
    elements = [md("\n".join(lines))]
    if connect_url:
        elements += [md(s("connect_first", lang)), row([url_button(s("btn_connect", lang), connect_url)])]
    elements.append(row([button(s(f"btn_{st}", lang), rsvp_value(inv.event_id, st, inv.draft_id),
                                "primary" if st == "accept" else "danger" if st == "decline" else "default")
                         for st in STATUSES]))
    return card(s("title_invite", lang), "blue", elements, lang)


def rsvp_pick_card(events: list[Invitation], status: str, tz: str, lang: str) -> dict[str, Any]:
    """Several meetings match "I can't make …": one button per meeting."""
    elements = [md(s("rsvp_pick", lang, answer=s(f"word_{status}", lang)))]
    for inv in events:
        label = f"{inv.title[:40]} · {fmt_range(inv.start, inv.end, tz, lang)}"
        elements.append(row([button(label, rsvp_value(inv.event_id, status))]))
    return card(s("title_rsvp_pick", lang), "blue", elements, lang)


def rsvp_done_card(inv: Invitation, status: str, tz: str, lang: str) -> dict[str, Any]:
    return card(s("title_rsvp", lang), "green" if status == "accept" else "orange",
                [md("\n".join([*_head(inv, tz, lang), s(f"answered_{status}", lang)]))], lang)


def notice_card(title: str, start: dt.datetime, end: dt.datetime, what: str, tz: str, lang: str,
                who: str = "", moved_to: tuple[dt.datetime, dt.datetime] | None = None) -> dict[str, Any]:
    """Told to the organiser: an attendee's answer, or a move/delete made outside Yue."""
    when = fmt_range(moved_to[0], moved_to[1], tz, lang) if moved_to else ""
    lines = [f"**{esc(title)}**", f"🕒 {fmt_range(start, end, tz, lang)}",
             s(f"notice_{what}", lang, who=esc(who), when=when)]
    return card(s("title_notice", lang), "orange" if what != "deleted" else "red", [md("\n".join(lines))], lang)
