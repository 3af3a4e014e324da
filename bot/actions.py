"""Card button clicks (card.action.trigger): answered inside Feishu's 3 s with a toast
and the replacement card; work that takes longer finishes on the pool and patches
the card. Every click is checked against the draft's owner and moved with a
compare-and-set, so a double click, a click on another instance, a click after
Undo or after expiry each get a clear answer and change nothing."""
from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import logging
from typing import Any

from . import cards, planning
from .feishu import FeishuError

log = logging.getLogger("yue.actions")

CLICK_BUDGET_S = 2.0                 # of Feishu's 3 s, what the click may spend before answering
UNDO_WINDOW = dt.timedelta(minutes=10)
STUCK_BOOKING = dt.timedelta(seconds=60)


def raw(card: dict) -> dict:
    return {"type": "raw", "data": card}


def answer(toast_kind: str | None, lang: str, card: dict | None = None) -> dict:
    out: dict[str, Any] = {}
    if toast_kind:
        out["toast"] = cards.toast(toast_kind, lang)
    if card is not None:
        out["card"] = raw(card)
    return out


def on_card(bot, payload: dict) -> dict:
    """Never raises (lark-oapi turns an exception into a 500 and Feishu shows an error)."""
    try:
        return _on_card(bot, payload)
    except Exception:
        log.exception("card action failed")
        return answer("error", "zh")


def _on_card(bot, payload: dict) -> dict:
    ev = payload.get("event") or {}
    operator = ((ev.get("operator") or {}).get("open_id")) or ""
    value = ((ev.get("action") or {}).get("value")) or {}
    if not isinstance(value, dict):
        return answer("error", "zh")
    if value.get("a") == "caldav_revoke":      # acts on the clicker's own account: no draft to check
        from .handlers import caldav
        return caldav.revoke(bot, operator, value)
    if value.get("a") == "rsvp":               # an attendee answers as themself: not the draft's owner
        from .handlers import rsvp
        return rsvp.click(bot, operator, value, payload)
    draft = bot.store.get_draft(str(value.get("d") or "")) if value.get("d") else None
    if draft is None:
        return answer("expired", "zh")
    lang = draft.payload.get("lang", "zh")
    if operator != draft.owner:
        return answer("not_yours", lang)
    now = bot.now()
    if draft.is_expired(now):
        bot.store.expire_drafts(now)
        return answer("expired", lang, cards.status_card("expired", lang, draft.payload.get("title")))
    a = value.get("a")
    from . import actions_existing as ex
    table = {"confirm": confirm, "retry": confirm, "other": other, "pick": pick, "cancel": cancel,
             "undo": ex.undo, "choose": ex.choose, "scope": ex.scope}
    from .handlers import share, subscribe
    table.update({"unshare": share.revoke, "sub_pick": subscribe.pick})
    fn = table.get(a)
    if fn is None:
        return answer("error", lang)
    return fn(bot, draft, value, now)


# --- schedule drafts ------------------------------------------------------------------------

def booked_view(bot, draft, now: dt.datetime) -> dict:
    p, r = draft.payload, draft.result or {}
    lang = p.get("lang", "zh")
    room = p.get("room")
    b = cards.Booked(draft_id=draft.id, title=p["title"], start=planning.parse(p["start"]),
                     end=planning.parse(p["end"]), tz=p["tz"],
                     attendees=planning.person_cards(bot, planning.everyone(p, draft.owner), lang),
                     room=cards.Room(name=room["name"], seats=room.get("capacity") or None,
                                     floor=room.get("floor") or None, taken=bool(r.get("room_declined")))
                     if room else None,
                     recurrence=p.get("recurrence"), app_link=r.get("app_link") or None,
                     undo_until=draft.undo_until if draft.status == "booked" else None)
    return cards.booked_card(b, lang, now)


def _state_answer(bot, draft, now: dt.datetime) -> dict:
    """Why a click could not move the draft, told from its current state."""
    lang = draft.payload.get("lang", "zh")
    title = draft.payload.get("title")
    if draft.status == "booked":
        view = booked_view(bot, draft, now) if draft.kind == "schedule" else None
        return answer("already_booked", lang, view)
    if draft.status in ("booking", "undoing"):
        return answer("working", lang)
    if draft.status in ("cancelled", "expired", "undone"):
        return answer(draft.status if draft.status != "undone" else "already_done", lang,
                      cards.status_card(draft.status, lang, title))
    return answer("error", lang)


def confirm(bot, draft, value: dict, now: dt.datetime) -> dict:
    if draft.kind != "schedule":
        from . import actions_existing as ex
        return ex.confirm_existing(bot, draft, value, now)
    lang = draft.payload.get("lang", "zh")
    if not draft.payload.get("start"):
        return answer("error", lang)
    moved = bot.store.transition(draft.id, {"pending"}, "booking")
    if moved is None:
        return _state_answer(bot, bot.store.get_draft(draft.id), now)
    return within_budget(bot, moved, lambda: book(bot, moved))


def within_budget(bot, draft, work) -> dict:
    """Run `work` (→ (toast, card)) on the pool; answer with its result if it is quick,
    else with a 'working' card now and patch the card when it is done."""
    lang = draft.payload.get("lang", "zh")
    fut = bot.click_pool.submit(work)
    try:
        toast_kind, card = fut.result(timeout=CLICK_BUDGET_S)
        return answer(toast_kind, lang, card)
    except cf.TimeoutError:
        message_id = draft.card_message_id

        def late(f: cf.Future) -> None:
            try:
                _, card = f.result()
                if message_id:
                    bot.feishu.update_card(message_id, card)
            except Exception:
                log.exception("late card update for draft %s failed", draft.id)

        fut.add_done_callback(late)
        return answer("working", lang, cards.status_card("booking", lang, draft.payload.get("title")))


def book(bot, draft) -> tuple[str, dict]:
    """Create the event (idempotency key from the draft), invite everyone, mark booked."""
    p = draft.payload
    lang = p.get("lang", "zh")
    try:
        cal = bot.feishu.bot_calendar_id()
        ev = bot.feishu.create_event(cal, p["title"], "", planning.parse(p["start"]), planning.parse(p["end"]),
                                     p["tz"], p.get("recurrence"), idempotency_key=bot.store.idempotency_key(draft))
        room = p.get("room")
        atts = bot.feishu.add_attendees(cal, ev.event_id, users=planning.everyone(p, draft.owner),
                                        rooms=[room["room_id"]] if room else [], emails=p.get("emails", []),
                                        room_operator=draft.owner)
    except FeishuError as e:
        log.warning("booking draft %s failed: code=%s msg=%s log_id=%s", draft.id, e.code, e.msg, e.log_id)
        bot.store.transition(draft.id, {"booking"}, "pending")   # kept: Retry books with the same key
        kind = e.kind if e.kind in ("permission", "rate_limit", "not_found") else "other"
        return "error", cards.error_card(kind, lang, draft_id=draft.id)
    # A room that is taken declines the invitation: the booked card must not claim it.
    declined = bool(room) and any(a.type == "resource" and a.room_id == room["room_id"] and a.rsvp_status == "decline"
                                  for a in atts)
    done = bot.store.transition(draft.id, {"booking"}, "booked",
                                result={"event_id": ev.event_id, "calendar_id": cal, "app_link": ev.app_link,
                                        "room_declined": declined},
                                undo_until=bot.now() + UNDO_WINDOW)
    done = done or bot.store.get_draft(draft.id)
    from .handlers.rsvp import queue_invitations
    queue_invitations(bot, draft.id)
    return "booked", booked_view(bot, done, bot.now())


def other(bot, draft, value: dict, now: dt.datetime) -> dict:
    p = draft.payload
    lang = p.get("lang", "zh")
    if draft.status != "pending":
        return _state_answer(bot, draft, now)
    start = planning.parse(p["start"]) if p.get("start") else now
    day0 = start.astimezone(planning.people.zone(p["tz"])).replace(hour=0, minute=0, second=0, microsecond=0)
    window = (max(now, day0), day0 + dt.timedelta(days=planning.DEFAULT_WINDOW_DAYS))
    view, found = planning.free_slots(bot, draft, lang, window, now)
    bot.store.update_draft(draft.id, payload={**p, "slots": found})
    return answer(None, lang, cards.slots_card(view, lang))


def pick(bot, draft, value: dict, now: dt.datetime) -> dict:
    p = draft.payload
    lang = p.get("lang", "zh")
    if draft.status != "pending":
        return _state_answer(bot, draft, now)
    found = p.get("slots") or []
    try:
        i = int(value.get("i"))
        start, end = found[i]
    except (TypeError, ValueError, IndexError):
        return answer("error", lang)
    updated = bot.store.update_draft(draft.id, expected_version=draft.version,
                                     payload={**p, "start": start, "end": end})
    if updated is None:
        return _state_answer(bot, bot.store.get_draft(draft.id), now)
    return answer("picked", lang, cards.proposal_card(planning.proposal(bot, updated, lang), lang))


def cancel(bot, draft, value: dict, now: dt.datetime) -> dict:
    lang = draft.payload.get("lang", "zh")
    moved = bot.store.transition(draft.id, {"pending"}, "cancelled")
    if moved is None:
        return _state_answer(bot, bot.store.get_draft(draft.id), now)
    return answer("cancelled", lang, cards.status_card("cancelled", lang, draft.payload.get("title")))


# --- housekeeping (run by the sweeper) --------------------------------------------------------

def maintenance(bot) -> None:
    """Expire old drafts (and say so on their cards); finish bookings a crash interrupted;
    follow Exchange bindings Feishu is still working on."""
    now = bot.now()
    from .handlers.exchange import poll
    try:
        poll(bot)
    except FeishuError as e:
        log.info("exchange poll: code=%s", e.code)
    for d in bot.store.expire_drafts(now):
        if d.card_message_id:
            try:
                bot.feishu.update_card(d.card_message_id, cards.status_card("expired", d.payload.get("lang", "zh"),
                                                                           d.payload.get("title")))
            except FeishuError as e:
                log.info("could not mark draft %s expired on its card: code=%s", d.id, e.code)
    for d in bot.store.drafts_in_status("booking", older_than=now - STUCK_BOOKING):
        if d.kind != "schedule":
            continue
        log.info("resuming booking of draft %s interrupted earlier", d.id)
        _, card = book(bot, d)
        if d.card_message_id:
            try:
                bot.feishu.update_card(d.card_message_id, card)
            except FeishuError as e:
                log.info("could not update card of draft %s: code=%s", d.id, e.code)

