"""Slash commands pick the intent outright: "/meet 周五 10:00 评审", "/free@Yue @Bob"."""
from __future__ import annotations

import re

COMMANDS = {
    "meet": "schedule", "book": "schedule", "schedule": "schedule", "约": "schedule", "约会": "schedule",
    "开会": "schedule", "会议": "schedule",
    "free": "find_time", "findtime": "find_time", "空闲": "find_time", "有空": "find_time",
    "agenda": "agenda", "日程": "agenda", "安排": "agenda",
    "search": "search", "find": "search", "搜索": "search", "查找": "search",
    "invite": "invite", "邀请": "invite",
    "cancel": "cancel", "取消": "cancel",
    "reschedule": "reschedule", "move": "reschedule", "改期": "reschedule",
    "leave": "leave", "ooo": "leave", "请假": "leave",
    "share": "share", "共享": "share", "分享": "share",
    "caldav": "caldav", "同步": "caldav",
    "help": "help", "帮助": "help",
    "undo": "undo", "撤销": "undo",
    # v2
    "remind": "remind", "reminder": "remind", "提醒": "remind",
    "digest": "digest", "日报": "digest", "每日日程": "digest", "日程推送": "digest",
    "rooms": "rooms", "room": "rooms", "会议室": "rooms",
    "rsvp": "rsvp", "回复": "rsvp",
    "subscribe": "subscribe", "unsubscribe": "subscribe", "订阅": "subscribe", "退订": "subscribe",
    "exchange": "exchange", "绑定": "exchange",
}

# Commands that name their action outright.
ACTIONS = {"unsubscribe": "off", "退订": "off"}

_SLASH = re.compile(r"^\s*[/／]([A-Za-z]+|[\u4e00-\u9fff]{1,4})(?:@\S+)?(?=\s|$)\s*(.*)$", re.S)


def split(text: str) -> tuple[str | None, str]:
    """(command name or None, the rest of the line). The name is the key, not the intent."""
    if "/" not in text and "／" not in text:  # the usual message: no command to look for
        return None, text
    m = _SLASH.match(text)
    if not m:
        return None, text
    name = m.group(1).lower()
    if name not in COMMANDS:
        return None, text
    return name, m.group(2)
