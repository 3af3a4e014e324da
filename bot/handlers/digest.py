"""digest: "每个工作日早上9点把我的日程发给我" / "send me my agenda every morning at 8:30"
→ the day's agenda at that time, privately; "@Yue 每周一早上把本周团队会议发到群里" → the
week's meetings with the group's members, in that group. "不用每天发了" / "stop my digests"
stops them; "my digests" lists them. One digest per person (or group): a new one replaces it."""
from __future__ import annotations

import datetime as dt
import re

from .. import cards, oauth
from ..cards.reminders import Reminder
from ..config import zone
from ..scheduler.timing import first_occurrence
from ..store import stable_uuid
from .registry import on_intent
from .remind import views

DEFAULT_RULE = "FREQ=DAILY"
DEFAULT_TIME = dt.time(9, 0)
# Until the parser fills `action` for every phrasing (see remind.py).
_STOP = re.compile(r"不用|不要|别再|停止|取消|关闭|\b(stop|cancel|no more|don'?t|turn off|unsubscribe)\b", re.I)
_LIST = re.compile(r"哪些推送|我的推送|我的日程推送|\b(my|list|show)\b.*\bdigests?\b", re.I)


def verb(ctx) -> str:
    action = getattr(ctx.intent, "action", None)
    if action in ("off", "list"):
        return action
    if _LIST.search(ctx.text) and not _STOP.search(ctx.text):
        return "list"
    return "off" if _STOP.search(ctx.text) else "on"


@on_intent("digest")
def handle(ctx) -> None:
    v = verb(ctx)
    if v == "list":
        ctx.reply(cards.reminders.reminders_list_card(views(ctx, "digest"), ctx.lang, kind="digest"),
                  key="digest-list")
    elif v == "off":
        stopped = stop(ctx)
        ctx.reply(cards.reminders.digest_stopped_card(stopped, ctx.lang), key="digest-off")
    else:
        start(ctx)


def _mine(ctx) -> list:
    """The digests this chat has: the sender's private ones, or the group's."""
    store = ctx.bot.store
    if ctx.private:
        return store.jobs_of(owner=ctx.sender.open_id, kind="digest", private=True)
    return store.jobs_of(chat_id=ctx.chat_id, kind="digest")


def stop(ctx, keep: str | None = None) -> int:
    return sum(1 for j in _mine(ctx) if j.id != keep and ctx.bot.store.job_cancel(j.id) is not None)


def _time_of(ctx) -> dt.time:
    it, z = ctx.intent, zone(ctx.sender.tz)
    for v in (it.start, it.window_start):
        if isinstance(v, dt.datetime):
            return v.astimezone(z).time().replace(second=0, microsecond=0)
    return DEFAULT_TIME


def scope_of(rrule: str) -> str:
    """A weekly digest on one weekday covers the week; any other, its day."""
    parts = dict(p.split("=", 1) for p in rrule.upper().split(";") if "=" in p)
    return "week" if parts.get("FREQ") == "WEEKLY" and "," not in parts.get("BYDAY", "MO") else "day"


def start(ctx) -> None:
    if oauth.user_token(ctx, "digest") is None:
        return     # the connect card went out; this message is answered again after consent
    tz = ctx.sender.tz
    rrule = ctx.intent.recurrence or DEFAULT_RULE
    today = ctx.now.astimezone(zone(tz)).date()
    dtstart = dt.datetime.combine(today, _time_of(ctx), zone(tz))
    first = first_occurrence(rrule, dtstart, tz, ctx.now)
    if first is None:
        ctx.reply(cards.reminders.note_card("rem_in_past", ctx.lang), key="digest")
        return
    scope = scope_of(rrule)
    payload = {"title": cards.t(f"title_digest_{scope}", ctx.lang), "tz": tz, "lang": ctx.lang, "rrule": rrule,
               "dtstart": dtstart.isoformat(), "scope": scope, "source_message": ctx.message_id}
    job_id = stable_uuid("digest", ctx.message_id)
    job, _ = ctx.bot.store.job_add(job_id, "digest", ctx.sender.open_id, first, payload,
                                   chat_id=None if ctx.private else ctx.chat_id, now=ctx.now)
    stop(ctx, keep=job.id)
    ctx.bot.scheduler.wake()
    r = Reminder(job.id, payload["title"], job.occurs_at, tz, rrule, kind="digest", scope=scope,
                 group=not ctx.private)
    ctx.reply(cards.reminders.digest_set_card(r, ctx.lang), key="digest")
