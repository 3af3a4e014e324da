"""CalDAV accounts Yue minted, one per person and device, the password encrypted with the
user-token key: asking again shows the same settings instead of minting new ones (which would
cut off the device already set up), and Revoke forgets them."""
from __future__ import annotations

import logging

from cryptography.fernet import InvalidToken
from sqlalchemy import delete, select

from bot.store.tables import CaldavAccount, caldav_accounts
from bot.store.tokens import TokenStore

log = logging.getLogger("yue.store")


class CaldavStore(TokenStore):
    """Saved CalDAV settings per (person, device)."""

    def get_caldav_account(self, open_id: str, device: str) -> CaldavAccount | None:
        """The saved account, or None (also when the secret key changed and it cannot be read)."""
        c = caldav_accounts.c
        with self._tx(write=False) as conn:
            row = conn.execute(select(caldav_accounts).where(c.open_id == open_id, c.device == device)).first()
        if row is None:
            return None
        try:
            password = self._cipher().decrypt(row.password.encode()).decode()
        except (InvalidToken, ValueError):
            log.warning("saved CalDAV password of %s/%s cannot be decrypted (YUE_SECRET_KEY changed?)",
                        open_id, device)
            return None
        return CaldavAccount(open_id=row.open_id, device=row.device, server=row.server, username=row.username,
                             password=password, created_at=row.created_at)

    def save_caldav_account(self, open_id: str, device: str, server: str, username: str, password: str) -> None:
        """Store (or replace) the account of this device."""
        values = {"server": server, "username": username, "created_at": self.now(),
                  "password": self._cipher().encrypt(password.encode()).decode()}
        with self._tx() as conn:
            self._upsert(conn, caldav_accounts, {"open_id": open_id, "device": device}, values)

    def delete_caldav_account(self, open_id: str, device: str) -> bool:
        c = caldav_accounts.c
        with self._tx() as conn:
            return conn.execute(delete(caldav_accounts).where(c.open_id == open_id, c.device == device)).rowcount == 1
