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

A call holds its place from the grant until its answer is back (`hold` … `release`): the
grant is logged "in flight" (stamped `IN_FLIGHT_S` ahead, so it counts in every window) and
restamped when the answer arrives. Feishu counts a request somewhere between those two
moments, so for any window Feishu looks at, every other request in it was counted when the
last of them was granted: the windows hold however long a thread waits between its grant and
its send (a loaded host), which a stamp at grant time cannot promise.

Priorities: a card click's answer and a person's reply (`INTERACTIVE`) may use the whole
window; digests, sync and housekeeping (`BACKGROUND`) only `BACKGROUND_SHARE` of it, so
background work can never starve an answer a person is waiting for.
"""
from __future__ import annotations

import bisect
import enum
import itertools
import logging
import math
import threading
import time
import uuid
import zlib
from dataclasses import dataclass
from collections.abc import Callable, Sequence
from typing import Protocol

import redis
import sqlalchemy as sa


log = logging.getLogger("yue.feishu")


@dataclass(frozen=True)
class Window:
    limit: int
    seconds: float


FEISHU_API = (Window(50, 1.0), Window(1000, 60.0))   # per API × app (contract §10)
PER_TARGET = (Window(5, 1.0),)                          # IM: one target user or chat / one message
BACKGROUND_SHARE = 0.8
# What the client keeps: Feishu's limits over slightly longer windows. Holding each place
# until the answer is back (see above) is what keeps the windows under load; the margin only
# absorbs the difference between the clock that stamps (PostgreSQL's, Redis's) and Feishu's.
FEISHU_API_SENT = (Window(50, 1.05), Window(1000, 61.0))
PER_TARGET_SENT = (Window(5, 1.05),)
# A held place not released by then (its process died mid-call) is treated as sent then:
# longer than any one HTTP attempt (FeishuClient's timeout is 10 s).
IN_FLIGHT_S = 30.0


class Priority(enum.IntEnum):
    INTERACTIVE = 0
    BACKGROUND = 1


def allowed(windows: Sequence[Window], priority: Priority) -> list[tuple[int, float]]:
    """The (limit, seconds) a caller of this priority may fill."""
    share = 1.0 if priority is Priority.INTERACTIVE else BACKGROUND_SHARE
    return [(max(1, int(w.limit * share)), w.seconds) for w in windows]


def wait_needed(grants: Sequence[float], now: float, limits: Sequence[tuple[int, float]]) -> float:
    """Seconds until one more grant fits every window, given the sorted grant times of
    the key (0.0: it fits now). A time after `now` is a call still in flight: it counts in
    every window and leaves one no sooner than `seconds` from now. Pure: the backends and
    the property test share it."""
    wait = 0.0
    for limit, seconds in limits:
        first = bisect.bisect_right(grants, now - seconds)   # grants inside (now - seconds, now]
        inside = len(grants) - first
        if inside >= limit:
            # the window frees a place when its (inside - limit + 1)-th oldest grant leaves it
            leaves = min(grants[first + inside - limit], now) + seconds
            wait = max(wait, leaves - now)
    return max(wait, 0.0)


@dataclass(frozen=True)
class Hold:
    """A place granted and not yet released: `ref` names it in its backend."""
    key: str
    ref: str


class Backend(Protocol):
    def try_acquire(self, key: str, limits: Sequence[tuple[int, float]]) -> float:
        """Record a grant stamped now and return 0.0, or record nothing and return the seconds to wait."""
        ...

    def try_hold(self, key: str, limits: Sequence[tuple[int, float]]) -> tuple[float, Hold | None]:
        """Like `try_acquire`, but the grant stays in flight until `release`: (0.0, hold) or (wait, None)."""
        ...

    def release(self, hold: Hold, used: bool = True) -> None:
        """Stamp a held place now (the call's answer is back), or drop it if nothing was sent."""
        ...


class MemoryBackend:
    """One process's grants (the default with no shared store; also the simulated store
    the property test shares between simulated processes)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()
        self._grants: dict[str, list[tuple[float, int]]] = {}   # key → sorted (stamp, ref)
        self._refs = itertools.count()

    def _grant(self, key: str, limits: Sequence[tuple[int, float]], ahead: float) -> tuple[float, Hold | None]:
        horizon = max(s for _, s in limits)
        with self._lock:
            now = self.clock()
            log = self._grants.setdefault(key, [])
            del log[:bisect.bisect_right(log, (now - horizon, math.inf))]
            wait = wait_needed([t for t, _ in log], now, limits)
            if wait > 0.0:
                return wait, None
            ref = next(self._refs)
            bisect.insort(log, (now + ahead, ref))
            return 0.0, Hold(key, str(ref))

    def try_acquire(self, key: str, limits: Sequence[tuple[int, float]]) -> float:
        return self._grant(key, limits, 0.0)[0]

    def try_hold(self, key: str, limits: Sequence[tuple[int, float]]) -> tuple[float, Hold | None]:
        return self._grant(key, limits, IN_FLIGHT_S)

    def release(self, hold: Hold, used: bool = True) -> None:
        with self._lock:
            log = self._grants.get(hold.key, [])
            for i, (_, ref) in enumerate(log):
                if str(ref) == hold.ref:
                    del log[i]
                    if used:
                        bisect.insort(log, (self.clock(), ref))
                    return


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
        self._released = threading.Condition()
        self._pending: list[tuple[int, bool]] = []     # (row id, used) waiting to be written
        self._writing = False
        self._flusher: threading.Thread | None = None
        with engine.connect() as c:
            c.execution_options(yue_write=True)   # instances starting together take turns
            with c.begin():
                if self._pg:
                    c.execute(sa.text("SELECT pg_advisory_xact_lock(:h)"), {"h": zlib.crc32(b"rate_grants")})
                _GRANTS.metadata.create_all(c)

    def _grant(self, key: str, limits: Sequence[tuple[int, float]], ahead: float) -> tuple[float, Hold | None]:
        horizon = max(s for _, s in limits)
        with self.engine.connect() as c:
            # the store's engine turns this into BEGIN IMMEDIATE on SQLite (bot/store)
            c.execution_options(yue_write=True)
            with c.begin():
                if self._pg:
                    c.execute(sa.text("SELECT pg_advisory_xact_lock(:h)"), {"h": zlib.crc32(key.encode())})
                now = self._now(c)
                rows = c.execute(sa.select(_GRANTS.c.ts).where(_GRANTS.c.key == key, _GRANTS.c.ts > now - horizon)
                                 .order_by(_GRANTS.c.ts)).scalars().all()
                wait = wait_needed(list(rows), now, limits)
                if wait > 0.0:
                    return wait, None
                insert = _GRANTS.insert().values(key=key, ts=now + ahead).returning(_GRANTS.c.id)
                row_id = c.execute(insert).scalar_one()
                if len(rows) % 200 == 0:   # now and then, forget grants no window can see
                    c.execute(_GRANTS.delete().where(_GRANTS.c.key == key, _GRANTS.c.ts <= now - horizon))
                return 0.0, Hold(key, str(row_id))

    def _now(self, c: sa.Connection) -> float:
        if self._pg:
            return float(c.execute(sa.text("SELECT extract(epoch FROM clock_timestamp())")).scalar_one())
        return self.clock()

    def try_acquire(self, key: str, limits: Sequence[tuple[int, float]]) -> float:
        return self._grant(key, limits, 0.0)[0]

    def try_hold(self, key: str, limits: Sequence[tuple[int, float]]) -> tuple[float, Hold | None]:
        return self._grant(key, limits, IN_FLIGHT_S)

    def release(self, hold: Hold, used: bool = True) -> None:
        """Queued, written by a background thread in batches: stamping a little later only
        frees the place a little later, and the call's answer need not wait for it."""
        with self._released:
            self._pending.append((int(hold.ref), used))
            self._released.notify_all()
            if self._flusher is None or not self._flusher.is_alive():
                self._flusher = threading.Thread(target=self._flush_loop, name="yue-rate-release", daemon=True)
                self._flusher.start()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every release so far is written (tests; an orderly stop)."""
        with self._released:
            return self._released.wait_for(lambda: not self._pending and not self._writing, timeout)

    def _flush_loop(self) -> None:
        while True:
            with self._released:
                self._released.wait_for(lambda: bool(self._pending))
                batch, self._pending, self._writing = self._pending, [], True
            try:
                self._write(batch)
            except Exception as e:   # the places stay in flight until IN_FLIGHT_S: safe, only slower
                log.warning("rate window: %d releases not written (%s)", len(batch), type(e).__name__)
            with self._released:
                self._writing = False
                self._released.notify_all()

    def _write(self, batch: list[tuple[int, bool]]) -> None:
        # No advisory lock: moving a stamp from the future to now only ever frees a place
        # sooner, and a decision that saw either stamp counted the call.
        used = [i for i, u in batch if u]
        dropped = [i for i, u in batch if not u]
        with self.engine.connect() as c:
            c.execution_options(yue_write=True)
            with c.begin():
                if used:
                    c.execute(_GRANTS.update().where(_GRANTS.c.id.in_(used)).values(ts=self._now(c)))
                if dropped:
                    c.execute(_GRANTS.delete().where(_GRANTS.c.id.in_(dropped)))


_REDIS_ACQUIRE = """
local key = KEYS[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local horizon = tonumber(ARGV[1])
local ahead = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - horizon)
local wait = 0
local i = 4
while i < #ARGV do
  local limit = tonumber(ARGV[i])
  local seconds = tonumber(ARGV[i + 1])
  local inside = redis.call('ZRANGEBYSCORE', key, '(' .. (now - seconds), '+inf', 'WITHSCORES')
  local count = #inside / 2
  if count >= limit then
    local leaves = math.min(tonumber(inside[(count - limit) * 2 + 2]), now) + seconds
    if leaves - now > wait then wait = leaves - now end
  end
  i = i + 2
end
if wait <= 0 then
  redis.call('ZADD', key, now + ahead, ARGV[2])
  redis.call('PEXPIRE', key, math.ceil((horizon + ahead) * 1000) + 1000)
  return '0'
end
return tostring(wait)
"""

# ARGV: member, "1" (stamp it now: the answer is back) or "0" (drop it: nothing was sent)
_REDIS_RELEASE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
if ARGV[2] == '1' then
  redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
else
  redis.call('ZREM', KEYS[1], ARGV[1])
end
return 1
"""


class RedisBackend:
    """Grants in a Redis sorted set per key; one Lua script decides and records
    atomically on Redis's own clock."""

    def __init__(self, url: str, prefix: str = "yue:rate:"):
        self._redis = redis.Redis.from_url(url)
        self._script = self._redis.register_script(_REDIS_ACQUIRE)
        self._release = self._redis.register_script(_REDIS_RELEASE)
        self.prefix = prefix

    def _grant(self, key: str, limits: Sequence[tuple[int, float]], ahead: float) -> tuple[float, Hold | None]:
        horizon = max(s for _, s in limits)
        member = uuid.uuid4().hex
        # ARGV: horizon, a unique member, how far ahead to stamp it, then (limit, seconds) pairs
        args: list[str | float] = [horizon, member, ahead]
        for limit, seconds in limits:
            args += [limit, seconds]
        wait = float(self._script(keys=[self.prefix + key], args=args))
        return (wait, None) if wait > 0.0 else (0.0, Hold(key, member))

    def try_acquire(self, key: str, limits: Sequence[tuple[int, float]]) -> float:
        return self._grant(key, limits, 0.0)[0]

    def try_hold(self, key: str, limits: Sequence[tuple[int, float]]) -> tuple[float, Hold | None]:
        return self._grant(key, limits, IN_FLIGHT_S)

    def release(self, hold: Hold, used: bool = True) -> None:
        self._release(keys=[self.prefix + hold.key], args=[hold.ref, "1" if used else "0"])


class WindowFull(Exception):
    """`acquire` would have to wait longer than its `max_wait`: no grant was recorded."""

    def __init__(self, wait: float):
        super().__init__(f"rate window full for {wait:.2f}s more")
        self.wait = wait


class SharedLimiter:
    """`acquire(key)` blocks until Feishu's windows for `key` admit one more call, in
    every process that shares the backend. Returns the seconds spent waiting."""

    def __init__(self, backend: Backend, windows: Sequence[Window] = FEISHU_API, *,
                 sleep: Callable[[float], None] = time.sleep):
        self.backend = backend
        self.windows = tuple(windows)
        self._sleep = sleep

    def acquire(self, key: str = "", priority: Priority = Priority.INTERACTIVE,
                windows: Sequence[Window] | None = None, max_wait: float | None = None) -> float:
        """max_wait: raise `WindowFull` instead of waiting longer than this in total (a
        person is waiting; the inbox can try again later)."""
        return self._wait(lambda limits: (self.backend.try_acquire(key, limits), None),
                          allowed(windows or self.windows, priority), max_wait)[0]

    def hold(self, key: str = "", priority: Priority = Priority.INTERACTIVE,
             windows: Sequence[Window] | None = None, max_wait: float | None = None) -> tuple[float, Hold]:
        """Like `acquire`, but the place stays in flight until `release(hold)`: call that
        when the request's answer is back (or with used=False when nothing was sent)."""
        waited, hold = self._wait(lambda limits: self.backend.try_hold(key, limits),
                                  allowed(windows or self.windows, priority), max_wait)
        assert hold is not None
        return waited, hold

    def release(self, hold: Hold, used: bool = True) -> None:
        self.backend.release(hold, used)

    def _wait(self, grant: Callable[[list[tuple[int, float]]], tuple[float, Hold | None]],
              limits: list[tuple[int, float]], max_wait: float | None) -> tuple[float, Hold | None]:
        waited = 0.0
        while True:
            wait, hold = grant(limits)
            if wait <= 0.0:
                return waited, hold
            if max_wait is not None and waited + wait > max_wait:
                raise WindowFull(wait)
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


def limiter_for(redis_url: str | None, engine: sa.Engine | None) -> SharedLimiter:
    """The deployment's limiter: Redis (`REDIS_URL`), else a PostgreSQL database the
    instances share, else this process's memory. A SQLite file is one host's, and its
    single write lock is the inbox's: a grant per Feishu call there would slow every
    acknowledgement, so one process on SQLite counts in memory."""
    shared = engine if engine is not None and engine.dialect.name == "postgresql" else None
    return SharedLimiter(backend_for(redis_url, shared), FEISHU_API_SENT)
