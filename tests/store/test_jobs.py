"""The jobs table (bot/store/jobs.py): leases, compare-and-set steps, exactly-once
claiming by several instances, on SQLite and (TEST_DATABASE_URL) PostgreSQL."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, UTC

import pytest

from bot.store import Store
from tests.store.test_store import race

UTC = UTC
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def add(store: Store, i: int, at: datetime = T0, **kw):
    job, created = store.job_add(f"job-{i}", "remind", "ou_alice", at, {"i": i, "tz": "UTC"}, now=T0, **kw)
    assert created
    return job


def test_add_is_idempotent_by_id(store: Store) -> None:
    first = add(store, 1)
    again, created = store.job_add("job-1", "remind", "ou_bob", T0 + timedelta(hours=1), {"x": 1}, now=T0)
    assert not created and again == first                # the first stays as it was
    assert store.jobs_active_count() == 1


def test_only_due_jobs_are_claimed_soonest_first(store: Store) -> None:
    add(store, 1, T0 + timedelta(minutes=5))
    add(store, 2, T0 + timedelta(minutes=1))
    add(store, 3, T0 + timedelta(hours=1))
    assert store.jobs_claim("w1", now=T0) == []
    got = store.jobs_claim("w1", now=T0 + timedelta(minutes=10))
    assert [j.id for j in got] == ["job-2", "job-1"]
    assert all(j.status == "running" and j.attempts == 1 for j in got)
    assert store.jobs_claim("w2", now=T0 + timedelta(minutes=10)) == []   # leased: nobody else gets them


def test_fired_schedules_the_next_occurrence_or_ends(store: Store) -> None:
    add(store, 1)
    add(store, 2)
    a, b = store.jobs_claim("w1", now=T0)
    nxt = T0 + timedelta(days=1)
    assert store.job_fired(a, nxt, now=T0)
    assert store.job_fired(b, None, now=T0)
    a2, b2 = store.job_get("job-1"), store.job_get("job-2")
    assert (a2.status, a2.occurs_at, a2.due_at, a2.fired, a2.attempts) == ("scheduled", nxt, nxt, 1, 0)
    assert (b2.status, b2.fired) == ("done", 1)
    assert not store.job_fired(b, None, now=T0)          # a step is taken once


def test_expired_lease_goes_to_another_worker_and_the_old_one_cannot_mark(store: Store) -> None:
    add(store, 1)
    (first,) = store.jobs_claim("w1", lease_seconds=30, now=T0)
    assert store.jobs_claim("w2", lease_seconds=30, now=T0 + timedelta(seconds=29)) == []
    (second,) = store.jobs_claim("w2", lease_seconds=30, now=T0 + timedelta(seconds=31))
    assert second.id == first.id and second.attempts == 2 and second.occurs_at == first.occurs_at
    assert not store.job_fired(first, None)             # w1 woke up late: its lease is gone
    assert store.job_fired(second, None)
    assert store.job_get("job-1").fired == 1


def test_worker_dying_every_time_ends_dead(store: Store) -> None:
    from bot.store.jobs import MAX_ATTEMPTS
    add(store, 1)
    t = T0
    for _ in range(MAX_ATTEMPTS):
        assert len(store.jobs_claim("w", lease_seconds=10, now=t)) == 1
        t += timedelta(seconds=11)
    assert store.jobs_claim("w", lease_seconds=10, now=t) == []
    assert store.job_get("job-1").status == "dead"


def test_cancel_wins_over_a_running_step(store: Store) -> None:
    add(store, 1)
    (job,) = store.jobs_claim("w1", now=T0)
    assert store.job_cancel("job-1", owner="ou_bob") is None      # not Bob's
    assert store.job_cancel("job-1", owner="ou_alice").status == "cancelled"
    assert store.job_cancel("job-1") is None                        # already cancelled
    assert not store.job_fired(job, T0 + timedelta(days=1))         # the runner cannot revive it
    assert store.job_get("job-1").status == "cancelled"


def test_move_retry_and_end(store: Store) -> None:
    add(store, 1)
    (job,) = store.jobs_claim("w1", now=T0)
    later = T0 + timedelta(hours=2)
    assert store.job_move(job, later, due_at=T0 + timedelta(hours=1), payload={"moved": True})
    moved = store.job_get("job-1")
    assert (moved.occurs_at, moved.due_at, moved.payload) == (later, T0 + timedelta(hours=1), {"moved": True})
    (job,) = store.jobs_claim("w1", now=T0 + timedelta(hours=1))
    assert store.job_retry(job, T0 + timedelta(hours=1, minutes=1), "boom")
    retried = store.job_get("job-1")
    assert retried.occurs_at == later and retried.last_error == "boom" and retried.status == "scheduled"
    (job,) = store.jobs_claim("w1", now=T0 + timedelta(hours=1, minutes=1))
    assert store.job_end(job, "dropped", "event cancelled")
    assert store.job_get("job-1").status == "dropped"
    with pytest.raises(ValueError):
        store.job_end(job, "nonsense")


def test_lists_by_owner_chat_and_kind(store: Store) -> None:
    add(store, 1)
    store.job_add("d1", "digest", "ou_alice", T0, {}, chat_id="oc_team", now=T0)
    store.job_add("d2", "digest", "ou_alice", T0, {}, now=T0)
    assert [j.id for j in store.jobs_of(owner="ou_alice", kind="digest", private=True)] == ["d2"]
    assert [j.id for j in store.jobs_of(chat_id="oc_team")] == ["d1"]
    assert store.jobs_of(owner="ou_bob") == []
    store.job_cancel("d2")
    assert [j.id for j in store.jobs_of(owner="ou_alice")] == ["d1", "job-1"]     # by time, then id


def test_two_instances_claim_each_job_exactly_once(make_store) -> None:
    a, b = make_store(), make_store()
    n = 120
    for i in range(n):
        add(a, i)
    claimed: list[str] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        s = a if i % 2 else b
        while got := s.jobs_claim(f"w{i}", 60, limit=7, now=T0 + timedelta(seconds=1)):
            for job in got:
                assert s.job_fired(job, None, now=T0)
                with lock:
                    claimed.append(job.id)

    race(6, worker)
    assert sorted(claimed) == sorted(f"job-{i}" for i in range(n))
    assert a.jobs_active_count() == 0
