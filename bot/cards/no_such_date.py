"""The card for a date that does not exist ("Feb 30"): said plainly, nothing moved to another day."""
from __future__ import annotations

from typing import Any

from .base import card, esc, md
from .i18n import STRINGS, t

STRINGS.update({
    "title_no_such_date": ("没有「{date}」这一天", "There is no {date}"),
    "no_such_date_body": ("日历上没有「{date}」这一天，所以我什么都没有安排。你指的是哪一天？请换个日期再发一次。",
                          "{date} is not a day on the calendar, so I haven’t booked anything. "
                          "Which day did you mean? Send the message again with that date."),
})


def no_such_date_card(date: str, lang: str) -> dict[str, Any]:
    """`date` as the person wrote it ("Feb 30", "2月30日"). No buttons."""
    shown = esc(date, 40)
    return card(t("title_no_such_date", lang, date=shown), "orange",
                [md(t("no_such_date_body", lang, date=shown))], lang)
