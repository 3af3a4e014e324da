"""Help, the unknown-message hint, and CalDAV credentials."""
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


def caldav_card(username: str, password: str, server: str, lang: str) -> dict[str, Any]:
    """CalDAV settings for a phone or desktop client; send only in the person's private chat."""
    # Plain text, not markdown: a password must show exactly as issued.
    fields = [(t("caldav_server", lang), server), (t("caldav_user", lang), username),
              (t("caldav_password", lang), password)]
    elements = [md(t("caldav_intro", lang))]
    elements += [{"tag": "div", "text": {"tag": "plain_text", "content": f"{k}: {v}"}} for k, v in fields]
    elements.append(md(f"🔒 **{t('caldav_warning', lang)}**"))
    return card(t("title_caldav", lang), "red", elements, lang)
