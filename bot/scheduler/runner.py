"""The run loop: a few threads per instance lease due jobs (a batch at a time) and run
each with its kind's function. A kind sends at most one message per occurrence, keyed
by the occurrence, so a job re-run after a crash between sending and marking sends
nothing new (Feishu's `uuid` de-duplicates), and then marks it through the lease."""
from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from ..feishu import FeishuError

log = logging.getLogger("yue.scheduler")

POLL_S = 1.0            # how often an idle instance looks for due jobs
LEASE_S = 60            # a worker that dies mid-job gives it up after this (Settings.job_lease_s)
BATCH = 10
THREADS = 2
RETRY_BASE_S = 30       # a failed step is retried after 30 s, 60 s, … (same occurrence, same uuid)
RETRY_MAX_S = 600
RATE_RETRY_S = 2        # over Feishu's quota: soon again, not after the back-off of a real failure

KindFn = Callable[..., None]
KINDS: dict[str, KindFn] = {}


def job_kind(name: str) -> Callable[[KindFn], KindFn]:
    """Register `fn(bot, job, now)` as the runner of jobs of kind `name`."""
    def register(fn: KindFn) -> KindFn:
        KINDS[name] = fn
        return fn
    return register


class Scheduler:
    def __init__(self, bot, *, threads: int = THREADS, batch: int = BATCH, poll_s: float = POLL_S,
                 lease_s: float = LEASE_S):
        self.bot = bot
        self.threads_n, self.batch, self.poll_s, self.lease_s = threads, batch, poll_s, lease_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        from . import digest_job, remind_job  # noqa: F401  (register their kinds)
        if self._threads:
            return
        self._threads = [threading.Thread(target=self._loop, name=f"yue-scheduler-{i}", daemon=True)
                         for i in range(self.threads_n)]
        for th in self._threads:
            th.start()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._wake.set()
        for th in self._threads:
            th.join(timeout=timeout)

    def wake(self) -> None:
        """Look for due jobs now (a test advanced the clock; a job was added for now)."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                ran = self.run_due()
            except Exception:   # e.g. the database is briefly away: try again next time
                log.exception("scheduler pass failed")
                ran = 0
            if not ran:
                self._wake.wait(self.poll_s)
                self._wake.clear()

    def run_due(self, max_batches: int = 1000) -> int:
        """Run jobs due now, a batch at a time, until none is due. Returns how many ran."""
        from . import digest_job, remind_job  # noqa: F401
        ran = 0
        for _ in range(max_batches):
            if self._stop.is_set():
                break
            got = self.bot.store.jobs_claim(self.bot.worker_id, self.lease_s, self.batch, now=self.bot.now())
            if not got:
                break
            for job in got:
                self.run_one(job)
                ran += 1
        return ran

    def run_one(self, job) -> None:
        now = self.bot.now()
        fn = KINDS.get(job.kind)
        if fn is None:
            log.warning("job %s of unknown kind %r: dead", job.id, job.kind)
            self.bot.store.job_end(job, "dead", f"unknown kind {job.kind!r}")
            return
        try:
            fn(self.bot, job, now)
        except FeishuError as e:
            log.warning("job %s (%s) failed: code=%s msg=%s log_id=%s", job.id, job.kind, e.code, e.msg, e.log_id)
            self._retry(job, now, f"feishu {e.code}: {e.msg}", RATE_RETRY_S if e.kind == "rate_limit" else None)
        except Exception as e:
            log.exception("job %s (%s) failed", job.id, job.kind)
            self._retry(job, now, f"{type(e).__name__}: {e}")

    def _retry(self, job, now: dt.datetime, error: str, delay: float | None = None) -> None:
        if delay is None:
            delay = min(RETRY_MAX_S, RETRY_BASE_S * 2 ** max(0, job.attempts - 1))
        self.bot.store.job_retry(job, now + dt.timedelta(seconds=delay), error)
