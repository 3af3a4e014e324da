"""A person's preferences: working hours and days, meeting length, zone, language."""
from __future__ import annotations

from datetime import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.engine import Connection

from bot.store.core import StoreCore
from bot.store.tables import Prefs, prefs

_PREF_FIELDS = frozenset({"work_start", "work_end", "work_days", "meeting_minutes", "tz", "lang"})


class PrefsStore(StoreCore):
    """Per-person preferences with validated values and defaults."""

    def get_prefs(self, open_id: str) -> Prefs:
        """The person's preferences; unset fields are the defaults (09:00–18:00,
        Monday–Friday, 30 minutes)."""
        with self._tx(write=False) as c:
            return self._prefs(self._raw_prefs(c, open_id))

    def set_prefs(self, open_id: str, **fields: Any) -> Prefs:
        """Set some of work_start/work_end (time or "HH:MM"), work_days (0 =
        Monday … 6), meeting_minutes, tz (IANA name), lang; None restores the
        default. Fields not named keep their value. Raises ValueError on a bad
        value (nothing is stored then). Returns the new Prefs."""
        unknown = set(fields) - _PREF_FIELDS
        if unknown:
            raise TypeError(f"prefs have no field(s) {sorted(unknown)}")
        values = {k: self._pref_value(k, v) for k, v in fields.items()}
        with self._tx() as c:
            merged = self._prefs({**self._raw_prefs(c, open_id), **values})
            if merged.work_start >= merged.work_end:
                raise ValueError(f"working hours must end after they start, got "
                                 f"{merged.work_start:%H:%M}–{merged.work_end:%H:%M}")
            self._upsert(c, prefs, {"open_id": open_id}, {**values, "updated_at": self.now()})
        return merged

    @staticmethod
    def _raw_prefs(c: Connection, open_id: str) -> dict[str, Any]:
        row = c.execute(select(prefs).where(prefs.c.open_id == open_id)).first()
        return {} if row is None else {k: getattr(row, k) for k in _PREF_FIELDS}

    @staticmethod
    def _prefs(raw: dict[str, Any]) -> Prefs:
        """Stored column values (None = default) → Prefs."""
        d = Prefs()
        return Prefs(
            work_start=time.fromisoformat(raw["work_start"]) if raw.get("work_start") else d.work_start,
            work_end=time.fromisoformat(raw["work_end"]) if raw.get("work_end") else d.work_end,
            work_days=tuple(raw["work_days"]) if raw.get("work_days") else d.work_days,
            meeting_minutes=raw.get("meeting_minutes") or d.meeting_minutes,
            tz=raw.get("tz") or d.tz,
            lang=raw.get("lang") or d.lang,
        )

    @staticmethod
    def _pref_value(name: str, value: Any) -> Any:
        if value is None:
            return None
        if name in ("work_start", "work_end"):
            if isinstance(value, str):
                try:
                    value = time.fromisoformat(value)
                except ValueError:
                    raise ValueError(f"{name} must be HH:MM, got {value!r}") from None
            if not isinstance(value, time):
                raise ValueError(f"{name} must be a time or HH:MM, got {value!r}")
            return f"{value:%H:%M}"
        if name == "work_days":
            try:
                days = sorted({int(d) for d in value})
            except (TypeError, ValueError):
                raise ValueError(f"work_days must be weekdays 0 (Monday) … 6, got {value!r}") from None
            if not days or any(not 0 <= d <= 6 for d in days):
                raise ValueError(f"work_days must be weekdays 0 (Monday) … 6, got {value!r}")
            return days
        if name == "meeting_minutes":
            minutes = int(value)
            if not 5 <= minutes <= 24 * 60:
                raise ValueError(f"meeting_minutes must be 5 … 1440, got {value!r}")
            return minutes
        if name == "tz":
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"tz must be an IANA time zone, got {value!r}") from None
            return value
        lang = str(value)
        if not 1 <= len(lang) <= 8:
            raise ValueError(f"lang must be a short language code, got {value!r}")
        return lang

