"""Attendees from Feishu mentions and e-mail addresses in the text."""
from __future__ import annotations

import re

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
MENTION_KEY = re.compile(r"@_user_\d+|@_all")

# The bot's own display names: a mention of Yue addresses the bot, it does not invite it.
BOT_NAMES = {"yue", "约", "yue (约)", "yue(约)", "yue 约"}


def is_bot(mention: dict, bot_id: str | None) -> bool:
    if bot_id and mention.get("id") == bot_id:
        return True
    return str(mention.get("name") or "").strip().lower() in BOT_NAMES


def attendees(text: str, mentions: list[dict] | None, bot_id: str | None = None) -> list[dict]:
    """User attendees from mentions that appear in the text (in text order), then e-mails.

    A mention whose key is not in the text is still an attendee (Feishu sends the
    array with the message; a client may have trimmed the text), but ones the bot
    cannot use (no id, the bot itself) are skipped, and each person counts once.
    """
    if not mentions and "@" not in text:  # nobody named: the usual case
        return []
    out: list[dict] = []
    seen: set[str] = set()
    ms = [m for m in (mentions or []) if isinstance(m, dict)]
    order = {m.group(0): m.start() for m in MENTION_KEY.finditer(text)}
    ms.sort(key=lambda m: order.get(str(m.get("key")), 1 << 30))
    for m in ms:
        oid = m.get("id")
        if not isinstance(oid, str) or not oid or is_bot(m, bot_id) or oid in seen:
            continue
        seen.add(oid)
        out.append({"type": "user", "id": oid})
    for e in EMAIL.findall(text) if "@" in text else ():
        if e.lower() not in seen:
            seen.add(e.lower())
            out.append({"type": "third_party", "email": e})
    return out


def strip_mentions(text: str) -> str:
    """Text with mention placeholders and e-mails blanked (so rules and titles skip them)."""
    if "@" not in text:  # both patterns need one
        return text
    return MENTION_KEY.sub(" ", EMAIL.sub(" ", text))
