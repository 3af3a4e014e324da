"""bot.store.caldav: one CalDAV account per person and device, the password encrypted at rest
with the user-token key; replaced on save, gone on delete, unreadable after a key change."""
from __future__ import annotations

from bot.store import Store
from tests.store.test_store import _raw_database

PASSWORD = "caldav-PLAINTEXT-9c1e5b7f3a"


def test_saved_per_device_encrypted_replaced_and_deleted(store: Store, db_url: str) -> None:
    store.save_caldav_account("ou_a", "iphone", "http://h/caldav/", "u_1", PASSWORD)
    store.save_caldav_account("ou_a", "mac", "http://h/caldav/", "u_2", "other-password")
    got = store.get_caldav_account("ou_a", "iphone")
    assert (got.server, got.username, got.password) == ("http://h/caldav/", "u_1", PASSWORD)
    assert PASSWORD not in repr(got)
    assert PASSWORD.encode() not in _raw_database(store, db_url, "yue_caldav_accounts")
    assert store.get_caldav_account("ou_a", "android") is None and store.get_caldav_account("ou_b", "iphone") is None
    store.save_caldav_account("ou_a", "iphone", "http://h/caldav/", "u_3", PASSWORD + "2")     # the same device again
    assert store.get_caldav_account("ou_a", "iphone").username == "u_3"
    assert store.delete_caldav_account("ou_a", "iphone") and not store.delete_caldav_account("ou_a", "iphone")
    assert store.get_caldav_account("ou_a", "iphone") is None
    assert store.get_caldav_account("ou_a", "mac").password == "other-password"


def test_a_changed_key_reads_as_no_account(make_store) -> None:
    make_store(secret_key="key-one").save_caldav_account("ou_a", "iphone", "s", "u", PASSWORD)
    assert make_store(secret_key="key-two").get_caldav_account("ou_a", "iphone") is None
