"""The bot's moving parts in one object: settings, store, Feishu client, worker pool.

One execution model: the Flask request thread acknowledges; a fixed thread pool
does the work, reading from the durable inbox in the database, so several
instances (and a restarted one) share one queue.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from .config import Settings
from .feishu import Feishu
from .scheduler import Scheduler
from .store import Store

log = logging.getLogger("yue.runtime")

INBOX_LEASE_S = 120       # a worker that dies mid-message gives it up after this
SWEEP_EVERY_S = 15.0      # how often unfinished or retryable inbox items are looked for
MAX_ATTEMPTS_BACKOFF_S = 30
BOT_ID_RETRY_S = 60


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Bot:
    def __init__(self, settings: Settings, feishu_domain: str | None = None,
                 clock: Callable[[], dt.datetime] | None = None):
        self.settings = settings
        # One clock for the bot and its store: tests inject a fake one and move it.
        self._clock = clock or _utc_now
        self.store = Store(settings, clock=self.now)
        self.store.create_all()
        self.feishu = Feishu(settings, domain=feishu_domain or settings.feishu_domain)
        self.pool = ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="yue-worker")
        # Card clicks have Feishu's 3 s deadline: they never queue behind message handling.
        self.click_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="yue-click")
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None
        self._bot_open_id: str | None = None
        self._bot_id_failed_at = -float("inf")
        # Drains in flight: a burst of messages needs a few draining workers, not one per message
        # (they would only queue on the database's write lock).
        self._drains = threading.BoundedSemaphore(max(1, min(settings.workers, 4)))
        self.scheduler = Scheduler(self, lease_s=settings.job_lease_s)

    # -- clock: the only place the bot reads it (handlers receive `now`)
    def now(self) -> dt.datetime:
        return self._clock()

    @property
    def bot_open_id(self) -> str | None:
        if self._bot_open_id is None and self._bot_id_failed_at + BOT_ID_RETRY_S < time.monotonic():
            try:
                self._bot_open_id = self.feishu.bot_open_id()
            except Exception as e:  # the router also knows the bot by mentioned_type and name
                # Remembered: asking on every message would cost a call and a log line each.
                self._bot_id_failed_at = time.monotonic()
                log.warning("could not read the bot's own open_id (retry in %ss): %s", BOT_ID_RETRY_S, e)
        return self._bot_open_id

    def start(self) -> None:
        """Pick up what a previous process left unfinished, then keep sweeping. A web-only
        instance leaves the inbox to its worker processes (bot/worker.py)."""
        if self._sweeper is None and self.settings.role == "all":
            self._sweeper = threading.Thread(target=self._sweep_loop, name="yue-inbox-sweeper", daemon=True)
            self._sweeper.start()
            self.scheduler.start()

    def stop(self) -> None:
        """Finish the work in hand; what is left in the inbox waits for the next start."""
        self._stop.set()
        self.scheduler.stop()
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.click_pool.shutdown(wait=True, cancel_futures=True)
        if self._sweeper is not None:
            self._sweeper.join(timeout=5)
        self.feishu.close()

    def kick(self) -> None:
        """Ask a worker to drain the inbox (called right after an item is stored). When enough
        drains are already running they will find the new item; none is added."""
        if self.settings.role == "web" or not self._drains.acquire(blocking=False):
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
        from .actions import maintenance
        while not self._stop.is_set():
            try:
                self.drain()
                maintenance(self)
            except Exception:  # e.g. the database is briefly away: try again next time
                log.exception("inbox sweep failed")
            self._stop.wait(SWEEP_EVERY_S)

    def resume_message(self, payload: dict, key: str) -> None:
        """Answer a message again (after the person connected their calendar), through the
        durable inbox like any message, so a crash right after consent loses nothing."""
        if self.store.inbox_put(f"resume:{key}", "message", payload):
            self.kick()

    def drain(self) -> None:
        while not self._stop.is_set():
            item = self.store.inbox_claim(self.worker_id, INBOX_LEASE_S)
            if item is None:
                return
            self.process(item)

    def process(self, item) -> None:
        """Handle one claimed inbox item; a failure keeps it for a retry (never lost)."""
        from .router import process_inbox_item
        try:
            process_inbox_item(self, item)
        except Exception as e:
            log.exception("inbox item %s failed", item.id)
            delay = min(MAX_ATTEMPTS_BACKOFF_S, 2 ** max(1, getattr(item, "attempts", 1)))
            self.store.inbox_failed(item.id, f"{type(e).__name__}: {e}"[:500],
                                    self.now() + dt.timedelta(seconds=delay))
        else:
            self.store.inbox_done(item.id)
