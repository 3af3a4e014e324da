"""Clicks on reminder and digest cards: Done, Snooze (10 min, 1 h, tomorrow 9:00),
Cancel/Stop. Only the job's owner may click; every click can be repeated (a second
Snooze finds the snooze it made, a second Cancel finds the job cancelled). The jobs table,
not a draft, holds what they act on: they register as draftless clicks."""
from __future__ import annotations

import datetime as dt

from .. import cards
from ..cards.reminders import CANCEL, DONE, SNOOZE
from ..drafts.clicks import answer
from ..drafts.table import on_draftless_click
from ..store import stable_uuid
from .calendar_alerts import forget_calendar_alert
from .timing import tomorrow_at

SNOOZE_MINUTES = {10: 10, 60: 60}


@on_draftless_click(DONE)
@on_draftless_click(SNOOZE)
@on_draftless_click(CANCEL)
def on_click(bot, operator: str, value: dict) -> dict:
    job = bot.store.job_get(str(value.get("j") or ""))
    if job is None:
        return answer("expired", "zh")
    p = job.payload
    lang, title = p.get("lang", "zh"), p.get("title") or ""
    if operator != job.owner:
        return answer("not_yours", lang)
    now = bot.now()
    a = value.get("a")
    if a == CANCEL:
        if bot.store.job_cancel(job.id, owner=operator) is not None:   # already cancelled: the same answer
            forget_calendar_alert(bot, job)
        if job.kind == "digest":
            return answer("cancelled", lang, cards.reminders.digest_stopped_card(1, lang))
        return answer("cancelled", lang, cards.reminders.reminder_state_card("cancelled", title, lang))
    if a == DONE:
        return answer("done", lang, cards.reminders.reminder_state_card("done", title, lang))
    if a == SNOOZE:
        m = value.get("m")
        if m == "tomorrow":
            until = tomorrow_at(now, p["tz"])
        elif m in SNOOZE_MINUTES:
            until = now + dt.timedelta(minutes=SNOOZE_MINUTES[m])
        else:
            return answer("error", lang)
        payload = {"title": title, "tz": p["tz"], "lang": lang, "snoozed_from": job.id}
        if p.get("event"):
            payload["event_title"] = (p["event"] or {}).get("title")
        snoozed, _ = bot.store.job_add(stable_uuid("snooze", job.id, str(value.get("o") or "")), "remind",
                                       job.owner, until, payload, now=now)
        bot.scheduler.wake()
        return answer("done", lang, cards.reminders.reminder_state_card("snoozed", title, lang,
                                                                        until=snoozed.occurs_at, tz=p["tz"]))
    return answer("error", lang)

