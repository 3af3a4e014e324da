"""A small key → JSON cache with expiry, shared by all instances (contacts,
remembered languages); and the housekeeping of expired rows."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from bot.store.core import StoreCore, _short_key
from bot.store.tables import cache, oauth_states


class CacheStore(StoreCore):
    """The shared cache and the pruning of expired cache entries and OAuth states."""

    def cache_get(self, key: str, now: datetime | None = None) -> dict[str, Any] | None:
        """The cached value if present and not expired, else None."""
        now = self._when(now)
        with self._tx(write=False) as c:
            row = c.execute(select(cache.c.value)
                            .where(cache.c.key == _short_key(key), cache.c.expires_at > now)).first()
        return None if row is None else row.value

    def cache_put(self, key: str, value: dict[str, Any], ttl_seconds: float, now: datetime | None = None) -> None:
        """Store `value` (JSON-serialisable) under `key` for `ttl_seconds`, shared by all instances."""
        expires = self._when(now) + timedelta(seconds=ttl_seconds)
        with self._tx() as c:
            self._upsert(c, cache, {"key": _short_key(key)}, {"value": value, "expires_at": expires})

    def cache_delete(self, key: str) -> None:
        with self._tx() as c:
            c.execute(delete(cache).where(cache.c.key == _short_key(key)))

    def prune_expired(self, now: datetime | None = None) -> int:
        """Housekeeping: drop expired OAuth states and cache entries. Returns rows removed."""
        now = self._when(now)
        with self._tx() as c:
            n = c.execute(delete(oauth_states).where(oauth_states.c.expires_at <= now)).rowcount
            return n + c.execute(delete(cache).where(cache.c.expires_at <= now)).rowcount
