"""The shared limiter keeps Feishu's windows for any number of processes.

The property test runs 1–8 simulated processes on a simulated clock against one shared
backend and checks the grant log: no 1 s holds more than 50 grants for a key, no 60 s
more than 1,000. The store tests do the same with real threads, each with its own
engine (as separate processes would), against SQLite, PostgreSQL and Redis."""
from __future__ import annotations

import heapq
import os
import threading

import pytest
import redis
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.feishu.limits import (FEISHU_API, MemoryBackend, Priority, RedisBackend, SharedLimiter, SqlBackend,
                               Window, allowed, wait_needed)
from bot.store.core import make_engine
from tests.support.databases import pg_schema_url


def _max_in_any(grants: list[float], seconds: float) -> int:
    """The most grants inside any half-open window [t, t + seconds)."""
    g = sorted(grants)
    best, j = 0, 0
    for i, t in enumerate(g):
        while j < len(g) and g[j] < t + seconds:
            j += 1
        best = max(best, j - i)
    return best


class SimClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _simulate(procs: int, gaps: list[float], windows, horizon: float, priority=Priority.INTERACTIVE) -> list[float]:
    """Each process calls as fast as its gap allows; refused calls wait what they are told."""
    clock = SimClock()
    backend = MemoryBackend(clock)
    limits = allowed(windows, priority)
    queue = [(clock.t + k * 0.0007, k, 0) for k in range(procs)]
    grants: list[float] = []
    while queue:
        t, k, n = heapq.heappop(queue)
        if t > clock.t + horizon and not grants:
            break
        clock.t = max(clock.t, t)
        if clock.t > 1000.0 + horizon:
            break
        wait = backend.try_acquire("calendar.freebusy.list", limits)
        if wait > 0:
            heapq.heappush(queue, (clock.t + wait + 0.001, k, n))
        else:
            grants.append(clock.t)
            heapq.heappush(queue, (clock.t + gaps[(k + n) % len(gaps)], k, n + 1))
    return grants


@settings(max_examples=25, deadline=None)
@given(procs=st.integers(1, 8), gaps=st.lists(st.floats(0.0, 0.05), min_size=1, max_size=5))
def test_windows_hold_for_any_number_of_processes(procs, gaps):
    grants = _simulate(procs, gaps, FEISHU_API, horizon=75.0)
    assert _max_in_any(grants, 1.0) <= 50
    assert _max_in_any(grants, 60.0) <= 1000
    # and the limiter is not needlessly slow: the minute window is filled when callers push hard
    if min(gaps) < 0.01 or procs > 2:
        assert _max_in_any(grants, 60.0) >= 900


@settings(max_examples=15, deadline=None)
@given(procs=st.integers(1, 8), gaps=st.lists(st.floats(0.0, 0.02), min_size=1, max_size=3))
def test_background_work_leaves_room_for_answers(procs, gaps):
    grants = _simulate(procs, gaps, (Window(50, 1.0),), horizon=5.0, priority=Priority.BACKGROUND)
    assert _max_in_any(grants, 1.0) <= 40


def test_wait_needed_names_the_moment_a_place_frees():
    grants = [10.0, 10.2, 10.4]
    assert wait_needed(grants, 10.5, [(3, 1.0)]) == pytest.approx(0.5)   # 10.0 leaves at 11.0
    assert wait_needed(grants, 11.01, [(3, 1.0)]) == 0.0
    assert wait_needed(grants, 10.5, [(4, 1.0)]) == 0.0
    assert wait_needed(grants, 10.5, [(4, 1.0), (2, 5.0)]) == pytest.approx(4.7)  # 10.2 leaves at 15.2


def test_limiter_sleeps_what_the_backend_says():
    clock = SimClock()
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        clock.t += s

    lim = SharedLimiter(MemoryBackend(clock), (Window(2, 1.0),), sleep=sleep)
    assert [lim.acquire("k") for _ in range(2)] == [0.0, 0.0]
    waited = lim.acquire("k")
    assert waited == pytest.approx(1.001) and slept == [pytest.approx(1.001)]
    assert lim.acquire("other") == 0.0       # keys are counted apart


HAMMER_WINDOWS = (Window(5, 0.3), Window(12, 1.5))


def _hammer(make_backend, n_threads: int = 4, calls: int = 12, windows=HAMMER_WINDOWS) -> None:
    stamps: list[float] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            backend = make_backend()   # one backend (engine / client) per thread, as per process
            lim = SharedLimiter(backend, windows)
            for _ in range(calls):
                lim.acquire("im.message.reply")
                with lock:
                    stamps.append(0.0)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(stamps) == n_threads * calls


def _check_table(engine: sa.Engine) -> None:
    with engine.connect() as c:
        ts = [r[0] for r in c.execute(sa.text("SELECT ts FROM rate_grants WHERE key = 'im.message.reply'"))]
    assert len(ts) >= 48
    assert _max_in_any(ts, 0.3) <= 5
    assert _max_in_any(ts, 1.5) <= 12


def test_sqlite_backend_shared_by_separate_engines(tmp_path):
    url = f"sqlite:///{tmp_path / 'limits.db'}"
    engines: list[sa.Engine] = []

    def make():
        e = make_engine(url)
        engines.append(e)
        return SqlBackend(e)

    _hammer(make)
    _check_table(make_engine(url))


@pytest.mark.postgres
def test_postgres_backend_shared_by_separate_engines():
    # A schema of its own: another test run (or xdist worker) never shares this rate_grants table.
    with pg_schema_url() as url:
        engines = [make_engine(url)]
        SqlBackend(engines[0])          # the table, made once before the threads race

        def make():
            engines.append(make_engine(url))
            return SqlBackend(engines[-1])

        _hammer(make)
        _check_table(engines[0])
        for e in engines:               # no connection outlives the schema
            e.dispose()


def _redis_url_or_skip() -> str:
    """TEST_REDIS_URL (default: this machine's Redis, db 15), or skip the test when nobody answers there."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {url}")
    return url


def test_redis_backend_shared_by_separate_clients():
    url = _redis_url_or_skip()
    prefix = f"yue-test:{os.getpid()}:"
    stamps_key = prefix + "im.message.reply"
    windows = (Window(5, 0.3), Window(28, 60.0))   # the minute keeps every grant in the sorted set
    try:
        _hammer(lambda: RedisBackend(url, prefix=prefix), calls=7, windows=windows)
        r = redis.Redis.from_url(url)
        ts = [score for _, score in r.zrange(stamps_key, 0, -1, withscores=True)]
        assert len(ts) == 28
        assert _max_in_any(ts, 0.3) <= 5
        # the minute is full: one more is refused, told to wait until the first grant leaves it
        wait = RedisBackend(url, prefix=prefix).try_acquire("im.message.reply", allowed(windows, Priority.INTERACTIVE))
        assert 50.0 < wait <= 60.0
        assert r.zcard(stamps_key) == 28
    finally:
        redis.Redis.from_url(url).delete(stamps_key)


def test_limiter_for_picks_the_backend_the_deployment_shares(tmp_path):
    from bot.feishu.limits import FEISHU_API_SENT, limiter_for

    lim = limiter_for(None, make_engine(f"sqlite:///{tmp_path / 'one-host.db'}"))
    assert isinstance(lim.backend, MemoryBackend) and lim.windows == FEISHU_API_SENT   # SQLite: this process
    assert isinstance(limiter_for(None, None).backend, MemoryBackend)
    assert isinstance(limiter_for("redis://127.0.0.1:1/0", None).backend, RedisBackend)   # lazy: no connection yet
    url = os.environ.get("TEST_DATABASE_URL")
    if url and url.startswith("postgresql"):
        assert isinstance(limiter_for(None, make_engine(url)).backend, SqlBackend)


def test_a_full_window_raises_instead_of_waiting_past_max_wait():
    from bot.feishu.limits import WindowFull
    clock = SimClock()
    slept: list[float] = []
    lim = SharedLimiter(MemoryBackend(clock), (Window(1, 10.0),), sleep=slept.append)
    lim.acquire("k", max_wait=0.0)
    with pytest.raises(WindowFull) as ei:
        lim.acquire("k", max_wait=2.5)
    assert ei.value.wait == pytest.approx(10.0) and slept == []      # nothing waited, nothing granted
    clock.t += 10.0
    assert lim.acquire("k", max_wait=0.0) == 0.0


# --- what Feishu counts: the request's arrival, somewhere between its grant and its answer ------

def _simulate_sent(procs: int, to_send: list[float], to_answer: list[float], windows, *, horizon: float,
                   stamp_at_grant: bool = False) -> tuple[list[float], int]:
    """Simulated processes calling one API as fast as they may; the n-th granted request reaches
    the gateway `to_send[n]` later (a thread starved between grant and send; the lists repeat) and
    is answered `to_answer[n]` after that. The gateway is the sandbox's own counter.
    Returns (arrival times, refused)."""
    from sandbox.gateway_limits import RateLimiter

    clock = SimClock()
    backend = MemoryBackend(clock)
    limits = allowed(windows, Priority.INTERACTIVE)
    gateway = RateLimiter(per_second=windows[0].limit, per_minute=10 ** 9)
    events = [(clock.t + k * 0.0003, k, "try", k, None) for k in range(procs)]
    arrivals: list[float] = []
    refused, seq, n = 0, procs, 0
    while events:
        t, _, kind, k, hold = heapq.heappop(events)
        clock.t = t
        seq += 1
        if kind == "try" and t < 1000.0 + horizon:
            if stamp_at_grant:
                wait, hold = backend.try_acquire("im.message.reply", limits), None
            else:
                wait, hold = backend.try_hold("im.message.reply", limits)
            if wait > 0:
                heapq.heappush(events, (t + wait + 0.001, seq, "try", k, None))
            else:
                heapq.heappush(events, (t + to_send[n % len(to_send)], seq, "arrive", k, hold))
                n += 1
        elif kind == "arrive":
            arrivals.append(t)
            refused += gateway.check(("cli", "POST", "reply"), now=t) is not None
            heapq.heappush(events, (t + to_answer[len(arrivals) % len(to_answer)], seq, "answer", k, hold))
        elif kind == "answer":
            if hold is not None:
                backend.release(hold)
            heapq.heappush(events, (t, seq, "try", k, None))
    return arrivals, refused


def test_a_request_granted_early_and_sent_late_crowds_feishus_window_unless_held():
    # A is granted at once but its thread is starved: it reaches Feishu 0.9 s later. B goes at
    # once. Stamped at its grant, A's place frees at 1.0 s, and two more arrive beside A.
    windows = (Window(2, 1.0),)
    arrivals, refused = _simulate_sent(2, [0.9, 0.0, 0.0, 0.0], [0.01], windows, horizon=3.0, stamp_at_grant=True)
    assert _max_in_any(arrivals, 1.0) == 3 and refused >= 1
    # Held until its answer is back, A's place frees only 1 s after A was surely counted.
    arrivals, refused = _simulate_sent(2, [0.9, 0.0, 0.0, 0.0], [0.01], windows, horizon=3.0)
    assert _max_in_any(arrivals, 1.0) <= 2 and refused == 0 and len(arrivals) >= 4


@settings(max_examples=40, deadline=None)
@given(procs=st.integers(1, 8), to_send=st.lists(st.floats(0.0, 1.5), min_size=1, max_size=6),
       to_answer=st.lists(st.floats(0.0, 0.3), min_size=1, max_size=4))
def test_feishus_windows_hold_however_late_a_granted_request_is_sent(procs, to_send, to_answer):
    arrivals, refused = _simulate_sent(procs, to_send, to_answer, (Window(10, 1.0),), horizon=6.0)
    assert _max_in_any(arrivals, 1.0) <= 10 and refused == 0
    assert len(arrivals) >= min(procs, 10)      # and calls do go through


def test_a_place_released_unused_frees_at_once():
    clock = SimClock()
    backend = MemoryBackend(clock)
    limits = allowed((Window(1, 1.0),), Priority.INTERACTIVE)
    wait, hold = backend.try_hold("k", limits)
    assert wait == 0.0 and hold is not None
    assert backend.try_hold("k", limits)[0] == pytest.approx(1.0)   # in flight: no sooner than 1 s from now
    backend.release(hold, used=False)                                # nothing was sent
    assert backend.try_hold("k", limits)[0] == 0.0


def _held_then_released(backend, key: str) -> None:
    limits = allowed((Window(1, 1.0),), Priority.INTERACTIVE)
    wait, hold = backend.try_hold(key, limits)
    assert wait == 0.0 and hold is not None
    wait, none = backend.try_hold(key, limits)
    assert none is None and 0.9 < wait <= 1.0          # in flight: at least a window from now
    backend.release(hold)                               # answered: stamped now, leaves in 1 s
    getattr(backend, "flush", lambda: True)()           # the SQL backend writes releases in the background
    assert 0.5 < backend.try_hold(key, limits)[0] <= 1.0
    other, unused = backend.try_hold(key + ":b", limits)
    assert other == 0.0 and unused is not None
    backend.release(unused, used=False)                 # nothing sent: the place is free at once
    getattr(backend, "flush", lambda: True)()
    assert backend.try_hold(key + ":b", limits)[0] == 0.0


def test_sql_backend_holds_a_place_until_it_is_released(tmp_path):
    _held_then_released(SqlBackend(make_engine(f"sqlite:///{tmp_path / 'hold.db'}")), f"hold:{os.getpid()}")
    url = os.environ.get("TEST_DATABASE_URL")
    if url and url.startswith("postgresql"):
        _held_then_released(SqlBackend(make_engine(url)), f"hold:{os.getpid()}:{id(tmp_path)}")


def test_redis_backend_holds_a_place_until_it_is_released():
    url = _redis_url_or_skip()
    prefix = f"yue-test-hold:{os.getpid()}:"
    try:
        _held_then_released(RedisBackend(url, prefix=prefix), "k")
    finally:
        r = redis.Redis.from_url(url)
        r.delete(prefix + "k", prefix + "k:b")
