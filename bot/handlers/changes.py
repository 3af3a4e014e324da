"""Feishu's calendar change pushes, for people who connected their calendar: Yue asks for
them on consent (`watch`), and tells the organiser of a meeting Yue booked when an attendee
declines, or when the meeting was moved or deleted outside Yue. Feishu may push one change
several times (one push per subscriber, re-deliveries, merges): each change is told once
(`store.claim` on what changed), and a state Yue itself produced tells nobody anything."""
from __future__ import annotations

import datetime as dt
import logging

from .. import oauth, people
from ..cards.invitation import notice_card
from ..feishu import Event, FeishuError
from ..inbox.kinds import WATCH
from ..store import Meeting
from .registry import on_item

log = logging.getLogger("yue.changes")

CHANGE = "calendar_change"
EVENT_CHANGED = "calendar.calendar.event.changed_v4"
RSVP_STATE_TTL_S = 90 * 86400


@on_item(WATCH, background=True)
def watch(bot, payload: dict) -> None:
    """Subscribe to the person's event and ACL changes (user token only; repeating is harmless)."""
    open_id = payload.get("open_id") or ""
    token = oauth.fresh_token(bot, open_id)
    if token is None:
        return
    cal = bot.feishu.user_primary_calendar(token)
    bot.feishu.watch_calendar(cal, token)
    bot.store.mark_watched(open_id, cal)


def _tell(bot, meeting: Meeting, key: str, what: str, who: str = "",
          moved_to: tuple[dt.datetime, dt.datetime] | None = None) -> None:
    if not bot.store.claim("notice", key):
        return                                  # told already (another push of the same change)
    draft = bot.store.get_draft(meeting.draft_id)
    p = draft.payload if draft else {}
    organiser = people.lookup(bot, meeting.organiser)
    lang = organiser.lang or p.get("lang", "zh")     # the language they booked it in
    name = people.display(people.lookup(bot, who), lang) if who else ""
    tz = organiser.tz or p.get("tz") or bot.settings.default_tz     # theirs, else the booking's, else the bot's
    card = notice_card(p.get("title") or "", dt.datetime.fromisoformat(meeting.start),
                       dt.datetime.fromisoformat(meeting.end), what, tz, lang,
                       who=name, moved_to=moved_to)
    bot.feishu.send_card(meeting.organiser, card, "open_id", key=f"notice:{key}")


def tell_rsvp(bot, event_id: str, who: str, status: str) -> None:
    """An attendee answered a Yue meeting: the organiser hears of a decline, once."""
    meeting = bot.store.meeting(event_id)
    if meeting is None or not who or who == meeting.organiser:
        return
    state_key = f"rsvp:{event_id}:{who}"
    before = (bot.store.cache_get(state_key) or {}).get("status")
    if before == status:
        return
    bot.store.cache_put(state_key, {"status": status}, RSVP_STATE_TTL_S)
    if status == "decline":
        _tell(bot, meeting, f"{event_id}:{who}:{before}>{status}", "decline", who=who)


def _yue_did(bot, meeting: Meeting, gone: bool, start: dt.datetime | None) -> bool:
    """Whether Yue itself (Undo, cancel, move through the chat) put the meeting in this state."""
    booking = bot.store.get_draft(meeting.draft_id)
    if gone and booking is not None and booking.status in ("undoing", "undone", "gone"):
        return True
    for d in bot.store.find_drafts(owner=meeting.organiser, limit=30):
        r, chosen = d.result or {}, (d.payload.get("chosen") or {})
        target = str(r.get("event_id") or chosen.get("event_id") or "")
        if d.kind not in ("cancel", "reschedule") or target.split("_")[0] != meeting.event_id.split("_")[0]:
            continue
        if gone and d.kind == "cancel":
            return True
        times = [r.get("new_start"), r.get("old_start")] if d.kind == "reschedule" else []
        if start is not None and any(t and dt.datetime.fromisoformat(t) == start for t in times):
            return True
    return False


def _current(bot, meeting: Meeting) -> Event | None:
    """The meeting as Feishu has it now on Yue's calendar: None when deleted."""
    try:
        ev = bot.feishu.get_event(meeting.calendar_id, meeting.event_id)
    except FeishuError as e:
        if e.kind == "not_found":
            return None
        raise
    return None if ev.status == "cancelled" else ev


@on_item(CHANGE, background=True)
def on_change(bot, payload: dict) -> None:
    header, ev = payload.get("header") or {}, payload.get("event") or {}
    if header.get("event_type") != EVENT_CHANGED:
        log.info("calendar push %s: nothing to tell", header.get("event_type"))
        return
    event_id = ev.get("calendar_event_id") or ""
    meeting = bot.store.meeting(event_id) if event_id else None
    if meeting is None:
        return                                  # not a meeting Yue booked
    kind = ev.get("change_type")
    if kind == "rsvp":
        for info in ev.get("rsvp_infos") or []:
            who = ((info.get("from_user_id") or {}).get("open_id")) or ""
            tell_rsvp(bot, event_id, who, info.get("rsvp_status") or "")
        return
    if meeting.gone:
        return
    now = _current(bot, meeting)
    if now is None:
        if not _yue_did(bot, meeting, True, None):
            _tell(bot, meeting, f"{event_id}:deleted", "deleted")
        bot.store.save_meeting(event_id, meeting.draft_id, meeting.organiser, meeting.calendar_id, meeting.start,
                               meeting.end, gone=True)
        return
    if (now.start, now.end) == (dt.datetime.fromisoformat(meeting.start), dt.datetime.fromisoformat(meeting.end)):
        return                                  # an update that did not move it (a room answered, a title)
    if not _yue_did(bot, meeting, False, now.start):
        _tell(bot, meeting, f"{event_id}:moved:{now.start.isoformat()}:{now.end.isoformat()}", "moved",
              moved_to=(now.start, now.end))
    bot.store.save_meeting(event_id, meeting.draft_id, meeting.organiser, meeting.calendar_id,
                           now.start.isoformat(), now.end.isoformat())
