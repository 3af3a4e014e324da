"""Feishu's gateway quota as the sandbox enforces it (contract §10): per app × API,
50 requests/s and 1000/min; `sandbox/api/common.py` applies it to every route."""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class RateLimiter:
    """Feishu's gateway quota: per app × API, 50 requests/s and 1000/min (contract §10). In memory:
    a single-process sandbox, and a restart resetting the counters is harmless."""
    per_second: int = 50
    per_minute: int = 1000
    enabled: bool = True
    _hits: dict[tuple, deque] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, key: tuple, now: float | None = None) -> int | None:
        """Record a hit; return None if allowed, else the seconds to wait (for x-ogw-ratelimit-reset)."""
        if not self.enabled:
            return None
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - 60:
                hits.popleft()
            last_second = sum(1 for t in reversed(hits) if t > now - 1) if len(hits) >= self.per_second else 0
            if len(hits) >= self.per_minute:
                return max(1, int(hits[0] + 60 - now + 0.999))
            if last_second >= self.per_second:
                return 1
            hits.append(now)
            return None

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
