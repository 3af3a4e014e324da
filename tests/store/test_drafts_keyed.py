"""Idempotent draft creation (one draft per message and kind) and closing lapsed Undo windows."""
from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def test_keyed_create_returns_the_first_draft(store):
    first = store.create_draft("ou_a", "schedule", {"title": "x"}, chat_id="oc_1", key="om_1:schedule", now=NOW)
    again = store.create_draft("ou_a", "schedule", {"title": "changed"}, chat_id="oc_1", key="om_1:schedule", now=NOW)
    assert again.id == first.id and again.payload == {"title": "x"}
    other = store.create_draft("ou_a", "error", {}, key="om_1:error:0", now=NOW)
    assert other.id != first.id
    assert len(store.find_drafts(owner="ou_a")) == 2


def test_keyed_create_under_concurrency_makes_one(store):
    with ThreadPoolExecutor(4) as pool:
        ids = set(pool.map(lambda _: store.create_draft("ou_b", "leave", {}, key="om_2:leave", now=NOW).id, range(8)))
    assert len(ids) == 1 and len(store.find_drafts(owner="ou_b")) == 1


def test_lapse_undo_closes_each_window_once(store):
    d = store.create_draft("ou_c", "leave", {}, now=NOW)
    store.transition(d.id, {"pending"}, "booked", undo_until=NOW + dt.timedelta(minutes=10), now=NOW)
    assert store.lapse_undo(NOW + dt.timedelta(minutes=5)) == []
    closed = store.lapse_undo(NOW + dt.timedelta(minutes=11))
    assert [x.id for x in closed] == [d.id] and closed[0].undo_until is None and closed[0].status == "booked"
    assert store.lapse_undo(NOW + dt.timedelta(minutes=12)) == []
