"""A calendar date that does not exist ("Feb 30", "2月30日", "31st of April"). The date
rules would read what they can of it (the day alone, or nothing) and land on another day;
the parser flags it instead (assumption `impossible_date`) so nobody is booked on a day
they never named."""
from __future__ import annotations

import re

from .zh.numerals import SMALL, to_int

_DAYS_IN = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)    # Feb 29 exists in some year
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_EN_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
             r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_EN = re.compile(rf"\b{_EN_MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b|"
                 rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MONTH}\b", re.I)
_ZH = re.compile(rf"(?<![\d零〇一二两三四五六七八九十])({SMALL})\s*月\s*({SMALL})\s*[日号]")


def impossible_date(text: str) -> str | None:
    """The first impossible month-day the text names, as written ("Feb 30"); None if none."""
    if "月" in text:
        for m in _ZH.finditer(text):
            if _impossible(to_int(m.group(1)), to_int(m.group(2))):
                return m.group(0)
    if text.isascii() or any("a" <= c.lower() <= "z" for c in text):
        for m in _EN.finditer(text):
            name, day = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
            if _impossible(_MONTHS.index(name[:3].lower()) + 1, int(day)):
                return m.group(0).strip()
    return None


def _impossible(month: int | None, day: int | None) -> bool:
    """A month 1–12 and a day of 1–31 that month never has (a larger number is no day)."""
    return month is not None and day is not None and 1 <= month <= 12 and _DAYS_IN[month - 1] < day <= 31
