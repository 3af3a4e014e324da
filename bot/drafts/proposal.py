"""schedule drafts: a proposal to confirm, or slots to pick from; booked with Undo."""
from __future__ import annotations

import datetime as dt
import logging

from bot import cards, planning
from bot.feishu import FeishuError
from bot.store import Draft

from .clicks import answer, lost_race, within_budget
from .payloads import ProposalPayload
from .table import Click, State, StateTable, ended, on_click, table
from .undo import acted, undo_click, undoer

log = logging.getLogger("yue.drafts")


def booked_view(bot, draft: Draft, lang: str, now: dt.datetime) -> dict:
    p, r = ProposalPayload.of(draft.payload), draft.result or {}
    room = p.room
    b = cards.Booked(draft_id=draft.id, title=p.title, start=p.start_dt(), end=p.end_dt(), tz=p.tz,
                     attendees=planning.person_cards(bot, planning.everyone(p.to_json(), draft.owner), lang),
                     room=cards.Room(name=room["name"], seats=room.get("capacity") or None,
                                     floor=room.get("floor") or None, taken=bool(r.get("room_declined")))
                     if room else None,
                     recurrence=p.recurrence, app_link=r.get("app_link") or None,
                     undo_until=draft.undo_until if draft.status == "booked" else None)
    return cards.booked_card(b, lang, now)


def _status(kind: str):
    return lambda bot, d, lang, now: cards.status_card(kind, lang, ProposalPayload.of(d.payload).title)


PROPOSAL = table(StateTable(kinds=("schedule",), states={
    "pending": State(clicks={"confirm": "booking", "retry": "booking", "other": "pending", "pick": "pending",
                             "cancel": "cancelled"}),
    "booking": State(toast="working"),                       # in progress: clicks get "working on it"
    "booked": State(clicks={"undo": "undoing", "retry": "undoing"}, toast="already_booked", card=booked_view),
    "undoing": State(toast="working"),
    "undone": ended("already_done", _status("undone")),
    "gone": ended("already_done", _status("gone")),
    "cancelled": ended("cancelled", _status("cancelled")),
    "expired": ended("expired", _status("expired")),
}))


@on_click("schedule", "confirm", "retry")
def confirm(click: Click) -> dict:
    bot, draft = click.bot, click.draft
    if draft.status == "booked":                  # Retry on an Undo that failed
        return undo_click(click)
    if not ProposalPayload.of(draft.payload).start:
        return answer("error", click.lang)
    moved = bot.store.transition(draft.id, {"pending"}, "booking")
    if moved is None:
        return lost_race(click)
    working = cards.status_card("booking", click.lang, ProposalPayload.of(draft.payload).title)
    return within_budget(click, moved, lambda: book(bot, moved), working)


def book(bot, draft: Draft) -> tuple[str, dict]:
    """Create the event (idempotency key from the draft), invite everyone, mark booked."""
    p = ProposalPayload.of(draft.payload)
    try:
        cal = bot.feishu.bot_calendar_id()
        ev = bot.feishu.create_event(cal, p.title, "", p.start_dt(), p.end_dt(), p.tz, p.recurrence,
                                     idempotency_key=bot.store.idempotency_key(draft))
        room = p.room
        atts = bot.feishu.add_attendees(cal, ev.event_id, users=planning.everyone(p.to_json(), draft.owner),
                                        rooms=[room["room_id"]] if room else [], emails=p.emails,
                                        room_operator=draft.owner)
    except FeishuError as e:
        log.warning("booking draft %s failed: code=%s msg=%s log_id=%s", draft.id, e.code, e.msg, e.log_id)
        bot.store.transition(draft.id, {"booking"}, "pending")   # kept: Retry books with the same key
        kind = e.kind if e.kind in ("permission", "rate_limit", "not_found") else "other"
        return "error", cards.error_card(kind, p.lang, draft_id=draft.id)
    # A room that is taken declines the invitation: the booked card must not claim it.
    declined = bool(room) and any(a.type == "resource" and a.room_id == room["room_id"] and a.rsvp_status == "decline"
                                  for a in atts)
    done = acted(bot, draft, {"booking"}, {"event_id": ev.event_id, "calendar_id": cal, "app_link": ev.app_link,
                                           "room_declined": declined})
    done = done or bot.store.get_draft(draft.id)
    from bot.handlers.rsvp import queue_invitations     # each attendee's private invitation
    queue_invitations(bot, draft.id)
    return "booked", booked_view(bot, done, p.lang, bot.now())


@on_click("schedule", "other")
def other(click: Click) -> dict:
    bot, draft, now = click.bot, click.draft, click.now
    p = ProposalPayload.of(draft.payload)
    start = p.start_dt() or now
    day0 = start.astimezone(planning.people.zone(p.tz)).replace(hour=0, minute=0, second=0, microsecond=0)
    window = (max(now, day0), day0 + dt.timedelta(days=planning.DEFAULT_WINDOW_DAYS))
    view, found = planning.free_slots(bot, draft, p.lang, window, now)
    if bot.store.update_draft(draft.id, expected_version=draft.version,
                              payload=p.with_(slots=[list(s) for s in found]).to_json()) is None:
        return lost_race(click)
    return answer(None, p.lang, cards.slots_card(view, p.lang))


@on_click("schedule", "pick")
def pick(click: Click) -> dict:
    bot, draft = click.bot, click.draft
    p = ProposalPayload.of(draft.payload)
    try:
        start, end = (p.slots or [])[int(click.value.get("i"))]
    except (TypeError, ValueError, IndexError):
        return answer("error", p.lang)
    updated = bot.store.update_draft(draft.id, expected_version=draft.version,
                                     payload=p.with_(start=start, end=end).to_json())
    if updated is None:
        return lost_race(click)
    return answer("picked", p.lang, cards.proposal_card(planning.proposal(bot, updated, p.lang), p.lang))


@on_click("schedule", "cancel")
def cancel(click: Click) -> dict:
    moved = click.bot.store.transition(click.draft.id, {"pending"}, "cancelled")
    if moved is None:
        return lost_race(click)
    return answer("cancelled", click.lang, cards.status_card("cancelled", click.lang,
                                                            ProposalPayload.of(moved.payload).title))


on_click("schedule", "undo")(undo_click)


def _what(bot, draft: Draft, lang: str) -> str:
    return cards.t("what_schedule", lang, title=ProposalPayload.of(draft.payload).title)


@undoer("schedule", _what)
def reverse(bot, draft: Draft) -> bool:
    r = draft.result or {}
    return bot.feishu.delete_event(r["calendar_id"], r["event_id"])   # False: it was already deleted (193003)
