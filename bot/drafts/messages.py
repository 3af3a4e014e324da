"""Drafts that hold an inbound message to run it again: the error card's Retry, and the
did-you-mean card's choices. A click hands the stored message back to the durable inbox
(with the attempt number, and for did-you-mean the chosen intent), so the request runs
exactly as if it had just arrived and its answer is a fresh reply."""
from __future__ import annotations

import logging

from bot import cards
from bot.feishu import FeishuError

from .clicks import answer, lost_race
from .payloads import MessagePayload
from .table import Click, State, StateTable, ended, on_click, table

log = logging.getLogger("yue.drafts")

RETRY_KEY = "yue_attempt"          # in a re-queued message: which attempt this is (reply keys differ)
INTENT_KEY = "yue_intent"          # in a re-queued message: the intent the person picked
WITHOUT_KEY = "yue_without"        # in a re-queued message: the @names to go on without


def _status(kind: str):
    return lambda bot, d, lang, now: cards.status_card(kind, lang)


ERROR = table(StateTable(kinds=("error",), states={
    "pending": State(clicks={"retry": "done"}),
    "done": ended("already_done", _status("retrying")),
    "expired": ended("expired", _status("expired")),
}))

DID_YOU_MEAN = table(StateTable(kinds=("didyoumean",), states={
    "pending": State(clicks={"mean": "done"}),
    "done": ended("already_done", _status("done")),
    "expired": ended("expired", _status("expired")),
}))


UNKNOWN_PEOPLE = table(StateTable(kinds=("unknownpeople",), states={
    "pending": State(clicks={cards.WITHOUT: "done"}),
    "done": ended("already_done", _status("done")),
    "expired": ended("expired", _status("expired")),
}))


def requeue(bot, draft_id: str, message: dict, attempt: int, intent: str | None = None,
            without: list[str] | None = None) -> None:
    again = {**message, RETRY_KEY: attempt}
    if intent:
        again[INTENT_KEY] = intent
    if without:
        again[WITHOUT_KEY] = without
    if bot.store.inbox_put(f"again:{draft_id}", "message", again):
        bot.kick()


@on_click("error", "retry")
def retry(click: Click) -> dict:
    p = MessagePayload.of(click.draft.payload)
    if click.bot.store.transition(click.draft.id, {"pending"}, "done") is None:
        return lost_race(click)
    requeue(click.bot, click.draft.id, p.message, p.attempt + 1)
    return answer("retrying", p.lang, cards.status_card("retrying", p.lang))


@on_click("didyoumean", "mean")
def mean(click: Click) -> dict:
    p = MessagePayload.of(click.draft.payload)
    try:
        chosen = p.readings[int(click.value.get("i", ""))]
    except (TypeError, ValueError, IndexError):
        return answer("error", p.lang)
    if click.bot.store.transition(click.draft.id, {"pending"}, "done") is None:
        return lost_race(click)
    requeue(click.bot, click.draft.id, p.message, p.attempt, intent=chosen)
    body = cards.status_card("done", p.lang, cards.intent_label(chosen, p.lang))
    return answer("done", p.lang, body)


@on_click("unknownpeople", cards.WITHOUT)
def go_on_without(click: Click) -> dict:
    p = MessagePayload.of(click.draft.payload)
    if click.bot.store.transition(click.draft.id, {"pending"}, "done") is None:
        return lost_race(click)
    requeue(click.bot, click.draft.id, p.message, p.attempt, without=p.readings)
    return answer("done", p.lang, cards.status_card("done", p.lang, cards.t("btn_without_them", p.lang)))


# --- the router's error path -------------------------------------------------------------------

class TryLater(Exception):
    """Raised out of the handler so the durable inbox runs the message again later."""


def on_failure(ctx, e: FeishuError, last_attempt: bool) -> None:
    """A handler met a Feishu error. Rate limits and a lost reply go back to the inbox (the
    person is told "working on it" once); anything else, or the last attempt, gets an
    error card whose Retry runs the message again."""
    reply_lost = e.op == "im.message.reply" and e.kind == "unavailable"
    if not last_attempt and reply_lost:
        # Feishu may have made the reply and only the answer was lost: the retry sends the
        # same uuid and gets the original message back instead of a second card.
        raise TryLater(f"reply answer lost ({e.code}); the inbox retries with the same uuid") from e
    if not last_attempt and e.kind == "rate_limit":
        try:
            ctx.reply(cards.status_card("busy", ctx.lang), key="busy")   # one per message: the uuid
        except FeishuError:
            pass
        raise TryLater("rate limited; the inbox retries later") from e
    kind = e.kind if e.kind in ("permission", "rate_limit", "not_found") else "other"
    draft = ctx.bot.store.create_draft(
        ctx.sender.open_id, "error",
        MessagePayload(lang=ctx.lang, tz=ctx.sender.tz, message=ctx.raw, attempt=ctx.attempt, error=kind).to_json(),
        chat_id=ctx.chat_id, key=f"{ctx.message_id}:error:{ctx.attempt}")
    mid = ctx.reply(cards.error_card(kind, ctx.lang, draft_id=draft.id), key="error")
    ctx.bot.store.update_draft(draft.id, card_message_id=mid)


# --- did you mean ------------------------------------------------------------------------------

def ask(ctx, readings: list[str]) -> None:
    """The parser was unsure: offer its best reading and the alternatives as buttons."""
    draft = ctx.bot.store.create_draft(
        ctx.sender.open_id, "didyoumean",
        MessagePayload(lang=ctx.lang, tz=ctx.sender.tz, message=ctx.raw, attempt=ctx.attempt,
                       readings=readings).to_json(),
        chat_id=ctx.chat_id, key=f"{ctx.message_id}:didyoumean")
    mid = ctx.reply(cards.did_you_mean_card(draft.id, draft.payload.get("readings") or readings, ctx.lang),
                    key="didyoumean")
    ctx.bot.store.update_draft(draft.id, card_message_id=mid)


# --- @names nobody knows ------------------------------------------------------------------------

def tell_unknown(ctx, names: list[str], can_go_on: bool) -> None:
    """The message names people Yue cannot resolve: say so, book nothing; when the request
    still makes sense without them, a button runs it again without those names."""
    if not can_go_on:
        ctx.reply(cards.unknown_people_card(names, ctx.lang), key="unknownpeople")
        return
    draft = ctx.bot.store.create_draft(
        ctx.sender.open_id, "unknownpeople",
        MessagePayload(lang=ctx.lang, tz=ctx.sender.tz, message=ctx.raw, attempt=ctx.attempt,
                       readings=names).to_json(),
        chat_id=ctx.chat_id, key=f"{ctx.message_id}:unknownpeople")
    mid = ctx.reply(cards.unknown_people_card(names, ctx.lang, draft.id), key="unknownpeople")
    ctx.bot.store.update_draft(draft.id, card_message_id=mid)
