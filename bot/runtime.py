"""The bot's moving parts in one object: settings, store, Feishu client, the inbox's
worker pool (`bot.inbox.pool`) and the pool that answers card clicks."""
from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from .drafts import maintenance
from .config import Settings
from .feishu import Feishu, background
from .feishu.limits import limiter_for
from .inbox.pool import INBOX_LEASE_S, SWEEP_EVERY_S, InboxPool
from .router import process_inbox_item
from .scheduler import Scheduler
from .store import InboxItem, Store

log = logging.getLogger("yue.runtime")

__all__ = ["Bot", "INBOX_LEASE_S", "SWEEP_EVERY_S"]

BOT_ID_RETRY_S = 60


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Bot:
    def __init__(self, settings: Settings, feishu_domain: str | None = None,
                 clock: Callable[[], dt.datetime] | None = None):
        self.settings = settings
        # One clock for the bot and its store: tests inject a fake one and move it.
        self._clock = clock or _utc_now
        self.store = Store(settings, clock=self.now)
        self.store.create_all()
        self.feishu = Feishu(settings, domain=feishu_domain or settings.feishu_domain,
                             limiter=limiter_for(settings.redis_url, self.store.engine))
        # Card clicks have Feishu's 3 s deadline: they never queue behind message handling.
        self.click_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="yue-click")
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.inbox = InboxPool(self.store, lambda item: process_inbox_item(self, item), workers=settings.workers,
                               worker_id=self.worker_id, clock=lambda: self.now(), housekeeping=self.housekeeping,
                               sweep=settings.role == "all", drain_on_kick=settings.role != "web")
        self._bot_open_id: str | None = None
        self._bot_id_failed_at = -float("inf")
        self.scheduler = Scheduler(self, lease_s=settings.job_lease_s)
        self.on_stop: list[Callable[[], None]] = []     # e.g. the long connection: closed first

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
        instance leaves the inbox and the scheduled jobs to its worker processes
        (bot/inbox/worker.py)."""
        self.inbox.start()
        if self.settings.role == "all":
            self.scheduler.start()

    def stop(self) -> None:
        """Finish the work in hand; what is left in the inbox waits for the next start."""
        for fn in self.on_stop:
            fn()
        self.scheduler.stop()
        self.inbox.stop()
        self.click_pool.shutdown(wait=True, cancel_futures=True)
        self.feishu.close()

    def housekeeping(self) -> None:
        """Each sweep: expire this period's drafts, take lapsed Undo buttons off, re-read rooms
        still answering (every instance). Its Feishu calls go after a person's (background
        priority). Pruning what is past its retention period is the scheduler's hourly
        housekeeping job (bot/scheduler/housekeeping.py)."""
        with background():
            maintenance(self)

    def kick(self) -> None:
        """Ask a worker to drain the inbox (called right after an item is stored)."""
        self.inbox.kick()

    def process(self, item: InboxItem) -> None:
        """Handle one claimed inbox item; a failure keeps it for a retry (never lost)."""
        self.inbox.process(item)

    def resume_message(self, payload: dict, key: str) -> None:
        """Answer a message again (after the person connected their calendar), through the
        durable inbox like any message, so a crash right after consent loses nothing."""
        if self.store.inbox_put(f"resume:{key}", "message", payload):
            self.kick()

    def resume_item(self, kind: str, payload: dict, key: str) -> None:
        """Finish another kind of work after consent (see `handlers.registry.on_item`)."""
        if self.store.inbox_put(f"resume:{key}", kind, payload):
            self.kick()


def settle_heap() -> None:
    """Move everything loaded so far (lark-oapi alone is ~400,000 objects: classes, modules)
    out of the garbage collector's reach. They live as long as the process, and without this
    every full collection walks them all: a pause of 0.1–0.6 s on this machine, in the middle
    of whichever request triggered it (an acknowledgement's p99 under load)."""
    gc.collect()
    gc.freeze()
