"""Cards about someone else's meeting, and the one-meeting confirmation: "only the organizer
can change it — ask them?", the request the organizer receives, and "cancel this meeting?"."""
from __future__ import annotations

from typing import Any

from .base import button, card, esc, md, row
from .data import ASK, CANCEL, CHOOSE, Event, value
from .format import fmt_event_time
from .i18n import STRINGS, t

VERBS = ("reschedule", "cancel", "invite")

# The organizer's answer to a request (bot/drafts/asker.py) and its buttons.
STRINGS.update({
    "btn_accept_request": ("同意并改期", "Accept and move it"),
    "btn_decline_request": ("不改", "Decline"),
    "request_accepted": ("{name} 同意了：「{title}」已改到 {new}。", "{name} accepted: “{title}” moved to {new}."),
    "request_declined": ("{name} 没有同意改期，「{title}」时间不变。", "{name} declined: “{title}” stays as it was."),
    "title_request_answer": ("改期请求的答复", "Your request was answered"),
})


def not_organizer_card(draft_id: str, title: str, organizer: str, verb: str, lang: str) -> dict[str, Any]:
    """The sender is not the organizer: who is, and Ask `{"a": "ask", "d"}` / Cancel."""
    v = verb if verb in VERBS else "reschedule"
    body = t("not_organizer", lang, title=esc(title) or t("untitled", lang), name=esc(organizer),
             verb=t(f"verb_{v}", lang))
    return card(t("title_not_organizer", lang), "orange",
                [md(body), row([button(t("btn_ask_organizer", lang, name=organizer), value(ASK, draft_id), "primary"),
                                button(t("btn_cancel", lang), value(CANCEL, draft_id))])], lang)


def ask_organizer_card(text: str, lang: str, draft_id: str | None = None, event_id: str | None = None,
                       title: str | None = None) -> dict[str, Any]:
    """What the organizer receives: the request in words; with `draft_id` (a move they can make
    here), Accept `{"a": "choose", "d", "e"}` and Decline `{"a": "cancel", "d"}`."""
    elements = [md(esc(text))]
    if draft_id and event_id:
        elements.append(row([button(t("btn_accept_request", lang), value(CHOOSE, draft_id, e=event_id), "primary"),
                             button(t("btn_decline_request", lang), value(CANCEL, draft_id))]))
    return card(title or t("title_ask", lang), "blue", elements, lang)


def confirm_cancel_card(draft_id: str, event: Event, tz: str, lang: str) -> dict[str, Any]:
    """One meeting matches a cancel: name it and ask, `{"a": "choose", "d", "e"}` / Keep it."""
    lines = [f"**{esc(event.title) or t('untitled', lang)}**",
             f"🕒 {fmt_event_time(event.start, event.end, event.all_day, tz, lang)}",
             t("confirm_cancel_one", lang)]
    return card(t("title_confirm_cancel", lang), "orange",
                [md("\n".join(lines)),
                 row([button(t("btn_cancel_meeting", lang), value(CHOOSE, draft_id, e=event.event_id), "danger"),
                      button(t("btn_keep", lang), value(CANCEL, draft_id))])], lang)
