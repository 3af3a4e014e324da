"""Answering invitations, as the attendee (their user token: Feishu's event reply API acts
as the caller). Three ways in: the private invitation card each attendee gets when Yue books
a meeting (`send_invitations`, a durable inbox item queued at booking), a click on it
(`click`; without a token the card gains a connect link and the answer is sent after
consent, `answer_after_consent`), and a message ("明天的评审我去不了", intent rsvp)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re

from .. import cards, oauth, people
from ..cards.invitation import STATUSES, Invitation, invitation_card, rsvp_done_card, rsvp_pick_card
from ..cards.invitation import s as say
from ..drafts.clicks import raw, reader_lang
from ..drafts.table import on_draftless_click
from ..feishu import FeishuError
from . import changes
from .existing import candidates
from ..inbox.kinds import INVITATIONS
from ..store import Draft
from .registry import on_intent, on_item

log = logging.getLogger("yue.rsvp")

# The answer's own words, which the parser leaves in the query ("I can't make the sync").
_ANSWER_WORDS = re.compile(r"\b(?:i'll|i'm|i\s+will|i|can'?t|cannot|can\s+not|won'?t|will\s+not|not|able|unable|make|"
                           r"it|to|the|my|attend|join|be|at|skip|miss|going|go|there|sorry|count\s+me\s+(?:in|out))\b",
                           re.I)
INVITE_MSG_TTL_S = 90 * 86400      # where each invitation card is, to patch it after consent
ANSWER_AFTER_CONSENT = "rsvp_answer"


def _invitation(bot, draft: Draft, lang: str) -> Invitation:
    p, r = draft.payload, draft.result or {}
    organiser = people.display(people.lookup(bot, draft.owner), lang)
    return Invitation(event_id=r.get("event_id", ""), title=p.get("title") or "",
                      start=dt.datetime.fromisoformat(p["start"]), end=dt.datetime.fromisoformat(p["end"]),
                      organiser=organiser, agenda=p.get("agenda") or p.get("description") or "", draft_id=draft.id)


def _reader(bot, open_id: str) -> tuple[str, str]:
    """The zone and language of `open_id`'s invitation card (`lookup` gives a zone; the bot's is the fallback)."""
    return people.lookup(bot, open_id).tz or bot.settings.default_tz, reader_lang(bot, open_id)


@on_item(INVITATIONS, background=True)
def send_invitations(bot, payload: dict) -> None:
    draft = bot.store.get_draft(str(payload.get("draft_id") or ""))
    if draft is None or draft.status != "booked" or not (draft.result or {}).get("event_id"):
        return                      # undone meanwhile: nobody to invite
    p, r = draft.payload, draft.result
    bot.store.save_meeting(r["event_id"], draft.id, draft.owner, r["calendar_id"], p["start"], p["end"])
    for oid in dict.fromkeys(p.get("attendees") or []):
        if oid == draft.owner:
            continue
        tz, lang = _reader(bot, oid)
        card = invitation_card(_invitation(bot, draft, lang), tz, lang)
        # The key makes a re-run of this item send each invitation once.
        mid = bot.feishu.send_card(oid, card, "open_id", key=f"invite:{draft.id}:{oid}")
        bot.store.cache_put(f"invite_msg:{draft.id}:{oid}", {"message_id": mid}, INVITE_MSG_TTL_S)


def _toast(ok: bool, lang: str, text: str | None = None) -> dict[str, str]:
    return {"type": "success" if ok else "error", "content": text or cards.t("toast_done" if ok else "toast_error",
                                                                             lang)}


def reply_as(bot, open_id: str, token: str, event_id: str, status: str) -> None:
    """Send the answer as the person and tell the organiser of a Yue meeting (once)."""
    cal = bot.feishu.user_primary_calendar(token)
    bot.feishu.reply_event(cal, event_id, status, token)
    changes.tell_rsvp(bot, event_id, open_id, status)


@on_draftless_click("rsvp")
def click(bot, operator: str, value: dict) -> dict:
    """Accept / Tentative / Decline on an invitation (or on the pick card of a message): the
    clicker answers for themself, so there is no owner to check — Feishu refuses a non-attendee."""
    tz, lang = _reader(bot, operator)
    event_id, status = str(value.get("e") or ""), value.get("s")
    if not event_id or status not in STATUSES:
        return {"toast": _toast(False, lang)}
    draft = bot.store.get_draft(str(value["d"])) if value.get("d") else None
    if draft is not None:
        if operator not in (draft.payload.get("attendees") or []) and operator != draft.owner:
            return {"toast": cards.toast("not_yours", lang)}
    token = oauth.fresh_token(bot, operator)
    if token is None:
        resume = {"item": {"kind": ANSWER_AFTER_CONSENT, "payload": {"open_id": operator, "value": dict(value)}}}
        state = bot.store.create_oauth_state(operator, "", resume)
        url = bot.feishu.authorize_url(oauth.redirect_uri(bot), state)
        out: dict = {"toast": {"type": "info", "content": say("connect_first", lang)}}
        if draft is not None:
            out["card"] = raw(invitation_card(_invitation(bot, draft, lang), tz, lang, connect_url=url))
        return out
    try:
        reply_as(bot, operator, token, event_id, status)
    except FeishuError as e:
        log.warning("rsvp of %s to %s failed: code=%s log_id=%s", operator, event_id, e.code, e.log_id)
        if e.kind == "not_found":           # cancelled meanwhile (Undo, deleted): the card says so
            title = draft.payload.get("title") if draft is not None else None
            return {"toast": cards.toast("cancelled", lang), "card": raw(cards.status_card("cancelled", lang, title))}
        return {"toast": _toast(False, lang)}
    out = {"toast": _toast(True, lang, say(f"answered_{status}", lang))}
    if draft is not None:
        out["card"] = raw(invitation_card(_invitation(bot, draft, lang), tz, lang, answered=status))
    return out


@on_item(ANSWER_AFTER_CONSENT)
def answer_after_consent(bot, payload: dict) -> None:
    """The person connected their calendar from the invitation: send the answer they clicked."""
    open_id, value = payload.get("open_id") or "", payload.get("value") or {}
    token = oauth.fresh_token(bot, open_id)
    if token is None or value.get("s") not in STATUSES:
        return
    reply_as(bot, open_id, token, str(value.get("e")), value["s"])
    draft = bot.store.get_draft(str(value["d"])) if value.get("d") else None
    sent = bot.store.cache_get(f"invite_msg:{draft.id}:{open_id}") if draft is not None else None
    if draft is not None and sent:
        tz, lang = _reader(bot, open_id)
        bot.feishu.update_card(sent["message_id"], invitation_card(_invitation(bot, draft, lang), tz,
                                                                   lang, answered=value["s"]))


@on_intent("rsvp")
def handle(ctx) -> None:
    """"明天的评审我去不了" / "I can't make the 3pm sync": find the meeting, answer as the person."""
    status = ctx.intent.action if ctx.intent.action in STATUSES else "decline"
    token = oauth.user_token(ctx, "rsvp")
    if token is None:
        return
    query = " ".join(_ANSWER_WORDS.sub(" ", ctx.intent.query or "").split())
    found = candidates(dataclasses.replace(ctx, intent=dataclasses.replace(ctx.intent, query=query)), "rsvp")
    if found is None:
        return
    if not found:
        ctx.reply(cards.status_card("no_match", ctx.lang), key="rsvp")
        return
    tz = ctx.sender.tz
    invs = [Invitation(event_id=c["event_id"], title=c.get("title") or "", organiser="",
                       start=dt.datetime.fromisoformat(c["start"]), end=dt.datetime.fromisoformat(c["end"]))
            for c in found]
    if len(invs) > 1:
        ctx.reply(rsvp_pick_card(invs, status, tz, ctx.lang), key="rsvp")
        return
    reply_as(ctx.bot, ctx.sender.open_id, token, invs[0].event_id, status)
    ctx.reply(rsvp_done_card(invs[0], status, tz, ctx.lang), key="rsvp")
