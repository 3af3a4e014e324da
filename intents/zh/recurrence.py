"""Repetition → RRULE: 每周一, 每隔一周, 每天, 工作日, 每月15号, 每年, 隔周."""
from __future__ import annotations

from .. import narrow
from ..timeutil import nth_weekday_of_month
from .atoms import Atom, rule
from .numerals import INT, SMALL, to_int

_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WD = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
       "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_FREQ = {"秒": "SECONDLY", "秒钟": "SECONDLY", "分钟": "MINUTELY", "小时": "HOURLY", "个小时": "HOURLY",
         "天": "DAILY", "日": "DAILY", "晚": "DAILY", "周": "WEEKLY", "星期": "WEEKLY", "礼拜": "WEEKLY",
         "个星期": "WEEKLY", "个礼拜": "WEEKLY", "个周": "WEEKLY", "月": "MONTHLY", "个月": "MONTHLY", "年": "YEARLY"}
_WDS = r"(?:周|星期|礼拜)?([一二三四五六日天1-7])"


def _rrule(freq: str, interval: int = 1, **extra: str) -> str:
    s = f"FREQ={freq}"
    if interval > 1:
        s += f";INTERVAL={interval}"
    for k, v in extra.items():
        s += f";{k}={v}"
    return s


def _interval(gap: str | None, n_s: str | None) -> int | None:
    n = to_int(n_s) if n_s else 1
    if not n:
        return None
    # 每隔一周 is every other week; 每隔3天 (JioNLP, common usage) every third day.
    return n + 1 if gap and n == 1 else n


@rule(r"每\s*(隔)?\s*(" + INT + r")?\s*(秒钟?|分钟|个?小时|天|日|晚|个?星期|个?礼拜|个?周|个?月|年)(?![一二三四五六日天1-7末])")
def _every(m, c):
    iv = _interval(m.group(1), m.group(2))
    if iv is None:
        return None
    return Atom("set", m.start(), m.end(), {"rrule": _rrule(_FREQ[m.group(3)], iv)})


@rule(r"(?:每\s*(隔)?\s*(" + INT + r")?\s*个?|隔|双)(?:周|星期|礼拜)(?:\s*的?\s*(?:周|星期|礼拜))?([一二三四五六日天1-7])"
      r"((?:\s*[、,，和及与]\s*" + _WDS + r"|[一二三四五六日天](?![点时:：\d半个]))*)", priority=1)
def _every_weekday(m, c):
    iv = _interval(m.group(1), m.group(2)) if m.group(0)[0] == "每" else 2
    if iv is None:
        return None
    days = [_WD[m.group(3)]]
    for ch in m.group(4):
        if ch in _WD and ch not in "周期礼拜星":
            days.append(_WD[ch])
    byday = ",".join(_BYDAY[d] for d in sorted(set(days)))
    return Atom("set", m.start(), m.end(), {"rrule": _rrule("WEEKLY", iv, BYDAY=byday), "wd": days[0]})


@rule(r"(?:每个?|所有)?(工作日)|(每个?|所有)周末|((?<![今明后昨前每])天天|日日)|(隔周|双周|两周一次)|(每半个?月)|(隔天)")
def _every_word(m, c):
    if m.group(1):
        r = _rrule("WEEKLY", BYDAY="MO,TU,WE,TH,FR")
    elif m.group(2):
        r = _rrule("WEEKLY", BYDAY="SA,SU")
    elif m.group(3):
        r = _rrule("DAILY")
    elif m.group(4):
        r = _rrule("WEEKLY", 2)
    elif m.group(5):
        r = _rrule("WEEKLY", 2)
    else:
        r = _rrule("DAILY", 2)
    return Atom("set", m.start(), m.end(), {"rrule": r})


@rule(r"每个?月\s*的?\s*(?:第\s*([一二三四1-4])\s*个?|(最后|倒数第一)\s*一?\s*个?)\s*(?:周|星期|礼拜)([一二三四五六日天1-7])",
      priority=1)
def _monthly_weekday(m, c):
    """每月第一个周一 / 每个月最后一个周四: the set, and the next such day (a date)."""
    n = -1 if m.group(2) else narrow.present(to_int(m.group(1)), "ordinal")  # [一二三四1-4] reads
    wd = _WD[m.group(3)]
    y, mo = c.today.year, c.today.month
    d = nth_weekday_of_month(y, mo, n, wd)
    if d is None or d < c.today:
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
        d = nth_weekday_of_month(y, mo, n, wd)
    if d is None:
        return None
    rr = _rrule("MONTHLY", BYDAY=f"{n}{_BYDAY[wd]}")
    return [Atom("set", m.start(), m.end(), {"rrule": rr}), Atom("date", m.end() - 1, m.end(), {"date": d})]


@rule(r"每个?月\s*的?\s*(" + SMALL + r")\s*[号日]")
def _monthly_day(m, c):
    d = to_int(m.group(1))
    if not d or d > 31:
        return None
    return [Atom("set", m.start(), m.start(1), {"rrule": _rrule("MONTHLY", BYMONTHDAY=str(d))}),
            Atom("dom", m.start(1), m.end(), {"d": d})]


@rule(r"每年\s*的?\s*(?=(" + SMALL + r")\s*月)")
def _yearly(m, c):
    return Atom("set", m.start(), m.end(), {"rrule": _rrule("YEARLY")})
