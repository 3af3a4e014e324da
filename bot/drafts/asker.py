"""A move someone asked the organizer for: the organizer's own reschedule draft (Accept moves
the meeting through the usual reschedule steps, Decline leaves it) remembers who asked, and
whoever asked is told the answer."""
from __future__ import annotations

import datetime as dt
import logging

from bot import cards, people
from bot.cards.format import fmt_range
from bot.feishu import FeishuError
from bot.store import Draft

from .payloads import ExistingPayload

log = logging.getLogger("yue.drafts")

ASKER = "asker"          # in the organizer's draft: the open_id of who asked


def organizer_draft(bot, asked: Draft, organizer_id: str, lang: str, tz: str) -> Draft | None:
    """The organizer's reschedule draft for a move `asked` wants (its new time or window)."""
    p = ExistingPayload.of(asked.payload)
    if p.verb != "reschedule" or not p.chosen or not (p.new_start or p.extra.get("window")):
        return None
    extra = {ASKER: asked.owner}
    if p.extra.get("window"):
        extra["window"] = p.extra["window"]
    payload = ExistingPayload(lang=lang, tz=tz, verb="reschedule", candidates=[p.chosen], new_start=p.new_start,
                              minutes=p.minutes, extra=extra)
    return bot.store.create_draft(organizer_id, "reschedule", payload.to_json(), key=f"ask:{asked.id}:organizer")


def tell_asker(bot, draft: Draft, accepted: bool) -> None:
    """The organizer answered a request: tell whoever asked (nothing when nobody did)."""
    asker = (draft.payload or {}).get(ASKER)
    if not isinstance(asker, str) or not asker:
        return
    p, r = ExistingPayload.of(draft.payload), draft.result or {}
    person = people.lookup(bot, asker)
    lang = person.lang if person.lang in ("zh", "en") else p.lang
    name = people.display(people.lookup(bot, draft.owner), lang)
    title = (p.chosen or (p.candidates or [{}])[0]).get("title") or cards.t("untitled", lang)
    if accepted and r.get("new_start"):
        new = fmt_range(dt.datetime.fromisoformat(r["new_start"]), dt.datetime.fromisoformat(r["new_end"]),
                        person.tz or p.tz, lang)
        text = cards.t("request_accepted", lang, name=name, title=title, new=new)
    else:
        text = cards.t("request_declined", lang, name=name, title=title)
    try:
        bot.feishu.send_card(asker, cards.ask_organizer_card(text, lang, title=cards.t("title_request_answer", lang)),
                             "open_id", key=f"answered:{draft.id}")
    except FeishuError as e:
        log.warning("telling %s the organizer's answer (draft %s) failed: code=%s log_id=%s", asker, draft.id,
                    e.code, e.log_id)
