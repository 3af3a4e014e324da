"""Feishu's gateway quota as the sandbox keeps it (contract §10): per app × API, 50 requests
in any second and 1,000 in any minute, refused beyond that; IM's 5 messages a second to one
user or chat (230020 beyond); and what each API and the busiest target were offered, so a
benchmark can show that a client never went past the windows."""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class ApiCount:
    """What one API (app × method × route) was sent: calls offered, refused, and the most
    offered inside any 1 s and any 60 s (refused ones included: they show what the client sent)."""
    calls: int = 0
    refused: int = 0
    peak_1s: int = 0
    peak_60s: int = 0
    busy_ms: float = 0.0          # time spent answering (the sandbox's own share of a latency)
    _second: deque = field(default_factory=deque)
    _minute: deque = field(default_factory=deque)

    def offer(self, now: float, refused: bool) -> None:
        self.calls += 1
        self.refused += refused
        for window, seconds in ((self._second, 1.0), (self._minute, 60.0)):
            window.append(now)
            while window[0] <= now - seconds:
                window.popleft()
        self.peak_1s = max(self.peak_1s, len(self._second))
        self.peak_60s = max(self.peak_60s, len(self._minute))

    def view(self) -> dict:
        return {"calls": self.calls, "refused": self.refused, "peak_1s": self.peak_1s, "peak_60s": self.peak_60s,
                "busy_ms": round(self.busy_ms, 1)}


@dataclass
class RateLimiter:
    """Feishu's gateway quota: per app × API, 50 requests/s and 1000/min (contract §10). In memory:
    a single-process sandbox, and a restart resetting the counters is harmless. `counts` tells a
    benchmark whether a client ever went past the windows (GET /sandbox/api/ratelimit)."""
    per_second: int = 50
    per_minute: int = 1000
    per_target: int = 5           # IM messages to one user or chat in any second (contract §10)
    enabled: bool = True
    _hits: dict[tuple, deque] = field(default_factory=dict)
    counts: dict[tuple, ApiCount] = field(default_factory=dict)
    _target_hits: dict[tuple, tuple[deque, deque]] = field(default_factory=dict)   # accepted, offered
    targets: ApiCount = field(default_factory=ApiCount)     # every target together; peak = the busiest one
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, key: tuple, now: float | None = None) -> int | None:
        """Record a hit; return None if allowed, else the seconds to wait (for x-ogw-ratelimit-reset)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            wait = self._check(key, now) if self.enabled else None
            self.counts.setdefault(key, ApiCount()).offer(now, wait is not None)
            return wait

    def _check(self, key: tuple, now: float) -> int | None:
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

    def check_target(self, key: tuple, now: float | None = None) -> int | None:
        """One IM message to a target (app, user or chat): None if allowed, else seconds to wait.
        Counts what was offered, refused ones included, like `check`."""
        now = time.monotonic() if now is None else now
        with self._lock:
            accepted, offered = self._target_hits.setdefault(key, (deque(), deque()))
            for window in (accepted, offered):
                while window and window[0] <= now - 1.0:
                    window.popleft()
            refused = self.enabled and len(accepted) >= self.per_target
            if not refused:
                accepted.append(now)
            offered.append(now)
            self.targets.calls += 1
            self.targets.refused += refused
            self.targets.peak_1s = max(self.targets.peak_1s, len(offered))
            if len(self._target_hits) > 10_000:     # forget idle targets now and then
                for k in [k for k, (_, o) in self._target_hits.items() if o[-1] <= now - 1.0]:
                    del self._target_hits[k]
            return 1 if refused else None

    def answered(self, key: tuple, ms: float) -> None:
        with self._lock:
            if key in self.counts:
                self.counts[key].busy_ms += ms

    def view(self) -> dict:
        with self._lock:
            apis = [{"app_id": k[0], "method": k[1], "path": k[2], **c.view()} for k, c in sorted(self.counts.items())]
            targets = {"per_second": self.per_target, "calls": self.targets.calls, "refused": self.targets.refused,
                       "peak_1s": self.targets.peak_1s}
        return {"enabled": self.enabled, "per_second": self.per_second, "per_minute": self.per_minute,
                "refused": sum(a["refused"] for a in apis), "apis": apis, "targets": targets}

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
            self.counts.clear()
            self._target_hits.clear()
            self.targets = ApiCount()
