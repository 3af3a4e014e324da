"""The request-rate limiter every Feishu call passes (Feishu counts per API × app)."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable


class RateLimiter:
    """Blocking multi-window token bucket, one set of buckets per key (Feishu
    counts per API × app: 50 req/s and 1000 req/min for calendar and IM).

    `acquire(key)` waits until every window has a token. Shared by all threads
    of one `Feishu` instance; several instances (gunicorn workers) each keep
    their own, which is why 429 handling exists too.
    """

    def __init__(self, windows: Iterable[tuple[int, float]] = ((50, 1.0), (1000, 60.0)), *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.windows = [(int(n), float(per)) for n, per in windows if n > 0]
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._state: dict[str, list[list[float]]] = {}  # key -> per window [tokens, last_refill]

    def _wait_needed(self, key: str) -> float:
        now = self._clock()
        buckets = self._state.setdefault(key, [[float(n), now] for n, _ in self.windows])
        wait = 0.0
        for (n, per), b in zip(self.windows, buckets, strict=True):
            b[0] = min(float(n), b[0] + (now - b[1]) * n / per)
            b[1] = now
            if b[0] < 1.0 - 1e-9:  # tolerance: float refill after an exact sleep lands at 0.999…
                wait = max(wait, (1.0 - b[0]) * per / n)
        if wait == 0.0:
            for b in buckets:
                b[0] = max(0.0, b[0] - 1.0)
        return wait

    def acquire(self, key: str = "") -> float:
        """Take one token for `key`; returns the seconds spent waiting."""
        waited = 0.0
        while True:
            with self._lock:
                wait = self._wait_needed(key)
            if wait <= 0:
                return waited
            self._sleep(wait)
            waited += wait
