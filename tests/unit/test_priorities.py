"""Whose Feishu calls go first: a person's answer (a reply, a click) before background sync
(calendar watches, change notices, attendees' invitations). The shared limiter gives background
work only part of each window (tests/unit/test_feishu_limits.py); these check that such work is
marked background."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from bot.feishu.core import current_priority
from bot.feishu.limits import Priority
from bot.handlers import registry
from bot.router import process_inbox_item


class _Bot:
    def now(self) -> dt.datetime:
        return dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)


def test_background_inbox_items_are_the_ones_nobody_waits_on():
    import bot.handlers  # noqa: F401  (registers every item kind)
    from bot.handlers.changes import CHANGE
    from bot.handlers.rsvp import ANSWER_AFTER_CONSENT
    from bot.inbox.kinds import INVITATIONS, WATCH
    assert all(registry.in_background(k) for k in (WATCH, CHANGE, INVITATIONS))
    assert not registry.in_background(ANSWER_AFTER_CONSENT)    # a person clicked and is waiting


def test_an_inbox_item_runs_at_the_priority_its_kind_was_registered_with(monkeypatch):
    seen: dict[str, Priority] = {}
    monkeypatch.setattr(registry, "_ITEMS", dict(registry._ITEMS))
    monkeypatch.setattr(registry, "_BACKGROUND_ITEMS", set(registry._BACKGROUND_ITEMS))
    registry.on_item("test_sync", background=True)(lambda bot, p: seen.__setitem__("test_sync", current_priority()))
    registry.on_item("test_click")(lambda bot, p: seen.__setitem__("test_click", current_priority()))
    for kind in ("test_sync", "test_click"):
        process_inbox_item(_Bot(), SimpleNamespace(kind=kind, payload={}, attempts=1))
    assert seen == {"test_sync": Priority.BACKGROUND, "test_click": Priority.INTERACTIVE}
