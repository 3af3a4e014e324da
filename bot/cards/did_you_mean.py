"""The "did you mean" card: the parser was unsure, so the person picks the reading."""
from __future__ import annotations

from typing import Any

from .base import button, card, md, row
from .data import MEAN, value
from .i18n import STRINGS, t

MAX_CHOICES = 3


def intent_label(intent: str, lang: str) -> str:
    """What an intent does, in words ("Book a meeting"); an intent without words shows its name."""
    key = f"intent_{intent}"
    return t(key, lang) if key in STRINGS else t("intent_other", lang, intent=intent)


def did_you_mean_card(draft_id: str, readings: list[str] | tuple[str, ...], lang: str) -> dict[str, Any]:
    """The best reading first, then the alternatives: one button each, `{"a": "mean", "d", "i"}`."""
    shown = list(readings)[:MAX_CHOICES]
    body = t("did_you_mean_body", lang, best=intent_label(shown[0], lang)) if shown else ""
    buttons = [button(intent_label(r, lang), value(MEAN, draft_id, i=i), "primary" if i == 0 else "default")
               for i, r in enumerate(shown)]
    return card(t("title_did_you_mean", lang), "blue", [md(body), row(buttons)], lang)
