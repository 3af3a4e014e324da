""""Cancel all my meetings tomorrow": the meetings the person organizes in that span, listed for
one confirmation; Confirm cancels each as its own cancel draft (so each keeps what re-creating it
needs), and Undo — the button or /undo — restores every one of them."""
from __future__ import annotations

import datetime as dt
import logging

from bot import cards
from bot.cards.i18n import t
from bot.store import Draft

from .clicks import answer, lost_race
from .existing import act, as_card_event
from .payloads import ExistingPayload
from .table import Click, State, StateTable, ended, on_click, table
from .undo import acted, run_undo, undo_click, undoer

log = logging.getLogger("yue.drafts")


def ask_card(draft_id: str, found: list[dict], tz: str, lang: str, only_yue: bool) -> dict:
    return cards.cancel_all_card(draft_id, [as_card_event(c, tz) for c in found], tz, lang, only_yue)


def none_card(when: str, lang: str, only_yue: bool) -> dict:
    return cards.cancel_all_none_card(when, lang, only_yue)


def _done_view(bot, d: Draft, lang: str, now: dt.datetime) -> dict:
    p, r = ExistingPayload.of(d.payload), d.result or {}
    done = [as_card_event(c, p.tz) for c in p.candidates if c.get("event_id") in set(r.get("cancelled", []))]
    return cards.cancelled_all_card(d.id, done, int(r.get("failed") or 0), p.tz, lang,
                                    undo=d.status == "booked" and d.can_undo(now))


def _status(kind: str):
    return lambda bot, d, lang, now: cards.status_card(kind, lang)


CANCEL_ALL = table(StateTable(kinds=("cancelall",), states={
    "pending": State(clicks={cards.CONFIRM: "booking", cards.CANCEL: "cancelled"}),
    "booking": State(toast="working"),
    "booked": State(clicks={cards.UNDO: "undoing"}, toast="already_done", card=_done_view),
    "undoing": State(toast="working"),
    "undone": ended("already_done", _status("undone")),
    "gone": ended("already_done", _status("gone")),
    "cancelled": ended("cancelled", _status("cancelled")),
    "expired": ended("expired", _status("expired")),
}))


@on_click("cancelall", cards.CONFIRM)
def confirm(click: Click) -> dict:
    bot, draft = click.bot, click.draft
    moved = bot.store.transition(draft.id, {"pending"}, "booking")
    if moved is None:
        return lost_race(click)
    p = ExistingPayload.of(draft.payload)
    children, cancelled = [], []
    for c in p.candidates:
        # Each meeting is an ordinary cancel draft: its snapshot, its restore, its booking card.
        child = bot.store.create_draft(draft.owner, "cancel", ExistingPayload(
            lang=p.lang, tz=p.tz, verb="cancel", candidates=[c], chosen=c).to_json(),
            key=f"{draft.id}:{c.get('event_id')}")
        act(Click(bot=bot, draft=child, action=cards.CHOOSE, value={"e": c.get("event_id")}, operator=draft.owner,
                  lang=p.lang, now=click.now), c, "one")
        if (after := bot.store.get_draft(child.id)) is not None and after.status == "booked":
            children.append(child.id)
            cancelled.append(c.get("event_id"))
    done = acted(bot, moved, {"booking"}, {"children": children, "cancelled": cancelled,
                                          "failed": len(p.candidates) - len(cancelled)},
                 undoable=bool(children)) or moved
    return answer("done", p.lang, _done_view(bot, done, p.lang, click.now))


@on_click("cancelall", cards.CANCEL)
def keep(click: Click) -> dict:
    if click.bot.store.transition(click.draft.id, {"pending"}, "cancelled") is None:
        return lost_race(click)
    return answer("cancelled", click.lang, cards.status_card("cancelled", click.lang))


on_click("cancelall", cards.UNDO)(undo_click)


def _what(bot, d: Draft, lang: str) -> str:
    return t("what_cancelall", lang, n=len((d.result or {}).get("children", [])))


@undoer("cancelall", _what, restores=True)
def _restore_all(bot, d: Draft) -> bool:
    """Every meeting back: each child cancel is undone (re-created with its people and room)."""
    lang = ExistingPayload.of(d.payload).lang
    back = 0
    for child_id in (d.result or {}).get("children", []):
        child = bot.store.get_draft(child_id)
        if child is not None and child.status == "booked":
            toast, _ = run_undo(bot, child, lang)
            back += toast == "undone"
    return back > 0
