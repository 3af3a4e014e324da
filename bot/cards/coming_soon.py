"""The answer to a request Yue understands but cannot act on yet."""
from __future__ import annotations

from typing import Any

from .base import card, md
from .i18n import norm_lang

# (zh, en) per intent; kept beside the card until these features are built
# (then each one's strings move to `i18n` with its real cards).
FEATURES: dict[str, tuple[str, str]] = {
    "remind": ("会议提醒", "meeting reminders"),
    "digest": ("每日日程摘要", "a daily agenda digest"),
    "rooms": ("会议室查询", "finding meeting rooms"),
    "rsvp": ("回复会议邀请", "answering invitations"),
    "subscribe": ("订阅日历变更", "calendar change subscriptions"),
    "exchange": ("Exchange 日历", "Exchange calendars"),
}


def coming_soon_card(intent: str, lang: str) -> dict[str, Any]:
    """"I understood, but <feature> is not available yet" — never claims it was done."""
    zh, en = FEATURES.get(intent, ("这项功能", "this feature"))
    if norm_lang(lang) == "zh":
        return card("即将推出", "grey", [md(f"我理解了你的请求，但{zh}还没有上线，暂时无法处理。\n"
                                          f"现在可以试试：安排会议、找时间、查看日程。发送 /help 查看全部。")], lang)
    return card("Coming soon", "grey", [md(f"I understood, but {en} is not available yet, so nothing was done.\n"
                                          f"For now I can schedule meetings, find times and show your "
                                          f"calendar. Send /help for everything.")], lang)
