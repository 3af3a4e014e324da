"""Retention (bot/scheduler/housekeeping.py): on a frozen clock, a week of traffic with the
instances' schedulers looking for due jobs leaves exactly what the retention period keeps;
two instances sharing the database prune once per period (one housekeeping job per hour)
and without conflict. SQLite always, PostgreSQL too when TEST_DATABASE_URL is set
(tests/store/conftest.py)."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from datetime import datetime, timedelta, UTC
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import func, select

from bot.scheduler import Scheduler, housekeeping
from bot.store import Store
from bot.store.tables import cache, drafts, inbox, jobs, oauth_states, seen
from tests.store.test_store import race

UTC = UTC
T0 = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
DAYS = 2                      # YUE_RETENTION_DAYS for the test: a week is longer than that
HOUR = timedelta(hours=1)
STEP = timedelta(hours=4)     # traffic comes, and the sweepers ask, every 4 hours of the frozen clock


def count(store: Store, table, *where) -> int:
    with store.engine.connect() as c:
        return c.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


@dataclass
class Instance:
    """What a scheduler needs of its bot: the store, the (frozen) clock, an id, the settings."""
    store: Store
    clock: list[datetime]
    worker_id: str
    retention_days: int
    settings: SimpleNamespace = field(init=False)

    def __post_init__(self) -> None:
        self.settings = SimpleNamespace(retention_days=self.retention_days)

    def now(self) -> datetime:
        return self.clock[0]


def scheduler(store: Store, clock: list[datetime], name: str, days: int) -> Scheduler:
    return Scheduler(Instance(store, clock, name, days))


def runs(store: Store) -> int:
    """Housekeeping runs so far (each is one job, done)."""
    return count(store, jobs, jobs.c.kind == housekeeping.KIND, jobs.c.status == "done")


def traffic(store: Store, hour: int, now: datetime) -> None:
    """One hour's worth: a message handled, one that failed (retry far off), one never
    claimed; seen ids; a draft booked, one cancelled, one left pending; a cached
    contact (1 h) and an OAuth state (10 min)."""
    for n in range(3):
        store.claim("event", f"ev_{hour}_{n}", now=now)
    for n in range(2):
        store.inbox_put(f"ev_{hour}_{n}", "message", {"h": hour}, now=now)
        item = store.inbox_claim(f"w{hour}", 30, now=now)
        assert item is not None and item.event_id == f"ev_{hour}_{n}"
        if n == 0:
            store.inbox_done(item.id, now=now)
        else:   # failed: retried in a year, so unfinished all week
            store.inbox_failed(item.id, "boom", now + timedelta(days=365), now=now)
    store.inbox_put(f"ev_{hour}_2", "message", {"h": hour}, now=now)     # a worker still on it
    assert store.inbox_claim(f"w{hour}", 365 * 86400, now=now).event_id == f"ev_{hour}_2"
    booked = store.create_draft(f"ou_{hour}", "schedule", {"title": "t"}, chat_id="oc_1", now=now)
    booked = store.transition(booked.id, {"pending"}, "booking", now=now)
    store.transition(booked.id, {"booking"}, "booked", now=now, undo_until=now + timedelta(minutes=10))
    cancelled = store.create_draft(f"ou_{hour}", "schedule", {"title": "t"}, chat_id="oc_1", now=now)
    store.transition(cancelled.id, {"pending"}, "cancelled", now=now)
    store.create_draft(f"ou_{hour}", "schedule", {"title": "t"}, chat_id="oc_1", ttl=timedelta(days=30), now=now)
    store.cache_put(f"contact:{hour}", {"name": "x"}, 3600, now=now)
    store.create_oauth_state(f"ou_{hour}", None, {}, now=now)


def test_a_week_of_traffic_leaves_only_the_retention_period(make_store) -> None:
    a, b = make_store(), make_store()            # two instances on one database
    clock = [T0]
    schedulers = [scheduler(a, clock, "inst-a", DAYS), scheduler(b, clock, "inst-b", DAYS)]
    hours = 7 * 24 // 4                          # a week, in steps of 4 hours
    ran = []
    for h in range(hours):
        now = clock[0] = T0 + h * STEP
        traffic(a if h % 2 else b, h, now)
        # both instances' schedulers look for due jobs; the job's lease lets one of them run it
        ran.append(sum(s.run_due() for s in schedulers))
    assert ran == [1] * hours
    # the next run is scheduled, once, for the next hour
    (nxt,) = a.jobs_of(kind=housekeeping.KIND)
    assert nxt.status == "scheduled" and nxt.occurs_at == T0 + (hours - 1) * STEP + HOUR
    end = T0 + (hours - 1) * STEP
    cutoff = end - timedelta(days=DAYS)
    # steps whose rows were last touched at or after the cutoff (the last run's `now` is `end`)
    kept_hours = sum(1 for h in range(hours) if T0 + h * STEP >= cutoff)
    assert kept_hours == DAYS * 24 // 4 + 1
    # inbox: done and dead only within the period; unfinished items from the whole week stay
    assert count(a, inbox, inbox.c.status == "done") == kept_hours
    assert count(a, inbox, inbox.c.status == "new") == hours         # retry in a year: kept however old
    assert count(a, inbox, inbox.c.status == "working") == hours     # in a worker's hands: kept
    assert count(a, inbox, inbox.c.updated_at < cutoff, inbox.c.status.in_(("done", "dead"))) == 0
    # seen ids within the period only
    assert count(a, seen) == 3 * kept_hours
    assert count(a, seen, seen.c.created_at < cutoff) == 0
    # drafts: finished ones within the period; pending ones (a 30-day draft) all stay
    assert count(a, drafts, drafts.c.status == "pending") == hours
    assert count(a, drafts, drafts.c.status.in_(("booked", "cancelled"))) == 2 * kept_hours
    # cache entries and OAuth states: only the unexpired ones (the last hour's)
    assert count(a, cache) == 1 and count(a, oauth_states) == 1
    # the housekeeping's own past runs: within the period only
    assert count(a, jobs, jobs.c.updated_at < cutoff) == 0 and runs(a) == kept_hours


def test_dead_items_are_kept_for_the_period_then_pruned(store: Store) -> None:
    store.inbox_put("ev_poison", "message", {}, now=T0)
    for n in range(store.inbox_max_attempts):
        item = store.inbox_claim("w", 30, now=T0 + n * HOUR)
        store.inbox_failed(item.id, "boom", T0 + n * HOUR, now=T0 + n * HOUR)
    assert store.inbox_get(item.id).status == "dead"
    assert housekeeping.prune(store, T0 + timedelta(days=DAYS), DAYS).inbox == 0
    assert housekeeping.prune(store, T0 + timedelta(days=DAYS + 1), DAYS).inbox == 1
    assert store.inbox_get(item.id) is None


def test_seen_ids_outlive_feishu_redeliveries_even_with_a_short_period(store: Store) -> None:
    store.claim("event", "ev_1", now=T0)
    assert housekeeping.prune(store, T0 + timedelta(hours=20), 1).seen == 0
    assert not store.claim("event", "ev_1", now=T0 + timedelta(hours=20))
    assert housekeeping.prune(store, T0 + timedelta(hours=25), 1).seen == 1


def test_a_booked_draft_stays_while_it_can_be_undone(store: Store) -> None:
    d = store.create_draft("ou_a", "schedule", {}, now=T0)
    store.transition(d.id, {"pending"}, "booked", now=T0, undo_until=T0 + timedelta(days=3))
    assert housekeeping.prune(store, T0 + timedelta(days=2), 1).drafts == 0
    assert housekeeping.prune(store, T0 + timedelta(days=4, hours=1), 1).drafts == 1


def test_two_instances_prune_once_per_period_without_conflict(make_store) -> None:
    stores = [make_store(), make_store()]
    for h in range(12):
        traffic(stores[h % 2], h, T0 + h * STEP)
    now = T0 + timedelta(days=3)
    clock = [now]
    finished = (drafts.c.status != "pending",)
    assert count(stores[0], drafts, *finished) > 0
    # 8 scheduler threads over two instances look at the same instant: one job, one run
    schedulers = [scheduler(stores[i % 2], clock, f"w{i}", 1) for i in range(8)]
    assert sum(race(8, lambda i: schedulers[i].run_due())) == 1
    assert runs(stores[0]) == 1 and count(stores[0], drafts, *finished) == 0
    # within the period nobody runs again; after it, one does (and finds nothing more)
    clock[0] = now + timedelta(minutes=59)
    assert race(4, lambda i: schedulers[i].run_due()) == [0] * 4
    clock[0] = now + HOUR
    assert sum(race(4, lambda i: schedulers[i].run_due())) == 1
    assert runs(stores[1]) == 2
    # pruning itself is idempotent: both instances pruning at once (no lease) fail on nothing
    later = now + timedelta(days=2)
    race(4, lambda i: housekeeping.prune(stores[i % 2], later, 1))
    assert count(stores[0], drafts, drafts.c.status != "pending") == 0
    assert count(stores[0], inbox, inbox.c.status == "done") == 0


def test_seeding_adds_one_job_per_hour_and_restarts_a_broken_chain(make_store) -> None:
    stores = [make_store(), make_store()]
    # 8 threads over two instances seed at once: one row for the hour
    added = race(8, lambda i: housekeeping.seed(stores[i % 2], T0 + timedelta(minutes=10)))
    assert added.count(True) == 1
    (job,) = stores[0].jobs_of(kind=housekeeping.KIND)
    assert job.id == housekeeping.job_id(T0) and job.occurs_at == T0 and job.owner == housekeeping.OWNER
    assert not housekeeping.seed(stores[1], T0 + timedelta(minutes=20))      # one is on the way
    stores[0].job_cancel(job.id)                                              # the chain broken
    assert housekeeping.seed(stores[1], T0 + timedelta(minutes=70))
    assert [j.occurs_at for j in stores[0].jobs_of(kind=housekeeping.KIND)] == [T0 + HOUR]


def test_sqlite_files_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "fresh" / "var"
    s = Store(f"sqlite:///{folder}/yue.db", "k", folder)
    s.create_all()
    s.claim("event", "x")                         # a write: the WAL file exists now
    try:
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
        for name in ("yue.db", "yue.db-wal", "yue.db-shm"):
            path = folder / name
            assert path.exists(), name
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    finally:
        s.close()


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    s = Store(f"sqlite:///{path}", "k", tmp_path)
    s.create_all()
    s.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_bots_scheduler_runs_the_housekeeping(tmp_path: Path) -> None:
    """The bot's scheduler (in `python app.py` and `python -m bot.worker`) seeds the
    housekeeping job and runs it on the bot's clock and YUE_RETENTION_DAYS, once per hour;
    the inbox sweep no longer prunes."""
    from bot.runtime import Bot
    from tests.support.yue import settings_for

    now = [T0 + timedelta(days=40)]
    bot = Bot(settings_for(tmp_path, YUE_RETENTION_DAYS="30"), clock=lambda: now[0])
    try:
        for day, key in ((0, "old"), (20, "recent")):
            bot.store.inbox_put(key, "message", {}, now=T0 + timedelta(days=day))
            item = bot.store.inbox_claim("w", 30, now=T0 + timedelta(days=day))
            bot.store.inbox_done(item.id, now=T0 + timedelta(days=day))
        bot.housekeeping()                           # the sweep: drafts only
        assert [r.event_id for r in _inbox_rows(bot.store)] == ["old", "recent"]
        assert bot.scheduler.run_due() == 1
        assert [r.event_id for r in _inbox_rows(bot.store)] == ["recent"]
        # another old finished item turns up; within the hour nobody prunes again…
        bot.store.inbox_put("late", "message", {}, now=T0)
        item = bot.store.inbox_claim("w", 30, now=T0)
        bot.store.inbox_done(item.id, now=T0)
        now[0] += timedelta(minutes=30)
        assert bot.scheduler.run_due() == 0
        assert [r.event_id for r in _inbox_rows(bot.store)] == ["recent", "late"]
        now[0] += timedelta(minutes=31)              # …the next hour's run does
        assert bot.scheduler.run_due() == 1
        assert [r.event_id for r in _inbox_rows(bot.store)] == ["recent"]
    finally:
        bot.stop()
        bot.store.close()


def _inbox_rows(store: Store) -> list:
    with store.engine.connect() as c:
        return list(c.execute(select(inbox.c.event_id).order_by(inbox.c.id)))
