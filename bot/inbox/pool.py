"""The worker pool: threads that claim items from the durable inbox and process
them, started on demand (`kick`, right after an item is stored) and by a sweeper
that also runs the drafts' sweep (`Bot.housekeeping`: expiry, lapsed Undo; the pruning of
old rows is the scheduler's hourly job, bot/scheduler/housekeeping.py).

One execution model: the Flask request thread acknowledges; a fixed thread pool
does the work, reading from the durable inbox in the database, so several
instances (and a restarted one) share one queue.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable

from bot.feishu.errors import RetryLater
from bot.store import InboxItem, Store

log = logging.getLogger("yue.runtime")

INBOX_LEASE_S = 120       # a worker that dies mid-message gives it up after this
SWEEP_EVERY_S = 15.0      # how often unfinished or retryable inbox items are looked for
MAX_ATTEMPTS_BACKOFF_S = 30
DEFER_MIN_S, DEFER_MAX_S = 1.0, 65.0   # Feishu's windows are a second and a minute
DEFER_FOR_S = 3600                     # a message rate-limited this long is treated as failing
HOLD_MAX_S = 5.0                       # after a deferral, claim nothing for up to this long


class InboxPool:
    """store: the inbox; handle(item): process one item (raising keeps it for a retry);
    housekeeping(): run by the sweeper after each drain. sweep: run the sweeper
    (`YUE_ROLE=all`); drain_on_kick: False for a web-only instance (`YUE_ROLE=web`),
    which leaves the inbox to worker processes."""

    def __init__(self, store: Store, handle: Callable[[InboxItem], None], *, workers: int, worker_id: str,
                 clock: Callable[[], dt.datetime], housekeeping: Callable[[], None], sweep: bool,
                 drain_on_kick: bool) -> None:
        self.store = store
        self.worker_id = worker_id
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="yue-worker")
        self._handle = handle
        self._clock = clock
        self._housekeeping = housekeeping
        self._sweep = sweep
        self._drain_on_kick = drain_on_kick
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None
        # Drains in flight: a burst of messages needs a few draining workers, not one per message
        # (they would only queue on the database's write lock).
        self._drains = threading.BoundedSemaphore(max(1, min(workers, 4)))
        # After a deferral the next items would most likely meet the same full window: claiming
        # them only to defer them again burns CPU and database time that the acknowledgements
        # need (thousands of deferrals a minute under a flood). So this process pauses claiming
        # until the window should have room (at most HOLD_MAX_S; the deferral's timer wakes it).
        self._hold_until = 0.0

    def start(self) -> None:
        """Pick up what a previous process left unfinished, then keep sweeping."""
        if self._sweeper is None and self._sweep:
            self._sweeper = threading.Thread(target=self._sweep_loop, name="yue-inbox-sweeper", daemon=True)
            self._sweeper.start()

    def stop(self) -> None:
        """Finish the work in hand; what is left in the inbox waits for the next start."""
        self._stop.set()
        self.pool.shutdown(wait=True, cancel_futures=True)
        if self._sweeper is not None:
            self._sweeper.join(timeout=5)

    def kick(self) -> None:
        """Ask a worker to drain the inbox (called right after an item is stored). When enough
        drains are already running they will find the new item; none is added."""
        if not self._drain_on_kick or not self._drains.acquire(blocking=False):
            return
        try:
            self.pool.submit(self._drain_once)
        except RuntimeError:  # pool shut down: the next process's sweeper takes it
            self._drains.release()

    def _drain_once(self) -> None:
        try:
            self.drain()
        finally:
            self._drains.release()

    def _sweep_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.drain()
                self._housekeeping()
            except Exception:  # e.g. the database is briefly away: try again next time
                log.exception("inbox sweep failed")
            self._stop.wait(SWEEP_EVERY_S)

    def drain(self) -> None:
        while not self._stop.is_set() and not self.holding():
            item = self.store.inbox_claim(self.worker_id, INBOX_LEASE_S)
            if item is None:
                return
            self.process(item)

    def holding(self) -> bool:
        """True while claims are paused after a deferral."""
        return time.monotonic() < self._hold_until

    def process(self, item: InboxItem) -> None:
        """Handle one claimed inbox item; a failure keeps it for a retry (never lost)."""
        try:
            self._handle(item)
        except Exception as e:
            limited = _rate_limited(e)
            age = (self._clock() - item.created_at).total_seconds() if item.created_at else 0.0
            if limited is not None and age < DEFER_FOR_S:
                self._defer(item, limited)
                return
            if limited is None:
                log.exception("inbox item %s failed", item.id)
            self._failed(item, e)
        else:
            self.store.inbox_done(item.id)

    def _defer(self, item: InboxItem, e: RetryLater) -> None:
        """Feishu's windows were full: nothing was done, so the item waits (state 'deferred',
        the attempt given back) until a place frees, then runs again."""
        delay = min(DEFER_MAX_S, max(DEFER_MIN_S, e.retry_after or 0.0))
        log.info("inbox item %s deferred %.1fs: %s", item.id, delay, e)
        self.store.inbox_defer(item.id, f"deferred: {e}"[:500], self._clock() + dt.timedelta(seconds=delay))
        hold = min(delay, HOLD_MAX_S)
        self._hold_until = max(self._hold_until, time.monotonic() + hold)
        # claims resume when the hold ends, and this item runs as soon as it is due, not at the next sweep
        for after in sorted({hold, delay}):
            timer = threading.Timer(after, self.kick)
            timer.daemon = True
            timer.start()

    def _failed(self, item: InboxItem, e: Exception) -> None:
        delay = min(MAX_ATTEMPTS_BACKOFF_S, 2 ** max(1, getattr(item, "attempts", 1)))
        self.store.inbox_failed(item.id, f"{type(e).__name__}: {e}"[:500], self._clock() + dt.timedelta(seconds=delay))


def _rate_limited(e: BaseException | None) -> RetryLater | None:
    """The `RetryLater` behind a failure: raised as it is, or wrapped by the handler that
    told the person it is on it (bot.drafts' TryLater is raised `from` it)."""
    for _ in range(5):
        if e is None or isinstance(e, RetryLater):
            return e
        e = e.__cause__
    return None
