"""remind: "提醒我明天下午3点交周报" / "remind me to call the bank at 5pm" → a reminder
sent privately at that time; "明天的评审提前15分钟提醒我" → one tied to that event,
which follows it when it moves and goes away when it is cancelled; "每个工作日下午6点提醒我
写日报" recurs. "我有哪些提醒" lists them, "cancel the bank reminder" cancels one."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

from .. import cards
from ..cards.reminders import Reminder
from ..config import zone
from ..planning import matching
from ..scheduler.calendar_alerts import forget_calendar_alert, set_calendar_alert
from ..scheduler.remind_job import view
from ..scheduler.timing import first_occurrence, recheck_at
from ..store import stable_uuid
from . import existing
from .registry import on_intent

# Until the parser fills `action` / `remind_before_minutes` for every phrasing, the words
# that make a remind message a list, a cancel or a lead time are read here.
_LIST = re.compile(r"哪些提醒|什么提醒|我的提醒|提醒列表|有提醒吗|\b(my|list|show|what)\b.*\breminders?\b", re.I)
_CANCEL = re.compile(r"(取消|删除|删掉).*提醒|不用提醒|不要提醒|别提醒|"
                     r"\b(cancel|delete|remove|stop)\b.*\breminders?\b|^\s*(/\S+\s+)?(cancel|delete|remove|取消|删除)",
                     re.I)
_BEFORE = re.compile(r"提前\s*(\d{1,4})\s*分钟|(\d{1,4})\s*(?:min(?:ute)?s?|分钟)\s*(?:before|ahead|early|前)", re.I)
_NOISE = re.compile(r"^\s*/\S+|提醒我一下|提醒我|提醒一下|提醒|^\s*(?:please\s+)?remind\s+me\s+(?:to\s+)?|"
                    r"\breminders?\b|\bremind\b|提前\s*\d+\s*分钟|\d+\s*(?:min(?:ute)?s?|分钟)\s*(?:before|前)?|"
                    r"^\s*(?:cancel|delete|remove)\b|取消|删除|^\s*的|的\s*$", re.I)

MATCH_SHARE = 0.75  # a reminder matches when its title holds most of the words asked for
DEFAULT_TITLE = {"zh": "提醒", "en": "Reminder"}
ALL_DAY_HOUR = 9     # "提醒我明天交周报": a day without a time reminds at 9:00


def words_of(text: str | None) -> str:
    """The message's words without the command words ("提醒我", "remind me to", "/remind")."""
    return " ".join(_NOISE.sub(" ", text or "").split())


def verb(ctx) -> str:
    action = getattr(ctx.intent, "action", None)
    if action in ("list", "off", "cancel"):
        return "list" if action == "list" else "cancel"
    if _LIST.search(ctx.text):
        return "list"
    return "cancel" if ctx.intent.intent == "cancel" or _CANCEL.search(ctx.text) else "create"


def lead_minutes(ctx) -> int | None:
    got = getattr(ctx.intent, "remind_before_minutes", None)
    if got is not None:
        return int(got)
    m = _BEFORE.search(ctx.text)
    return int(m.group(1) or m.group(2)) if m else None


@on_intent("remind")
def handle(ctx) -> None:
    v = verb(ctx)
    if v == "list":
        show_list(ctx)
    elif v == "cancel":
        cancel(ctx)
    elif (minutes := lead_minutes(ctx)) is not None:
        before_event(ctx, minutes)
    else:
        at_time(ctx)


def _when(ctx) -> dt.datetime | None:
    it = ctx.intent
    if isinstance(it.start, dt.datetime):
        return it.start
    if isinstance(it.start, dt.date):
        return dt.datetime.combine(it.start, dt.time(ALL_DAY_HOUR), zone(ctx.sender.tz))
    return it.window_start if isinstance(it.window_start, dt.datetime) else None


def _title(ctx) -> str:
    return words_of(ctx.intent.title or ctx.intent.query) or DEFAULT_TITLE.get(ctx.lang, "Reminder")


def _status(ctx, key: str) -> None:
    ctx.reply(cards.reminders.note_card(key, ctx.lang), key="remind")


def at_time(ctx) -> None:
    when = _when(ctx)
    if when is None:
        _status(ctx, "rem_need_time")
        return
    tz, rrule = ctx.sender.tz, ctx.intent.recurrence
    first = first_occurrence(rrule, when, tz, ctx.now)
    if first is None:
        _status(ctx, "rem_in_past")
        return
    payload = {"title": _title(ctx), "tz": tz, "lang": ctx.lang, "rrule": rrule,
               "dtstart": when.astimezone(zone(tz)).isoformat(), "source_message": ctx.message_id}
    job, _ = ctx.bot.store.job_add(stable_uuid("remind", ctx.message_id), "remind", ctx.sender.open_id, first,
                                   payload, now=ctx.now)
    ctx.bot.scheduler.wake()
    ctx.reply(cards.reminders.reminder_set_card(Reminder(job.id, payload["title"], job.occurs_at, tz, rrule),
                                                ctx.lang), key="remind")


def _upcoming(found: list[dict], now: dt.datetime) -> dict | None:
    """The soonest single event (or occurrence) still ahead. A series' master is left out:
    its own start is its first occurrence, not the next."""
    start = lambda c: dt.datetime.fromisoformat(c["start"])  # noqa: E731  (offsets differ: compare instants)
    return min((c for c in found if not c.get("recurrence") and start(c) > now), key=start, default=None)


def _event_query(ctx):
    """The message as `existing.candidates` should read it: the event's words only, and a
    time only when the message names one (else every upcoming event may match)."""
    it, words = ctx.intent, words_of(ctx.intent.query or ctx.intent.title)
    if it.start is None:
        it = dataclasses.replace(it, window_start=None, window_end=None)
    return dataclasses.replace(ctx, intent=dataclasses.replace(it, query=words or None, title=words or None))


def before_event(ctx, minutes: int) -> None:
    found = existing.candidates(_event_query(ctx), "remind")
    if found is None:
        return       # the connect card went out; the message is answered again after consent
    chosen = _upcoming(found, ctx.now)
    if chosen is None:
        _status(ctx, "rem_no_event")
        return
    start = dt.datetime.fromisoformat(chosen["start"])
    occurs = start - dt.timedelta(minutes=minutes)
    if occurs <= ctx.now:
        _status(ctx, "rem_event_started")
        return
    tz = ctx.sender.tz
    event = {"calendar_id": chosen["calendar_id"], "event_id": chosen["event_id"], "source": chosen["source"],
             "before": minutes, "title": chosen["title"], "start": chosen["start"],
             "on_calendar": set_calendar_alert(ctx.bot, ctx.sender.open_id, chosen["event_id"], minutes)}
    payload = {"title": chosen["title"], "tz": tz, "lang": ctx.lang, "event": event,
               "source_message": ctx.message_id}
    job, _ = ctx.bot.store.job_add(stable_uuid("remind", ctx.message_id), "remind", ctx.sender.open_id, occurs,
                                   payload, due_at=recheck_at(occurs, ctx.now), now=ctx.now)
    ctx.bot.scheduler.wake()
    r = Reminder(job.id, chosen["title"], job.occurs_at, tz, event_title=chosen["title"], before_minutes=minutes)
    on_calendar = bool((job.payload.get("event") or {}).get("on_calendar"))
    ctx.reply(cards.reminders.reminder_set_card(r, ctx.lang, on_calendar=on_calendar), key="remind")


def views(ctx, kind: str) -> list[Reminder]:
    jobs = ctx.bot.store.jobs_of(owner=ctx.sender.open_id, kind=kind)
    return [view(j) for j in jobs]


def show_list(ctx) -> None:
    ctx.reply(cards.reminders.reminders_list_card(views(ctx, "remind"), ctx.lang), key="remind-list")


def cancel(ctx) -> None:
    mine = views(ctx, "remind")
    query = words_of(ctx.intent.query or ctx.intent.title)
    matched = [r for r in mine if matching.word_score(r.title, query) >= MATCH_SHARE] if query else mine
    if not matched:
        _status(ctx, "rem_cancel_none")
    elif len(matched) > 1:
        ctx.reply(cards.reminders.choose_reminder_card(matched, ctx.lang), key="remind-cancel")
    else:
        job = ctx.bot.store.job_cancel(matched[0].job_id, owner=ctx.sender.open_id)
        if job is not None:
            forget_calendar_alert(ctx.bot, job)
        ctx.reply(cards.reminders.reminder_state_card("cancelled", matched[0].title, ctx.lang), key="remind-cancel")
