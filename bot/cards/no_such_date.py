"""The card for a date or time that does not exist ("Feb 30", "25点"): said plainly, nothing
moved to another day or hour."""
from __future__ import annotations

from typing import Any

from .base import card, esc, md
from .i18n import STRINGS, t

STRINGS.update({
    "title_no_such_date": ("没有「{date}」这一天", "There is no {date}"),
    "no_such_date_body": ("日历上没有「{date}」这一天，所以我什么都没有安排。你指的是哪一天？请换个日期再发一次。",
                          "{date} is not a day on the calendar, so I haven’t booked anything. "
                          "Which day did you mean? Send the message again with that date."),
    "title_no_such_time": ("没有「{date}」这个时间", "There is no {date}"),
    "no_such_time_body": ("一天里没有「{date}」这个时间，所以我什么都没有安排。你指的是几点？请换个时间再发一次。",
                          "{date} is not a time of day, so I haven’t booked anything. "
                          "What time did you mean? Send the message again with that time."),
})


def no_such_date_card(date: str, lang: str, kind: str = "date") -> dict[str, Any]:
    """`date` as the person wrote it ("Feb 30", "2月30日"; kind "time": "25点"). No buttons."""
    shown = esc(date, 40)
    return card(t(f"title_no_such_{kind}", lang, date=shown), "orange",
                [md(t(f"no_such_{kind}_body", lang, date=shown))], lang)
