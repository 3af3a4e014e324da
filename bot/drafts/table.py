"""The declarative part of drafts: one `StateTable` per kind (its states, the clicks
allowed in each and where they lead, who may click, the card each state shows) and
the `@on_click(kind, action)` registry (bolt's listeners, PTB's ConversationHandler).

A click that the table does not allow in the draft's current state never reaches a
handler: it gets the state's toast and card (so a second click, a click after Undo or
after expiry is told why, and a card whose state ended loses its buttons)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable, Mapping

from bot.store import Draft

OWNER = "owner"          # who may click: only the person the draft belongs to


@dataclass(frozen=True)
class Click:
    """One button press, checked against the draft's owner, chat and card."""
    bot: Any
    draft: Draft
    action: str
    value: Mapping[str, Any]
    operator: str
    lang: str                # the clicker's language (here always the owner's)
    now: dt.datetime


View = Callable[[Any, Draft, str, dt.datetime], "dict | None"]   # (bot, draft, lang, now) → card
ClickFn = Callable[[Click], dict]


@dataclass(frozen=True)
class State:
    clicks: Mapping[str, str] = field(default_factory=dict)   # action → the state it moves to
    toast: str = "already_done"                               # for a click not allowed here
    card: View | None = None                                  # what the card shows in this state


@dataclass(frozen=True)
class StateTable:
    kinds: tuple[str, ...]
    states: Mapping[str, State]
    who: str = OWNER

    def allows(self, status: str, action: str) -> bool:
        return action in self.state(status).clicks

    def state(self, status: str) -> State:
        return self.states.get(status) or State()

    def actions(self) -> set[str]:
        return {a for s in self.states.values() for a in s.clicks}


TABLES: dict[str, StateTable] = {}
CLICKS: dict[tuple[str, str], ClickFn] = {}
# Buttons that act on the clicker's own things and carry no draft (CalDAV Revoke):
# fn(bot, operator open_id, button value) → the card callback answer.
DRAFTLESS: dict[str, Callable[[Any, str, Mapping[str, Any]], dict]] = {}


def on_draftless_click(action: str):
    """Register the decorated function for a button that has no draft behind it."""
    def register(fn):
        if action in DRAFTLESS and DRAFTLESS[action] is not fn:
            raise ValueError(f"draftless click {action!r} is already handled by {DRAFTLESS[action].__module__}")
        DRAFTLESS[action] = fn
        return fn
    return register


def table(t: StateTable) -> StateTable:
    """Register `t` for each of its kinds (one table per kind)."""
    for kind in t.kinds:
        if kind in TABLES:
            raise ValueError(f"draft kind {kind!r} already has a state table")
        TABLES[kind] = t
    return t


def on_click(kind: str, *actions: str) -> Callable[[ClickFn], ClickFn]:
    """Register the decorated function for `actions` on drafts of `kind`. An action the
    kind's table never allows is an import-time error, not a dead button."""
    def register(fn: ClickFn) -> ClickFn:
        t = TABLES.get(kind)
        if t is None:
            raise ValueError(f"no state table for draft kind {kind!r}")
        for a in actions:
            if a not in t.actions():
                raise ValueError(f"{kind}: the state table allows no {a!r} click")
            if (kind, a) in CLICKS and CLICKS[(kind, a)] is not fn:
                raise ValueError(f"{kind}/{a} is already handled by {CLICKS[(kind, a)].__module__}")
            CLICKS[(kind, a)] = fn
        return fn
    return register


def require_handlers() -> None:
    """Every click a table allows has a handler (raises ImportError naming the missing)."""
    missing = sorted(f"{k}/{a}" for k, t in TABLES.items() for a in t.actions() if (k, a) not in CLICKS)
    if missing:
        raise ImportError(f"no @on_click handler for {missing}")


# States every kind ends in: no clicks, a status card named after the state.
def ended(toast: str, card: View | None = None) -> State:
    return State(clicks={}, toast=toast, card=card)
