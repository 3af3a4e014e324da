"""Calendar dates: 2026年12月3日, 12月3号, 十二月三号, 12.3, 2010/01/29, 20240307, 3月, 2015年,
and ordinals inside a period (十月第一个星期一, 2021年的第一周, 今年的最后3周)."""
from __future__ import annotations

import datetime as dt
import re

from .atoms import Atom, rule
from .numerals import INT, SMALL, YEAR_DIGITS, to_int, year_of


def _date(y: int, mo: int, d: int) -> dt.date:
    return dt.date(y, mo, d)


# 2010-01-29, 2010/1/29, 2010.01.29 (a clock time may follow at once: 2021-09-0910:09).
@rule(r"(?<![\d.])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:\s*[日号])?(?:-(?=\d{1,2}:\d{2}))?")
def _ymd_num(m, c):
    return Atom("date", m.start(), m.end(), {"date": _date(int(m.group(1)), int(m.group(3)), int(m.group(4))),
                                             "explicit_year": True}, )


@rule(r"(?<![\d.])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d.])")
def _ymd_compact(m, c):
    return Atom("date", m.start(), m.end(), {"date": _date(int(m.group(1)), int(m.group(2)), int(m.group(3))),
                                             "explicit_year": True})


@rule(r"(?<![\d.])((?:19|20)\d{2}) (\d{1,2}) (\d{1,2})(?![\d.:])")
def _ymd_spaced(m, c):
    return Atom("date", m.start(), m.end(), {"date": _date(int(m.group(1)), int(m.group(2)), int(m.group(3))),
                                             "explicit_year": True})


# Month-day without a year: 12/1, 12.3, 6·30, 09-01. Not versions, prices or ranges of hours.
_MD_BEFORE = re.compile(r"(?:版本|版|[vV]|第|[A-Za-z]|\.)\s*$")


@rule(r"(?:(?<![\d.:/\-])|(?<=\d[/.·]\d-)|(?<=\d[/.·]\d\d-))(\d{1,2})([/.·])(\d{1,2})(?![\d.:/%]|\s*(?:[元块倍万亿个点时月日号年天周分秒%人次件]|[A-Za-z]))"
      r"|(?<![\d.:/\-])(\d{2})-(\d{2})(?![\d:\-]|\s*[点时月日号年天周分秒人次件]|\s*[aApP]\.?[mM](?![a-zA-Z]))")
def _md_num(m, c):
    if m.group(1):
        mo, d = int(m.group(1)), int(m.group(3))
    else:
        mo, d = int(m.group(4)), int(m.group(5))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    if _MD_BEFORE.search(c.text, 0, m.start()):
        return None
    return [Atom("month", m.start(), m.start() + 1, {"m": mo}), Atom("dom", m.start() + 1, m.end(), {"d": d})]


@rule(r"(" + YEAR_DIGITS + r")\s*年(?!代|级|纪|龄|薪|假|终|会|度报)", priority=1)
def _year(m, c):
    y = year_of(m.group(1), c.today.year)
    if y is None or not 1000 <= y <= 2999 and len(m.group(1)) == 4:
        return None
    return Atom("year", m.start(), m.end(), {"y": y})


# A bare year: only a whole message ("2018"), or 从2016到2018 / 2016-2018.
@rule(r"^\s*((?:19|20)\d{2})\s*$")
def _year_alone(m, c):
    return Atom("year", m.start(1), m.end(1), {"y": int(m.group(1))})


@rule(r"从\s*((?:19|20)\d{2})\s*(?:到|至|-+|—+)\s*((?:19|20)\d{2})(?![\d年])")
def _year_pair(m, c):
    return [Atom("year", m.start(1), m.end(1), {"y": int(m.group(1))}),
            Atom("conn", m.end(1), m.start(2), {"c": "to"}),
            Atom("year", m.start(2), m.end(2), {"y": int(m.group(2))})]


_CONN_AHEAD = r"(?=\s*(?:到|至|~|-+|—+)\s*"


# "1995-1997年", "1985到89年9月", "2019年1-五月", "4月12-19日": the first number takes the unit.
@rule(r"(?<![\d.:第])(" + YEAR_DIGITS + r")" + _CONN_AHEAD + YEAR_DIGITS + r"\s*年)")
def _bare_year(m, c):
    y = year_of(m.group(1), c.today.year)
    return Atom("year", m.start(), m.end(), {"y": y}) if y else None


@rule(r"(?<![\d.:第])(" + SMALL + r")" + _CONN_AHEAD + SMALL + r"\s*月)")
def _bare_month(m, c):
    mo = to_int(m.group(1))
    return Atom("month", m.start(), m.end(), {"m": mo}) if mo and 1 <= mo <= 12 else None


@rule(r"(?<![\d.:第])(" + SMALL + r")" + _CONN_AHEAD + SMALL + r"\s*[日号])")
def _bare_dom(m, c):
    d = to_int(m.group(1))
    return Atom("dom", m.start(), m.end(), {"d": d}) if d and 1 <= d <= 31 else None


# 三月, 3月份, and a bare day after it when nothing else follows: 十月31, 1月3.
@rule(r"(?<![\d.第个每])(" + SMALL + r")\s*月份?(?:\s*(\d{1,2}|[一二三四五六七八九十]{1,3})(?=$|[\s,，。!！?？~\-到至的]))?")
def _month(m, c):
    if m.group(1) in ("两", "俩"):
        return None
    mo = to_int(m.group(1))
    if not mo or mo > 12:
        return None
    out = [Atom("month", m.start(), m.end(2) if m.group(2) else m.end(), {"m": mo})]
    if m.group(2):
        d = to_int(m.group(2))
        if not d or d > 31:
            return None
        out = [Atom("month", m.start(), m.start(2), {"m": mo}), Atom("dom", m.start(2), m.end(), {"d": d})]
    return out


_NOT_DAY_AFTER = r"(?!\s*(?:会议室|楼|房|厅|门|线|馆|室|机|床|位|桌|窗|车|口|店|院|柜|台))"


@rule(r"(?<![\d.第])(" + SMALL + r")\s*[日号]" + _NOT_DAY_AFTER)
def _dom(m, c):
    if m.group(1) in ("两", "俩"):
        return None
    d = to_int(m.group(1))
    if not d or d > 31:
        return None
    return Atom("dom", m.start(), m.end(), {"d": d})


_ORD_UNIT = r"(周|星期|礼拜|天|日|个?月)"
_WD = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


@rule(r"(?:的)?\s*(第|最后|最後)\s*(" + INT + r")?\s*个?\s*(?:周|星期|礼拜)([一二三四五六日天])")
def _ord_weekday(m, c):
    k = to_int(m.group(2)) if m.group(2) else 1
    if not k:
        return None
    return Atom("ord", m.start(), m.end(), {"how": "last" if m.group(1) != "第" else "nth", "k": k,
                                            "unit": "wd", "wd": _WD[m.group(3)]})


@rule(r"(?:(?<=[年月份的])|(?<=年 )|(?<=月 ))\s*(第|前|最后|最後)\s*(" + INT + r")?\s*" + _ORD_UNIT)
def _ord_unit(m, c):
    k = to_int(m.group(2)) if m.group(2) else 1
    if not k or k > 400:
        return None
    how = {"第": "nth", "前": "first"}.get(m.group(1), "last")
    u = m.group(3).lstrip("个")
    unit = {"周": "week", "星期": "week", "礼拜": "week", "天": "day", "日": "day", "月": "month"}[u]
    return Atom("ord", m.start(), m.end(), {"how": how, "k": k, "unit": unit})
