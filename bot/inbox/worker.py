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
from bot.runtime import Bot, settle_heap

log = logging.getLogger("yue.worker")

IDLE_POLL_S = 0.05     # how soon a new inbox item is noticed when the worker is idle
IDLE_REST_S = 1.0      # the other idle threads: woken at once when the first one finds work


def run(settings: Settings, stop: threading.Event) -> None:
    if settings.worker_nice:
        os.nice(settings.worker_nice)
    bot = Bot(settings.with_(role="worker"), feishu_domain=settings.platform_url)
    settle_heap()

    # Only thread 0 polls an empty inbox often; when it finds an item it wakes the others
    # (`busy`), which then claim until the inbox is empty again. Eight threads polling every
    # 50 ms were 160 queries a second on an idle database.
    busy = threading.Event()

    def loop(index: int) -> None:
        while not stop.is_set():
            if bot.inbox.holding():       # a deferral: the windows are full, claim nothing yet
                stop.wait(0.1)
                continue
            try:
                item = bot.store.inbox_claim(bot.worker_id, INBOX_LEASE_S)
            except Exception:
                log.exception("inbox claim failed")
                stop.wait(1.0)
                continue
            if item is None:
                busy.clear()
                if index == 0:
                    stop.wait(IDLE_POLL_S)
                else:
                    busy.wait(IDLE_REST_S)
                continue
            busy.set()
            bot.process(item)

    threads = [threading.Thread(target=loop, args=(i,), name=f"yue-worker-{i}", daemon=True)
               for i in range(settings.workers)]
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
