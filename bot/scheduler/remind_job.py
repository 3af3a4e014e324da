"""Running a reminder: re-read its event (moved → follow it, cancelled → drop it), then
send the reminder card privately, once per occurrence."""
from __future__ import annotations

import datetime as dt
import logging

from .. import cards, oauth
from ..cards.reminders import Reminder
from ..feishu import FeishuError
from .kinds import job_kind, skip_missed
from .timing import lateness, next_for, recheck_at

log = logging.getLogger("yue.scheduler")

MOVED = dt.timedelta(minutes=1)   # an event-tied time that differs less is the same


def view(job, at: dt.datetime | None = None) -> Reminder:
    """The job as the cards show it."""
    p = job.payload
    ev = p.get("event") or {}
    return Reminder(job_id=job.id, title=p.get("title") or "", at=at or job.occurs_at, tz=p["tz"],
                    recurrence=p.get("rrule"), event_title=ev.get("title"), before_minutes=ev.get("before"),
                    kind=job.kind, scope=p.get("scope", "day"), group=bool(job.chat_id))


def _event(bot, job, now: dt.datetime) -> tuple[str, dt.datetime | None]:
    """("gone" | "moved" | "wait" | "due", the event's start) after re-reading the event."""
    ev = job.payload["event"]
    token = oauth.fresh_token(bot, job.owner) if ev.get("source") == "user" else None
    try:
        got = bot.feishu.get_event(ev["calendar_id"], ev["event_id"], user_token=token)
    except FeishuError as e:
        if e.kind == "not_found":
            return "gone", None
        raise
    if got.status == "cancelled":
        return "gone", None
    occurs = got.start - dt.timedelta(minutes=int(ev.get("before") or 0))
    if abs(occurs - job.occurs_at) >= MOVED:
        bot.store.job_move(job, occurs, due_at=recheck_at(occurs, now) if occurs > now else now,
                           payload={**job.payload, "event": {**ev, "start": got.start.isoformat()}})
        return "moved", got.start
    if occurs > now:
        bot.store.job_move(job, occurs, due_at=recheck_at(occurs, now))
        return "wait", got.start
    return "due", got.start


@job_kind("remind")
def run(bot, job, now: dt.datetime) -> None:
    p = job.payload
    event_start = None
    if p.get("event"):
        state, event_start = _event(bot, job, now)
        if state == "gone":
            # Said nothing: the person saw the cancellation itself; the list no longer shows it.
            log.info("job %s: its event is gone, reminder dropped", job.id)
            bot.store.job_end(job, "dropped", "event cancelled")
            return
        if state in ("moved", "wait"):
            return
    late = lateness(job.occurs_at, now)
    if late == "too_late":
        skip_missed(bot, job, now, "missed by more than the cut-off")
        return
    card = cards.reminders.reminder_card(view(job), job.occurrence_key, p.get("lang", "zh"),
                                         late=late == "late", event_start=event_start)
    # The key names the occurrence: a re-run after a crash sends with the same uuid.
    bot.feishu.send_card(job.owner, card, "open_id", key=f"job:{job.occurrence_key}")
    bot.store.job_fired(job, next_for(p, max(now, job.occurs_at)))
