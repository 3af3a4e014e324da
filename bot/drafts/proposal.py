"""schedule drafts: a proposal to confirm, or slots to pick from; booked with Undo."""
from __future__ import annotations

import datetime as dt
import logging

from bot import cards, planning
from bot.feishu import FeishuError
from bot.inbox import kinds
from bot.planning import room_picks
from bot.store import Draft

from .clicks import answer, lost_race, within_budget
from .payloads import ProposalPayload
from .table import Click, State, StateTable, ended, on_click, table
from .undo import acted, undo_click, undoer

log = logging.getLogger("yue.drafts")


def booked_view(bot, draft: Draft, lang: str, now: dt.datetime) -> dict:
    p, r = ProposalPayload.of(draft.payload), draft.result or {}
    room = p.room
    start, end = p.start_dt(), p.end_dt()
    assert start is not None and end is not None, "a booked draft has its time"
    # The room as it answered (Feishu answers for a room later); declined or taken: other rooms.
    status = r.get("room_status") or ("decline" if r.get("room_declined") else "accept")
    options = ()
    if room and status in ("decline", "taken") and draft.status == "booked" and end > now:
        options = room_picks.options(bot, draft, start, end, exclude=(room["room_id"],))
    b = cards.Booked(draft_id=draft.id, title=p.title, start=start, end=end, tz=p.tz,
                     attendees=planning.person_cards(bot, planning.everyone(p.to_json(), draft.owner), lang),
                     room=room_picks.card_room(room, status=status) if room else None,
                     recurrence=p.recurrence, app_link=r.get("app_link") or None,
                     undo_until=draft.undo_until if draft.status == "booked" else None, room_options=options)
    return cards.booked_card(b, lang, now)


def _status(kind: str):
    return lambda bot, d, lang, now: cards.status_card(kind, lang, ProposalPayload.of(d.payload).title)


PROPOSAL = table(StateTable(kinds=("schedule",), states={
    "pending": State(clicks={"confirm": "booking", "retry": "booking", "other": "pending", "pick": "pending",
                             "cancel": "cancelled", "room": "pending"}),
    "booking": State(toast="working"),                       # in progress: clicks get "working on it"
    "booked": State(clicks={"undo": "undoing", "retry": "undoing", "room": "booked"}, toast="already_booked",
                    card=booked_view),
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
    start = ProposalPayload.of(draft.payload).start
    if not start:
        return answer("error", click.lang)
    if planning.parse(start) < click.now - planning.PAST_GRACE:   # a card from before the time passed
        return answer("in_past", click.lang)
    moved = bot.store.transition(draft.id, {"pending"}, "booking")
    if moved is None:
        return lost_race(click)
    working = cards.status_card("booking", click.lang, ProposalPayload.of(draft.payload).title)
    return within_budget(click, moved, lambda: book(bot, moved), working)


def book(bot, draft: Draft) -> tuple[str, dict]:
    """Create the event (idempotency key from the draft), invite everyone, mark booked."""
    p = ProposalPayload.of(draft.payload)
    if p.start_dt() is None or p.end_dt() is None:     # Confirm checks; a resumed booking might not
        log.error("draft %s in booking has no time: not booked", draft.id)
        bot.store.transition(draft.id, {"booking"}, "pending")
        return "error", cards.error_card("other", p.lang, draft_id=draft.id)
    try:
        # The room is checked again now: a room shown (or become) taken is never booked.
        draft = room_picks.settle(bot, draft)
        p = ProposalPayload.of(draft.payload)
        room, start, end = p.room, p.start_dt(), p.end_dt()
        if start is None or end is None:                 # settle changes the room only, never the time
            raise ValueError(f"draft {draft.id} lost its time while its room was settled")
        taken = bool(room and room_picks.taken_rooms(bot, [room["room_id"]], start, end))
        cal = bot.feishu.bot_calendar_id()
        ev = bot.feishu.create_event(cal, p.title, "", start, end, p.tz, p.recurrence,
                                     idempotency_key=bot.store.idempotency_key(draft))
        atts = bot.feishu.add_attendees(cal, ev.event_id, users=planning.everyone(p.to_json(), draft.owner),
                                        rooms=[room["room_id"]] if room and not taken else [], emails=p.emails,
                                        room_operator=draft.owner)
    except FeishuError as e:
        log.warning("booking draft %s failed: code=%s msg=%s log_id=%s", draft.id, e.code, e.msg, e.log_id)
        bot.store.transition(draft.id, {"booking"}, "pending")   # kept: Retry books with the same key
        kind = e.kind if e.kind in ("permission", "rate_limit", "not_found") else "other"
        return "error", cards.error_card(kind, p.lang, draft_id=draft.id)
    # Feishu answers for the room later (needs_action → accept | decline): the card says which.
    status = ("taken" if taken else room_picks.status_from(atts, room["room_id"])) if room else None
    done = acted(bot, draft, {"booking"}, {"event_id": ev.event_id, "calendar_id": cal, "app_link": ev.app_link,
                                           "room_status": status, "room_declined": status in ("decline", "taken")})
    done = done or bot.store.get_draft(draft.id)
    kinds.queue(bot, kinds.INVITATIONS, draft.id, {"draft_id": draft.id})   # each attendee's private invitation
    return "booked", booked_view(bot, done, p.lang, bot.now())


@on_click("schedule", "other")
def other(click: Click) -> dict:
    bot, draft, now = click.bot, click.draft, click.now
    p = ProposalPayload.of(draft.payload)
    window = planning.other_window(p.to_json(), now)      # the asked span and part of day kept
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
        start, end = (p.slots or [])[int(click.value.get("i", ""))]
    except (TypeError, ValueError, IndexError):
        return answer("error", p.lang)
    updated = bot.store.update_draft(draft.id, expected_version=draft.version,
                                     payload=p.with_(start=start, end=end).to_json())
    if updated is None:
        return lost_race(click)
    updated = room_picks.settle(bot, updated)              # "a room": the best free one at the new time
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
