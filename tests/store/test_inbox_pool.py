"""The worker pool under a full rate window: a deferred item pauses claiming in this process
(claiming the next items would only defer them too, burning the CPU and database time the
acknowledgements need), and work resumes by itself once the hold ends."""
from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import select

from bot.feishu.errors import RetryLater
from bot.inbox import pool as pool_mod
from bot.inbox.pool import InboxPool
from bot.store import InboxItem, Store
from bot.store.tables import inbox

PAYLOAD = {"event": {"message": {"content": "{}"}}}


def _status(store: Store, event_id: str) -> str:
    with store.engine.connect() as c:
        return str(c.execute(select(inbox.c.status).where(inbox.c.event_id == event_id)).scalar_one())


def test_a_deferral_holds_claims_then_the_queue_drains_by_itself(store: Store, monkeypatch) -> None:
    monkeypatch.setattr(pool_mod, "HOLD_MAX_S", 0.3)
    for i in range(5):
        store.inbox_put(f"message:om_{i}", "message", PAYLOAD)
    handled: list[str] = []
    refused: list[str] = []
    all_done = threading.Event()

    def handle(item: InboxItem) -> None:
        if not refused:                      # the first item meets a full window
            refused.append(item.event_id)
            raise RetryLater(99991400, "rate window full (client-side)", retry_after=30.0, op="im.message.reply")
        handled.append(item.event_id)
        if len(handled) == 4:
            all_done.set()

    pool = InboxPool(store, handle, workers=2, worker_id="w1", clock=lambda: dt.datetime.now(dt.UTC),
                     housekeeping=lambda: None, sweep=False, drain_on_kick=True)
    try:
        pool.drain()
        # One claim, one deferral, then nothing: the other four are still new.
        assert refused == ["message:om_0"] and handled == []
        assert pool.holding()
        statuses = sorted(_status(store, f"message:om_{i}") for i in range(5))
        assert statuses == ["deferred", "new", "new", "new", "new"]
        pool.drain()                         # still held: a sweep or a kick claims nothing
        assert handled == []
        # The hold's timer kicks the pool: the four others are answered without anyone asking.
        assert all_done.wait(10), handled
        assert sorted(handled) == [f"message:om_{i}" for i in range(1, 5)]
        assert _status(store, "message:om_0") == "deferred"    # due in 30 s, not before
    finally:
        pool.stop()
