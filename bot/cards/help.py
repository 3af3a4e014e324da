"""Help and the unknown-message hint (CalDAV settings are in caldav.py)."""
from __future__ import annotations

from typing import Any

from .base import card, md
from .i18n import t

COMMANDS = ("meet", "free", "agenda", "search", "invite", "cancel", "reschedule", "leave", "share",
            "caldav", "undo", "help")


def help_card(lang: str) -> dict[str, Any]:
    """What Yue does: each command with an example, in the viewer's language."""
    lines = [f"- `/{c}` — {t(f'help_{c}', lang)}" for c in COMMANDS]
    elements = [md(t("help_intro", lang)), md("\n".join(lines)),
                md(f"**{t('examples', lang)}**\n{t('help_examples', lang)}"),
                md(t("help_footer", lang), small=True)]
    return card(t("title_help", lang), "purple", elements, lang)


def unknown_card(lang: str) -> dict[str, Any]:
    """A short hint with three examples (private chats only; groups stay silent)."""
    return card(t("title_unknown", lang), "grey",
                [md(f"{t('unknown_body', lang)}\n{t('unknown_examples', lang)}")], lang)
