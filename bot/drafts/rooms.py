"""The "Use <room>" button: on a proposal it switches the draft's room (only to a free one); on a
booked meeting whose room declined or was taken it adds the new room to the event. Either way
a room shown as taken is never booked."""
from __future__ import annotations

import logging

from bot import cards, planning
from bot.feishu import FeishuError
from bot.planning import room_picks
from bot.planning import rooms as room_rules

from .clicks import answer, lost_race, refused
from .payloads import ProposalPayload
from .proposal import booked_view
from .table import Click, on_click

log = logging.getLogger("yue.drafts")


@on_click("schedule", "room")
def use_room(click: Click) -> dict:
    bot, draft, now, lang = click.bot, click.draft, click.now, click.lang
    p, r = ProposalPayload.of(draft.payload), draft.result or {}
    room = next((x for x in bot.feishu.list_rooms() if x.room_id == click.value.get("r")), None)
    start, end = p.start_dt(), p.end_dt()
    if room is None or start is None or end is None:      # a proposal always has both times
        return answer("error", lang)
    if draft.status == "pending":
        if room_picks.taken_rooms(bot, [room.room_id], start, end):
            return answer("room_taken", lang, cards.proposal_card(planning.proposal(bot, draft, lang), lang))
        ask = {**(p.extra.get("room_ask") or {}), "any": False}     # chosen by hand: kept if the time moves
        updated = bot.store.update_draft(draft.id, expected_version=draft.version,
                                         payload={**p.with_(room=room_rules.as_payload(room)).to_json(),
                                                  "room_ask": ask})
        if updated is None:
            return lost_race(click)
        return answer("picked", lang, cards.proposal_card(planning.proposal(bot, updated, lang), lang))
    if r.get("room_status") not in ("decline", "taken") or end <= now:
        return refused(bot, draft, now)
    try:
        if room_picks.taken_rooms(bot, [room.room_id], start, end):
            return answer("room_taken", lang, booked_view(bot, draft, lang, now))
        atts = bot.feishu.add_attendees(r["calendar_id"], r["event_id"], rooms=[room.room_id],
                                        room_operator=draft.owner)
    except FeishuError as e:
        log.warning("adding room to draft %s failed: code=%s log_id=%s", draft.id, e.code, e.log_id)
        return answer("error", lang)
    status = room_picks.status_from(atts, room.room_id)
    done = bot.store.update_draft(draft.id, expected_version=draft.version,
                                  payload=p.with_(room=room_rules.as_payload(room)).to_json(),
                                  result={**r, "room_status": status, "room_declined": status == "decline"})
    if done is None:
        return lost_race(click)
    return answer("room_added", lang, booked_view(bot, done, lang, now))
