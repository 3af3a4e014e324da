"""Days, weeks, months and years named relative to now: 明天, 下周三, 上个月, 三天后, 未来7天."""
from __future__ import annotations

import datetime as dt

from ..timeutil import DAYS, add_months, monday_of
from .atoms import Atom, rule
from .numerals import INT, to_int, to_num

WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
           "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
WD = r"(?:周|星期|礼拜)"
_VERB_BEFORE_XIA = frozenset("看查对聊问说弄试碰过算排想商量讨等确认")
# 上上 / 下下 before 上 / 下 so the regex takes the longer one.
SHIFT = r"(上上|下下|上|下|这|本|当)"
_SHIFT = {"上上": -2, "下下": 2, "上": -1, "下": 1, "这": 0, "本": 0, "当": 0}

_DAYS = {"今天": 0, "今日": 0, "本日": 0, "今儿": 0, "当天": 0, "当日": 0, "明天": 1, "明日": 1,
         "明儿": 1, "次日": 1, "第二天": 1, "翌日": 1, "隔天": 1, "后天": 2, "大后天": 3,
         "大大后天": 4, "昨天": -1, "昨日": -1, "昨儿": -1, "前天": -2, "前日": -2,
         "大前天": -3, "大大前天": -4}
_DAY_POD = {"今": 0, "当": 0, "明": 1, "昨": -1}
_POD_OF = {"晚": "evening", "夜": "night", "早": "early", "晨": "early"}
# Speed only: the same offsets as prebuilt timedeltas.
_DAYS_TD = {k: dt.timedelta(days=v) for k, v in _DAYS.items()}
_DAY_POD_TD = {k: dt.timedelta(days=v) for k, v in _DAY_POD.items()}
_WEEKS_TD = {k: dt.timedelta(weeks=v) for k, v in _SHIFT.items()}


@rule("(" + "|".join(sorted(_DAYS, key=len, reverse=True)) + ")")
def _day(m, c):
    return Atom("date", m.start(), m.end(), {"date": c.today + _DAYS_TD[m.group(1)]})


@rule(r"([今当明昨])(晚上?|夜里?|早上?|晨)(?!饭|餐)")
def _day_pod(m, c):
    d = c.today + _DAY_POD_TD[m.group(1)]
    return [Atom("date", m.start(), m.start() + 1, {"date": d}),
            Atom("pod", m.start() + 1, m.end(), {"pod": _POD_OF[m.group(2)[0]]})]


@rule(r"(现在|此时|此刻|当前|目前|马上|立刻|立即)")
def _now(m, c):
    return Atom("instant", m.start(), m.end(), {"dt": c.now})


@rule(SHIFT + r"?\s*(?:一)?个?" + WD + r"([一二三四五六日天]|[1-7](?!\d))", priority=1)
def _weekday(m, c):
    wd = WEEKDAY[m.group(2)]
    if m.group(1) == "下" and m.start() and c.text[m.start() - 1] in _VERB_BEFORE_XIA and c.text[m.start() + 1].isspace():
        # 看下 周四 / 对下 周五: the 下 of 看一下 closes the verb; the weekday stands alone
        k = m.start() + 1
        return Atom("wd", k + len(c.text[k:m.end()]) - len(c.text[k:m.end()].lstrip()), m.end(), {"wd": wd})
    if m.group(1) is None:
        return Atom("wd", m.start(), m.end(), {"wd": wd})
    monday = monday_of(c.today) + _WEEKS_TD[m.group(1)]
    return Atom("date", m.start(), m.end(), {"date": monday + DAYS[wd]})


@rule(SHIFT + r"(?:一)?个?" + WD + r"(?![一二三四五六日天1-7末])")
def _week(m, c):
    monday = monday_of(c.today) + _WEEKS_TD[m.group(1)]
    return Atom("week", m.start(), m.end(), {"monday": monday, "n": 1})


@rule(SHIFT + r"?\s*个?周末")
def _weekend(m, c):
    k = _SHIFT[m.group(1)] if m.group(1) else 0
    sat = monday_of(c.today) + dt.timedelta(weeks=k, days=5)
    return Atom("weekend", m.start(), m.end(), {"sat": sat})


@rule(r"(上上|下下|上|下|这|本|当)(?:一)?个?月(初|中|底|末)?")
def _month_rel(m, c):
    d = add_months(c.today.replace(day=1), _SHIFT[m.group(1)])
    if not m.group(2):
        return Atom("month", m.start(), m.end(), {"m": d.month, "y": d.year, "rel": True})
    return [Atom("month", m.start(), m.end() - 1, {"m": d.month, "y": d.year, "rel": True}),
            Atom("sub", m.end() - 1, m.end(), {"unit": "month", "which": {"初": 2, "中": 3}.get(m.group(2), 4)})]


_YEARS = {"去年": -1, "今年": 0, "明年": 1, "前年": -2, "后年": 2, "大前年": -3, "大后年": 3,
          "这一年": 0, "本年": 0, "上一年": -1, "下一年": 1, "当年": 0, "来年": 1}


@rule("(" + "|".join(sorted(_YEARS, key=len, reverse=True)) + ")")
def _year_rel(m, c):
    return Atom("year", m.start(), m.end(), {"y": c.today.year + _YEARS[m.group(1)], "rel": True})


_UNIT = r"(秒钟?|分半钟|分钟|分|刻钟|个?小时|个?钟头|个?钟|天|日|晚|个?星期|个?礼拜|个?周|个?月|年)"


def unit_key(u: str) -> str:
    u = u.lstrip("个")
    if u.startswith("秒"):
        return "second"
    if u.startswith("分"):  # 分钟, 分, 分半钟
        return "minute"
    if u == "刻钟":
        return "quarter"
    if u in ("小时", "钟头", "钟"):
        return "hour"
    if u in ("天", "日", "晚"):
        return "day"
    if u in ("星期", "礼拜", "周"):
        return "week"
    if u == "月":
        return "month"
    return "year"


_SECONDS = {"second": 1, "minute": 60, "quarter": 900, "hour": 3600, "day": 86400, "week": 604800}


def shift(base: dt.datetime, unit: str, n: float) -> dt.datetime:
    """base moved by n units (months and years by the calendar)."""
    if unit in ("month", "year"):
        months = round(n * (12 if unit == "year" else 1))
        d = add_months(base.date(), months)
        return base.replace(year=d.year, month=d.month, day=d.day)
    return base + dt.timedelta(seconds=n * _SECONDS[unit])


def _is_written_year(num: str) -> bool:
    return len(num) in (2, 4) and all(ch in "0123456789零〇一二三四五六七八九" for ch in num)


def _count(num: str | None, half: str | None) -> float | None:
    n = to_num(num) if num else (0.0 if half else None)
    if n is None:
        return None
    return n + (0.5 if half else 0)


@rule(r"(" + INT + r"|半)\s*(?:个)?\s*(半)?\s*" + _UNIT + r"\s*(?:之|以)?(后|前)(?!天|日|年)")
def _ago_later(m, c):
    num = None if m.group(1) == "半" else m.group(1)
    n = _count(num, m.group(2) or m.group(3) == "分半钟" or (m.group(1) == "半" or None))
    unit = unit_key(m.group(3))
    if n is None or (unit == "year" and _is_written_year(m.group(1))):
        return None  # 2015年前 / 07年以后 name a year, not a count of years
    if m.group(3) == "晚":
        return None
    sign = -1 if m.group(4) == "前" else 1
    t = shift(c.now, unit, sign * n)
    if unit in ("day", "week", "month", "year"):
        return Atom("date", m.start(), m.end(), {"date": t.date()})
    return Atom("instant", m.start(), m.end(), {"dt": t})


@rule(r"再过\s*(" + INT + r"|半)\s*个?\s*(半)?\s*" + _UNIT)
def _after_delay(m, c):
    num = None if m.group(1) == "半" else m.group(1)
    n = _count(num, m.group(2) or (m.group(1) == "半" or None))
    if n is None:
        return None
    unit = unit_key(m.group(3))
    t = shift(c.now, unit, n)
    if unit in ("day", "week", "month", "year"):
        return Atom("date", m.start(), m.end(), {"date": t.date()})
    return Atom("instant", m.start(), m.end(), {"dt": t})


def _midnight(d: dt.date, c) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, tzinfo=c.tz)


@rule(r"(上|下|前|后|近|最近|过去|未来|接下来|今后|之后|之前|还剩|往后)\s*的?\s*(" + INT
      + r")?\s*" + _UNIT + r"(?:内|里|以来|之内)?")
def _periods(m, c):
    word, unit_s = m.group(1), m.group(3)
    n_s = m.group(2)
    n: int | None
    if n_s is None:
        if word == "上" and unit_s in ("个小时", "个钟头"):
            n = 1
        else:
            return None
    else:
        n = to_int(n_s)
    if not n or n > 1000 or unit_s == "晚":
        return None
    unit = unit_key(unit_s)
    if word in ("上", "下") and unit in ("day", "week", "month", "year"):
        # Duckling's calendar reading: 上两周 = the two whole weeks before this one.
        sign = -1 if word == "上" else 1
        if unit == "day":
            first = c.today + dt.timedelta(days=1 if sign > 0 else -n)
            last = first + dt.timedelta(days=n)
        elif unit == "week":
            mon = monday_of(c.today)
            first = mon + dt.timedelta(weeks=1 if sign > 0 else -n)
            last = first + dt.timedelta(weeks=n)
        elif unit == "month":
            base = c.today.replace(day=1)
            first = add_months(base, 1 if sign > 0 else -n)
            last = add_months(first, n)
        else:
            first = dt.date(c.today.year + (1 if sign > 0 else -n), 1, 1)
            last = dt.date(first.year + n, 1, 1)
        return Atom("period", m.start(), m.end(), {"start": _midnight(first, c), "end": _midnight(last, c)})
    if word in ("上", "下"):
        if unit not in ("hour", "minute", "second"):
            return None
        word = "前" if word == "上" else "未来"
    if word in ("前", "近", "最近", "过去", "之前"):
        return Atom("period", m.start(), m.end(), {"start": shift(c.now, unit, -n), "end": c.now})
    if word in ("后", "往后"):
        base = _midnight(c.today + dt.timedelta(days=1), c) if unit in ("day", "week", "month", "year") else c.now
        return Atom("period", m.start(), m.end(), {"start": base, "end": shift(base, unit, n)})
    return Atom("period", m.start(), m.end(), {"start": c.now, "end": shift(c.now, unit, n)})


# 上半月, 下半周, 月底, 年初, 上旬 …: a part of the surrounding (or current) period.
_SUB = {"上半月": ("month", 0), "下半月": ("month", 1), "上半周": ("week", 0), "下半周": ("week", 1),
        "上半年": ("year", 0), "下半年": ("year", 1), "月初": ("month", 2), "月中": ("month", 3),
        "月底": ("month", 4), "月末": ("month", 4), "上旬": ("month", 5), "中旬": ("month", 6),
        "下旬": ("month", 7), "年初": ("year", 2), "年中": ("year", 3), "年底": ("year", 4),
        "年末": ("year", 4), "周初": ("week", 2), "周中": ("week", 3)}


@rule("(" + "|".join(sorted(_SUB, key=len, reverse=True)) + ")")
def _sub(m, c):
    unit, which = _SUB[m.group(1)]
    return Atom("sub", m.start(), m.end(), {"unit": unit, "which": which})


def sub_span(unit: str, which: int, first: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) days of the part `which` of the period starting `first`."""
    if unit == "week":
        spans = {0: (0, 3), 1: (3, 7), 2: (0, 2), 3: (2, 5)}
        a, b = spans[which]
        return first + dt.timedelta(days=a), first + dt.timedelta(days=b)
    if unit == "month":
        nxt = add_months(first, 1)
        spans = {0: (1, 16), 2: (1, 6), 3: (11, 21), 5: (1, 11), 6: (11, 21)}
        if which in spans:
            a, b = spans[which]
            return first.replace(day=a), first.replace(day=b)
        if which == 4:
            return nxt - dt.timedelta(days=5), nxt
        return first.replace(day=16 if which == 1 else 21), nxt
    y = first.year
    bounds: dict[int, tuple[tuple[int, int], tuple[int, int] | None]] = {
        0: ((1, 1), (7, 1)), 1: ((7, 1), None), 2: ((1, 1), (2, 1)), 3: ((6, 1), (8, 1)), 4: ((12, 1), None)}
    lo, hi = bounds[which]
    end = dt.date(y + 1, 1, 1) if hi is None else dt.date(y, hi[0], hi[1])
    return dt.date(y, lo[0], lo[1]), end
