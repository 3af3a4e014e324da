"""cancel / reschedule / invite drafts: pick the meeting (and for a series, this one or
all), act on it, and undo it: a cancel is restored by creating the event again with its
attendees and room, a move is moved back, an invite removes the people it added."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from dateutil.rrule import rrulestr

from bot import cards, oauth, people
from bot.config import zone
from bot.feishu import FeishuError
from bot.store import Draft

from .asker import tell_asker
from .clicks import answer, lost_race, patch
from .payloads import ExistingPayload, ProposalPayload
from .table import Click, State, StateTable, ended, on_click, table
from .undo import acted, undo_click, undoer

log = logging.getLogger("yue.drafts")

VERBS = ("cancel", "reschedule", "invite")


def as_card_event(c: dict, tz: str) -> cards.Event:
    """A candidate (as the matching step stores it) as the cards show an event."""
    z = zone(tz)
    start, end = dt.datetime.fromisoformat(c["start"]).astimezone(z), dt.datetime.fromisoformat(c["end"]).astimezone(z)
    if c.get("all_day"):
        return cards.Event(event_id=c["event_id"], title=c["title"], start=start.date(),
                           end=max(start.date(), (end - dt.timedelta(days=1)).date()), all_day=True,
                           recurring=bool(c.get("series_id")), recurrence=c.get("recurrence"))
    return cards.Event(event_id=c["event_id"], title=c["title"], start=start, end=end,
                       recurring=bool(c.get("series_id")), recurrence=c.get("recurrence"))


def done_view(bot, draft: Draft, lang: str, now: dt.datetime) -> dict | None:
    """The card of a done cancel / move / invite, with Undo while its window is open."""
    p, r = ExistingPayload.of(draft.payload), draft.result or {}
    if not p.chosen:
        return None
    event = as_card_event(p.chosen, p.tz)
    undo = draft.undo_until if draft.status == "booked" else None
    if draft.kind == "cancel":
        return cards.cancelled_event_card(draft.id, event, p.tz, lang, now, series=p.scope == "series",
                                          undo_until=undo)
    if draft.kind == "invite":
        names = tuple(cards.Person(name=people.display(people.lookup(bot, u), lang), open_id=u) for u in p.users)
        return cards.invite_card(draft.id, event, names, p.tz, lang, now, undo_until=undo)
    return cards.rescheduled_card(draft.id, event, dt.datetime.fromisoformat(r["new_start"]),
                                  dt.datetime.fromisoformat(r["new_end"]), p.tz, lang, now, undo_until=undo)


def _status(kind: str):
    return lambda bot, d, lang, now: cards.status_card(kind, lang, (ExistingPayload.of(d.payload).chosen or {})
                                                       .get("title"))


EXISTING = table(StateTable(kinds=VERBS, states={
    "pending": State(clicks={"choose": "pending", "scope": "booking", "retry": "booking",
                             # d13b: a slot for a vague new time, ask the organizer, keep it
                             "pick": "booking", "ask": "cancelled", "cancel": "cancelled"}),
    "booking": State(toast="working"),
    "booked": State(clicks={"undo": "undoing", "retry": "undoing"}, toast="already_done", card=done_view),
    "undoing": State(toast="working"),
    "undone": ended("already_done", _status("undone")),
    "gone": ended("already_done", _status("gone")),
    "cancelled": ended("cancelled", _status("cancelled")),
    "expired": ended("expired", _status("expired")),
}))


def _error(e: FeishuError, lang: str, draft_id: str | None = None) -> dict:
    kind = e.kind if e.kind in ("permission", "rate_limit", "not_found") else "other"
    return answer("error", lang, cards.error_card(kind, lang, draft_id=draft_id))


def scope(click: Click) -> dict:
    p = ExistingPayload.of(click.draft.payload)
    if click.draft.status == "booked":          # Retry on an Undo that failed
        return undo_click(click)
    if not p.chosen:
        return answer("error", p.lang)
    which = p.scope if click.action == "retry" else ("series" if click.value.get("s") == "series" else "one")
    return act(click, p.chosen, which)


for _verb in VERBS:
    on_click(_verb, "scope", "retry")(scope)
    on_click(_verb, "undo")(undo_click)


def _target(c: dict, which: str, now: dt.datetime) -> str:
    """The event id to act on: the series' master, or one occurrence (`<uuid>_<start>`)."""
    if which == "series" and c.get("series_id"):
        return c["series_id"]
    if c.get("source") == "bot" and c.get("recurrence"):
        # Yue keeps the master; the next occurrence's id is the master's uuid + its start.
        start = dt.datetime.fromisoformat(c["start"])
        nxt = rrulestr(c["recurrence"], dtstart=start).after(now, inc=True) or start
        return f"{c['event_id'].rsplit('_', 1)[0]}_{int(nxt.timestamp())}"
    return c["event_id"]


def _token(bot, draft: Draft, chosen: dict) -> str | None:
    if chosen.get("source") != "user":
        return None
    token = oauth.fresh_token(bot, draft.owner)
    if token is None:   # consent withdrawn or refresh refused: the hint says to reconnect
        raise FeishuError(-1, "no user token", None, "permission", op="oauth")
    return token


def act(click: Click, chosen: dict, which: str) -> dict:
    bot, draft, now = click.bot, click.draft, click.now
    p = ExistingPayload.of(draft.payload)
    moved = bot.store.transition(draft.id, {"pending"}, "booking",
                                 payload=p.with_(chosen=chosen, scope=which).to_json())
    if moved is None:
        return lost_race(click)
    try:
        token = _token(bot, draft, chosen)
        cal, target = chosen["calendar_id"], _target(chosen, which, now)
        result, undoable = ACTIONS[p.verb](bot, moved, p, chosen, cal, target, which, token, now)
    except FeishuError as e:
        log.warning("%s of draft %s failed: code=%s msg=%s log_id=%s", p.verb, draft.id, e.code, e.msg, e.log_id)
        bot.store.transition(draft.id, {"booking"}, "pending")
        return _error(e, p.lang, draft.id)
    done = acted(bot, moved, {"booking"}, result, undoable=undoable) or bot.store.get_draft(draft.id) or moved
    tell_asker(bot, done, accepted=True)        # a move the organizer made on request
    return answer("done", p.lang, done_view(bot, done, p.lang, now))


def _snapshot(bot, cal: str, target: str, chosen: dict, token: str | None) -> dict[str, Any] | None:
    """What re-creating a deleted event needs: its fields and who (and which room) was in it."""
    if chosen.get("all_day"):
        return None
    try:
        ev = bot.feishu.get_event(cal, target, need_attendee=True, user_token=token)
    except FeishuError as e:
        log.info("no snapshot of %s before cancelling (code=%s): no Undo offered", target, e.code)
        return None
    atts = [a for a in ev.attendees if not a.is_organizer]
    return {"summary": ev.summary, "description": ev.description, "location": ev.location,
            "start": ev.start.isoformat(), "end": ev.end.isoformat(), "tz": ev.tz,
            "recurrence": ev.recurrence or None,
            "users": [a.open_id for a in atts if a.type == "user" and a.open_id],
            "rooms": [a.room_id for a in atts if a.type == "resource" and a.room_id],
            "emails": [a.email for a in atts if a.type == "third_party" and a.email]}


def _cancel(bot, draft, p, chosen, cal, target, which, token, now):
    snap = _snapshot(bot, cal, target, chosen, token)
    bot.feishu.delete_event(cal, target, user_token=token)
    _end_booking(bot, draft.owner, chosen, which, now)
    return {"calendar_id": cal, "event_id": target, "snapshot": snap}, snap is not None


def _invite(bot, draft, p, chosen, cal, target, which, token, now):
    before = {a.attendee_id for a in bot.feishu.list_attendees(cal, target, user_token=token)}
    after = bot.feishu.add_attendees(cal, target, users=p.users, emails=p.emails, user_token=token)
    added = [a.attendee_id for a in after if a.attendee_id not in before]
    return {"calendar_id": cal, "event_id": target, "attendee_ids": added}, True


def _reschedule(bot, draft, p, chosen, cal, target, which, token, now):
    old_start, old_end = dt.datetime.fromisoformat(chosen["start"]), dt.datetime.fromisoformat(chosen["end"])
    new_start = dt.datetime.fromisoformat(p.new_start)
    new_end = new_start + (dt.timedelta(minutes=p.minutes) if p.minutes else old_end - old_start)
    bot.feishu.patch_event(cal, target, start=new_start, end=new_end, tz=p.tz, user_token=token)
    return {"calendar_id": cal, "event_id": target, "old_start": chosen["start"], "old_end": chosen["end"],
            "new_start": new_start.isoformat(), "new_end": new_end.isoformat()}, True


ACTIONS = {"cancel": _cancel, "invite": _invite, "reschedule": _reschedule}


def _booking_of(bot, owner: str, event_id: str, statuses: set[str]) -> Draft | None:
    """The schedule draft that booked `event_id` (Yue's own events), if any."""
    for d in bot.store.find_drafts(owner=owner, kind="schedule", statuses=statuses, limit=50):
        if (d.result or {}).get("event_id") == event_id:
            return d
    return None


def _end_booking(bot, owner: str, chosen: dict, which: str, now: dt.datetime) -> None:
    """A meeting Yue booked is cancelled as a whole: its booked card ends (and loses Undo)."""
    if chosen.get("source") != "bot" or (chosen.get("recurrence") and which != "series"):
        return
    d = _booking_of(bot, owner, chosen.get("series_id") or chosen["event_id"], {"booked"})
    if d is not None and (ended_ := bot.store.transition(d.id, {"booked"}, "cancelled", undo_until=None)):
        lang = ProposalPayload.of(d.payload).lang
        patch(bot, ended_, cards.status_card("cancelled", lang, ProposalPayload.of(d.payload).title))


# --- Undo ---------------------------------------------------------------------------------------

def _what(bot, draft: Draft, lang: str) -> str:
    p = ExistingPayload.of(draft.payload)
    title = (p.chosen or {}).get("title") or cards.t("untitled", lang)
    if draft.kind == "invite":
        names = cards.i18n.join([people.display(people.lookup(bot, u), lang) for u in p.users] + p.emails, lang)
        return cards.t("what_invite", lang, names=names, title=title)
    return cards.t(f"what_{draft.kind}", lang, title=title)


@undoer("cancel", _what, restores=True)
def _restore(bot, draft: Draft) -> bool:
    """Feishu cannot undelete an event: Undo creates it again (same fields, attendees and
    room; a new event id, an idempotency key from the draft so a retry makes one)."""
    p, r = ExistingPayload.of(draft.payload), draft.result or {}
    snap, chosen = r.get("snapshot"), p.chosen or {}
    if not snap:
        return False
    token = _token(bot, draft, chosen)
    cal = r["calendar_id"]
    ev = bot.feishu.create_event(cal, snap["summary"], snap.get("description") or "",
                                 dt.datetime.fromisoformat(snap["start"]), dt.datetime.fromisoformat(snap["end"]),
                                 snap.get("tz") or p.tz, snap.get("recurrence"),
                                 idempotency_key=f"{bot.store.idempotency_key(draft)}:restore",
                                 location=snap.get("location") or None, user_token=token)
    bot.feishu.add_attendees(cal, ev.event_id, users=snap.get("users", []), rooms=snap.get("rooms", []),
                             emails=snap.get("emails", []), room_operator=draft.owner, user_token=token)
    bot.store.update_draft(draft.id, result={**r, "restored_event_id": ev.event_id})
    # Yue's own booking lives again under the new id: cancel / move / invite find it.
    booking = _booking_of(bot, draft.owner, r["event_id"], {"cancelled"})
    if booking is not None:
        bot.store.transition(booking.id, {"cancelled"}, "booked",
                             result={**(booking.result or {}), "event_id": ev.event_id, "app_link": ev.app_link})
    return True


@undoer("reschedule", _what)
def _move_back(bot, draft: Draft) -> None:
    p, r = ExistingPayload.of(draft.payload), draft.result or {}
    bot.feishu.patch_event(r["calendar_id"], r["event_id"], start=dt.datetime.fromisoformat(r["old_start"]),
                           end=dt.datetime.fromisoformat(r["old_end"]), tz=p.tz,
                           user_token=_token(bot, draft, p.chosen or {}))


@undoer("invite", _what)
def _uninvite(bot, draft: Draft) -> None:
    p, r = ExistingPayload.of(draft.payload), draft.result or {}
    if r.get("attendee_ids"):
        bot.feishu.batch_delete_attendees(r["calendar_id"], r["event_id"], r["attendee_ids"],
                                          user_token=_token(bot, draft, p.chosen or {}))
