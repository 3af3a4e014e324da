"""OAuth `state` values: who asked to connect, where, and what to resume; valid once."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update

from bot.store.core import StoreCore
from bot.store.tables import oauth_states

OAUTH_STATE_TTL = timedelta(minutes=10)


class OAuthStateStore(StoreCore):
    """One-time OAuth `state` values."""

    def create_oauth_state(
        self, open_id: str, chat_id: str | None, resume: dict[str, Any],
        ttl: timedelta = OAUTH_STATE_TTL, now: datetime | None = None,
    ) -> str:
        """A random `state` for the OAuth link, remembering who asked, where,
        and what to do after consent (`resume`). Valid for 10 minutes, once."""
        now = self._when(now)
        state = secrets.token_urlsafe(24)
        with self._tx() as c:
            c.execute(delete(oauth_states).where(oauth_states.c.expires_at <= now))
            c.execute(insert(oauth_states).values(state=state, open_id=open_id, chat_id=chat_id,
                                                  resume=resume, expires_at=now + ttl))
        return state

    def take_oauth_state(
        self, state: str, now: datetime | None = None
    ) -> tuple[str, str | None, dict[str, Any]] | None:
        """(open_id, chat_id, resume) for a valid state, consuming it: a second
        call, a concurrent call that lost, or an expired state gives None."""
        now = self._when(now)
        with self._tx() as c:
            row = c.execute(select(oauth_states).where(oauth_states.c.state == state)).first()
            if row is None:
                return None
            # The DELETE's row count, not the SELECT, decides who consumed it.
            if c.execute(delete(oauth_states).where(oauth_states.c.state == state)).rowcount != 1:
                return None
            if row.expires_at <= now:
                return None
            return row.open_id, row.chat_id, row.resume

    def attach_oauth_card(self, state: str, message_id: str, lang: str) -> None:
        """Remember the connect card sent with `state`, so consent can turn it into "connected"
        (an old card with a live button would invite a second, confusing sign-in)."""
        with self._tx() as c:
            row = c.execute(select(oauth_states.c.resume).where(oauth_states.c.state == state)).first()
            if row is None:
                return
            resume = dict(row.resume or {}, card=message_id, lang=lang)
            c.execute(update(oauth_states).where(oauth_states.c.state == state).values(resume=resume))
