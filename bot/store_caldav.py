"""CalDAV accounts Yue minted, one per person and device, the password Fernet-encrypted with
the same key as user tokens: asking again shows the same settings instead of minting new ones
(which would cut off the device already set up), and Revoke forgets them."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime

from cryptography.fernet import InvalidToken
from sqlalchemy import Column, MetaData, String, Table, Text, delete, select, text

from bot.store import Store
from bot.store_tables import UTCDateTime

log = logging.getLogger("yue.store")

_metadata = MetaData()
caldav_accounts = Table(
    "yue_caldav_accounts", _metadata,
    Column("open_id", String(64), primary_key=True),
    Column("device", String(32), primary_key=True),
    Column("server", Text, nullable=False),
    Column("username", String(255), nullable=False),
    Column("password", Text, nullable=False),           # Fernet token
    Column("created_at", UTCDateTime, nullable=False),
)
_DDL_LOCK_KEY = 0x59554543414C4441      # "YUECALDA"; concurrent CREATE TABLE on PostgreSQL takes turns


@dataclass(frozen=True)
class CaldavAccount:
    open_id: str
    device: str
    server: str
    username: str
    password: str = field(repr=False)
    created_at: datetime | None = None


class CaldavAccounts:
    """`CaldavAccounts(store)`: the table lives in the store's database and is created on first use."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._ready = False
        self._lock = threading.Lock()

    def _ensure(self) -> None:
        with self._lock:
            if self._ready:
                return
            with self.store._tx() as c:
                if self.store.dialect == "postgresql":
                    c.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _DDL_LOCK_KEY})
                _metadata.create_all(c)
            self._ready = True

    def get(self, open_id: str, device: str) -> CaldavAccount | None:
        """The saved account, or None (also when the secret key changed and it cannot be read)."""
        self._ensure()
        with self.store._tx(write=False) as c:
            row = c.execute(select(caldav_accounts).where(caldav_accounts.c.open_id == open_id,
                                                          caldav_accounts.c.device == device)).first()
        if row is None:
            return None
        try:
            password = self.store._cipher().decrypt(row.password.encode()).decode()
        except (InvalidToken, ValueError):
            log.warning("saved CalDAV password of %s/%s cannot be decrypted (YUE_SECRET_KEY changed?)",
                        open_id, device)
            return None
        return CaldavAccount(open_id=row.open_id, device=row.device, server=row.server, username=row.username,
                             password=password, created_at=row.created_at)

    def save(self, open_id: str, device: str, server: str, username: str, password: str) -> None:
        self._ensure()
        values = {"server": server, "username": username, "created_at": self.store.now(),
                  "password": self.store._cipher().encrypt(password.encode()).decode()}
        with self.store._tx() as c:
            self.store._upsert(c, caldav_accounts, {"open_id": open_id, "device": device}, values)

    def delete(self, open_id: str, device: str) -> bool:
        self._ensure()
        with self.store._tx() as c:
            return c.execute(delete(caldav_accounts).where(caldav_accounts.c.open_id == open_id,
                                                           caldav_accounts.c.device == device)).rowcount == 1
