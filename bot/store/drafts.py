"""Drafts: every pending thing a person can act on, moved between statuses by
compare-and-set; and the idempotency keys their Feishu calls send."""
from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from datetime import datetime, timedelta
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Row, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.core import StoreCore, _aware
from bot.store.tables import DRAFT_STATUSES, Draft, drafts

DRAFT_TTL = timedelta(hours=24)
_DRAFT_FIELDS = frozenset({"payload", "result", "card_message_id", "expires_at", "undo_until"})
# Fixed namespace so the same draft id maps to the same key in every process and release.
_UUID_NAMESPACE = uuid.UUID("5f0c6f4e-3b7a-4d0e-9a51-7d1e2b9c4a10")


def stable_uuid(*parts: str) -> str:
    """A UUID (36 characters) that is a pure function of `parts`: usable as
    Feishu's `idempotency_key` on event create and as the IM `uuid` (≤ 50)."""
    return str(uuid.uuid5(_UUID_NAMESPACE, "\x1f".join(parts)))


def idempotency_key(draft: Draft | str, salt: str | int | None = None) -> str:
    """The `idempotency_key` for the Calendar call a draft makes.

    Deterministic from the draft id, so a retry after a crash or a second click
    on another instance sends the same key and Feishu returns the first event.
    Pass `salt` only when a *new* event is wanted for the same draft (e.g. book
    again after an undo): each salt value is another key.
    """
    draft_id = draft.id if isinstance(draft, Draft) else draft
    parts = ["draft", draft_id] if salt is None else ["draft", draft_id, str(salt)]
    return stable_uuid(*parts)


def keyed_draft_id(key: str) -> str:
    """The draft id for an idempotent create: 12 URL-safe characters from `key`."""
    return base64.urlsafe_b64encode(hashlib.sha256(("draft-key\x1f" + key).encode()).digest()[:9]).decode()


class DraftStore(StoreCore):
    """Drafts: create, read, compare-and-set `transition`, update, expire, find."""

    def create_draft(
        self,
        owner: str,
        kind: str,
        payload: dict[str, Any],
        *,
        chat_id: str | None = None,
        card_message_id: str | None = None,
        ttl: timedelta = DRAFT_TTL,
        now: datetime | None = None,
        key: str | None = None,
    ) -> Draft:
        """A new 'pending' draft owned by `owner` (open_id), expiring after `ttl`.
        The id is 12 URL-safe characters, fit for a card button value.

        key: makes the create idempotent ("<message_id>:<kind>"): the id is derived from
        it, so a message handled twice (re-delivery, inbox retry, a second instance) gets
        the draft the first pass made, in whatever state it is now, not a second one."""
        now = self._when(now)
        if key is not None:
            draft_id = keyed_draft_id(key)
            existing = self.get_draft(draft_id)
            if existing is not None:
                return existing
        for _ in range(5):
            if key is None:
                draft_id = secrets.token_urlsafe(9)
            try:
                with self._tx() as c:
                    c.execute(insert(drafts).values(
                        id=draft_id, owner=owner, chat_id=chat_id, kind=kind, payload=payload, result=None,
                        card_message_id=card_message_id, status="pending", created_at=now, updated_at=now,
                        expires_at=now + ttl, undo_until=None, version=1))
                    return self._draft(c.execute(select(drafts).where(drafts.c.id == draft_id)).one())
            except IntegrityError:
                if key is not None:   # another worker made it first: that one is the draft
                    found = self.get_draft(draft_id)
                    if found is not None:
                        return found
                continue  # 72 random bits: a collision is astronomically rare, but retrying costs nothing
        raise RuntimeError("could not allocate a draft id")

    def get_draft(self, draft_id: str) -> Draft | None:
        with self._tx(write=False) as c:
            row = c.execute(select(drafts).where(drafts.c.id == draft_id)).first()
        return self._draft(row) if row else None

    def transition(
        self, draft_id: str, from_statuses: Iterable[str], to: str, *, now: datetime | None = None, **fields: Any
    ) -> Draft | None:
        """Atomically move a draft from one of `from_statuses` to `to`, setting
        `fields` (payload, result, card_message_id, expires_at, undo_until) and
        bumping `version`. A 'pending' draft past `expires_at` does not move.

        Returns the updated draft, or None when the draft is gone, expired or
        was moved by someone else first — the caller then re-reads it with
        `get_draft` to say why. Of N concurrent callers exactly one wins.
        """
        sources = set(from_statuses)
        unknown = (sources | {to}) - set(DRAFT_STATUSES)
        if unknown:
            raise ValueError(f"unknown draft status {sorted(unknown)}")
        values = self._draft_values(fields)
        now = self._when(now)
        with self._tx() as c:
            moved = c.execute(update(drafts).where(
                drafts.c.id == draft_id,
                drafts.c.status.in_(sorted(sources)),
                or_(drafts.c.status != "pending", drafts.c.expires_at > now),
            ).values(status=to, version=drafts.c.version + 1, updated_at=now, **values)).rowcount
            if moved != 1:
                return None
            return self._draft(c.execute(select(drafts).where(drafts.c.id == draft_id)).one())

    def update_draft(
        self, draft_id: str, *, expected_version: int | None = None, now: datetime | None = None, **fields: Any
    ) -> Draft | None:
        """Change payload/result/card_message_id/expires_at/undo_until without a
        status change. With `expected_version`, only if nobody changed the draft
        since that version. Returns the new draft or None."""
        values = self._draft_values(fields)
        conds = [drafts.c.id == draft_id]
        if expected_version is not None:
            conds.append(drafts.c.version == expected_version)
        with self._tx() as c:
            if c.execute(update(drafts).where(*conds).values(
                    version=drafts.c.version + 1, updated_at=self._when(now), **values)).rowcount != 1:
                return None
            return self._draft(c.execute(select(drafts).where(drafts.c.id == draft_id)).one())

    def expire_drafts(self, now: datetime | None = None) -> list[Draft]:
        """Move every pending draft past its `expires_at` to 'expired'. Returns
        only the drafts this call moved, so with several instances each expired
        card is updated by exactly one of them."""
        now = self._when(now)
        with self._tx(write=False) as c:
            ids = c.execute(select(drafts.c.id).where(drafts.c.status == "pending", drafts.c.expires_at <= now)
                            .order_by(drafts.c.expires_at)).scalars().all()
        moved: list[Draft] = []
        for draft_id in ids:
            with self._tx() as c:
                if c.execute(update(drafts).where(
                        drafts.c.id == draft_id, drafts.c.status == "pending", drafts.c.expires_at <= now
                ).values(status="expired", version=drafts.c.version + 1, updated_at=now)).rowcount == 1:
                    moved.append(self._draft(c.execute(select(drafts).where(drafts.c.id == draft_id)).one()))
        return moved

    def lapse_undo(self, now: datetime | None = None) -> list[Draft]:
        """Close every Undo window that has passed (booked drafts with `undo_until <= now`
        get `undo_until = None`). Returns only the drafts this call changed, so each card
        loses its Undo button once, patched by exactly one instance."""
        now = self._when(now)
        with self._tx(write=False) as c:
            ids = c.execute(select(drafts.c.id).where(drafts.c.status == "booked", drafts.c.undo_until.is_not(None),
                                                      drafts.c.undo_until <= now)).scalars().all()
        changed: list[Draft] = []
        for draft_id in ids:
            with self._tx() as c:
                if c.execute(update(drafts).where(
                        drafts.c.id == draft_id, drafts.c.status == "booked", drafts.c.undo_until <= now
                ).values(undo_until=None, version=drafts.c.version + 1, updated_at=now)).rowcount == 1:
                    changed.append(self._draft(c.execute(select(drafts).where(drafts.c.id == draft_id)).one()))
        return changed

    def drafts_in_status(self, status: str, older_than: datetime | None = None) -> list[Draft]:
        """Drafts in `status`, oldest change first; with `older_than`, only those
        whose last change is before it (e.g. 'booking' for over a minute = the
        instance died mid-booking: retry with the same `idempotency_key`)."""
        q = select(drafts).where(drafts.c.status == status)
        if older_than is not None:
            q = q.where(drafts.c.updated_at < _aware(older_than, "older_than"))
        with self._tx(write=False) as c:
            return [self._draft(r) for r in c.execute(q.order_by(drafts.c.updated_at))]

    def find_drafts(
        self,
        *,
        owner: str | None = None,
        chat_id: str | None = None,
        kind: str | None = None,
        statuses: Iterable[str] | None = None,
        limit: int = 20,
    ) -> list[Draft]:
        """Newest first, e.g. the person's last booked draft for "/undo"."""
        q = select(drafts)
        if owner is not None:
            q = q.where(drafts.c.owner == owner)
        if chat_id is not None:
            q = q.where(drafts.c.chat_id == chat_id)
        if kind is not None:
            q = q.where(drafts.c.kind == kind)
        if statuses is not None:
            q = q.where(drafts.c.status.in_(sorted(set(statuses))))
        with self._tx(write=False) as c:
            rows = c.execute(q.order_by(drafts.c.updated_at.desc(), drafts.c.id).limit(limit))
            return [self._draft(r) for r in rows]

    @staticmethod
    def idempotency_key(draft: Draft | str, salt: str | int | None = None) -> str:
        """See the module-level `idempotency_key`."""
        return idempotency_key(draft, salt)

    @staticmethod
    def _draft_values(fields: dict[str, Any]) -> dict[str, Any]:
        unknown = set(fields) - _DRAFT_FIELDS
        if unknown:
            raise TypeError(f"drafts have no settable field(s) {sorted(unknown)}")
        return {k: (_aware(v, k) if isinstance(v, datetime) else v) for k, v in fields.items()}

    @staticmethod
    def _draft(row: Row[Any]) -> Draft:
        return Draft(id=row.id, owner=row.owner, chat_id=row.chat_id, kind=row.kind, payload=row.payload,
                     result=row.result, card_message_id=row.card_message_id, status=row.status,
                     created_at=row.created_at, updated_at=row.updated_at, expires_at=row.expires_at,
                     undo_until=row.undo_until, version=row.version)
