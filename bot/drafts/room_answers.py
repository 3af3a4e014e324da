"""Rooms answer later: re-read the room of booked meetings still waiting for it, and update
their booked card when it answered (a decline offers other rooms). Run by the sweeper
(`housekeeping.maintenance`). It lives with the drafts because the booked card does."""
from __future__ import annotations

import datetime as dt
import logging

from bot.feishu import FeishuError
from bot.planning.room_picks import status_from

from .proposal import booked_view

log = logging.getLogger("yue.rooms")


def refresh_pending(bot, limit: int = 50) -> list[str]:
    """Re-read the room of booked meetings whose room has not answered yet; when it has, keep
    the answer and update the booked card (a decline offers other rooms). Returns the ids of
    the drafts whose room answered. Run by the sweeper; idempotent."""
    now = bot.now()
    changed = []
    for d in bot.store.find_drafts(kind="schedule", statuses={"booked"}, limit=200):
        r, room = d.result or {}, d.payload.get("room")
        if r.get("room_status") != "pending" or not room or dt.datetime.fromisoformat(d.payload["end"]) < now:
            continue
        try:
            status = status_from(bot.feishu.list_attendees(r["calendar_id"], r["event_id"]), room["room_id"])
        except FeishuError as e:
            log.info("room of draft %s not re-read: code=%s log_id=%s", d.id, e.code, e.log_id)
            continue
        if status == "pending":
            continue
        done = bot.store.update_draft(d.id, expected_version=d.version, result={**r, "room_status": status})
        if done is None:
            continue
        changed.append(d.id)
        if done.card_message_id:
            try:
                bot.feishu.update_card(done.card_message_id,
                                       booked_view(bot, done, done.payload.get("lang", "zh"), now))
            except FeishuError as e:
                log.info("booked card of draft %s not updated: code=%s", d.id, e.code)
        if len(changed) >= limit:
            break
    return changed
