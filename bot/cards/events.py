"""Which event? One button per matching event; and "this one or the whole series"."""
from __future__ import annotations

from typing import Any

from .base import button, card, esc, md, more, row, stack
from .data import CANCEL, CHOOSE, SCOPE, Event, value
from .format import describe_rrule, fmt_event_time
from .i18n import t

MAX_EVENTS = 10
VERBS = ("cancel", "reschedule", "invite")


def _label(e: Event, tz: str, lang: str) -> str:
    title = " ".join((e.title or t("untitled", lang)).split())[:60]
    return f"{title} · {fmt_event_time(e.start, e.end, e.all_day, tz, lang)}"


def choose_event_card(draft_id: str, events: list[Event] | tuple[Event, ...], tz: str, lang: str,
                      verb: str = "cancel") -> dict[str, Any]:
    """Several events match: a button per event `{"a": "choose", "d", "e": event_id}`
    (at most 10, then "…and N more"), and Cancel `{"a": "cancel", "d"}`.
    `verb` ("cancel" | "reschedule" | "invite") words the question."""
    v = verb if verb in VERBS else "cancel"
    elements = [md(t(f"choose_{v}", lang, n=len(events)))]
    elements += stack(button(_label(e, tz, lang), value(CHOOSE, draft_id, e=e.event_id)) for e in events[:MAX_EVENTS])
    if len(events) > MAX_EVENTS:
        elements.append(more(len(events) - MAX_EVENTS, lang))
    elements.append(row([button(t("btn_cancel", lang), value(CANCEL, draft_id), "danger")]))
    return card(t("title_choose", lang), "orange", elements, lang)


def scope_card(draft_id: str, event: Event, tz: str, lang: str, verb: str = "cancel") -> dict[str, Any]:
    """A recurring event: `{"a": "scope", "d", "s": "one"}` (this occurrence) or
    `{"a": "scope", "d", "s": "series"}`, and Cancel `{"a": "cancel", "d"}`."""
    v = verb if verb in VERBS else "cancel"
    lines = [f"**{esc(event.title) or t('untitled', lang)}**",
             f"🕒 {fmt_event_time(event.start, event.end, event.all_day, tz, lang)}"]
    if event.recurrence:
        lines.append(f"🔁 {esc(describe_rrule(event.recurrence, lang))}")
    lines.append(t(f"scope_{v}", lang))
    elements = [md("\n".join(lines)),
                row([button(t("btn_this_one", lang), value(SCOPE, draft_id, s="one"), "primary"),
                     button(t("btn_series", lang), value(SCOPE, draft_id, s="series")),
                     button(t("btn_cancel", lang), value(CANCEL, draft_id), "danger")])]
    return card(t("title_scope", lang), "orange", elements, lang)
