"""Named zones: 北京时间, 伦敦时间, 纽约时间, 东京时间, UTC+8 … (the time is read in that zone)."""
from __future__ import annotations

import datetime as dt

from ..timeutil import zone
from .atoms import Atom, rule

CITIES = {
    "北京": "Asia/Shanghai", "上海": "Asia/Shanghai", "中国": "Asia/Shanghai", "香港": "Asia/Hong_Kong",
    "台北": "Asia/Taipei", "东京": "Asia/Tokyo", "日本": "Asia/Tokyo", "首尔": "Asia/Seoul",
    "韩国": "Asia/Seoul", "新加坡": "Asia/Singapore", "印度": "Asia/Kolkata", "迪拜": "Asia/Dubai",
    "伦敦": "Europe/London", "英国": "Europe/London", "巴黎": "Europe/Paris", "柏林": "Europe/Berlin",
    "德国": "Europe/Berlin", "法国": "Europe/Paris", "莫斯科": "Europe/Moscow",
    "纽约": "America/New_York", "美东": "America/New_York", "华盛顿": "America/New_York",
    "洛杉矶": "America/Los_Angeles", "旧金山": "America/Los_Angeles", "硅谷": "America/Los_Angeles",
    "西雅图": "America/Los_Angeles", "美西": "America/Los_Angeles", "芝加哥": "America/Chicago",
    "多伦多": "America/Toronto", "温哥华": "America/Vancouver", "悉尼": "Australia/Sydney",
    "墨尔本": "Australia/Melbourne", "太平洋": "America/Los_Angeles", "东部": "America/New_York",
    "格林威治": "UTC", "格林尼治": "UTC", "协调世界": "UTC",
}


@rule(r"(" + "|".join(sorted(CITIES, key=len, reverse=True)) + r")(?:标准)?时间")
def _city(m, c):
    return Atom("zone", m.start(), m.end(), {"tz": zone(CITIES[m.group(1)])})


@rule(r"(?<![A-Za-z])(?:UTC|GMT)\s*([+-]\s*\d{1,2}(?::?\d{2})?)?(?![A-Za-z])")
def _offset(m, c):
    return Atom("zone", m.start(), m.end(), {"tz": zone((m.group(1) or "UTC").replace(" ", ""))})


# Zone abbreviations written in Latin letters (下午3点 PST, 周一9点 ET): fixed ones as offsets,
# regions as their zone (so summer time follows the date).
_FIXED = {"PST": -8, "PDT": -7, "MST": -7, "MDT": -6, "EST": -5, "EDT": -4, "BST": 1, "CET": 1,
          "CEST": 2, "JST": 9, "KST": 9, "SGT": 8, "HKT": 8, "AEST": 10, "AEDT": 11}
_REGIONS = {"PT": "America/Los_Angeles", "ET": "America/New_York", "CT": "America/Chicago",
            "MT": "America/Denver"}


@rule(r"(?<![A-Za-z])(" + "|".join(sorted(list(_FIXED) + list(_REGIONS), key=len, reverse=True)) + r")(?![A-Za-z])(?:\s*时间)?")
def _abbr(m, c):
    w = m.group(1)
    if w in _REGIONS:
        return Atom("zone", m.start(), m.end(), {"tz": zone(_REGIONS[w])})
    return Atom("zone", m.start(), m.end(), {"tz": dt.timezone(dt.timedelta(hours=_FIXED[w]), w)})
