"""The alert on a person's own calendar that an event-tied reminder adds ("提前15分钟提醒我"),
so their phone rings even without the chat; a cancelled reminder (by message or by its
card's Cancel) takes it away again."""
from __future__ import annotations

import logging

from .. import oauth
from ..feishu import FeishuError

log = logging.getLogger("yue.scheduler")


def set_calendar_alert(bot, open_id: str, event_id: str, minutes: int, keep: bool = True) -> str | None:
    """Add (or with keep=False remove) the person's own alert `minutes` before the event on
    their calendar, so their phone rings even without the chat. Needs their token; the
    calendar id when it was written, else None (and the card claims nothing)."""
    token = oauth.fresh_token(bot, open_id)
    if token is None:
        return None
    try:
        cal = bot.feishu.user_primary_calendar(token)
        have = set(bot.feishu.get_event(cal, event_id, user_token=token).reminders)
        want = have | {minutes} if keep else have - {minutes}
        if want != have:
            bot.feishu.patch_event(cal, event_id, reminders=sorted(want), user_token=token)
        return cal
    except FeishuError as e:
        log.info("calendar alert on %s for %s not %s: code=%s msg=%s", event_id, open_id,
                 "set" if keep else "removed", e.code, e.msg)
        return None


def forget_calendar_alert(bot, job) -> None:
    """A cancelled event-tied reminder takes its calendar alert with it."""
    ev = job.payload.get("event") or {}
    if ev.get("on_calendar"):
        set_calendar_alert(bot, job.owner, ev["event_id"], int(ev.get("before") or 0), keep=False)
