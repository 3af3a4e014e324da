"""The "Use <room>" button: on a proposal it switches the draft's room (only to a free one); on a
booked meeting whose room declined or was taken it adds the new room to the event. Either way
a room shown as taken is never booked."""
from __future__ import annotations

import datetime as dt
import logging

from . import cards, planning
from .actions import _state_answer, answer, booked_view
from .feishu import FeishuError
from .planning import room_picks
from .planning import rooms as room_rules

log = logging.getLogger("yue.actions")


def use_room(bot, draft, value: dict, now: dt.datetime) -> dict:
    p, r = draft.payload, draft.result or {}
    lang = p.get("lang", "zh")
    room = next((x for x in bot.feishu.list_rooms() if x.room_id == value.get("r")), None)
    if draft.kind != "schedule" or room is None or not p.get("start"):
        return answer("error", lang)
    start, end = planning.parse(p["start"]), planning.parse(p["end"])
    if draft.status == "pending":
        if room_picks.taken_rooms(bot, [room.room_id], start, end):
            return answer("room_taken", lang, cards.proposal_card(planning.proposal(bot, draft, lang), lang))
        ask = {**(p.get("room_ask") or {}), "any": False}     # chosen by hand: kept if the time moves
        updated = bot.store.update_draft(draft.id, expected_version=draft.version,
                                         payload={**p, "room": room_rules.as_payload(room), "room_ask": ask})
        if updated is None:
            return _state_answer(bot, bot.store.get_draft(draft.id), now)
        return answer("picked", lang, cards.proposal_card(planning.proposal(bot, updated, lang), lang))
    if draft.status != "booked" or r.get("room_status") not in ("decline", "taken") or end <= now:
        return _state_answer(bot, draft, now)
    try:
        if room_picks.taken_rooms(bot, [room.room_id], start, end):
            return answer("room_taken", lang, booked_view(bot, draft, now))
        atts = bot.feishu.add_attendees(r["calendar_id"], r["event_id"], rooms=[room.room_id],
                                        room_operator=draft.owner)
    except FeishuError as e:
        log.warning("adding room to draft %s failed: code=%s log_id=%s", draft.id, e.code, e.log_id)
        return answer("error", lang)
    status = room_picks.status_from(atts, room.room_id)
    done = bot.store.update_draft(draft.id, expected_version=draft.version,
                                  payload={**p, "room": room_rules.as_payload(room)},
                                  result={**r, "room_status": status, "room_declined": status == "decline"})
    if done is None:
        return _state_answer(bot, bot.store.get_draft(draft.id), now)
    return answer("room_added", lang, booked_view(bot, done, now))
