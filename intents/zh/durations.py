"""Durations: 一个半小时, 半小时, 45分钟, 两天, 8天又二十个小时, 三年半, 1刻钟."""
from __future__ import annotations

import re

from .atoms import Atom, rule
from .numerals import NUM, to_num

# Recognizers' units: a month is 30 days and a year 365 (the benchmark's convention too).
_SECONDS = {"second": 1, "minute": 60, "quarter": 900, "hour": 3600, "day": 86400, "night": 0,
            "week": 604800, "month": 2592000, "year": 31536000}
_UNIT = r"(秒钟?|分钟|分|刻钟|个?小时|个?钟头|时|天|日|晚|个?星期|个?礼拜|个?周|个?月|年)"
_PART = r"(?:(" + NUM + r"|半)\s*(?:个)?\s*(半)?\s*" + _UNIT + r"(半)?)"
_PART_RX = re.compile(_PART)
_PART_SEARCH = _PART_RX.search


def _unit(u: str) -> str:
    u = u.lstrip("个")
    if u.startswith("秒"):
        return "second"
    if u.startswith("分"):
        return "minute"
    if u == "刻钟":
        return "quarter"
    if u in ("小时", "钟头", "时"):
        return "hour"
    if u in ("天", "日"):
        return "day"
    if u == "晚":
        return "night"
    if u in ("星期", "礼拜", "周"):
        return "week"
    return "month" if u == "月" else "year"


# Speed only: _unit of every unit word _UNIT spells, read once.
_UNIT_OF = {u: _unit(u) for u in ("秒", "秒钟", "分钟", "分", "刻钟", "小时", "个小时", "钟头", "个钟头", "时", "天",
                                   "日", "晚", "星期", "个星期", "礼拜", "个礼拜", "周", "个周", "月", "个月", "年")}


def _parts(s: str) -> list[re.Match]:
    """list(_PART_RX.finditer(s)), by a loop of searches (a part is never empty)."""
    out = []
    p = _PART_SEARCH(s)
    while p is not None:
        out.append(p)
        p = _PART_SEARCH(s, p.end())
    return out


@rule(r"(?<![\d.第每A-Za-z])" + _PART + r"(?:\s*(?:又|零)?\s*" + _PART + r")*(?![\d点号])")
def _duration(m, c):
    whole = m.group(0)
    g = m.groups()
    if g[4] is None:
        # One part (the repeat never ran): the match's own first groups are that part's,
        # as searching the part again in the matched text would find them.
        parts = [(g[:4], whole)]
    else:
        parts = [(p.groups(), p.group(0)) for p in _parts(whole)]
    total = 0.0
    for i, ((num, half1, u, half2), ptext) in enumerate(parts):
        n = 0.5 if num == "半" else to_num(num)
        if n is None:
            return None
        if num != "半" and (half1 or half2):
            n += 0.5
        unit = _UNIT_OF.get(u) or _unit(u)
        if u == "月" and num != "半" and "个" not in ptext:
            return None  # "8月" is August; a month count says 个月
        if u == "年" and num.isdigit() and len(num) in (2, 4):
            return None  # "2015年", "08年" are years
        if len(parts) == 1:
            if u == "时" or u == "晚":
                return None  # "20时" is a clock time
            if u == "日" and num not in ("两", "俩") and n <= 31:
                return None  # "29日" is a day of the month
        elif i == 0 and u == "时":
            return None
        total += n * _SECONDS[unit]
    if total <= 0:
        return None
    return Atom("dur", m.start(), m.end(), {"seconds": total})


_LATIN_UNIT = {"h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600, "min": 60, "mins": 60,
               "minute": 60, "minutes": 60}


@rule(r"(?<![\w.])(\d{1,3}(?:\.\d)?)\s*(hours|hour|hrs|hr|h|minutes|minute|mins|min)(?![A-Za-z])")
def _latin(m, c):
    """1h, 30min, 1.5 hrs in a Chinese message (workshop 2h, 聊下预算 30min)."""
    secs = float(m.group(1)) * _LATIN_UNIT[m.group(2)]
    return Atom("dur", m.start(), m.end(), {"seconds": secs}) if 0 < secs <= 86400 else None
