"""Clock times and parts of the day: 3点, 三点一刻, 15:30, 3pm, 下午, 晚上, 凌晨."""
from __future__ import annotations

import re

from ..timeutil import ampm_default
from .atoms import Atom, rule
from .numerals import SMALL, to_int

# Part-of-day words → the name used by windows and hour shifting.
PODS = {
    "早上": "early", "早晨": "early", "清晨": "early", "早间": "early", "大早": "early",
    "上午": "morning", "中午": "noon", "午间": "noon", "正午": "noon", "晌午": "noon", "午饭": "noon",
    "午餐": "noon", "下午": "afternoon", "午后": "afternoon", "傍晚": "dusk", "黄昏": "dusk",
    "晚上": "evening", "晚间": "evening", "夜晚": "evening", "晚饭": "evening", "晚餐": "evening",
    "夜里": "night", "夜间": "night", "半夜": "night", "深夜": "night", "午夜": "night",
    "凌晨": "dawn", "白天": "day", "全天": "allday", "整天": "allday", "一整天": "allday",
    # colloquial (v2): the end of the working day and after lunch, as in English (eod, after lunch)
    "下班前": "eod", "下班之前": "eod", "下班以前": "eod", "下班后": "evening", "下班之后": "evening",
    "下班以后": "evening", "午饭后": "afterlunch", "午饭之后": "afterlunch", "午休后": "afterlunch",
    "吃完午饭": "afterlunch", "午饭过后": "afterlunch", "一大早": "early",
}
# Windows [start hour, end hour) — the contract's table, plus the extra Chinese words.
WINDOWS = {"early": (9, 12), "morning": (9, 12), "noon": (12, 14), "afternoon": (14, 18),
           "dusk": (17, 19), "evening": (18, 21), "night": (21, 24), "dawn": (0, 6),
           "day": (9, 18), "allday": (0, 24), "eod": (17, 18), "afterlunch": (13, 17)}
POD_RX = "|".join(sorted(PODS, key=len, reverse=True))

_NUMCH = r"[\d零〇一二两三四五六七八九十]"


@rule("(" + POD_RX + ")")
def _pod(m, c):
    return Atom("pod", m.start(), m.end(), {"pod": PODS[m.group(1)]})


# A lone 早/晚 is a part of day only next to a date or a number: 早8点, 七月五号晚.
@rule(r"(?:(?<=[号日天])([早晚])(?![上饭餐点些了一]))|(?:([早晚])(?!一点|一些)(?=\s*" + _NUMCH + r"))")
def _pod_short(m, c):
    ch = m.group(1) or m.group(2)
    return Atom("pod", m.start(), m.end(), {"pod": "early" if ch == "早" else "evening"})


# Words after "N点" that make it a list item ("三点意见"), not a time.
_NOT_TIME_AFTER = re.compile(r"\s*(?:意见|建议|原因|理由|要求|内容|事项|看法|想法|问题|共识|注意|说明|结论|不足|好处|"
                             r"需要|体会|收获|心得|的人|\.\d)")
_LITTLE_AFTER = re.compile(r"\s*(?:儿|点|吧|啊|呢|了|的|些|时间|都|也|没|不)")
_LITTLE_BEFORE = set("快早晚慢多少大小有差好高低再稍一点")
_MINUTES = {"半": 30, "一刻": 15, "1刻": 15, "三刻": 45, "3刻": 45, "整": 0}


# The hour never opens right after 周/期/拜: in 周四两点 the hour is 两, not 四两 (a match there
# would hide the real one). Minutes without 分 follow the 点 directly and are not the start of a
# word (10点 3楼, 两点一起): those are written 10点3分 or 10点30.
@rule(r"(?<![\d.第周期拜])(" + SMALL + r")\s*[点时](?:\s*(半|一刻|三刻|1刻|3刻|整)|\s*(" + SMALL
      + r")\s*分(?:\s*(" + SMALL + r")\s*秒)?|(" + SMALL + r")(?![\d楼层号个人位起样些下会次名点]))?(\s*多钟|\s*多|\s*钟|\s*左右)?")
def _clock(m, c):
    hour, part, minute, _seconds, bare_minute, more = m.groups()
    minute = minute or bare_minute
    h = to_int(hour)
    if h is None or h > 24:
        return None
    mi: int | None = 0
    if part:
        mi = _MINUTES[part]
    elif minute:
        mi = to_int(minute)
        if mi is None or mi > 59:
            return None
    s, e = m.span()
    if not (part or minute or more):
        if _NOT_TIME_AFTER.match(c.text, e):
            return None
        if hour == "一" and ((s > 0 and c.text[s - 1] in _LITTLE_BEFORE) or _LITTLE_AFTER.match(c.text, e)):
            return None  # 早一点 / 快一点: "a bit", not 1 o'clock
    return Atom("clock", s, e, {"h": h, "mi": mi, "ampm": None})


_AMPM = r"(?:\s*([aApP])\.?\s*[mM]\.?(?![a-zA-Z]))"


@rule(r"(?<![\d:.])(\d{1,2})\s*:\s*(\d{2})(?:\s*:\s*(\d{2}))?(?!\d)" + _AMPM + r"?(?:\s*时)?")
def _hhmm(m, c):
    h, mi = int(m.group(1)), int(m.group(2))
    if h > 24 or mi > 59:
        return None
    ampm = m.group(4).lower() + "m" if m.group(4) else None
    if ampm is None and (m.group(1).startswith("0") or h == 0):
        ampm = "24h"  # 05:40 is written on a 24-hour clock
    return Atom("clock", m.start(), m.end(), {"h": h, "mi": mi, "ampm": ampm})


@rule(r"(?<![\d.:])(\d{1,2})\s*([aApP])\.?\s*[mM]\.?(?![a-zA-Z])")
def _h_ampm(m, c):
    h = int(m.group(1))
    if not 1 <= h <= 12:
        return None
    return Atom("clock", m.start(), m.end(), {"h": h, "mi": 0, "ampm": m.group(2).lower() + "m"})


# "早上五到六点", "9~12点半": the first number takes its unit from the second.
_CONN = r"\s*(?:到|至|~|-+|—+)\s*"


@rule(r"(?<![\d.:第周期拜])(" + SMALL + r")(?=" + _CONN + r"(?:(?:" + POD_RX + r")?\s*" + SMALL + r"\s*[点时]"
      r"|(\d{1,2})(?::\d{2})?\s*([aApP])\.?\s*[mM](?![a-zA-Z])))")
def _bare_hour(m, c):
    h = to_int(m.group(1))
    if h is None or h > 24:
        return None
    ampm = None
    if m.group(3):  # "2-3pm": the first hour takes the second's am/pm, unless it would end before it starts
        mer, rh = m.group(3).lower() + "m", int(m.group(2))
        ampm = mer if h % 12 <= rh % 12 else ("am" if mer == "pm" else "pm")
    return Atom("clock", m.start(), m.end(), {"h": h, "mi": 0, "ampm": ampm})


def hour24(h: int, mi: int, ampm: str | None, pod: str | None) -> tuple[int, str | None]:
    """Hour on a 0–24 clock, and the assumption made (pm_assumed / am_assumed) if any."""
    if ampm == "pm":
        return (h + 12 if h < 12 else h), None
    if ampm == "am":
        return (0 if h == 12 else h), None
    if ampm == "24h":
        return h, None
    if h == 0 or h >= 13:
        return h, None
    if pod in ("afternoon", "dusk", "eod", "afterlunch"):
        return (h + 12 if h < 12 else h), None
    if pod == "evening":
        if h == 12:
            return 24, None
        return (h + 12 if h >= 4 else h + 24), None
    if pod == "night":
        if h == 12:
            return 24, None
        return (h + 12 if h >= 6 else h), None
    if pod == "noon":
        return (h + 12 if h <= 3 else h), None
    if pod == "dawn":
        return (0 if h == 12 else h), None
    if pod in ("early", "morning"):
        return h, None
    if pod == "day":
        return (h + 12 if h <= 6 else h), None
    return ampm_default(h)
