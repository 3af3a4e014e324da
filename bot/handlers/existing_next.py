"""After the meeting is found, before acting on it: someone else's meeting → offer to ask its
organizer; a cancel found without a picker → confirm it; a reschedule to a vague time
("周五下午", "next week") → the free slots of everyone in the meeting. Shared by the message
handler (one clear match) and the "which meeting?" click."""
from __future__ import annotations

import dataclasses
import datetime as dt

from .. import cards, people, planning
from ..actions import answer
from .existing import as_card_event


def next_step(bot, draft, chosen: dict, now: dt.datetime, *, first: bool = True) -> dict | None:
    """The card answer for the step before acting on `chosen`, or None to act now."""
    p = draft.payload
    lang, tz, verb = p.get("lang", "zh"), p["tz"], p["verb"]
    organizer = chosen.get("organizer")
    # Someone else organizes it (an app's calendar — Yue's own bookings — is not "someone").
    if organizer and organizer.startswith("ou_") and organizer not in (draft.owner, bot.bot_open_id):
        bot.store.update_draft(draft.id, payload={**p, "chosen": chosen})
        name = people.display(people.lookup(bot, organizer), lang)
        return answer(None, lang, cards.not_organizer_card(draft.id, chosen.get("title") or "", name, verb, lang))
    if verb == "cancel" and first:
        bot.store.update_draft(draft.id, payload={**p, "chosen": chosen})
        return answer(None, lang, cards.confirm_cancel_card(draft.id, as_card_event(chosen, tz), tz, lang))
    if verb == "reschedule" and not p.get("new_start") and p.get("window"):
        return answer(None, lang, new_time_slots(bot, draft, chosen, now))
    return None


def meeting_people(bot, draft, chosen: dict) -> list[str]:
    """Everyone in the meeting (the sender first): Yue's draft knows them; else its attendees."""
    if chosen.get("people"):
        return list(dict.fromkeys([draft.owner, *chosen["people"]]))
    tok = bot.store.get_user_token(draft.owner) if chosen.get("source") == "user" else None
    atts = bot.feishu.list_attendees(chosen["calendar_id"], chosen["event_id"],
                                     user_token=tok.access_token if tok else None)
    return list(dict.fromkeys([draft.owner, *[a.open_id for a in atts if a.type == "user" and a.open_id]]))


def new_time_slots(bot, draft, chosen: dict, now: dt.datetime) -> dict:
    """The slots card for moving `chosen` into the asked window; a slot's click moves it."""
    p = draft.payload
    lang, tz = p.get("lang", "zh"), p["tz"]
    start, end = dt.datetime.fromisoformat(chosen["start"]), dt.datetime.fromisoformat(chosen["end"])
    minutes = p.get("minutes") or int((end - start).total_seconds() // 60)
    window = (dt.datetime.fromisoformat(p["window"][0]), dt.datetime.fromisoformat(p["window"][1]))
    ids = meeting_people(bot, draft, chosen)
    shaped = dataclasses.replace(draft, payload={**p, "title": chosen.get("title") or "", "duration": minutes,
                                                 "attendees": [i for i in ids if i != draft.owner],
                                                 "band": planning.band_of(window, None, tz)})
    intro = cards.t("reschedule_slots", lang, title=chosen.get("title") or cards.t("untitled", lang))
    view, found = planning.free_slots(bot, shaped, lang, window, now, ids=ids, ignore=(start, end), intro=intro)
    bot.store.update_draft(draft.id, payload={**p, "chosen": chosen, "slots": found, "minutes": minutes})
    return cards.slots_card(view, lang)


def move_to(bot, draft, start: str, end: str, now: dt.datetime) -> dict:
    """A slot picked for a meeting being moved: move it there (its length is the slot's)."""
    from ..actions import _state_answer
    from ..actions_existing import act
    p = draft.payload
    chosen = p.get("chosen")
    if draft.status != "pending" or not chosen:
        return _state_answer(bot, draft, now)
    minutes = int((dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds() // 60)
    updated = bot.store.update_draft(draft.id, expected_version=draft.version,
                                     payload={**p, "new_start": start, "minutes": minutes})
    if updated is None:
        return _state_answer(bot, bot.store.get_draft(draft.id), now)
    return act(bot, updated, chosen, p.get("scope", "one"), now)
