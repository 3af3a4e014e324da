"""The acknowledgement's insert under concurrency: on PostgreSQL rows are group-committed by
one writer thread (bot/store/inbox_writer.py); on SQLite each is its own transaction. Either
way every accepted event is in the inbox exactly once when `inbox_put` returns, a
re-delivery racing its original is told it is a duplicate, and a failed write fails the
request (never a silent 200)."""
from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from bot.store import Store
from bot.store.tables import inbox

PAYLOAD = {"header": {"event_id": "e"}, "event": {"message": {"content": "{\"text\": \"明天 3pm\"}"}}}


def _count(store: Store) -> int:
    with store.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(inbox)).scalar_one())


def _hammer(store: Store, keys: list[str], threads: int = 12) -> dict[str, list[bool]]:
    """Every key put by several threads at once (a burst of deliveries and re-deliveries)."""
    results: dict[str, list[bool]] = {k: [] for k in keys}
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def run(offset: int) -> None:
        start.wait()
        for i in range(len(keys)):
            key = keys[(i + offset) % len(keys)]
            got = store.inbox_put(key, "message", PAYLOAD)
            with lock:
                results[key].append(got)

    ts = [threading.Thread(target=run, args=(n * 7,)) for n in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=60)
    return results


def test_concurrent_puts_store_each_event_once_and_say_which_was_first(store: Store) -> None:
    keys = [f"message:om_{i}" for i in range(60)]
    results = _hammer(store, keys)
    assert _count(store) == len(keys)
    for key, answers in results.items():
        assert len(answers) == 12 and answers.count(True) == 1, (key, answers)
    item = store.inbox_claim("w1", 60)
    assert item is not None and item.payload == PAYLOAD and item.status == "working"


def test_a_put_after_the_burst_is_a_duplicate(store: Store) -> None:
    assert store.inbox_put("message:om_x", "message", PAYLOAD) is True
    assert store.inbox_put("message:om_x", "message", PAYLOAD) is False
    assert _count(store) == 1


@pytest.mark.postgres
def test_a_failed_batch_fails_every_request_in_it_and_the_writer_goes_on(
        make_store: Callable[..., Store], db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("the group commit is PostgreSQL's path")
    store = make_store()
    assert store.inbox_put("message:ok_1", "message", PAYLOAD)
    with store.engine.begin() as c:     # the table gone: every insert fails
        c.exec_driver_sql("ALTER TABLE yue_inbox RENAME TO yue_inbox_away")
    with pytest.raises(SQLAlchemyError):
        store.inbox_put("message:lost", "message", PAYLOAD)
    with store.engine.begin() as c:
        c.exec_driver_sql("ALTER TABLE yue_inbox_away RENAME TO yue_inbox")
    assert store.inbox_put("message:ok_2", "message", PAYLOAD) is True
    assert _count(store) == 2


@pytest.mark.postgres
def test_closing_the_store_ends_its_writer_threads(make_store: Callable[..., Store], db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("the group commit is PostgreSQL's path")
    store = make_store()
    _hammer(store, [f"message:c_{i}" for i in range(10)], threads=4)
    writers = [t for t in threading.enumerate() if t.name.startswith("yue-inbox-writer")]
    assert writers
    store.close()
    for t in writers:
        t.join(timeout=5)
    assert not any(t.is_alive() for t in writers)
