"""The answer to "am I free tomorrow?": yes or no, the free times and the busy blocks, day by day.
It answers the question; it offers nothing to book."""
from __future__ import annotations

import datetime as dt
from typing import Any, Protocol
from collections.abc import Sequence

from .base import card, md
from .format import fmt_day, fmt_hm, local, zone_label
from .i18n import STRINGS, t

STRINGS.update({
    "title_own_time": ("你的空闲时间", "Your free time"),
    "own_free_some": ("有空。", "Yes, you have free time."),
    "own_free_none": ("没有空闲：工作时间都被占满了。", "No: your working hours are fully booked."),
    "own_nothing_left": ("这段时间已经过去了。", "That time has already passed."),
    "own_free": ("空闲", "Free"),
    "own_busy": ("忙碌", "Busy"),
    "own_none": ("无", "none"),
    "own_not_working": ("（非工作日）", "(not a working day)"),
    "own_footer": ("只查看了你的忙闲，没有预订任何会议。要约会议，告诉我和谁、什么时候。",
                   "I only looked at your free/busy; nothing was booked. To book, tell me with whom and when."),
})


class Day(Protocol):
    """One day of a person's time (planning.own_time.OwnDay)."""
    @property
    def day(self) -> dt.date: ...
    @property
    def working(self) -> bool: ...
    @property
    def free(self) -> Sequence[tuple[dt.datetime, dt.datetime]]: ...
    @property
    def busy(self) -> Sequence[tuple[dt.datetime, dt.datetime]]: ...


def _ranges(spans: Sequence[tuple[dt.datetime, dt.datetime]], tz: str, lang: str) -> str:
    if not spans:
        return t("own_none", lang)
    sep = "、" if lang == "zh" else ", "
    parts = []
    for s, e in spans:
        ls, le = local(s, tz), local(e, tz)
        parts.append(f"{fmt_hm(ls)}–{'24:00' if le.date() != ls.date() else fmt_hm(le)}")
    return sep.join(parts)


def own_time_card(days: Sequence[Day], tz: str, lang: str, now: dt.datetime) -> dict[str, Any]:
    """Free and busy per day in `tz`; no buttons."""
    if not days:
        lead = t("own_nothing_left", lang)
    else:
        lead = t("own_free_some" if any(d.free for d in days) else "own_free_none", lang)
    elements = [md(f"**{lead}**")]
    for d in days:
        head = f"**{fmt_day(d.day, lang)}** ({zone_label(local(now, tz))})"
        if not d.working:
            head += " " + t("own_not_working", lang)
        elements.append(md(f"{head}\n✅ {t('own_free', lang)}: {_ranges(d.free, tz, lang)}\n"
                           f"⛔ {t('own_busy', lang)}: {_ranges(d.busy, tz, lang)}"))
    elements.append(md(t("own_footer", lang), small=True))
    return card(t("title_own_time", lang), "green", elements, lang)
