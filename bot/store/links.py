"""What Yue keeps about a person's calendar links: the Exchange binding it created (Feishu
has no "list my bindings", so the id lives here), the calendars whose change pushes it asked
for, and the meetings it booked by event id (a change push names only the event)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Column, Row, String, Table, Text, delete, select, update

from bot.store.core import StoreCore
from bot.store.tables import UTCDateTime, metadata

exchange_links = Table(
    "yue_exchange_links", metadata,
    Column("open_id", String(64), primary_key=True),
    Column("binding_id", String(512), nullable=False),
    Column("account", String(320), nullable=False),
    Column("status", String(32), nullable=False),
    Column("chat_id", String(128), nullable=False, default=""),
    Column("card_message_id", String(128), nullable=False, default=""),
    Column("lang", String(8), nullable=False, default="zh"),
    Column("updated_at", UTCDateTime(), nullable=False),
)

watched = Table(
    "yue_watched_calendars", metadata,
    Column("open_id", String(64), primary_key=True),
    Column("calendar_id", String(255), nullable=False),
    Column("watched_at", UTCDateTime(), nullable=False),
)

meetings = Table(
    "yue_meetings", metadata,
    Column("event_id", String(255), primary_key=True),
    Column("draft_id", String(64), nullable=False),
    Column("organiser", String(64), nullable=False),
    Column("calendar_id", String(255), nullable=False),
    Column("start", Text, nullable=False),          # ISO, as Yue last set it
    Column("end", Text, nullable=False),
    Column("gone", Boolean, nullable=False, default=False),
)

# Exchange statuses as Feishu reports them; the last two are final.
EXCHANGE_FINAL = ("done", "err")


@dataclass(frozen=True)
class ExchangeLink:
    open_id: str
    binding_id: str
    account: str
    status: str
    chat_id: str
    card_message_id: str
    lang: str

    @property
    def final(self) -> bool:
        return self.status in EXCHANGE_FINAL


@dataclass(frozen=True)
class Meeting:
    event_id: str
    draft_id: str
    organiser: str
    calendar_id: str
    start: str
    end: str
    gone: bool


class LinksStore(StoreCore):
    # --- Exchange ---------------------------------------------------------------------------

    def save_exchange_link(self, open_id: str, binding_id: str, account: str, status: str, *, chat_id: str = "",
                           card_message_id: str = "", lang: str = "zh") -> None:
        values = {"binding_id": binding_id, "account": account, "status": status, "chat_id": chat_id,
                  "card_message_id": card_message_id, "lang": lang, "updated_at": self.now()}
        with self._tx() as conn:
            self._upsert(conn, exchange_links, {"open_id": open_id}, values)

    def set_exchange_status(self, open_id: str, status: str, card_message_id: str | None = None) -> None:
        values: dict[str, str | datetime] = {"status": status, "updated_at": self.now()}
        if card_message_id is not None:
            values["card_message_id"] = card_message_id
        with self._tx() as conn:
            conn.execute(update(exchange_links).where(exchange_links.c.open_id == open_id).values(**values))

    def exchange_link(self, open_id: str) -> ExchangeLink | None:
        with self._tx(write=False) as conn:
            r = conn.execute(select(exchange_links).where(exchange_links.c.open_id == open_id)).first()
        return _link(r) if r else None

    def pending_exchange_links(self) -> list[ExchangeLink]:
        """Bindings Feishu is still working on (the sweep polls them)."""
        with self._tx(write=False) as conn:
            rows = conn.execute(select(exchange_links).where(exchange_links.c.status.notin_(EXCHANGE_FINAL))).all()
        return [_link(r) for r in rows]

    def delete_exchange_link(self, open_id: str) -> bool:
        with self._tx() as conn:
            return conn.execute(delete(exchange_links).where(exchange_links.c.open_id == open_id)).rowcount == 1

    # --- change pushes ----------------------------------------------------------------------

    def watching(self, open_id: str) -> str | None:
        with self._tx(write=False) as conn:
            return conn.execute(select(watched.c.calendar_id).where(watched.c.open_id == open_id)).scalar()

    def mark_watched(self, open_id: str, calendar_id: str) -> None:
        with self._tx() as conn:
            self._upsert(conn, watched, {"open_id": open_id}, {"calendar_id": calendar_id, "watched_at": self.now()})

    # --- meetings Yue booked ----------------------------------------------------------------

    def save_meeting(self, event_id: str, draft_id: str, organiser: str, calendar_id: str, start: str,
                     end: str, gone: bool = False) -> None:
        """Record (or update to) the state Yue itself gave the meeting; a push that shows the
        same state is Yue's own doing and tells nobody anything."""
        values = {"draft_id": draft_id, "organiser": organiser, "calendar_id": calendar_id, "start": start,
                  "end": end, "gone": gone}
        with self._tx() as conn:
            self._upsert(conn, meetings, {"event_id": event_id}, values)

    def meeting(self, event_id: str) -> Meeting | None:
        with self._tx(write=False) as conn:
            r = conn.execute(select(meetings).where(meetings.c.event_id == event_id)).first()
        return Meeting(r.event_id, r.draft_id, r.organiser, r.calendar_id, r.start, r.end, bool(r.gone)) if r else None


def _link(r: Row[Any]) -> ExchangeLink:
    return ExchangeLink(r.open_id, r.binding_id, r.account, r.status, r.chat_id or "", r.card_message_id or "",
                        r.lang or "zh")


__all__ = ["LinksStore", "ExchangeLink", "Meeting", "EXCHANGE_FINAL"]
