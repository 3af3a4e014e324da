"""End states of a draft, error cards with Retry, and toast texts."""
from __future__ import annotations

from typing import Any

from .base import button, card, esc, md, row
from .data import RETRY, value
from .i18n import t

STATES = ("cancelled", "expired", "undone", "already_booked", "sent_privately", "booking", "failed",
          "need_time", "no_match", "gone", "done", "retrying", "busy", "nothing_to_undo", "hint", "connected")
ERRORS = ("permission", "rate_limit", "not_found", "other")
TOASTS = {"not_yours": "error", "booked": "success", "cancelled": "info", "expired": "warning",
          "undone": "success", "already_booked": "info", "undo_expired": "warning",
          "working": "info", "error": "error", "picked": "info", "done": "success",
          "already_done": "info", "gone": "warning", "retrying": "info", "stale": "warning"}
TOASTS.update({"asked": "success", "room_taken": "warning", "room_added": "success", "in_past": "warning"})
_TEMPLATE = {"connected": "green", "cancelled": "grey", "expired": "grey", "undone": "grey", "already_booked": "green",
             "sent_privately": "blue", "booking": "blue", "failed": "red", "need_time": "orange",
             "no_match": "orange", "gone": "orange", "done": "grey", "retrying": "blue", "busy": "blue",
             "nothing_to_undo": "grey", "hint": "blue"}


def status_card(kind: str, lang: str, title: str | None = None) -> dict[str, Any]:
    """The card a draft ends as: "cancelled" | "expired" | "undone" | "already_booked".
    `title` (the meeting's) is named when given. No buttons."""
    k = kind if kind in STATES else "cancelled"
    body = t(f"state_{k}", lang)
    if title:
        body = f"**{esc(title)}**\n{body}"
    return card(t(f"title_state_{k}", lang), _TEMPLATE[k], [md(body)], lang)


def undone_card(what: str, lang: str, restored: bool = False) -> dict[str, Any]:
    """An action was undone; `what` names it ("cancelling “Budget”"). No buttons."""
    body = t("state_restored" if restored else "state_undone_what", lang, what=esc(what))
    return card(t("title_state_undone_what", lang), "grey", [md(body)], lang)


def nothing_to_undo_card(lang: str, last: str | None = None) -> dict[str, Any]:
    """`/undo` with nothing to undo; `last` names the latest action when its window has passed."""
    body = t("state_last_not_undoable", lang, what=esc(last)) if last else t("state_nothing_to_undo", lang)
    return card(t("title_state_nothing_to_undo", lang), "grey", [md(body)], lang)


def error_card(kind: str, lang: str, draft_id: str | None = None, detail: str | None = None) -> dict[str, Any]:
    """A Feishu error in words, with what to do: "permission" | "rate_limit" |
    "not_found" | "other". With a `draft_id`, a Retry button `{"a": "retry", "d"}`
    (the draft is kept). `detail` (e.g. the Feishu code) is shown small."""
    k = kind if kind in ERRORS else "other"
    elements = [md(f"**{t(f'err_{k}', lang)}**\n{t(f'err_{k}_hint', lang)}")]
    if detail:
        elements.append(md(esc(detail, 200), small=True))
    if draft_id:
        elements.append(row([button(t("btn_retry", lang), value(RETRY, draft_id), "primary")]))
    return card(t("title_error", lang), "red", elements, lang)


def toast(kind: str, lang: str) -> dict[str, Any]:
    """A card-click toast: {"type": "info"|"success"|"error"|"warning", "content"}.
    Kinds: not_yours, booked, cancelled, expired, undone, already_booked,
    undo_expired, working, error, picked, done, already_done."""
    k = kind if kind in TOASTS else "error"
    return {"type": TOASTS[k], "content": t(f"toast_{k}", lang)}
