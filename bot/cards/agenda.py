"""A day or week of occurrences grouped by day; search results."""
from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from .base import card, esc, md, more
from .data import Event
from .format import fmt_day, fmt_days, fmt_event_time, fmt_hm, zone_label
from .i18n import t

MAX_ITEMS = 40
MAX_RESULTS = 15


def _link(e: Event, text: str) -> str:
    # Feishu markdown link; the url must not break the markdown.
    if e.app_link and ")" not in e.app_link and " " not in e.app_link:
        return f"[{text}]({e.app_link})"
    return text


def _day_of(value: dt.datetime | dt.date, z: ZoneInfo) -> dt.date:
    return value.astimezone(z).date() if isinstance(value, dt.datetime) else value


def _line(e: Event, z: ZoneInfo, day: dt.date, lang: str) -> str:
    title = _link(e, esc(e.title, 120) or t("untitled", lang))
    loc = f" · {esc(e.location, 60)}" if e.location else ""
    if e.all_day or not isinstance(e.start, dt.datetime) or not isinstance(e.end, dt.datetime):
        return f"- {t('all_day', lang)} {title}{loc}"
    s, en = e.start.astimezone(z), e.end.astimezone(z)
    end_txt = fmt_hm(en) if en.date() == day else f"{fmt_day(en.date(), lang)} {fmt_hm(en)}"
    start_txt = fmt_hm(s) if s.date() == day else f"{fmt_day(s.date(), lang)} {fmt_hm(s)}"
    return f"- {start_txt}–{end_txt} {title}{loc}"


def agenda_card(events: list[Event] | tuple[Event, ...], first: dt.date, last: dt.date, tz: str,
                lang: str) -> dict[str, Any]:
    """Occurrences (recurring ones already expanded) from `first` to `last`
    (inclusive, dates in `tz`), grouped by day, all-day ones first, each day
    headed with its date and the zone; "nothing scheduled" when empty."""
    return card(t("title_agenda", lang), "indigo", agenda_elements(events, first, last, tz, lang), lang)


def agenda_elements(events: list[Event] | tuple[Event, ...], first: dt.date, last: dt.date, tz: str,
                    lang: str) -> list[dict[str, Any]]:
    """The body of `agenda_card` (the daily digest adds its own lines to it)."""
    z = ZoneInfo(tz)
    span = fmt_days(first, last, lang)
    label = zone_label(dt.datetime.combine(first, dt.time(12), z))
    elements = [md(f"**{span}** ({label})")]
    by_day: dict[dt.date, list[Event]] = {}
    for e in events:
        d0, d1 = _day_of(e.start, z), _day_of(e.end, z)
        if isinstance(e.end, dt.datetime) and not e.all_day and e.end.astimezone(z).time() == dt.time() and d1 > d0:
            d1 -= dt.timedelta(days=1)   # ends at midnight: not on the next day
        d = max(d0, first)
        while d <= min(d1, last):
            by_day.setdefault(d, []).append(e)
            d += dt.timedelta(days=1)
    if not by_day:
        elements.append(md(t("nothing_scheduled", lang)))
        return elements

    def order(e: Event) -> tuple[Any, ...]:
        start = e.start if isinstance(e.start, dt.datetime) else dt.datetime.combine(e.start, dt.time(), z)
        return (not e.all_day, start.timestamp(), e.title or "", e.event_id)

    shown = 0
    total = sum(len(v) for v in by_day.values())
    one_day = first == last       # the span line already names the day: no second heading
    for d in sorted(by_day):
        if shown >= MAX_ITEMS:
            break
        items = sorted(by_day[d], key=order)[: MAX_ITEMS - shown]
        shown += len(items)
        heading = "" if one_day else f"**{fmt_day(d, lang)}**\n"
        elements.append(md(heading + "\n".join(_line(e, z, d, lang) for e in items)))
    if total > shown:
        elements.append(more(total - shown, lang))
    return elements


def search_card(query: str, events: list[Event] | tuple[Event, ...], tz: str, lang: str) -> dict[str, Any]:
    """Events matching `query`, in the given order, each with its time and zone."""
    elements = [md(t("search_for", lang, query=esc(query, 80)))]
    if not events:
        elements.append(md(t("search_none", lang)))
    else:
        lines = [f"- {_link(e, esc(e.title, 120) or t('untitled', lang))} · "
                 f"{fmt_event_time(e.start, e.end, e.all_day, tz, lang)}" for e in events[:MAX_RESULTS]]
        elements.append(md("\n".join(lines)))
        if len(events) > MAX_RESULTS:
            elements.append(more(len(events) - MAX_RESULTS, lang))
    return card(t("title_search", lang), "indigo", elements, lang)
