"""After the meeting is found, before acting on it: someone else's meeting → offer to ask its
organizer; a cancel found without a picker → confirm it; a reschedule to a vague time
("周五下午", "next week") → the free slots of everyone in the meeting, and a slot's click moves
it. Used by the message handler (one clear match) and the "which meeting?" click."""
from __future__ import annotations

import dataclasses
import datetime as dt

from bot import cards, people, planning
from bot.store import Draft

from .asker import tell_asker
from .clicks import answer, lost_race
from .existing import VERBS, act, as_card_event
from .payloads import ExistingPayload
from .table import Click, on_click


def next_step(bot, draft: Draft, chosen: dict, now: dt.datetime, *, first: bool) -> dict | None:
    """The card for the step before acting on `chosen`, or None to act now."""
    p = ExistingPayload.of(draft.payload)
    organizer = chosen.get("organizer")
    # Someone else organizes it (an app's calendar — Yue's own bookings — is not "someone").
    if organizer and organizer.startswith("ou_") and organizer not in (draft.owner, bot.bot_open_id):
        bot.store.update_draft(draft.id, payload=p.with_(chosen=chosen).to_json())
        name = people.display(people.lookup(bot, organizer), p.lang)
        return cards.not_organizer_card(draft.id, chosen.get("title") or "", name, p.verb, p.lang)
    if p.verb == "cancel" and first:
        bot.store.update_draft(draft.id, payload=p.with_(chosen=chosen).to_json())
        return cards.confirm_cancel_card(draft.id, as_card_event(chosen, p.tz), p.tz, p.lang)
    if p.verb == "reschedule" and not p.new_start and p.extra.get("window"):
        return new_time_slots(bot, draft, chosen, now)
    return None


def choose(click: Click) -> dict:
    """"Which meeting?" answered: the step before acting on it, this one or the series, or act."""
    bot, draft = click.bot, click.draft
    p = ExistingPayload.of(draft.payload)
    chosen = next((c for c in p.candidates if c.get("event_id") == click.value.get("e")), None)
    if chosen is None:
        return answer("error", p.lang)
    card = next_step(bot, draft, chosen, click.now, first=False)
    if card is not None:
        return answer(None, p.lang, card)
    if chosen.get("series_id"):
        if bot.store.update_draft(draft.id, expected_version=draft.version,
                                  payload=p.with_(chosen=chosen).to_json()) is None:
            return lost_race(click)
        return answer(None, p.lang, cards.scope_card(draft.id, as_card_event(chosen, p.tz), p.tz, p.lang,
                                                     verb=p.verb))
    return act(click, chosen, "one")


def first_step(bot, draft: Draft, chosen: dict, lang: str, now: dt.datetime) -> dict | None:
    """One meeting clearly matches: the card that follows (confirm, slots, ask the organizer,
    this one or the series, or the done card), as if its row had been picked."""
    card = next_step(bot, draft, chosen, now, first=True)
    if card is not None:
        return card
    out = choose(Click(bot=bot, draft=draft, action="choose", value={"e": chosen["event_id"]},
                       operator=draft.owner, lang=lang, now=now))
    return (out.get("card") or {}).get("data")


def meeting_people(bot, draft: Draft, chosen: dict) -> list[str]:
    """Everyone in the meeting (the sender first): Yue's draft knows them; else its attendees."""
    if chosen.get("people"):
        return list(dict.fromkeys([draft.owner, *chosen["people"]]))
    tok = bot.store.get_user_token(draft.owner) if chosen.get("source") == "user" else None
    atts = bot.feishu.list_attendees(chosen["calendar_id"], chosen["event_id"],
                                     user_token=tok.access_token if tok else None)
    return list(dict.fromkeys([draft.owner, *[a.open_id for a in atts if a.type == "user" and a.open_id]]))


def new_time_slots(bot, draft: Draft, chosen: dict, now: dt.datetime) -> dict:
    """The slots card for moving `chosen` into the asked window; a slot's click moves it."""
    p = ExistingPayload.of(draft.payload)
    start, end = dt.datetime.fromisoformat(chosen["start"]), dt.datetime.fromisoformat(chosen["end"])
    minutes = p.minutes or int((end - start).total_seconds() // 60)
    window = (dt.datetime.fromisoformat(p.extra["window"][0]), dt.datetime.fromisoformat(p.extra["window"][1]))
    ids = meeting_people(bot, draft, chosen)
    shaped = dataclasses.replace(draft, payload={**draft.payload, "title": chosen.get("title") or "",
                                                 "duration": minutes, "attendees": [i for i in ids if i != draft.owner],
                                                 "band": planning.band_of(window, None, p.tz)})
    intro = cards.t("reschedule_slots", p.lang, title=chosen.get("title") or cards.t("untitled", p.lang))
    view, found = planning.free_slots(bot, shaped, p.lang, window, now, ids=ids, ignore=(start, end), intro=intro)
    bot.store.update_draft(draft.id, payload={**p.with_(chosen=chosen, minutes=minutes).to_json(), "slots": found})
    return cards.slots_card(view, p.lang)


def pick(click: Click) -> dict:
    """A slot picked for a meeting being moved: move it there (its length is the slot's)."""
    bot, draft = click.bot, click.draft
    p = ExistingPayload.of(draft.payload)
    try:
        start, end = (p.extra.get("slots") or [])[int(click.value.get("i", ""))]
    except (TypeError, ValueError, IndexError):
        return answer("error", p.lang)
    if not p.chosen:
        return answer("error", p.lang)
    minutes = int((dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds() // 60)
    updated = bot.store.update_draft(draft.id, expected_version=draft.version,
                                     payload=p.with_(new_start=start, minutes=minutes).to_json())
    if updated is None:
        return lost_race(click)
    return act(dataclasses.replace(click, draft=updated), p.chosen, p.scope)


def cancel(click: Click) -> dict:
    """"Keep it" / Cancel: nothing is done to the meeting."""
    moved = click.bot.store.transition(click.draft.id, {"pending"}, "cancelled")
    if moved is None:
        return lost_race(click)
    title = (ExistingPayload.of(moved.payload).chosen or {}).get("title")
    tell_asker(click.bot, moved, accepted=False)    # the organizer declined a request
    return answer("cancelled", click.lang, cards.status_card("cancelled", click.lang, title))


for _verb in VERBS:
    on_click(_verb, "choose")(choose)
    on_click(_verb, "pick")(pick)
    on_click(_verb, "cancel")(cancel)
