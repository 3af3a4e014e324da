""""Cancel all my meetings tomorrow": the meetings listed for one confirmation, the none-found
answer, and the done card with its Undo."""
from __future__ import annotations

from typing import Any
from collections.abc import Sequence

from .base import button, card, esc, md, row
from .data import CANCEL, CONFIRM, UNDO, Event, value
from .format import fmt_event_time
from .i18n import STRINGS, t

STRINGS.update({
    "title_cancel_all": ("取消这 {n} 个会议？", "Cancel these {n} meetings?"),
    "cancel_all_body": ("你发起的这些会议都会被取消，参会人会收到通知：",
                        "These meetings you organize will all be cancelled:"),
    "btn_cancel_all": ("全部取消（{n}）", "Cancel all {n}"),
    "btn_keep_all": ("都保留", "Keep them"),
    "title_cancelled_all": ("已取消 {n} 个会议", "{n} meetings cancelled"),
    "cancel_all_failed": ("有 {n} 个没能取消，仍在日历上。",
                          "{n} could not be cancelled and are still on the calendar."),
    "title_cancel_all_none": ("没有可取消的会议", "No meetings to cancel"),
    "cancel_all_none": ("{when} 没有你发起的会议，没有取消任何东西。",
                        "You organize no meetings on {when}; nothing was cancelled."),
    "what_cancelall": ("取消 {n} 个会议", "cancelling {n} meetings"),
    "cancel_all_only_yue": ("只查了通过约预订的会议；连接日历后，日历里你发起的其他会议也会列出。",
                            "I only looked at meetings booked through Yue; connect your calendar to include the others "
                            "you organize."),
})


def _listing(events: Sequence[Event], tz: str, lang: str) -> str:
    return "\n".join(f"- **{esc(e.title) or t('untitled', lang)}** · "
                     f"{fmt_event_time(e.start, e.end, e.all_day, tz, lang)}" for e in events)


def _only_yue(only_yue: bool, lang: str) -> list[dict[str, Any]]:
    return [md(t("cancel_all_only_yue", lang), small=True)] if only_yue else []


def cancel_all_card(draft_id: str, events: Sequence[Event], tz: str, lang: str,
                    only_yue: bool = False) -> dict[str, Any]:
    """The meetings to cancel; `{"a": "confirm", "d"}` cancels them all, `{"a": "cancel", "d"}` keeps them.
    `only_yue`: the person's calendar is not connected, so only Yue's bookings were looked at."""
    n = len(events)
    return card(t("title_cancel_all", lang, n=n), "orange",
                [md(t("cancel_all_body", lang)), md(_listing(events, tz, lang)), *_only_yue(only_yue, lang),
                 row([button(t("btn_cancel_all", lang, n=n), value(CONFIRM, draft_id), "danger"),
                      button(t("btn_keep_all", lang), value(CANCEL, draft_id))])], lang)


def cancel_all_none_card(when: str, lang: str, only_yue: bool = False) -> dict[str, Any]:
    """Nothing the person organizes in the span: said plainly, no buttons."""
    return card(t("title_cancel_all_none", lang), "grey",
                [md(t("cancel_all_none", lang, when=esc(when))), *_only_yue(only_yue, lang)], lang)


def cancelled_all_card(draft_id: str, events: Sequence[Event], failed: int, tz: str, lang: str,
                       undo: bool) -> dict[str, Any]:
    """What was cancelled (and how many could not be), with Undo `{"a": "undo", "d"}` while it is open."""
    elements = [md(_listing(events, tz, lang))]
    if failed:
        elements.append(md(t("cancel_all_failed", lang, n=failed)))
    if undo and events:
        elements.append(row([button(t("btn_undo", lang), value(UNDO, draft_id))]))
    return card(t("title_cancelled_all", lang, n=len(events)), "red", elements, lang)
