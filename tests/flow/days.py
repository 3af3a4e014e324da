"""Days for flow tests, in a person's own zone and as messages write them."""
from __future__ import annotations

import datetime as dt

from tests.flow.conftest import today_in


def week_day(who: str, weeks: int, weekday: int) -> dt.date:
    """The `weekday` (0 = Monday) of the week `weeks` weeks after the person's current one: a test
    can own a day that is never a weekend and never today."""
    today = today_in(who)
    return today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks, days=weekday)


def zh_day(d: dt.date) -> str:
    return f"{d.month}月{d.day}日"


def en_day(d: dt.date) -> str:
    return d.strftime("%B ") + str(d.day)
