"""Which function answers which intent: each handler module registers its own
`handle` with `@on_intent(...)` (bolt's listeners), so "what happens on X" is
found by searching for the decorator. `bot.handlers` checks at import time that
every intent the parser can produce has one."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Handler = Callable[[Any], None]

_INTENTS: dict[str, Handler] = {}
_COMMANDS: dict[str, Handler] = {}
ItemFn = Callable[[Any, dict], None]
_ITEMS: dict[str, ItemFn] = {}
_BACKGROUND_ITEMS: set[str] = set()


def _register(table: dict[str, Handler], kind: str, names: tuple[str, ...]) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for name in names:
            if name in table and table[name] is not fn:
                raise ValueError(f"{kind} {name!r} already handled by {table[name].__module__}")
            table[name] = fn
        return fn
    return register


def on_intent(*names: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of the intents `names`."""
    return _register(_INTENTS, "intent", names)


def on_command(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler for slash commands that win over the parsed intent ("/undo")."""
    return _register(_COMMANDS, "command", names)


def on_item(*kinds: str, background: bool = False) -> Callable[[ItemFn], ItemFn]:
    """Register `fn(bot, payload)` for durable inbox items of `kinds` other than messages
    (invitations to send, a click to finish after consent, a calendar change push).
    background: nobody is waiting on it, so its Feishu calls go after a person's."""
    if background:
        _BACKGROUND_ITEMS.update(kinds)
    return _register(_ITEMS, "inbox item", kinds)  # type: ignore[arg-type,return-value]


def in_background(kind: str) -> bool:
    """Whether items of `kind` were registered as background work."""
    return kind in _BACKGROUND_ITEMS


def item_handler(kind: str) -> Callable[[Any, dict], None] | None:
    return _ITEMS.get(kind)


def handler_for(intent: str, command: str | None = None) -> Handler:
    """The handler of a command, else of the intent; an intent nobody registered
    (the parser is newer than the bot) gets the "unknown" handler."""
    if command and command in _COMMANDS:
        return _COMMANDS[command]
    return _INTENTS.get(intent) or _INTENTS["unknown"]


def require(intents: Iterable[str]) -> None:
    """Raise ImportError naming every intent in `intents` without a handler."""
    missing = [name for name in intents if name not in _INTENTS]
    if missing:
        raise ImportError(f"no handler registered for intent(s) {missing}")
