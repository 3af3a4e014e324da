"""Someone asks to change a meeting they do not organize: the "Ask <organizer>" button sends
the organizer the request, in the organizer's language and zone; they act on it themselves."""
from __future__ import annotations

import datetime as dt
import logging

from bot import cards, people
from bot.cards.format import fmt_event_time, fmt_range
from bot.cards.i18n import join
from bot.feishu import FeishuError, Person
from bot.store import Draft

from .asker import organizer_draft
from .clicks import answer, lost_race
from .existing import VERBS, as_card_event
from .table import Click, on_click

log = logging.getLogger("yue.actions")


def request_text(bot, draft: Draft, organizer: Person, lang: str) -> str:
    """"Bob asks to move “Budget” (Thu 15:00–15:30 GMT+8) to Fri 14:00–14:30" in `lang`, on the
    organizer's clock."""
    p, chosen = draft.payload, draft.payload["chosen"]
    tz = organizer.tz or p["tz"]
    ev = as_card_event(chosen, tz)
    who = people.display(people.lookup(bot, draft.owner), lang)
    old = fmt_event_time(ev.start, ev.end, ev.all_day, tz, lang)
    title = chosen.get("title") or cards.t("untitled", lang)
    verb = p.get("verb")
    if verb == "reschedule" and p.get("new_start"):
        start = dt.datetime.fromisoformat(p["new_start"])
        minutes = p.get("minutes") or _minutes(ev)
        new = fmt_range(start, start + dt.timedelta(minutes=minutes), tz, lang)
        return cards.t("ask_reschedule", lang, who=who, title=title, old=old, new=new)
    if verb == "reschedule" and p.get("window"):      # "周五下午": the asked span, not "some time"
        ws, we = (dt.datetime.fromisoformat(x) for x in p["window"])
        return cards.t("ask_reschedule", lang, who=who, title=title, old=old, new=fmt_range(ws, we, tz, lang))
    if verb == "invite":
        names = join([people.display(people.lookup(bot, u), lang) for u in p.get("users", [])]
                     + list(p.get("emails", [])), lang)
        return cards.t("ask_invite", lang, who=who, title=title, old=old, names=names)
    if verb == "cancel":
        return cards.t("ask_cancel", lang, who=who, title=title, old=old)
    return cards.t("ask_reschedule_vague", lang, who=who, title=title, old=old)


def _minutes(ev: cards.Event) -> int:
    """The event's length; an all-day event (dates, not times) moved to a time gets an hour."""
    if isinstance(ev.start, dt.datetime) and isinstance(ev.end, dt.datetime):
        return int((ev.end - ev.start).total_seconds() // 60)
    return 60


def ask(click: Click) -> dict:
    """Send the organizer the request (once: the draft ends first)."""
    bot, draft, lang = click.bot, click.draft, click.lang
    chosen = draft.payload.get("chosen") or {}
    if not chosen.get("organizer"):
        return answer("error", lang)
    moved = bot.store.transition(draft.id, {"pending"}, "cancelled", result={"asked": chosen["organizer"]})
    if moved is None:
        return lost_race(click)
    organizer = people.lookup(bot, chosen["organizer"])
    their = organizer.lang if organizer.lang in ("zh", "en") else lang
    try:
        # A move gets Accept / Decline: the organizer's own draft, which moves it and tells the asker.
        theirs = organizer_draft(bot, moved, organizer.open_id, their, organizer.tz or moved.payload.get("tz"))
        mid = bot.feishu.send_card(organizer.open_id, cards.ask_organizer_card(
            request_text(bot, moved, organizer, their), their, theirs.id if theirs else None, chosen.get("event_id")),
            "open_id", key=f"ask:{draft.id}")
        if theirs is not None:
            bot.store.update_draft(theirs.id, card_message_id=mid)
    except FeishuError as e:
        log.warning("asking the organizer of draft %s failed: code=%s log_id=%s", draft.id, e.code, e.log_id)
        bot.store.transition(draft.id, {"cancelled"}, "pending")
        return answer("error", lang, cards.error_card("other", lang))
    name = people.display(organizer, lang)
    return answer("asked", lang, cards.ask_organizer_card(cards.t("asked_organizer", lang, name=name), lang))


for _verb in VERBS:
    on_click(_verb, "ask")(ask)
