"""Calendar arithmetic shared by the language rules: zones, weeks, parts of day.

Conventions from the contract: weeks start on Monday; parts of day are windows.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.I)

# Parts of the day as [start hour, end hour) windows (contract).
PARTS_OF_DAY = {
    "morning": (9, 12),
    "noon": (12, 14),
    "afternoon": (14, 18),
    "evening": (18, 21),
    "night": (18, 24),
}


@lru_cache(maxsize=256)
def zone(name: str) -> dt.tzinfo:
    """An IANA zone name or a fixed offset ("-02:00", "+0800", "UTC+8"). Raises ValueError."""
    name = (name or "").strip()
    m = _OFFSET.match(name)
    if m:
        sign = -1 if m.group(1) == "-" else 1
        h, mi = int(m.group(2)), int(m.group(3) or 0)
        if h > 14 or mi > 59:
            raise ValueError(f"bad offset {name!r}")
        return dt.timezone(sign * dt.timedelta(hours=h, minutes=mi))
    if name.upper() in ("UTC", "GMT", "Z"):
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as e:
        raise ValueError(f"unknown time zone {name!r}") from e


# Prebuilt deltas: building a timedelta per call costs more than the arithmetic it serves.
ONE_DAY = dt.timedelta(days=1)
ONE_MINUTE = dt.timedelta(minutes=1)
DAYS = tuple(dt.timedelta(days=i) for i in range(7))  # DAYS[i]: i days
_MDAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def at(day: dt.date, hour: int, minute: int, tz: dt.tzinfo) -> dt.datetime:
    """A wall-clock time on a day in a zone (hour 24 means the next midnight)."""
    if hour >= 24:
        day = day + dt.timedelta(days=hour // 24)
        hour %= 24
    return dt.datetime(day.year, day.month, day.day, hour, minute, 0, 0, tz)


def monday_of(day: dt.date) -> dt.date:
    return day - DAYS[day.weekday()]


def weekday_in_week(day: dt.date, weekday: int, weeks_ahead: int = 0) -> dt.date:
    """That weekday (0=Monday) of the week `weeks_ahead` from `day`'s week."""
    return monday_of(day) + dt.timedelta(days=7 * weeks_ahead + weekday)


def next_weekday(day: dt.date, weekday: int, include_today: bool = True) -> dt.date:
    """The nearest such weekday from `day` on (contract: a bare weekday)."""
    delta = (weekday - day.weekday()) % 7
    if delta == 0 and not include_today:
        delta = 7
    return day + (DAYS[delta] if delta < 7 else dt.timedelta(days=delta))


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    y += day.year
    if m.__class__ is int:
        last = 29 if m == 1 and y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else _MDAYS[m]
    else:  # not an int count: let calendar and date raise what they raise
        import calendar
        last = calendar.monthrange(y, m + 1)[1]
    return dt.date(y, m + 1, min(day.day, last))


def nth_weekday_of_month(y: int, mo: int, n: int, wd: int) -> dt.date | None:
    """The n-th (n = -1: the last) weekday `wd` of a month; None when it has no such day."""
    if n > 0:
        first = dt.date(y, mo, 1)
        d = first + dt.timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))
    else:
        last = add_months(dt.date(y, mo, 1), 1) - dt.timedelta(days=1)
        d = last - dt.timedelta(days=(last.weekday() - wd) % 7)
    return d if d.month == mo else None


def ampm_default(hour: int) -> tuple[int, str | None]:
    """Contract: a bare 1–6 is afternoon, 7–11 morning, 12 noon. Returns (hour24, assumption)."""
    if 1 <= hour <= 6:
        return hour + 12, "pm_assumed"
    if 7 <= hour <= 11:
        return hour, "am_assumed"
    return hour, None
