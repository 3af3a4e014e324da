"""A calendar date or a clock time that does not exist ("Feb 30", "2月30日", "25点",
"26:00", "15pm"). The rules would read what they can of it and land on another day or
hour (or take it for a title); the parser flags it instead (assumptions `impossible_date`,
`impossible_time`) so nobody is booked at a time they never named."""
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


_ZH_HOUR = re.compile(r"(?<![\d:：点點时時])(2[5-9]|[3-9]\d)\s*[点點时時](?!\s*[钟鐘]?\s*[前后後以])")
_EN_HOUR = re.compile(r"(?<![\w:：./-])(?:(2[5-9]|[3-9]\d)[:：][0-5]\d|(1[3-9]|2\d)\s*[ap]\.?m\.?)(?![\w:])", re.I)


def impossible_time(text: str) -> str | None:
    """The first clock time no day has, as written ("25点", "26:00", "15pm"); None if none."""
    m = _ZH_HOUR.search(text) or _EN_HOUR.search(text)
    return m.group(0).strip() if m else None


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
