"""Times, zones, durations and recurrence rules as text, in zh or en."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from .i18n import norm_lang, t

_WD_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_WD_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WD_LONG_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MON_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_RR_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Abbreviations that name several zones (China/Central/Cuba, India/Israel/Irish): use the offset.
_AMBIGUOUS = {"CST", "IST", "AST"}


def zone_label(d: dt.datetime) -> str:
    """"PST", "BST", "GMT" where unambiguous, else "GMT+8" / "GMT+5:30"."""
    abbr = d.tzname() or ""
    if abbr.isalpha() and abbr.isupper() and abbr not in _AMBIGUOUS:
        return abbr
    off = d.utcoffset() or dt.timedelta(0)
    mins = int(off.total_seconds() // 60)
    sign = "+" if mins >= 0 else "-"
    h, m = divmod(abs(mins), 60)
    return f"GMT{sign}{h}" + (f":{m:02d}" if m else "")


def local(d: dt.datetime, tz: str | None) -> dt.datetime:
    return d.astimezone(ZoneInfo(tz)) if tz else d


def fmt_day(d: dt.date, lang: str) -> str:
    """"周四 11月26日" / "Thu Nov 26"."""
    if norm_lang(lang) == "zh":
        return f"{_WD_ZH[d.weekday()]} {d.month}月{d.day}日"
    return f"{_WD_EN[d.weekday()]} {_MON_EN[d.month - 1]} {d.day}"


def fmt_hm(d: dt.datetime) -> str:
    return f"{d.hour:02d}:{d.minute:02d}"


def fmt_when(d: dt.datetime, tz: str | None, lang: str) -> str:
    """"周四 11月26日 15:00 (GMT+8)"."""
    x = local(d, tz)
    return f"{fmt_day(x.date(), lang)} {fmt_hm(x)} ({zone_label(x)})"


def fmt_range(start: dt.datetime, end: dt.datetime, tz: str | None, lang: str) -> str:
    """"周四 11月26日 15:00–16:00 (GMT+8)"; spans midnight: both days are named."""
    s, e = local(start, tz), local(end, tz)
    if s.date() == e.date() or (e - s <= dt.timedelta(days=1) and e.time() == dt.time()
                                and e.date() == s.date() + dt.timedelta(days=1) and s.time() != dt.time()):
        end_txt = "24:00" if e.date() != s.date() else fmt_hm(e)
        return f"{fmt_day(s.date(), lang)} {fmt_hm(s)}–{end_txt} ({zone_label(s)})"
    return f"{fmt_day(s.date(), lang)} {fmt_hm(s)} – {fmt_day(e.date(), lang)} {fmt_hm(e)} ({zone_label(s)})"


def fmt_local_short(d: dt.datetime, tz: str, lang: str) -> str:
    """An attendee's own clock: "Wed 23:00 PST" / "周三 23:00 PST"."""
    x = local(d, tz)
    wd = _WD_ZH if norm_lang(lang) == "zh" else _WD_EN
    return f"{wd[x.weekday()]} {fmt_hm(x)} {zone_label(x)}"


def fmt_local_range(start: dt.datetime, end: dt.datetime, tz: str, lang: str) -> str:
    """An attendee's own clock for a meeting: "Wed 23:00–00:00 PST"."""
    s, e = local(start, tz), local(end, tz)
    wd = _WD_ZH if norm_lang(lang) == "zh" else _WD_EN
    return f"{wd[s.weekday()]} {fmt_hm(s)}–{fmt_hm(e)} {zone_label(s)}"


def fmt_days(first: dt.date, last: dt.date, lang: str) -> str:
    """An all-day span, last day inclusive: "周四 11月26日" or "周四 11月26日 – 周五 11月27日"."""
    if last <= first:
        return fmt_day(first, lang)
    return f"{fmt_day(first, lang)} – {fmt_day(last, lang)}"


def fmt_event_time(start: dt.datetime | dt.date, end: dt.datetime | dt.date, all_day: bool,
                   tz: str | None, lang: str) -> str:
    """An event's time: an all-day span or a clock range with its zone."""
    if all_day or not isinstance(start, dt.datetime) or not isinstance(end, dt.datetime):
        first = start.date() if isinstance(start, dt.datetime) else start
        last = end.date() if isinstance(end, dt.datetime) else end
        return f"{fmt_days(first, last, lang)} ({t('all_day', lang)})"
    return fmt_range(start, end, tz, lang)


def fmt_duration(minutes: int, lang: str) -> str:
    """"1小时30分钟" / "1 h 30 min"."""
    h, m = divmod(max(0, int(minutes)), 60)
    if norm_lang(lang) == "zh":
        return (f"{h}小时" if h else "") + (f"{m}分钟" if m or not h else "")
    return " ".join(p for p in ((f"{h} h" if h else ""), (f"{m} min" if m or not h else "")) if p)


def _ordinal(n: int, lang: str) -> str:
    if norm_lang(lang) == "zh":
        return "最后一个" if n == -1 else f"第{n}个"
    if n == -1:
        return "last"
    return {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}.get(n, f"{n}th")


def _byday(token: str, lang: str) -> str | None:
    code, num = token[-2:], token[:-2]
    if code not in _RR_DAYS:
        return None
    i = _RR_DAYS.index(code)
    name = _WD_ZH[i] if norm_lang(lang) == "zh" else _WD_LONG_EN[i]
    if not num:
        return name
    try:
        n = int(num)
    except ValueError:
        return None
    return f"{_ordinal(n, lang)}{name}" if norm_lang(lang) == "zh" else f"the {_ordinal(n, lang)} {name}"


def describe_rrule(rule: str, lang: str) -> str:
    """An RRULE in words: "FREQ=WEEKLY;BYDAY=MO" → "每周一" / "every Monday".

    Parts it cannot read leave the rule as written, so nothing is silently lost.
    """
    zh = norm_lang(lang) == "zh"
    body = rule.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    try:
        parts = dict(p.split("=", 1) for p in body.upper().split(";") if p)
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError:
        return rule
    freq = parts.get("FREQ")
    read = [_byday(x, lang) for x in parts["BYDAY"].split(",")] if "BYDAY" in parts else []
    if any(d is None for d in read) or freq not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        return rule
    days = [d for d in read if d is not None]
    sep = "、" if zh else ", "
    every = {"DAILY": ("天", "day"), "WEEKLY": ("周", "week"), "MONTHLY": ("月", "month"),
             "YEARLY": ("年", "year")}[freq]
    if zh:
        head = f"每{interval}{'个' if freq == 'MONTHLY' else ''}{every[0]}" if interval > 1 else f"每{every[0]}"
    else:
        head = f"every {interval} {every[1]}s" if interval > 1 else f"every {every[1]}"
    weekdays = {"MO", "TU", "WE", "TH", "FR"}
    if freq in ("WEEKLY", "DAILY") and days and set(parts["BYDAY"].split(",")) == weekdays and interval == 1:
        text = "每个工作日" if zh else "every weekday"
    elif freq == "WEEKLY" and days:
        if zh:
            text = ("每" if interval == 1 else head + "的") + sep.join(days)
        else:
            text = ("every " if interval == 1 else head + " on ") + sep.join(days)
    elif freq == "MONTHLY" and (days or "BYMONTHDAY" in parts):
        what = sep.join(days) if days else (f"{parts['BYMONTHDAY']}日" if zh else f"day {parts['BYMONTHDAY']}")
        text = f"{head}{what}" if zh else f"{head} on {what}"
    else:
        text = head
    if "COUNT" in parts and parts["COUNT"].isdigit():
        text += f"，共{parts['COUNT']}次" if zh else f", {parts['COUNT']} times"
    if "UNTIL" in parts and len(parts["UNTIL"]) >= 8 and parts["UNTIL"][:8].isdigit():
        u = parts["UNTIL"]
        try:
            day = dt.date(int(u[:4]), int(u[4:6]), int(u[6:8]))
        except ValueError:
            return rule
        text += (f"，至{day.year}年{day.month}月{day.day}日" if zh
                 else f", until {_MON_EN[day.month - 1]} {day.day}, {day.year}")
    return text
