"""Sandbox time for Feishu's delayed effects: a room answering an invitation, an Exchange binding
moving through its statuses, change events gathered over 3 s. Each effect is a job due at a
time on this timeline; a background thread runs due jobs in real time.

Tests make time explicit instead of sleeping: `manual` stops the thread and `advance(seconds)`
moves the clock and runs what fell due, in order, in the caller's thread (also reachable as
POST /sandbox/api/timeline). Jobs live in memory: a single-process sandbox; what a restart would
lose (a room still waiting, a binding in progress) is rescheduled at start (see sandbox/__init__.py).
"""
from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

log = logging.getLogger("sandbox.timeline")

ROOM_DELAY = 1.0           # seconds until a room accepts or declines (Feishu: "asynchronously")
MERGE_WINDOW = 3.0         # Feishu gathers changes to one event within 3 s into one push
EXCHANGE_STEP = 1.0        # seconds between an Exchange binding's statuses


@dataclass
class Delays:
    room: float | None = ROOM_DELAY          # None: the room answers within the attendee request
    merge_window: float = MERGE_WINDOW       # 0: every change is pushed on its own
    exchange_step: float = EXCHANGE_STEP

    @classmethod
    def from_settings(cls, settings: Any) -> Delays:
        room = getattr(settings, "sandbox_room_delay", ROOM_DELAY)
        return cls(room=None if room is None or room < 0 else float(room),
                   merge_window=float(getattr(settings, "sandbox_merge_window", MERGE_WINDOW)),
                   exchange_step=float(getattr(settings, "sandbox_exchange_step", EXCHANGE_STEP)))


class Timeline:
    def __init__(self, delays: Delays | None = None, manual: bool = False):
        self.delays = delays or Delays()
        self.manual = manual
        self._offset = 0.0
        self._jobs: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._cv = threading.Condition()
        self._running = 0
        self._thread: threading.Thread | None = None

    def now(self) -> float:
        return time.monotonic() + self._offset

    def later(self, delay: float, job: Callable[[], None]) -> None:
        """Run `job` once `delay` seconds of this timeline have passed."""
        with self._cv:
            heapq.heappush(self._jobs, (self.now() + max(0.0, delay), next(self._seq), job))
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="sandbox-timeline", daemon=True)
                self._thread.start()
            self._cv.notify_all()

    def set_manual(self, manual: bool) -> None:
        with self._cv:
            self.manual = manual
            self._cv.notify_all()

    def advance(self, seconds: float) -> int:
        """Move the clock forward and run every job that fell due; returns how many ran."""
        with self._cv:
            self._offset += max(0.0, seconds)
        return self.run_due()

    def pending(self) -> int:
        with self._cv:
            return len(self._jobs)

    def run_due(self) -> int:
        ran = 0
        while True:
            with self._cv:
                if not self._jobs or self._jobs[0][0] > self.now():
                    self._cv.notify_all()
                    return ran
                _, _, job = heapq.heappop(self._jobs)
                self._running += 1
            try:
                job()
            except Exception:
                log.exception("sandbox timeline job failed")
            finally:
                with self._cv:
                    self._running -= 1
            ran += 1

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Real-time mode: block until no job is due or running (jobs due later do not count)."""
        end = time.monotonic() + timeout
        with self._cv:
            while self._running or (self._jobs and self._jobs[0][0] <= self.now()):
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cv.wait(min(left, 0.05))
        return True

    def _loop(self) -> None:
        while True:
            with self._cv:
                if self.manual or not self._jobs:
                    self._cv.wait(1.0)
                    continue
                wait = self._jobs[0][0] - self.now()
                if wait > 0:
                    self._cv.wait(min(wait, 1.0))
                    continue
            self.run_due()
