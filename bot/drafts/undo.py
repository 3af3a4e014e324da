"""Undo, defined per action kind. Every action that changes a calendar ends its draft
in `booked` with `result.acted_at` and an Undo window (`undo_until`); undoing moves it
`booked → undoing → undone` by compare-and-set, or to `gone` when what it would undo
is no longer there (Feishu 193003 and friends): that is never reported as undone.

`/undo` undoes only the person's most recent action, and only while its window is
open; it names what it undid, or says there is nothing to undo."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable

from bot import cards
from bot.feishu import FeishuError
from bot.store import Draft

from .clicks import answer, lost_race, patch, view
from .table import Click

log = logging.getLogger("yue.drafts")

UNDO_WINDOW = dt.timedelta(minutes=10)
ACTED = ("booked", "undoing", "undone", "gone")    # statuses of a draft whose action was done


class Gone(Exception):
    """What the undo would take back is not there any more (deleted meanwhile)."""


@dataclass(frozen=True)
class Undoer:
    reverse: Callable[[Any, Draft], bool | None]   # puts the calendar back; False/Gone: nothing was there
    what: Callable[[Any, Draft, str], str]         # names the action ("cancelling “Budget”")
    restores: bool = False                         # the undo re-creates a deleted event


UNDOERS: dict[str, Undoer] = {}


def undoer(kind: str, what: Callable[[Any, Draft, str], str], restores: bool = False):
    """Register the decorated `reverse(bot, draft)` as how an action of `kind` is undone."""
    def register(fn):
        UNDOERS[kind] = Undoer(fn, what, restores)
        return fn
    return register


def acted(bot, draft: Draft, from_statuses: set[str], result: dict, *, undoable: bool = True,
          **fields: Any) -> Draft | None:
    """Move a draft to `booked` (its action is done), stamping when, and open its Undo window."""
    now = bot.now()
    return bot.store.transition(draft.id, from_statuses, "booked",
                                result={**result, "acted_at": now.isoformat()},
                                undo_until=now + UNDO_WINDOW if undoable else None, **fields)


def acted_at(d: Draft) -> dt.datetime:
    stamp = (d.result or {}).get("acted_at")
    try:
        return dt.datetime.fromisoformat(stamp) if stamp else d.updated_at
    except (TypeError, ValueError):
        return d.updated_at


def latest_action(bot, owner: str) -> Draft | None:
    """The person's most recent action (undoable or not), by when it was done — not by
    when its row last changed (closing an Undo window touches the row)."""
    done = [d for d in bot.store.find_drafts(owner=owner, statuses=set(ACTED), limit=50) if d.kind in UNDOERS]
    return max(done, key=acted_at, default=None)


def what(bot, draft: Draft, lang: str) -> str:
    u = UNDOERS.get(draft.kind)
    return u.what(bot, draft, lang) if u else draft.kind


def run_undo(bot, draft: Draft, lang: str, raise_errors: bool = False) -> tuple[str, dict]:
    """Undo `draft` now → (toast kind, card). The caller checked the window. A Feishu
    failure puts the draft back (Undo stays possible) and answers with an error card whose
    Retry undoes again, or with `raise_errors` is raised for the message's error path."""
    moved = bot.store.transition(draft.id, {"booked"}, "undoing")
    if moved is None:
        return "already_done", None  # type: ignore[return-value]
    u = UNDOERS[draft.kind]
    label = u.what(bot, moved, lang)
    try:
        if u.reverse(bot, moved) is False:
            raise Gone()
    except (Gone, FeishuError) as e:
        if isinstance(e, FeishuError) and e.kind != "not_found":
            log.warning("undo of draft %s failed: code=%s msg=%s log_id=%s", draft.id, e.code, e.msg, e.log_id)
            bot.store.transition(draft.id, {"undoing"}, "booked")     # the Retry undoes again
            if raise_errors:
                raise
            kind = e.kind if e.kind in ("permission", "rate_limit") else "other"
            return "error", cards.error_card(kind, lang, draft_id=draft.id)
        log.info("undo of draft %s: already gone", draft.id)
        bot.store.transition(draft.id, {"undoing"}, "gone")
        return "gone", cards.status_card("gone", lang, _title(draft))
    bot.store.transition(draft.id, {"undoing"}, "undone")
    return "undone", cards.undone_card(label, lang, restored=u.restores)


def _title(draft: Draft) -> str | None:
    p = draft.payload or {}
    return p.get("title") or (p.get("chosen") or {}).get("title")


def undo_click(click: Click) -> dict:
    """The Undo button (and Retry on an undo that failed) on any action's card."""
    bot, draft, lang = click.bot, click.draft, click.lang
    if not draft.can_undo(click.now):
        # Past its deadline: say so, and take the button off this card now.
        closed = bot.store.update_draft(draft.id, expected_version=draft.version, undo_until=None) or draft
        return answer("undo_expired", lang, view(bot, closed, lang, click.now))
    toast, card = run_undo(bot, draft, lang)
    if card is None:
        return lost_race(click)
    return answer(toast, lang, card)


def undo_latest(bot, owner: str, lang: str) -> tuple[Draft | None, dict]:
    """`/undo`: (the draft undone or None, the card to reply)."""
    now = bot.now()
    last = latest_action(bot, owner)
    if last is None:
        return None, cards.nothing_to_undo_card(lang)
    if not last.can_undo(now):
        named = what(bot, last, lang) if last.status == "booked" else None
        return None, cards.nothing_to_undo_card(lang, named)
    toast, card = run_undo(bot, last, lang, raise_errors=True)   # a failure: the router's Retry card
    if card is None:
        return None, cards.nothing_to_undo_card(lang)
    patch(bot, last, card)       # the action's own card loses its Undo too
    return last, card
