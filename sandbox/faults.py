"""Fault injection for the sandbox's Open Platform routes, so tests and benchmarks can
see how the bot behaves when Feishu misbehaves: errors, 429 bursts, latency,
dropped connections (after the work was done: the answer is lost, not the write),
and tenant tokens that expire mid-flight (99991663)."""
from __future__ import annotations

import random
import socket
import threading
import time
from dataclasses import dataclass, field

FIELDS = {"error_rate": float, "drop_rate": float, "latency_ms": int, "rate_limit_burst": int,
          "rate_limit_reset_s": int, "expire_tokens": int, "seed": int, "path_prefix": str,
          "fail_code": int, "fail_count": int}


@dataclass
class Faults:
    error_rate: float = 0.0          # share of calls answered 500 (code 1000000, nothing done)
    drop_rate: float = 0.0           # share of calls whose connection is cut after the work is done
    latency_ms: int = 0              # added to every call
    rate_limit_burst: int = 0        # the next N calls get 429 + 99991400 + x-ogw-ratelimit-reset
    rate_limit_reset_s: int = 1
    expire_tokens: int = 0           # the next N calls with a tenant token get 99991663
    seed: int | None = None
    path_prefix: str = "/open-apis/"
    fail_code: int = 0               # with fail_count: the next N calls under path_prefix get this
    fail_count: int = 0              # Feishu code (HTTP 400), e.g. 191005 at the subscription cap
    injected: dict = field(default_factory=lambda: {"error": 0, "drop": 0, "rate_limit": 0, "token": 0, "code": 0})
    # Every call under path_prefix by route ("POST /open-apis/…/<rule>"), and how many were a
    # retry: the same route and request key (idempotency_key / uuid) as a call that was faulted.
    calls: dict = field(default_factory=dict)
    retried: int = 0
    _faulted: set = field(default_factory=set, repr=False)
    _rng: random.Random = field(default_factory=random.Random, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def configure(self, values: dict) -> None:
        """Validate everything first, then apply: a bad value changes nothing."""
        clean = {}
        for k, v in values.items():
            if k not in FIELDS:
                raise ValueError(f"unknown fault setting {k!r}; known: {', '.join(sorted(FIELDS))}")
            try:
                clean[k] = FIELDS[k](v) if v is not None else None
            except (TypeError, ValueError):
                raise ValueError(f"{k} must be a {FIELDS[k].__name__}") from None
            if k.endswith("_rate") and not 0.0 <= clean[k] <= 1.0:
                raise ValueError(f"{k} must be between 0 and 1")
            if k in ("latency_ms", "rate_limit_burst", "expire_tokens", "rate_limit_reset_s", "fail_count") \
                    and clean[k] < 0:
                raise ValueError(f"{k} must not be negative")
        with self._lock:
            for k, v in clean.items():
                setattr(self, k, v)
            if "seed" in clean:
                self._rng.seed(clean["seed"])

    def reset(self) -> None:
        with self._lock:
            fresh = Faults()
            for k in FIELDS:
                setattr(self, k, getattr(fresh, k))
            self.injected = fresh.injected
            self.calls, self.retried, self._faulted = {}, 0, set()

    def view(self) -> dict:
        with self._lock:
            return {**{k: getattr(self, k) for k in FIELDS}, "injected": dict(self.injected),
                    "calls": dict(self.calls), "retried": self.retried}

    def record(self, route: str, key: str | None, outcome: str | None) -> None:
        """Count a call; `key` names the request across attempts (None: it has no key)."""
        with self._lock:
            self.calls[route] = self.calls.get(route, 0) + 1
            if key is None:
                return
            if (route, key) in self._faulted:
                self.retried += 1
            if outcome is not None:
                self._faulted.add((route, key))

    def decide(self, path: str, tenant_token: bool) -> str | None:
        """What to do with this call: None, 'error', 'rate_limit', 'token', 'code' or 'drop'."""
        if not path.startswith(self.path_prefix) or path.startswith("/open-apis/auth/"):
            return None
        with self._lock:
            if self.fail_count > 0 and self.fail_code:
                self.fail_count -= 1
                return self._count("code")
            if self.rate_limit_burst > 0:
                self.rate_limit_burst -= 1
                return self._count("rate_limit")
            if self.expire_tokens > 0 and tenant_token:
                self.expire_tokens -= 1
                return self._count("token")
            r = self._rng.random()
            if r < self.error_rate:
                return self._count("error")
            if r < self.error_rate + self.drop_rate:
                return self._count("drop")
        return None

    def _count(self, kind: str) -> str:
        self.injected[kind] = self.injected.get(kind, 0) + 1
        return kind

    def sleep(self) -> None:
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000.0)


def drop_connection(environ: dict) -> None:
    """Cut the client's connection so the answer never arrives (werkzeug's server)."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
