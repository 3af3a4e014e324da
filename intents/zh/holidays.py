"""Holidays: 元旦, 春节, 除夕, 元宵, 清明, 五一, 端午, 七夕, 中秋, 国庆, 圣诞 …

Lunar holidays come from a table of Gregorian dates for lunar years 2000–2035, generated
once with the `lunardate` package (not a runtime dependency) and checked against published
calendars (e.g. 春节 2026-02-17, 中秋 2025-10-06). 清明 uses the solar-term formula for the
21st century. Outside the table a lunar holiday is not resolved rather than guessed.
"""
from __future__ import annotations

import datetime as dt

from .atoms import Atom, rule
from .numerals import SMALL, to_int

# year: 春节, 元宵, 端午, 七夕, 中秋, 除夕 (MMDD; 除夕 falls in the next Gregorian year)
_LUNAR_RAW = """
2000:0205,0219,0606,0806,0912,0123 2001:0124,0207,0625,0825,1001,0211
2002:0212,0226,0615,0815,0921,0131 2003:0201,0215,0604,0804,0911,0121
2004:0122,0205,0622,0822,0928,0208 2005:0209,0223,0611,0811,0918,0128
2006:0129,0212,0531,0731,1006,0217 2007:0218,0304,0619,0819,0925,0206
2008:0207,0221,0608,0807,0914,0125 2009:0126,0209,0528,0826,1003,0213
2010:0214,0228,0616,0816,0922,0202 2011:0203,0217,0606,0806,0912,0122
2012:0123,0206,0623,0823,0930,0209 2013:0210,0224,0612,0813,0919,0130
2014:0131,0214,0602,0802,0908,0218 2015:0219,0305,0620,0820,0927,0207
2016:0208,0222,0609,0809,0915,0127 2017:0128,0211,0530,0828,1004,0215
2018:0216,0302,0618,0817,0924,0204 2019:0205,0219,0607,0807,0913,0124
2020:0125,0208,0625,0825,1001,0211 2021:0212,0226,0614,0814,0921,0131
2022:0201,0215,0603,0804,0910,0121 2023:0122,0205,0622,0822,0929,0209
2024:0210,0224,0610,0810,0917,0128 2025:0129,0212,0531,0829,1006,0216
2026:0217,0303,0619,0819,0925,0205 2027:0206,0220,0609,0808,0915,0125
2028:0126,0209,0528,0826,1003,0212 2029:0213,0227,0616,0816,0922,0202
2030:0203,0217,0605,0805,0912,0122 2031:0123,0206,0624,0824,1001,0210
2032:0211,0225,0612,0812,0919,0130 2033:0131,0214,0601,0801,0908,0218
2034:0219,0305,0620,0820,0927,0207 2035:0208,0222,0610,0810,0916,0127
"""
_LUNAR: dict[int, tuple[str, ...]] = {}
for _item in _LUNAR_RAW.split():
    _y, _vals = _item.split(":")
    _LUNAR[int(_y)] = tuple(_vals.split(","))
_LUNAR_IDX = {"spring": 0, "lantern": 1, "dragon": 2, "qixi": 3, "midautumn": 4, "eve": 5}

NAMES = {
    "元旦节": "newyear", "元旦": "newyear", "新年": "newyear",
    "春节": "spring", "大年初一": "spring", "农历新年": "spring", "过年": "spring",
    "除夕": "eve", "大年三十": "eve", "年三十": "eve", "除夕夜": "eve",
    "元宵节": "lantern", "元宵": "lantern",
    "清明节": "qingming", "清明": "qingming",
    "劳动节": "labour", "五一": "labour", "五一节": "labour",
    "端午节": "dragon", "端午": "dragon",
    "七夕节": "qixi", "七夕": "qixi",
    "中秋节": "midautumn", "中秋": "midautumn",
    "国庆节": "national", "国庆": "national", "十一长假": "national",
    "妇女节": "women", "三八节": "women", "儿童节": "children", "六一": "children",
    "母亲节": "mother", "父亲节": "father", "情人节": "valentine", "平安夜": "xmaseve",
    "圣诞节": "xmas", "圣诞": "xmas", "感恩节": "thanksgiving", "万圣节": "halloween",
    "教师节": "teacher", "建军节": "army", "愚人节": "fools",
}
_FIXED = {"newyear": (1, 1), "labour": (5, 1), "national": (10, 1), "women": (3, 8), "children": (6, 1),
          "valentine": (2, 14), "xmaseve": (12, 24), "xmas": (12, 25), "halloween": (10, 31),
          "teacher": (9, 10), "army": (8, 1), "fools": (4, 1)}


def _nth_weekday(y: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(y, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def holiday_date(name: str, year: int) -> dt.date | None:
    """The holiday's Gregorian date in (lunar, for lunar holidays) year `year`."""
    if name in _FIXED:
        return dt.date(year, *_FIXED[name])
    if name == "qingming":
        yy = year % 100
        return dt.date(year, 4, int(yy * 0.2422 + 4.81) - yy // 4) if 2000 <= year < 2100 else None
    if name == "mother":
        return _nth_weekday(year, 5, 6, 2)
    if name == "father":
        return _nth_weekday(year, 6, 6, 3)
    if name == "thanksgiving":
        return _nth_weekday(year, 11, 3, 4)
    row = _LUNAR.get(year)
    if row is None:
        return None
    mmdd = row[_LUNAR_IDX[name]]
    return dt.date(year + (1 if name == "eve" else 0), int(mmdd[:2]), int(mmdd[2:]))


def next_holiday(name: str, today: dt.date) -> dt.date | None:
    """The holiday on or after today (this year's, else next year's)."""
    for y in (today.year - 1, today.year, today.year + 1):
        d = holiday_date(name, y)
        if d is not None and d >= today:
            return d
    return None


# 元旦前一天, 国庆(的)后两天: an offset in days from the holiday.
@rule(r"(?:农历|阴历)?(" + "|".join(sorted(NAMES, key=len, reverse=True)) + r")(?:节)?(?:当天|那天)?"
      r"(?:的?([前后])(" + SMALL + r")天)?")
def _holiday(m, c):
    off = 0
    if m.group(2):
        n = to_int(m.group(3)) or 0
        off = -n if m.group(2) == "前" else n
    return Atom("hol", m.start(), m.end(), {"name": NAMES[m.group(1)], "off": off})
