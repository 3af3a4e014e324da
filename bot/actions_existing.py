"""Clicks on cards about existing things: choose an event, this one or the series,
and Undo of every kind of draft (a booking, leave, share, invite, move)."""
from __future__ import annotations

import datetime as dt
import logging

from dateutil.rrule import rrulestr

from . import cards, people
from .actions import UNDO_WINDOW, _state_answer, answer
from .feishu import FeishuError
from .handlers.existing import as_card_event

log = logging.getLogger("yue.actions")


def _user_token(bot, open_id: str) -> str | None:
    tok = bot.store.get_user_token(open_id)
    return tok.access_token if tok else None


def _error(e: FeishuError, lang: str, draft_id: str | None = None) -> dict:
    kind = e.kind if e.kind in ("permission", "rate_limit", "not_found") else "other"
    return answer("error", lang, cards.error_card(kind, lang, draft_id=draft_id))


def choose(bot, draft, value: dict, now: dt.datetime) -> dict:
    p = draft.payload
    lang = p.get("lang", "zh")
    if draft.status != "pending":
        return _state_answer(bot, draft, now)
    chosen = next((c for c in p.get("candidates", []) if c.get("event_id") == value.get("e")), None)
    if chosen is None:
        return answer("error", lang)
    if chosen.get("series_id"):
        bot.store.update_draft(draft.id, payload={**p, "chosen": chosen})
        return answer(None, lang, cards.scope_card(draft.id, as_card_event(chosen, p["tz"]), p["tz"], lang,
                                                   verb=p["verb"]))
    return act(bot, draft, chosen, "one", now)


def scope(bot, draft, value: dict, now: dt.datetime) -> dict:
    chosen = draft.payload.get("chosen")
    if draft.status != "pending" or not chosen:
        return _state_answer(bot, draft, now)
    return act(bot, draft, chosen, "series" if value.get("s") == "series" else "one", now)


def confirm_existing(bot, draft, value: dict, now: dt.datetime) -> dict:
    """Retry of an action that failed: do the chosen one again."""
    chosen = draft.payload.get("chosen")
    if draft.status != "pending" or not chosen:
        return _state_answer(bot, draft, now)
    return act(bot, draft, chosen, draft.payload.get("scope", "one"), now)


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


def act(bot, draft, chosen: dict, which: str, now: dt.datetime) -> dict:
    p = draft.payload
    lang, tz, verb = p.get("lang", "zh"), p["tz"], p["verb"]
    moved = bot.store.transition(draft.id, {"pending"}, "booking",
                                 payload={**p, "chosen": chosen, "scope": which})
    if moved is None:
        return _state_answer(bot, bot.store.get_draft(draft.id), now)
    token = _user_token(bot, draft.owner) if chosen.get("source") == "user" else None
    cal, target = chosen["calendar_id"], _target(chosen, which, now)
    event = as_card_event(chosen, tz)
    try:
        if verb == "cancel":
            bot.feishu.delete_event(cal, target, user_token=token)
            result, undo = {"event_id": target}, None
            card = lambda d: cards.cancelled_event_card(d.id, event, tz, lang, now, series=which == "series")  # noqa: E731
        elif verb == "invite":
            before = {a.attendee_id for a in bot.feishu.list_attendees(cal, target, user_token=token)}
            after = bot.feishu.add_attendees(cal, target, users=p.get("users", []), emails=p.get("emails", []),
                                             user_token=token)
            added = [a.attendee_id for a in after if a.attendee_id not in before]
            result, undo = {"calendar_id": cal, "event_id": target, "attendee_ids": added}, now + UNDO_WINDOW
            names = tuple(cards.Person(name=people.display(people.lookup(bot, u), lang), open_id=u)
                          for u in p.get("users", []))
            card = lambda d: cards.invite_card(d.id, event, names, tz, lang, now, undo_until=d.undo_until)  # noqa: E731
        else:  # reschedule
            old_start, old_end = dt.datetime.fromisoformat(chosen["start"]), dt.datetime.fromisoformat(chosen["end"])
            new_start = dt.datetime.fromisoformat(p["new_start"])
            length = dt.timedelta(minutes=p["minutes"]) if p.get("minutes") else old_end - old_start
            new_end = new_start + length
            bot.feishu.patch_event(cal, target, start=new_start, end=new_end, tz=tz, user_token=token)
            result = {"calendar_id": cal, "event_id": target, "old_start": chosen["start"], "old_end": chosen["end"],
                      "new_start": new_start.isoformat(), "new_end": new_end.isoformat()}
            undo = now + UNDO_WINDOW
            card = lambda d: cards.rescheduled_card(d.id, event, new_start, new_end, tz, lang, now,  # noqa: E731
                                                    undo_until=d.undo_until)
    except FeishuError as e:
        log.warning("%s of draft %s failed: code=%s msg=%s log_id=%s", verb, draft.id, e.code, e.msg, e.log_id)
        bot.store.transition(draft.id, {"booking"}, "pending")
        return _error(e, lang, draft.id)
    done = bot.store.transition(draft.id, {"booking"}, "booked", result=result, undo_until=undo) or moved
    return answer("done", lang, card(done))


# --- Undo -------------------------------------------------------------------------------------

def undo(bot, draft, value: dict, now: dt.datetime) -> dict:
    lang = draft.payload.get("lang", "zh")
    if draft.status == "booked" and (draft.undo_until is None or draft.undo_until <= now):
        return answer("undo_expired", lang)
    moved = bot.store.transition(draft.id, {"booked"}, "undoing")
    if moved is None:
        return _state_answer(bot, bot.store.get_draft(draft.id), now)
    try:
        reverse(bot, moved)
    except FeishuError as e:
        log.warning("undo of draft %s failed: code=%s msg=%s log_id=%s", draft.id, e.code, e.msg, e.log_id)
        bot.store.transition(draft.id, {"undoing"}, "booked")
        return _error(e, lang)
    bot.store.transition(draft.id, {"undoing"}, "undone")
    return answer("undone", lang, cards.status_card("undone", lang, draft.payload.get("title")))


def reverse(bot, draft) -> None:
    """Put the calendar back as it was before the draft's action. Each step is idempotent."""
    r, p = draft.result or {}, draft.payload
    if draft.kind == "schedule":
        bot.feishu.delete_event(r["calendar_id"], r["event_id"])
    elif draft.kind == "leave":
        bot.feishu.delete_timeoff(r["timeoff_event_id"])
    elif draft.kind == "share":
        token = _user_token(bot, draft.owner)
        for acl in r.get("acls", []):
            if acl.get("previous_role"):     # a role change: put the old role back
                bot.feishu.create_acl(r["calendar_id"], acl["open_id"], acl["previous_role"], token)
            else:
                bot.feishu.delete_acl(r["calendar_id"], acl["acl_id"], token)
    elif draft.kind == "unshare":
        from .handlers.share import restore
        restore(bot, draft, _user_token(bot, draft.owner))
    elif draft.kind == "invite":
        token = _user_token(bot, draft.owner) if (p.get("chosen") or {}).get("source") == "user" else None
        if r.get("attendee_ids"):
            bot.feishu.batch_delete_attendees(r["calendar_id"], r["event_id"], r["attendee_ids"], user_token=token)
    elif draft.kind == "reschedule":
        token = _user_token(bot, draft.owner) if (p.get("chosen") or {}).get("source") == "user" else None
        bot.feishu.patch_event(r["calendar_id"], r["event_id"], start=dt.datetime.fromisoformat(r["old_start"]),
                               end=dt.datetime.fromisoformat(r["old_end"]), tz=p["tz"], user_token=token)


def undo_latest(bot, owner: str, now: dt.datetime):
    """`/undo`: the person's most recent action still inside its Undo window."""
    for d in bot.store.find_drafts(owner=owner, statuses={"booked"}, limit=10):
        if d.undo_until and d.undo_until > now:
            return d
    return None


