"""Reminders and digests: set, fire, snooze, list, stop; the digest's agenda with its
conflicts and free gaps. Button values are `{"a": "rem_*", "j": job_id, ...}`: the jobs
table, not a draft, holds what a click acts on (bot/scheduler/clicks.py)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .agenda import agenda_elements
from .base import button, card, esc, md, row
from .data import Event
from .format import describe_rrule, fmt_day, fmt_hm, fmt_when, local, zone_label
from .i18n import STRINGS, join, t

DONE, SNOOZE, CANCEL = "rem_done", "rem_snooze", "rem_cancel"
REMINDER_ACTIONS = (DONE, SNOOZE, CANCEL)
SNOOZES = (10, 60, "tomorrow")
MAX_LISTED = 20

STRINGS.update({
    "title_reminder_set": ("提醒已设置", "Reminder set"),
    "title_reminder": ("提醒", "Reminder"),
    "title_reminder_late": ("提醒（迟到）", "Reminder (late)"),
    "title_reminders": ("我的提醒", "My reminders"),
    "title_digests": ("我的日程推送", "My digests"),
    "title_digest_set": ("日程推送已设置", "Digest set"),
    "title_digest_day": ("今日日程", "Today's agenda"),
    "title_digest_week": ("本周日程", "This week"),
    "title_digest_late": ("（迟到）", " (late)"),
    "title_digest_stopped": ("日程推送已停止", "Digests stopped"),
    "title_reminder_cancelled": ("提醒已取消", "Reminder cancelled"),
    "title_reminder_done": ("提醒已完成", "Reminder done"),
    "title_reminder_snoozed": ("稍后提醒", "Snoozed"),
    "rem_at": ("时间：{when}", "When: {when}"),
    "rem_repeat": ("重复：{rule}", "Repeats: {rule}"),
    "rem_before": ("「{event}」开始前 {n} 分钟", "{n} min before “{event}”"),
    "rem_follows": ("会议改期或取消时，提醒会随之调整。", "If the meeting moves or is cancelled, the reminder follows."),
    "rem_on_calendar": ("手机日历也会提醒。", "Also on your calendar, so your phone will ring too."),
    "rem_late_note": ("约刚才没能按时发出这条提醒，抱歉。", "Yue could not send this on time, sorry."),
    "rem_event_at": ("会议时间：{when}", "Meeting at: {when}"),
    "rem_snoozed_until": ("将在 {when} 再次提醒。", "I'll remind you again at {when}."),
    "rem_done_body": ("已标记为完成。", "Marked as done."),
    "rem_cancelled_body": ("不会再提醒了。", "You won't be reminded."),
    "rem_none": ("你现在没有提醒。试试「提醒我明天下午3点交周报」。",
                 "You have no reminders. Try “remind me to call the bank at 5pm”."),
    "rem_need_time": ("什么时候提醒你？例如「提醒我明天下午3点交周报」。",
                      "When should I remind you? For example “remind me to call the bank at 5pm”."),
    "rem_in_past": ("这个时间已经过去了，请说一个将来的时间。", "That time has passed; name a time ahead."),
    "rem_no_event": ("没有找到这个会议，没有设置提醒。", "I could not find that meeting, so no reminder was set."),
    "rem_event_started": ("这个会议的提醒时间已经过了，没有设置提醒。",
                          "That meeting's reminder time has already passed; no reminder was set."),
    "rem_cancel_none": ("没有找到符合的提醒。", "No matching reminder was found."),
    "rem_cancel_which": ("有几个提醒符合，要取消哪一个？", "Several reminders match; which one should I cancel?"),
    "dig_none": ("你还没有日程推送。试试「每个工作日早上9点把我的日程发给我」。",
                 "You have no digests. Try “send me my agenda every morning at 8:30”."),
    "dig_what_day": ("当天的日程（含冲突和空闲时段）", "that day's agenda (with conflicts and free gaps)"),
    "dig_what_week": ("本周的会议", "this week's meetings"),
    "dig_set_body": ("{rule} {time}，发送{what}。", "{rule} at {time}: {what}."),
    "dig_to_group": ("发到本群。", "Posted in this group."),
    "dig_to_you": ("私信发给你。", "Sent to you privately."),
    "dig_stopped_body": ("已停止 {n} 个日程推送。", "Stopped {n} digest(s)."),
    "dig_nothing_to_stop": ("没有正在进行的日程推送。", "There is no digest to stop."),
    "dig_conflicts": ("⚠️ 冲突：", "⚠️ Conflicts:"),
    "dig_gaps": ("空闲时段：", "Free gaps:"),
    "dig_no_gaps": ("工作时间内没有空闲时段。", "No free time in working hours."),
    "btn_rem_done": ("完成", "Done"),
    "btn_rem_snooze_10": ("10分钟后", "Snooze 10 min"),
    "btn_rem_snooze_60": ("1小时后", "Snooze 1 h"),
    "btn_rem_snooze_tomorrow": ("明天9:00", "Tomorrow 9:00"),
    "btn_rem_stop": ("停止", "Stop"),
    "connect_why_digest": ("把你的日程发给你需要连接日历。", "Sending you your agenda needs your calendar."),
    "connect_why_remind": ("在你日历里的会议前提醒你需要连接日历。",
                           "Reminding you before a meeting on your calendar needs your calendar."),
})


@dataclass(frozen=True)
class Reminder:
    """A reminder or digest as the cards show it. `at` is its next time (aware)."""
    job_id: str
    title: str
    at: dt.datetime
    tz: str
    recurrence: str | None = None
    event_title: str | None = None
    before_minutes: int | None = None
    kind: str = "remind"                 # remind | digest
    scope: str = "day"                   # digest: day | week
    group: bool = False                  # digest: posted in a group


def _v(action: str, job_id: str, **extra: object) -> dict[str, Any]:
    v: dict[str, Any] = {"a": action, "j": job_id}
    v.update({k: x for k, x in extra.items() if x is not None})
    return v


def _describe(r: Reminder, lang: str) -> list[str]:
    lines = [t("rem_at", lang, when=fmt_when(r.at, r.tz, lang))]
    if r.recurrence:
        lines.append(t("rem_repeat", lang, rule=describe_rrule(r.recurrence, lang)))
    if r.event_title and r.before_minutes is not None:
        lines.append(t("rem_before", lang, event=esc(r.event_title, 80), n=r.before_minutes))
    return lines


def reminder_set_card(r: Reminder, lang: str, on_calendar: bool = False) -> dict[str, Any]:
    """The answer to "remind me …": what and when, and a Cancel button. `on_calendar`
    only when the calendar reminder was really written."""
    lines = [f"**{esc(r.title) or t('untitled', lang)}**", *_describe(r, lang)]
    if r.event_title:
        lines.append(t("rem_follows", lang))
    if on_calendar:
        lines.append(t("rem_on_calendar", lang))
    return card(t("title_reminder_set", lang), "green",
                [md("\n".join(lines)), row([button(t("btn_cancel", lang), _v(CANCEL, r.job_id))])], lang)


def reminder_card(r: Reminder, occurrence: str, lang: str, late: bool = False,
                  event_start: dt.datetime | None = None) -> dict[str, Any]:
    """The reminder itself, with Done and Snooze (10 min, 1 h, tomorrow 9:00)."""
    lines = [f"**{esc(r.title) or t('untitled', lang)}**"]
    if event_start is not None:
        lines.append(t("rem_event_at", lang, when=fmt_when(event_start, r.tz, lang)))
    if r.recurrence:
        lines.append(t("rem_repeat", lang, rule=describe_rrule(r.recurrence, lang)))
    if late:
        lines.append(t("rem_late_note", lang))
    buttons = [button(t("btn_rem_done", lang), _v(DONE, r.job_id, o=occurrence), "primary")]
    buttons += [button(t(f"btn_rem_snooze_{m}", lang), _v(SNOOZE, r.job_id, o=occurrence, m=m)) for m in SNOOZES]
    return card(t("title_reminder_late" if late else "title_reminder", lang), "orange",
                [md("\n".join(lines)), row(buttons)], lang)


def reminder_state_card(state: str, title: str, lang: str, until: dt.datetime | None = None,
                        tz: str | None = None) -> dict[str, Any]:
    """After a click: "done" | "snoozed" (until `until`) | "cancelled". No buttons."""
    body = {"done": t("rem_done_body", lang), "cancelled": t("rem_cancelled_body", lang)}.get(state)
    if state == "snoozed" and until is not None:
        body = t("rem_snoozed_until", lang, when=fmt_when(until, tz, lang))
    template = {"done": "green", "snoozed": "blue"}.get(state, "grey")
    return card(t(f"title_reminder_{state}", lang), template,
                [md(f"**{esc(title) or t('untitled', lang)}**\n{body or ''}")], lang)


def reminders_list_card(items: list[Reminder], lang: str, kind: str = "remind", note: str | None = None) -> dict[str, Any]:
    """Active reminders (or digests), soonest first, each with its Cancel/Stop button."""
    elements = [md(t(note, lang))] if note else []
    if not items:
        elements.append(md(t("rem_none" if kind == "remind" else "dig_none", lang)))
    for r in items[:MAX_LISTED]:
        head = f"**{esc(r.title) or t('untitled', lang)}**" if r.kind == "remind" else \
            f"**{t('title_digest_' + r.scope, lang)}** · " + t("dig_to_group" if r.group else "dig_to_you", lang)
        elements.append(md("\n".join([head, *_describe(r, lang)])))
        label = t("btn_cancel" if r.kind == "remind" else "btn_rem_stop", lang)
        elements.append(row([button(label, _v(CANCEL, r.job_id))]))
    title = "title_reminders" if kind == "remind" else "title_digests"
    return card(t(title, lang), "indigo", elements, lang)


def _hm_of(r: Reminder) -> str:
    return fmt_hm(local(r.at, r.tz))


def digest_set_card(r: Reminder, lang: str) -> dict[str, Any]:
    rule = describe_rrule(r.recurrence, lang) if r.recurrence else ""
    body = t("dig_set_body", lang, rule=rule, time=f"{_hm_of(r)} ({zone_label(local(r.at, r.tz))})",
             what=t(f"dig_what_{r.scope}", lang))
    lines = [body, t("dig_to_group" if r.group else "dig_to_you", lang),
             t("rem_at", lang, when=fmt_when(r.at, r.tz, lang))]
    return card(t("title_digest_set", lang), "green",
                [md("\n".join(lines)), row([button(t("btn_rem_stop", lang), _v(CANCEL, r.job_id))])], lang)


def digest_stopped_card(n: int, lang: str) -> dict[str, Any]:
    body = t("dig_stopped_body", lang, n=n) if n else t("dig_nothing_to_stop", lang)
    return card(t("title_digest_stopped", lang), "grey", [md(body)], lang)


@dataclass(frozen=True)
class Conflict:
    first: str
    second: str
    start: dt.datetime
    end: dt.datetime


def digest_card(events: list[Event], first: dt.date, last: dt.date, tz: str, lang: str, *,
                conflicts: Sequence[Conflict] = (), gaps: Sequence[tuple[dt.datetime, dt.datetime]] = (),
                scope: str = "day", late: bool = False, show_gaps: bool = True) -> dict[str, Any]:
    """The agenda of a digest, with overlapping events and the free gaps of the working
    day marked (gaps only for a day's digest)."""
    elements = agenda_elements(events, first, last, tz, lang)
    if conflicts:
        lines = [f"- {fmt_day(local(c.start, tz).date(), lang)} {fmt_hm(local(c.start, tz))}–"
                 f"{fmt_hm(local(c.end, tz))} {esc(c.first, 60)} × {esc(c.second, 60)}" for c in conflicts[:10]]
        elements.append(md(t("dig_conflicts", lang) + "\n" + "\n".join(lines)))
    if show_gaps and scope == "day":
        if gaps:
            elements.append(md(t("dig_gaps", lang) + " " + join(
                [f"{fmt_hm(local(s, tz))}–{fmt_hm(local(e, tz))}" for s, e in gaps[:12]], lang)))
        else:
            elements.append(md(t("dig_no_gaps", lang), small=True))
    title = t(f"title_digest_{scope}", lang) + (t("title_digest_late", lang) if late else "")
    return card(title, "indigo", elements, lang)


def note_card(key: str, lang: str) -> dict[str, Any]:
    """A short answer that sets nothing: "rem_need_time", "rem_in_past", "rem_no_event", …"""
    return card(t("title_reminder", lang), "orange", [md(t(key, lang))], lang)


def choose_reminder_card(items: list[Reminder], lang: str) -> dict[str, Any]:
    """"cancel the bank reminder" matched several: one Cancel button per match."""
    return reminders_list_card(items, lang, "remind", note="rem_cancel_which")


__all__ = ["Reminder", "Conflict", "reminder_set_card", "reminder_card", "reminder_state_card",
           "reminders_list_card", "digest_set_card", "digest_stopped_card", "digest_card",
           "choose_reminder_card", "DONE", "SNOOZE", "CANCEL", "REMINDER_ACTIONS"]
