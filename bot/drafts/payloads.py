"""Typed draft payloads. The store keeps JSON; these dataclasses are how the bot
reads and writes it (`lang` and `tz` are fields, never `p.get("lang", "zh")`).
Keys a newer writer added and this code does not know are kept in `extra` and
written back unchanged, so two releases (or two helpers' work) can share drafts."""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

P = TypeVar("P", bound="Payload")


@dataclass
class Payload:
    lang: str = "zh"
    tz: str = "Asia/Shanghai"
    extra: dict[str, Any] = field(default_factory=dict)

    KIND: ClassVar[str] = ""

    @classmethod
    def of(cls: type[P], raw: dict[str, Any] | None) -> P:
        raw = dict(raw or {})
        names = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        known = {k: raw.pop(k) for k in list(raw) if k in names}
        if known.get("lang") not in ("zh", "en"):
            known["lang"] = "en" if str(known.get("lang") or "").startswith("en") else "zh"
        known = {k: v for k, v in known.items() if v is not None or _nullable(cls, k)}
        return cls(**known, extra=raw)

    def to_json(self) -> dict[str, Any]:
        out = dict(self.extra)
        for f in dataclasses.fields(self):
            if f.name != "extra":
                out[f.name] = getattr(self, f.name)
        return out

    def with_(self: P, **changes: Any) -> P:
        return dataclasses.replace(self, **changes)


def _nullable(cls: type, name: str) -> bool:
    f = next(f for f in dataclasses.fields(cls) if f.name == name)
    return "None" in str(f.type)


@dataclass
class ProposalPayload(Payload):
    """schedule: a proposal (start/end) or a set of slots to pick from."""
    title: str = ""
    duration: int = 30
    attendees: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    room: dict[str, Any] | None = None
    room_wanted: str | None = None
    recurrence: str | None = None
    assumptions: list[str] = field(default_factory=list)
    source_message: str | None = None
    start: str | None = None           # ISO datetimes (JSON)
    end: str | None = None
    window: list[str] | None = None
    slots: list[list[str]] | None = None

    def start_dt(self) -> dt.datetime | None:
        return dt.datetime.fromisoformat(self.start) if self.start else None

    def end_dt(self) -> dt.datetime | None:
        return dt.datetime.fromisoformat(self.end) if self.end else None


@dataclass
class ExistingPayload(Payload):
    """cancel / reschedule / invite: which event (candidates → chosen), which scope, and
    what to do to it (the people to add, the new start)."""
    verb: str = "cancel"
    candidates: list[dict[str, Any]] = field(default_factory=list)
    chosen: dict[str, Any] | None = None
    scope: str = "one"
    users: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    new_start: str | None = None
    minutes: int | None = None


@dataclass
class LeavePayload(Payload):
    start: str = ""
    end: str = ""
    all_day: bool = True
    source_message: str | None = None


@dataclass
class SharePayload(Payload):
    grantees: list[str] = field(default_factory=list)
    role: str = "reader"
    source_message: str | None = None


@dataclass
class MessagePayload(Payload):
    """error and did-you-mean drafts: the inbound message, to run it again."""
    message: dict[str, Any] = field(default_factory=dict)   # the im.message.receive_v1 envelope
    attempt: int = 0
    error: str = "other"                                     # error drafts: the error's kind
    readings: list[str] = field(default_factory=list)       # did-you-mean: best reading first; unknown @names


PAYLOADS: dict[str, type[Payload]] = {
    "schedule": ProposalPayload, "cancel": ExistingPayload, "reschedule": ExistingPayload,
    "invite": ExistingPayload, "leave": LeavePayload, "share": SharePayload,
    "error": MessagePayload, "didyoumean": MessagePayload,
    "unknownpeople": MessagePayload, "cancelall": ExistingPayload,
}


def payload_of(draft) -> Payload:
    """The typed payload of any draft."""
    return PAYLOADS.get(draft.kind, Payload).of(draft.payload)
