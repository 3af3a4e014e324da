"""Feishu's request windows, kept by every process and instance together.

Feishu counts per API × app (× tenant): at most 50 requests in any second and 1,000 in
any minute (contract §10), plus about 5 per second to one message or one chat for IM.
A limiter per process lets N processes send N times that, so the grants live where all
instances see them: Redis when `REDIS_URL` is set, else the deployment's database
(PostgreSQL for several instances; SQLite for one host), else process memory.

The rule is a sliding log, not a token bucket: a call is granted only if, for every
window, fewer than `limit` grants for its key fall inside the last `seconds`. A log
says exactly what Feishu counts ("any 1 s", "any 60 s"); a bucket refilled at
50/s lets 100 through across a window edge.

Priorities: a card click's answer and a person's reply (`INTERACTIVE`) may use the whole
window; digests, sync and housekeeping (`BACKGROUND`) only `BACKGROUND_SHARE` of it, so
background work can never starve an answer a person is waiting for.
"""
from __future__ import annotations

import bisect
import enum
import threading
import time
import uuid
import zlib
from collections import deque
from dataclasses import dataclass
from collections.abc import Callable, Sequence
from typing import Protocol

import redis
import sqlalchemy as sa


@dataclass(frozen=True)
class Window:
    limit: int
    seconds: float


FEISHU_API = (Window(50, 1.0), Window(1000, 60.0))   # per API × app (contract §10)
PER_TARGET = (Window(5, 1.0),)                          # IM: one message / one chat
BACKGROUND_SHARE = 0.8


class Priority(enum.IntEnum):
    INTERACTIVE = 0
    BACKGROUND = 1


def allowed(windows: Sequence[Window], priority: Priority) -> list[tuple[int, float]]:
    """The (limit, seconds) a caller of this priority may fill."""
    share = 1.0 if priority is Priority.INTERACTIVE else BACKGROUND_SHARE
    return [(max(1, int(w.limit * share)), w.seconds) for w in windows]


def wait_needed(grants: Sequence[float], now: float, limits: Sequence[tuple[int, float]]) -> float:
    """Seconds until one more grant fits every window, given the sorted grant times of
    the key (0.0: it fits now). Pure: the backends and the property test share it."""
    wait = 0.0
    for limit, seconds in limits:
        first = bisect.bisect_right(grants, now - seconds)   # grants inside (now - seconds, now]
        inside = len(grants) - first
        if inside >= limit:
            # the window frees a place when its (inside - limit + 1)-th oldest grant leaves it
            leaves = grants[first + inside - limit] + seconds
            wait = max(wait, leaves - now)
    return max(wait, 0.0)


class Backend(Protocol):
    def try_acquire(self, key: str, limits: Sequence[tuple[int, float]]) -> float:
        """Record a grant and return 0.0, or record nothing and return the seconds to wait."""
        ...


class MemoryBackend:
    """One process's grants (the default with no shared store; also the simulated store
    the property test shares between simulated processes)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()
        self._grants: dict[str, deque[float]] = {}

    def try_acquire(self, key: str, limits: Sequence[tuple[int, float]]) -> float:
        horizon = max(s for _, s in limits)
        with self._lock:
            now = self.clock()
            log = self._grants.setdefault(key, deque())
            while log and log[0] <= now - horizon:
                log.popleft()
            wait = wait_needed(list(log), now, limits)
            if wait == 0.0:
                log.append(now)
            return wait


_GRANTS = sa.Table("rate_grants", sa.MetaData(),
                   sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                   sa.Column("key", sa.String(200), nullable=False),
                   sa.Column("ts", sa.Float, nullable=False),
                   sa.Index("ix_rate_grants_key_ts", "key", "ts"))


class SqlBackend:
    """Grants in a table of the deployment's database. PostgreSQL serialises one key's
    decisions with a transaction-scoped advisory lock and uses its own clock, so hosts
    with skewed clocks still count one timeline; SQLite (one host) serialises every
    decision with an immediate write transaction."""

    def __init__(self, engine: sa.Engine, clock: Callable[[], float] = time.time):
        self.engine = engine
        self.clock = clock
        self._pg = engine.dialect.name == "postgresql"
        with engine.connect() as c:
            c.execution_options(yue_write=True)   # instances starting together take turns
            with c.begin():
                if self._pg:
                    c.execute(sa.text("SELECT pg_advisory_xact_lock(:h)"), {"h": zlib.crc32(b"rate_grants")})
                _GRANTS.metadata.create_all(c)

    def try_acquire(self, key: str, limits: Sequence[tuple[int, float]]) -> float:
        horizon = max(s for _, s in limits)
        with self.engine.connect() as c:
            # the store's engine turns this into BEGIN IMMEDIATE on SQLite (bot/store)
            c.execution_options(yue_write=True)
            with c.begin():
                if self._pg:
                    c.execute(sa.text("SELECT pg_advisory_xact_lock(:h)"), {"h": zlib.crc32(key.encode())})
                    now = float(c.execute(sa.text("SELECT extract(epoch FROM clock_timestamp())")).scalar_one())
                else:
                    now = self.clock()
                rows = c.execute(sa.select(_GRANTS.c.ts).where(_GRANTS.c.key == key, _GRANTS.c.ts > now - horizon)
                                 .order_by(_GRANTS.c.ts)).scalars().all()
                wait = wait_needed(list(rows), now, limits)
                if wait == 0.0:
                    c.execute(_GRANTS.insert().values(key=key, ts=now))
                    if len(rows) % 200 == 0:   # now and then, forget grants no window can see
                        c.execute(_GRANTS.delete().where(_GRANTS.c.key == key, _GRANTS.c.ts <= now - horizon))
                return wait


_REDIS_ACQUIRE = """
local key = KEYS[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local horizon = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - horizon)
local wait = 0
local i = 3
while i < #ARGV do
  local limit = tonumber(ARGV[i])
  local seconds = tonumber(ARGV[i + 1])
  local inside = redis.call('ZRANGEBYSCORE', key, '(' .. (now - seconds), '+inf', 'WITHSCORES')
  local count = #inside / 2
  if count >= limit then
    local leaves = tonumber(inside[(count - limit) * 2 + 2]) + seconds
    if leaves - now > wait then wait = leaves - now end
  end
  i = i + 2
end
if wait <= 0 then
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, math.ceil(horizon * 1000) + 1000)
  return '0'
end
return tostring(wait)
"""


class RedisBackend:
    """Grants in a Redis sorted set per key; one Lua script decides and records
    atomically on Redis's own clock."""

    def __init__(self, url: str, prefix: str = "yue:rate:"):
        self._redis = redis.Redis.from_url(url)
        self._script = self._redis.register_script(_REDIS_ACQUIRE)
        self.prefix = prefix

    def try_acquire(self, key: str, limits: Sequence[tuple[int, float]]) -> float:
        horizon = max(s for _, s in limits)
        # ARGV: horizon, a unique member, then (limit, seconds) pairs
        args: list[str | float] = [horizon, uuid.uuid4().hex]
        for limit, seconds in limits:
            args += [limit, seconds]
        return float(self._script(keys=[self.prefix + key], args=args))


class SharedLimiter:
    """`acquire(key)` blocks until Feishu's windows for `key` admit one more call, in
    every process that shares the backend. Returns the seconds spent waiting."""

    def __init__(self, backend: Backend, windows: Sequence[Window] = FEISHU_API, *,
                 sleep: Callable[[float], None] = time.sleep):
        self.backend = backend
        self.windows = tuple(windows)
        self._sleep = sleep

    def acquire(self, key: str = "", priority: Priority = Priority.INTERACTIVE,
                windows: Sequence[Window] | None = None) -> float:
        limits = allowed(windows or self.windows, priority)
        waited = 0.0
        while True:
            wait = self.backend.try_acquire(key, limits)
            if wait <= 0.0:
                return waited
            # a little over: the grant that frees the place must have left the window
            self._sleep(wait + 0.001)
            waited += wait + 0.001


def backend_for(redis_url: str | None, engine: sa.Engine | None) -> Backend:
    """Redis when configured, else a database every instance shares, else this process."""
    if redis_url:
        return RedisBackend(redis_url)
    if engine is not None:
        return SqlBackend(engine)
    return MemoryBackend()
