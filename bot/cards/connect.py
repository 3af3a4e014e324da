"""'Connect your calendar': the OAuth link as an open_url button."""
from __future__ import annotations

from typing import Any

from .base import card, md, row, url_button
from .i18n import t

REASONS = ("agenda", "search", "share", "caldav", "cancel", "reschedule", "invite", "digest", "remind")


def connect_card(url: str, lang: str, reason: str | None = None) -> dict[str, Any]:
    """Ask for consent: why (the `reason` intent, optional) and a button opening `url`."""
    lines = [t("connect_body", lang)]
    if reason in REASONS:
        lines.insert(0, t(f"connect_why_{reason}", lang))
    elements = [md("\n".join(lines)), row([url_button(t("btn_connect", lang), url)]),
                md(t("connect_after", lang), small=True)]
    return card(t("title_connect", lang), "turquoise", elements, lang)
