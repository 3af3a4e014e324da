"""The parser's output: one Intent per message (see docs: intents-contract.md)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, asdict
from typing import Any

INTENTS = ("schedule", "find_time", "agenda", "search", "invite", "cancel", "reschedule",
           "leave", "share", "caldav", "help", "remind", "digest", "rooms", "rsvp", "subscribe", "exchange",
           "unknown")

Moment = dt.datetime | dt.date | None


@dataclass(slots=True)
class TimeSpec:
    """What a language's time rules found in a message (mutable while rules run)."""
    start: Moment = None
    end: Moment = None
    all_day: bool = False
    duration_minutes: int | None = None
    window_start: dt.datetime | None = None
    window_end: dt.datetime | None = None
    recurrence: str | None = None
    assumptions: list[str] = field(default_factory=list)

    def has_time(self) -> bool:
        return not (self.start is None and self.end is None and self.window_start is None
                    and self.window_end is None and self.duration_minutes is None and self.recurrence is None)


@dataclass(slots=True)
class Analysis:
    """What a language module (intents.zh / intents.en) reads from a message.

    Mentions arrive as placeholders (``@_user_1``) in the text; the language module
    removes them from the title and query but does not resolve them (the core does).
    """
    time: TimeSpec = field(default_factory=TimeSpec)
    intent: str | None = None          # None: no intent keyword found
    title: str | None = None
    query: str | None = None
    room: str | None = None
    role: str | None = None            # share: free_busy_reader / reader / writer / owner
    everyone: bool = False             # "全员", "everyone here": the whole chat is invited
    decision: Any = None               # intents.decide.Decision: the intent with its confidence
    capacity: int | None = None        # v2: seats asked for ("6人的会议室", "a room for 8")
    remind_before_minutes: int | None = None  # v2: a lead time ("提前15分钟提醒我")


def _iso(v: Moment) -> str | None:
    if v is None:
        return None
    return v.isoformat()


@dataclass(frozen=True)
class Intent:
    intent: str = "unknown"
    start: Moment = None
    end: Moment = None
    all_day: bool = False
    duration_minutes: int | None = None
    window_start: dt.datetime | None = None
    window_end: dt.datetime | None = None
    attendees: tuple[dict[str, Any], ...] = ()
    room: str | None = None
    title: str | None = None
    recurrence: str | None = None
    query: str | None = None
    lang: str = "zh"
    assumptions: tuple[str, ...] = ()
    role: str | None = None            # extension of the contract, for `share`
    confidence: float = 0.0            # (v2) how sure the parser is of `intent`
    alternatives: tuple[dict[str, Any], ...] = ()  # (v2) up to two {"intent", "confidence"}, best first
    action: str | None = None          # (v2) share grant/revoke/list, digest on/off, …
    capacity: int | None = None        # v2
    remind_before_minutes: int | None = None  # v2
    # Not in the contract: the exception's type name when the parser failed on this text
    # (the Intent is then `unknown`); the caller counts and logs it, the parser stays pure.
    error: str | None = None

    @classmethod
    def of(cls, **fields: Any) -> Intent:
        """The same Intent as cls(**fields) given every field, without the frozen __init__'s
        object.__setattr__ per field (the parser's hot path)."""
        obj = object.__new__(cls)
        obj.__dict__.update(fields)
        return obj

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("start", "end", "window_start", "window_end"):
            d[k] = _iso(d[k])
        d["attendees"] = [dict(a) for a in self.attendees]
        d["assumptions"] = list(self.assumptions)
        d["alternatives"] = [dict(a) for a in self.alternatives]
        if d["error"] is None:
            del d["error"]
        return d
