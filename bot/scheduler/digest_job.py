"""Running a digest: the owner's agenda for the day (or the week's meetings with the
group's members, for a group), conflicts and free gaps marked, posted once per occurrence.
Without the owner's calendar token the owner gets the connect card instead, privately."""
from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from .. import cards, oauth
from ..cards.reminders import Conflict
from ..feishu import FeishuError
from ..handlers.calendar_view import card_event
from .kinds import job_kind, skip_missed
from .timing import lateness, next_for

log = logging.getLogger("yue.scheduler")

MIN_GAP = dt.timedelta(minutes=30)    # a shorter free stretch is not worth naming
PRIMARYS_CHUNK = 10                   # calendar.primarys takes at most 10 users a call


def span_of(occurs_local: dt.datetime, scope: str) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) the digest covers: the occurrence's day, or its Monday-to-Sunday week."""
    day = occurs_local.date()
    if scope == "week":
        day -= dt.timedelta(days=day.weekday())
    z = occurs_local.tzinfo
    days = 7 if scope == "week" else 1
    return dt.datetime.combine(day, dt.time(0), z), dt.datetime.combine(day + dt.timedelta(days=days), dt.time(0), z)


def marks(events: list[cards.Event], work_from: dt.datetime, work_to: dt.datetime
          ) -> tuple[list[Conflict], list[tuple[dt.datetime, dt.datetime]]]:
    """Overlapping timed events (each pair once) and the free gaps of at least MIN_GAP
    between `work_from` and `work_to`."""
    # (title, start, end) of the events with a time of day (all-day ones have dates)
    timed = sorted(((e.title, e.start, e.end) for e in events
                    if not e.all_day and isinstance(e.start, dt.datetime) and isinstance(e.end, dt.datetime)),
                   key=lambda t: (t[1], t[2]))
    conflicts = [Conflict(a[0], b[0], max(a[1], b[1]), min(a[2], b[2]))
                 for i, a in enumerate(timed) for b in timed[i + 1:] if b[1] < a[2] and a[1] < b[2]]
    gaps: list[tuple[dt.datetime, dt.datetime]] = []
    cursor = work_from
    for _, start, end in timed:
        if start > cursor and min(start, work_to) - cursor >= MIN_GAP:
            gaps.append((cursor, min(start, work_to)))
        cursor = max(cursor, end)
        if cursor >= work_to:
            break
    if work_to - cursor >= MIN_GAP:
        gaps.append((cursor, work_to))
    return conflicts, gaps


def _with_members(bot, events, chat_id: str, owner: str, token: str) -> list:
    """A group sees only meetings shared with someone else in it, never the owner's
    private appointments: those a member organises, and the owner's own that a member
    attends (an event whose guest list the owner may not read is left out)."""
    members = {m.open_id for m in bot.feishu.chat_members(chat_id)} - {owner}
    ids, member_cals = sorted(members), set()
    for i in range(0, len(ids), PRIMARYS_CHUNK):
        member_cals |= set(bot.feishu.primary_calendar_ids(ids[i:i + PRIMARYS_CHUNK]).values())
    keep, decided = [], {}
    for e in events:
        key = e.recurring_event_id or e.event_id
        if key not in decided:
            decided[key] = e.calendar_id in member_cals or _attended_by(bot, e.calendar_id, key, members, token)
        if decided[key]:
            keep.append(e)
    return keep


def _attended_by(bot, calendar_id: str, event_id: str, members: set[str], token: str) -> bool:
    try:
        atts = bot.feishu.list_attendees(calendar_id, event_id, user_token=token)
    except FeishuError as e:
        if e.kind in ("permission", "not_found"):
            return False
        raise
    return any(a.open_id in members for a in atts if a.type == "user" and a.rsvp_status != "decline")


def _connect(bot, job, lang: str) -> None:
    state = bot.store.create_oauth_state(job.owner, job.chat_id, {})
    url = bot.feishu.authorize_url(oauth.redirect_uri(bot), state)
    bot.feishu.send_card(job.owner, cards.connect_card(url, lang, reason="digest"), "open_id",
                         key=f"job:{job.occurrence_key}:connect")


@job_kind("digest")
def run(bot, job, now: dt.datetime) -> None:
    p = job.payload
    late = lateness(job.occurs_at, now)
    if late == "too_late":
        skip_missed(bot, job, now, "missed by more than the cut-off")
        return
    lang, tz, scope = p.get("lang", "zh"), p["tz"], p.get("scope", "day")
    token = oauth.fresh_token(bot, job.owner)
    if token is None:
        _connect(bot, job, lang)
    else:
        start, end = span_of(job.occurs_at.astimezone(ZoneInfo(tz)), scope)
        cal = bot.feishu.user_primary_calendar(token)
        found = [e for e in bot.feishu.instance_view(cal, start, end, user_token=token) if e.status != "cancelled"]
        if job.chat_id:
            found = _with_members(bot, found, job.chat_id, job.owner, token)
        shown = [card_event(e, tz) for e in found]
        prefs = bot.store.get_prefs(job.owner)
        conflicts, gaps = marks(shown, dt.datetime.combine(start.date(), prefs.work_start, start.tzinfo),
                                dt.datetime.combine(start.date(), prefs.work_end, start.tzinfo))
        card = cards.reminders.digest_card(shown, start.date(), (end - dt.timedelta(days=1)).date(), tz, lang,
                                           conflicts=conflicts, gaps=gaps, scope=scope, late=late == "late",
                                           show_gaps=not job.chat_id)
        target, kind = (job.chat_id, "chat_id") if job.chat_id else (job.owner, "open_id")
        bot.feishu.send_card(target, card, kind, key=f"job:{job.occurrence_key}")
    bot.store.job_fired(job, next_for(p, max(now, job.occurs_at)))
