"""A worker process: `python -m bot.worker` takes messages from the durable inbox and
answers them, for instances whose web processes run with YUE_ROLE=web.

Keeping the slow work out of the web processes means an acknowledgement never waits for
the GIL behind message handling; the worker also lowers its CPU priority (YUE_WORKER_NICE)
so that on a busy machine the kernel serves acknowledgements first and the queue, which
is durable, drains a little later."""
from __future__ import annotations

import logging
import os
import signal
import threading

from bot.config import Settings, settings_or_exit
from bot.inbox.pool import INBOX_LEASE_S, SWEEP_EVERY_S
from bot.runtime import Bot

log = logging.getLogger("yue.worker")

IDLE_POLL_S = 0.05     # how soon a new inbox item is noticed when the worker is idle


def run(settings: Settings, stop: threading.Event) -> None:
    if settings.worker_nice:
        os.nice(settings.worker_nice)
    bot = Bot(settings.with_(role="worker"), feishu_domain=settings.platform_url)

    def loop() -> None:
        while not stop.is_set():
            try:
                item = bot.store.inbox_claim(bot.worker_id, INBOX_LEASE_S)
            except Exception:
                log.exception("inbox claim failed")
                stop.wait(1.0)
                continue
            if item is None:
                stop.wait(IDLE_POLL_S)
                continue
            bot.process(item)

    threads = [threading.Thread(target=loop, name=f"yue-worker-{i}", daemon=True) for i in range(settings.workers)]
    for t in threads:
        t.start()
    bot.scheduler.start()
    log.info("worker started: %d threads, nice %d", len(threads), settings.worker_nice)
    while not stop.wait(SWEEP_EVERY_S):
        try:
            bot.housekeeping()
        except Exception:
            log.exception("housekeeping failed")
    for t in threads:
        t.join(timeout=10)
    bot.stop()


def main() -> int:
    settings = settings_or_exit("yue worker")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    run(settings, stop)
    return 0
