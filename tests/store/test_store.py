"""bot.store on SQLite and PostgreSQL: exactly-once decisions under races,
the durable inbox, draft state machine, encryption at rest, OAuth states,
preferences and the cache."""
from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta, UTC
from pathlib import Path
from collections.abc import Callable
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.config import Settings
from bot.store import Store, idempotency_key

UTC = UTC
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
T = TypeVar("T")


def race(n: int, fn: Callable[[int], T]) -> list[T]:
    """Run fn(0..n-1) on n threads released at the same instant."""
    barrier = threading.Barrier(n)

    def go(i: int) -> T:
        barrier.wait()
        return fn(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(go, range(n)))


# ------------------------------------------------------------------ claim

def test_claim_once_per_kind_and_key(store: Store) -> None:
    assert store.claim("event", "ev_1")
    assert not store.claim("event", "ev_1")
    assert store.claim("message", "ev_1")          # kinds are separate namespaces
    long_key = "om_" + "x" * 600                   # card-click keys can be long
    assert store.claim("click", long_key)
    assert not store.claim("click", long_key)
    assert store.claim("click", long_key + "y")


def test_claim_exactly_once_under_8_threads_on_two_instances(make_store) -> None:
    a, b = make_store(), make_store()
    for k in range(10):
        wins = race(8, lambda i, k=k: (a if i % 2 else b).claim("event", f"ev_race_{k}"))
        assert wins.count(True) == 1, wins


def test_prune_seen(store: Store) -> None:
    assert store.claim("event", "old", now=T0)
    assert store.claim("event", "new", now=T0 + timedelta(hours=2))
    assert store.prune_seen(T0 + timedelta(hours=1)) == 1
    assert store.claim("event", "old")             # forgotten, so claimable again
    assert not store.claim("event", "new")


# ------------------------------------------------------------------ inbox

def test_inbox_put_is_idempotent_and_counts(store: Store) -> None:
    assert store.inbox_put("ev_1", "im.message.receive_v1", {"text": "hi"})
    assert not store.inbox_put("ev_1", "im.message.receive_v1", {"text": "again"})
    assert store.inbox_pending_count() == 1
    item = store.inbox_claim("w1", 30)
    assert item is not None and item.payload == {"text": "hi"} and item.attempts == 1
    assert item.status == "working" and item.worker_id == "w1"
    assert store.inbox_pending_count() == 1        # working is still unfinished
    assert store.inbox_claim("w2", 30) is None
    assert store.inbox_done(item.id)
    assert not store.inbox_done(item.id)
    assert store.inbox_pending_count() == 0


def test_inbox_claims_oldest_first(store: Store) -> None:
    for i in range(3):
        store.inbox_put(f"ev_{i}", "k", {"i": i}, now=T0 + timedelta(seconds=i))
    got = [store.inbox_claim("w", 30, now=T0 + timedelta(minutes=1)).payload["i"] for _ in range(3)]
    assert got == [0, 1, 2]


def test_inbox_two_workers_never_get_the_same_item(make_store) -> None:
    a, b = make_store(), make_store()
    n = 40
    for i in range(n):
        assert a.inbox_put(f"ev_{i}", "k", {"i": i})
    claimed: list[int] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        s = a if i % 2 else b
        while (item := s.inbox_claim(f"worker-{i}", 60)) is not None:
            with lock:
                claimed.append(item.payload["i"])
            s.inbox_done(item.id)

    race(4, worker)
    assert sorted(claimed) == list(range(n))       # each exactly once, none lost
    assert a.inbox_pending_count() == 0


def test_inbox_expired_lease_is_claimable_again(store: Store) -> None:
    store.inbox_put("ev_1", "k", {}, now=T0)
    first = store.inbox_claim("w1", 30, now=T0)
    assert store.inbox_claim("w2", 30, now=T0 + timedelta(seconds=29)) is None
    second = store.inbox_claim("w2", 30, now=T0 + timedelta(seconds=31))
    assert second is not None and second.id == first.id
    assert second.worker_id == "w2" and second.attempts == 2
    assert not store.inbox_extend(first.id, "w1", 30, now=T0 + timedelta(seconds=32))
    assert store.inbox_extend(first.id, "w2", 300, now=T0 + timedelta(seconds=32))
    assert store.inbox_claim("w3", 30, now=T0 + timedelta(seconds=100)) is None


def test_inbox_failed_retries_then_dead(make_store) -> None:
    store = make_store(inbox_max_attempts=3)
    store.inbox_put("ev_1", "k", {}, now=T0)
    now = T0
    for attempt in (1, 2):
        item = store.inbox_claim("w", 30, now=now)
        assert item is not None and item.attempts == attempt
        retry = now + timedelta(seconds=10)
        assert store.inbox_failed(item.id, "rate limited", retry, now=now) == "new"
        assert store.inbox_claim("w", 30, now=retry - timedelta(seconds=1)) is None   # back-off honoured
        now = retry
    item = store.inbox_claim("w", 30, now=now)
    assert store.inbox_failed(item.id, "still failing", now + timedelta(seconds=10), now=now) == "dead"
    assert store.inbox_claim("w", 30, now=now + timedelta(days=1)) is None
    dead = store.inbox_get(item.id)
    assert dead.status == "dead" and dead.last_error == "still failing" and dead.attempts == 3
    assert store.inbox_pending_count() == 0


def test_inbox_worker_dying_every_time_ends_dead(make_store) -> None:
    store = make_store(inbox_max_attempts=2)
    store.inbox_put("ev_poison", "k", {}, now=T0)
    assert store.inbox_claim("w", 10, now=T0).attempts == 1
    assert store.inbox_claim("w", 10, now=T0 + timedelta(seconds=11)).attempts == 2
    assert store.inbox_claim("w", 10, now=T0 + timedelta(seconds=22)) is None
    assert store.inbox_get(1).status == "dead"


def test_inbox_prune_keeps_unfinished(store: Store) -> None:
    store.inbox_put("ev_done", "k", {}, now=T0)
    store.inbox_put("ev_new", "k", {}, now=T0)
    item = store.inbox_claim("w", 30, now=T0)
    store.inbox_done(item.id, now=T0)
    assert store.inbox_prune(T0 + timedelta(days=1)) == 1
    assert store.inbox_pending_count() == 1


# ------------------------------------------------------------------ drafts

def test_draft_create_and_get(store: Store) -> None:
    d = store.create_draft("ou_a", "schedule", {"title": "Sync", "attendees": ["ou_b"]}, chat_id="oc_1", now=T0)
    assert len(d.id) == 12 and d.id.replace("-", "").replace("_", "").isalnum()
    assert d.status == "pending" and d.version == 1 and d.owner == "ou_a"
    assert d.expires_at == T0 + timedelta(hours=24)
    assert store.get_draft(d.id) == d
    assert store.get_draft("nope") is None
    assert store.create_draft("ou_a", "leave", {}).id != d.id


def test_transition_cas_one_winner_under_race(make_store) -> None:
    a, b = make_store(), make_store()
    d = a.create_draft("ou_a", "schedule", {})
    results = race(8, lambda i: (a if i % 2 else b).transition(d.id, {"pending"}, "booking"))
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    assert winners[0].status == "booking" and winners[0].version == 2
    assert a.get_draft(d.id).version == 2


def test_expired_pending_draft_cannot_be_confirmed(store: Store) -> None:
    d = store.create_draft("ou_a", "schedule", {}, now=T0)
    late = T0 + timedelta(hours=24, seconds=1)
    assert store.transition(d.id, {"pending"}, "booking", now=late) is None
    assert store.get_draft(d.id).is_expired(late)
    expired = store.expire_drafts(now=late)
    assert [x.id for x in expired] == [d.id] and expired[0].status == "expired"
    assert store.expire_drafts(now=late) == []      # only the instance that moved it is told
    assert store.transition(d.id, {"pending"}, "booking", now=late) is None
    fresh = store.create_draft("ou_a", "schedule", {}, now=late)
    assert store.expire_drafts(now=late) == []
    assert store.transition(fresh.id, {"pending"}, "booking", now=late) is not None


def test_booking_and_undo_flow(store: Store) -> None:
    d = store.create_draft("ou_a", "schedule", {"title": "1:1"}, now=T0)
    booking = store.transition(d.id, {"pending"}, "booking", now=T0)
    assert store.transition(d.id, {"pending"}, "booking", now=T0) is None      # second click
    booked = store.transition(booking.id, {"booking"}, "booked", now=T0,
                              result={"event_id": "e_1"}, undo_until=T0 + timedelta(minutes=10),
                              card_message_id="om_1")
    assert booked.status == "booked" and booked.result == {"event_id": "e_1"}
    assert booked.card_message_id == "om_1" and booked.version == 3
    assert booked.can_undo(T0 + timedelta(minutes=9))
    assert not booked.can_undo(T0 + timedelta(minutes=11))
    undoing = store.transition(d.id, {"booked"}, "undoing", now=T0 + timedelta(minutes=1))
    assert undoing is not None
    assert store.transition(d.id, {"booked"}, "undoing") is None              # double undo
    undone = store.transition(d.id, {"undoing"}, "undone", result={"event_id": "e_1", "deleted": True})
    assert undone.status == "undone" and undone.result["deleted"] is True
    assert store.transition(d.id, {"pending"}, "booking") is None            # confirm after undo
    assert store.find_drafts(owner="ou_a", statuses={"undone"})[0].id == d.id


def test_transition_rejects_unknown_status_and_field(store: Store) -> None:
    d = store.create_draft("ou_a", "schedule", {})
    with pytest.raises(ValueError):
        store.transition(d.id, {"pending"}, "teleported")
    with pytest.raises(TypeError):
        store.transition(d.id, {"pending"}, "booking", owner="ou_evil")
    assert store.get_draft(d.id).status == "pending"


def test_update_draft_and_version_check(store: Store) -> None:
    d = store.create_draft("ou_a", "share", {"role": "reader"})
    u = store.update_draft(d.id, card_message_id="om_9", payload={"role": "writer"})
    assert u.card_message_id == "om_9" and u.payload == {"role": "writer"} and u.version == 2
    assert store.update_draft(d.id, expected_version=1, result={"x": 1}) is None
    assert store.update_draft(d.id, expected_version=2, result={"x": 1}).result == {"x": 1}
    assert store.update_draft("missing", result={}) is None


def test_stuck_booking_drafts_for_recovery(store: Store) -> None:
    stuck = store.create_draft("ou_a", "schedule", {}, now=T0)
    store.transition(stuck.id, {"pending"}, "booking", now=T0)
    recent = store.create_draft("ou_b", "schedule", {}, now=T0)
    store.transition(recent.id, {"pending"}, "booking", now=T0 + timedelta(minutes=5))
    old = store.drafts_in_status("booking", older_than=T0 + timedelta(minutes=1))
    assert [x.id for x in old] == [stuck.id]
    assert {x.id for x in store.drafts_in_status("booking")} == {stuck.id, recent.id}
    # The retry after a crash sends the same key as the first attempt.
    assert idempotency_key(store.get_draft(stuck.id)) == idempotency_key(stuck)


def test_idempotency_key_format() -> None:
    k = idempotency_key("AbC123_-xyz0")
    assert k == idempotency_key("AbC123_-xyz0") == Store.idempotency_key("AbC123_-xyz0")
    assert len(k) == 36 and k.count("-") == 4      # a UUID, like Feishu's own examples
    assert idempotency_key("AbC123_-xyz1") != k
    assert idempotency_key("AbC123_-xyz0", salt=1) not in (k, idempotency_key("AbC123_-xyz0", salt=2))


# ------------------------------------------------------------------ tokens

ACCESS = "u-ACCESS-plaintext-7f3a9c1e5b"
REFRESH = "ur-REFRESH-plaintext-2d8e4b6a0c"


def _raw_database(store: Store, db_url: str, table: str = "yue_user_tokens") -> bytes:
    """What the database holds on disk (SQLite) or in `table` (PostgreSQL), for plaintext checks."""
    if db_url.startswith("sqlite"):
        path = Path(db_url.split(":///", 1)[1])
        # WAL mode: recent writes may sit in the -wal file, so read both.
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    with store.engine.connect() as c:
        rows = c.execute(text(f"SELECT * FROM {table}")).all()
    return repr(rows).encode()


def test_tokens_encrypted_at_rest(store: Store, db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    exp = T0 + timedelta(hours=2)
    store.save_user_token("ou_a", ACCESS, REFRESH, exp, refresh_expires_at=T0 + timedelta(days=30))
    raw = _raw_database(store, db_url)
    assert b"ou_a" in raw                           # the read really saw the row
    assert ACCESS.encode() not in raw and REFRESH.encode() not in raw
    tok = store.get_user_token("ou_a")
    assert (tok.access_token, tok.refresh_token, tok.expires_at) == (ACCESS, REFRESH, exp)
    assert ACCESS not in repr(tok) and REFRESH not in repr(tok)
    store.save_user_token("ou_a", ACCESS + "2", REFRESH + "2", exp)         # replace
    assert store.get_user_token("ou_a").access_token == ACCESS + "2"
    assert store.get_user_token("ou_a").refresh_expires_at is None
    assert store.delete_user_token("ou_a")
    assert store.get_user_token("ou_a") is None
    assert ACCESS not in caplog.text and REFRESH not in caplog.text


def test_wrong_key_means_no_token_and_a_clean_warning(make_store, caplog: pytest.LogCaptureFixture) -> None:
    make_store(secret_key="key-one").save_user_token("ou_a", ACCESS, REFRESH, T0)
    caplog.set_level(logging.DEBUG)
    assert make_store(secret_key="key-two").get_user_token("ou_a") is None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and "ou_a" in warnings[0].getMessage()
    for secret in (ACCESS, REFRESH, "key-one", "key-two"):
        assert secret not in caplog.text


def test_key_generated_into_var_dir_and_reused(make_store, tmp_path: Path) -> None:
    var = tmp_path / "instance-var"
    first = make_store(secret_key=None, var_dir=var)
    assert not (var / "secret.key").exists()      # created on first use, not at start-up
    first.save_user_token("ou_a", ACCESS, REFRESH, T0)
    key_file = var / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text()
    assert make_store(secret_key=None, var_dir=var).get_user_token("ou_a").access_token == ACCESS
    assert key_file.read_text() == key
    assert make_store(secret_key=None, var_dir=tmp_path / "other-var").get_user_token("ou_a") is None
    # The generated key is an ordinary YUE_SECRET_KEY: moving it to the environment keeps tokens readable.
    assert make_store(secret_key=key.strip()).get_user_token("ou_a").access_token == ACCESS


def test_store_from_settings(db_url: str, tmp_path: Path) -> None:
    s = Store(Settings(database_url=db_url, secret_key="k", var_dir=str(tmp_path)))
    try:
        s.create_all()
        s.create_all()                              # idempotent
        s.save_user_token("ou_a", ACCESS, REFRESH, T0)
        assert s.get_user_token("ou_a").refresh_token == REFRESH
    finally:
        s.close()


def test_instances_starting_together_create_tables_once(db_url: str, tmp_path: Path) -> None:
    stores = [Store(db_url, "k", tmp_path) for _ in range(4)]
    try:
        race(4, lambda i: stores[i].create_all())
        assert stores[0].claim("event", "after-start")
    finally:
        for s in stores:
            s.close()


# ------------------------------------------------------------------ oauth states

def test_oauth_state_single_use(store: Store) -> None:
    state = store.create_oauth_state("ou_a", "oc_1", {"intent": "agenda", "text": "我今天有什么会"})
    assert len(state) >= 32
    assert store.take_oauth_state(state) == ("ou_a", "oc_1", {"intent": "agenda", "text": "我今天有什么会"})
    assert store.take_oauth_state(state) is None
    assert store.take_oauth_state("forged") is None


def test_oauth_state_expires(store: Store) -> None:
    state = store.create_oauth_state("ou_a", None, {}, now=T0)
    assert store.take_oauth_state(state, now=T0 + timedelta(minutes=10, seconds=1)) is None
    assert store.take_oauth_state(state, now=T0) is None   # an expired state is consumed too


def test_oauth_state_race_one_taker(make_store) -> None:
    a, b = make_store(), make_store()
    state = a.create_oauth_state("ou_a", "oc_1", {"k": 1})
    got = race(8, lambda i: (a if i % 2 else b).take_oauth_state(state))
    assert [g for g in got if g is not None] == [("ou_a", "oc_1", {"k": 1})]


# ------------------------------------------------------------------ prefs

def test_prefs_defaults_and_update(store: Store) -> None:
    p = store.get_prefs("ou_a")
    assert (p.work_start, p.work_end, p.work_days, p.meeting_minutes) == (time(9), time(18), (0, 1, 2, 3, 4), 30)
    p = store.set_prefs("ou_a", work_start="08:30", meeting_minutes=45, tz="Europe/Berlin")
    assert p.work_start == time(8, 30) and p.meeting_minutes == 45 and p.tz == "Europe/Berlin"
    assert p.work_end == time(18)
    p = store.set_prefs("ou_a", work_end=time(17, 0), work_days=[4, 0, 1])
    assert store.get_prefs("ou_a") == p
    assert p.work_start == time(8, 30) and p.work_end == time(17) and p.work_days == (0, 1, 4)
    assert store.set_prefs("ou_a", work_start=None).work_start == time(9)   # None = back to default
    assert store.get_prefs("ou_b") == store.get_prefs("nobody")


@pytest.mark.parametrize("fields", [
    {"work_start": "19:00"}, {"work_start": "25:00"}, {"work_days": []}, {"work_days": [7]},
    {"meeting_minutes": 0}, {"tz": "Mars/Olympus"},
])
def test_prefs_validation(store: Store, fields: dict) -> None:
    store.set_prefs("ou_a", meeting_minutes=60)
    with pytest.raises(ValueError):
        store.set_prefs("ou_a", **fields)
    assert store.get_prefs("ou_a").meeting_minutes == 60 and store.get_prefs("ou_a").work_start == time(9)


# ------------------------------------------------------------------ cache

def test_cache_ttl(store: Store) -> None:
    store.cache_put("contact:ou_a", {"name": "张三", "tz": "Asia/Shanghai", "lang": "zh"}, 600, now=T0)
    assert store.cache_get("contact:ou_a", now=T0 + timedelta(seconds=599))["name"] == "张三"
    assert store.cache_get("contact:ou_a", now=T0 + timedelta(seconds=600)) is None
    store.cache_put("contact:ou_a", {"name": "Zhang"}, 60, now=T0 + timedelta(seconds=600))
    assert store.cache_get("contact:ou_a", now=T0 + timedelta(seconds=601)) == {"name": "Zhang"}
    assert store.prune_expired(now=T0 + timedelta(days=1)) == 1
    assert store.cache_get("missing") is None


def test_cache_shared_between_instances(make_store) -> None:
    a, b = make_store(), make_store()
    a.cache_put("k", {"v": 1}, 60)
    assert b.cache_get("k") == {"v": 1}
    b.cache_delete("k")
    assert a.cache_get("k") is None


# ------------------------------------------------------------------ time

def test_timestamps_are_aware_utc(store: Store) -> None:
    shanghai = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    d = store.create_draft("ou_a", "schedule", {}, now=shanghai)
    got = store.get_draft(d.id)
    assert got.created_at == shanghai and got.created_at.tzinfo == UTC
    assert got.created_at.hour == 1
    with pytest.raises(ValueError):
        store.create_draft("ou_a", "schedule", {}, now=datetime(2026, 3, 2, 9, 0))


_WORKER = """
import os, sys, time
from bot.store import Store
url, name, go = sys.argv[1], sys.argv[2], sys.argv[3]
s = Store(url, "k", ".")
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
while (item := s.inbox_claim(name, 60)) is not None:
    print(item.payload["i"], flush=True)
    s.inbox_done(item.id)
s.close()
"""


def test_inbox_two_processes_never_get_the_same_item(store: Store, db_url: str, tmp_path: Path) -> None:
    n = 80
    for i in range(n):
        store.inbox_put(f"ev_{i}", "k", {"i": i})
    go = tmp_path / "go"
    root = Path(__file__).resolve().parents[2]
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, db_url, f"proc-{k}", str(go)],
                              cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(root)})
             for k in range(2)]
    for p in procs:                                 # both imported and connected: release them together
        assert p.stdout.readline().strip() == "ready", p.stderr.read()
    go.touch()
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
    per_proc = [[int(x) for x in out.split()] for out, _ in outs]
    assert sorted(per_proc[0] + per_proc[1]) == list(range(n))
    assert store.inbox_pending_count() == 0
