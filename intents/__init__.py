"""Yue's message parser: text + now + tz + mentions -> Intent. Pure: no I/O, no clock.

    from intents import parse
    parse("明天下午3点和 @_user_1 开会", now=..., tz="Asia/Shanghai",
          mentions=[{"key": "@_user_1", "id": "ou_bob", "name": "Bob"}]).to_json()
"""
from __future__ import annotations

import datetime as dt
import importlib

from . import normalize, people, slash
from .model import INTENTS, Analysis, Intent, TimeSpec
from .timeutil import zone

__all__ = ["parse", "Intent", "INTENTS"]

# Intents that act in the future: a time already past is worth flagging.
_FUTURE_INTENTS = {"schedule", "find_time", "reschedule", "leave", "invite"}
# With no time at all, these look over the coming working week.
_DEFAULT_WINDOW = dt.timedelta(days=7)
_MINUTE = dt.timedelta(minutes=1)


_ANALYZERS: dict = {}


def _analyzer(lang: str):
    """The language's analyze function, imported on first use (an import per call costs)."""
    fn = _ANALYZERS.get(lang)
    if fn is None:
        mod = importlib.import_module(f".{'zh' if lang == 'zh' else 'en'}", __name__)
        fn = _ANALYZERS[lang] = mod.analyze
    return fn


def _to_tz(v, tz):
    if isinstance(v, dt.datetime):
        return v.astimezone(tz) if v.tzinfo else v.replace(tzinfo=tz)
    return v


def parse(text: str, now: dt.datetime | None = None, tz: str = "Asia/Shanghai",
          mentions: list[dict] | None = None, bot_id: str | None = None) -> Intent:
    """Read one message. Never raises: anything unreadable is `unknown`."""
    lang = "zh"
    try:
        text = normalize.clean(text if isinstance(text, str) else "")
        lang = normalize.language(text)
        try:
            tzinfo = zone(tz)
        except ValueError:
            tzinfo = zone("Asia/Shanghai")
        if not isinstance(now, dt.datetime):
            raise ValueError("now must be a datetime")  # the caller owns the clock
        now = _to_tz(now, tzinfo)
        return _parse(text, now, tzinfo, mentions, bot_id, lang)
    except Exception as e:  # the contract: never raise on any text; the caller learns it failed
        return Intent(intent="unknown", lang=lang, error=type(e).__name__)


def _parse(text, now, tzinfo, mentions, bot_id, lang) -> Intent:
    command, rest = slash.split(text)
    body = people.strip_mentions(rest)
    a: Analysis = _analyzer(lang)(body, now)
    t: TimeSpec = a.time
    intent = slash.COMMANDS.get(command) if command else (a.intent or "unknown")
    if intent not in INTENTS:
        intent = "unknown"
    assumptions = list(dict.fromkeys(t.assumptions)) if t.assumptions else []
    start, end, window_start, window_end = t.start, t.end, t.window_start, t.window_end
    if intent in _FUTURE_INTENTS:
        first = start if start is not None else window_start
        if isinstance(first, dt.datetime):
            past = first < now - _MINUTE
        else:  # a whole day, or no time at all
            past = isinstance(first, dt.date) and first < now.date()
        if past:
            assumptions.append("date_in_past")
    if start is None and window_start is None and intent in ("schedule", "find_time"):
        window_start = now
        window_end = now + _DEFAULT_WINDOW
        assumptions.append("default_window")
    att = people.attendees(rest, mentions, bot_id)
    if a.everyone:
        att.append({"type": "chat", "id": None})
    # rules give aware times; a naive one is read in the user's zone
    if isinstance(start, dt.datetime) and start.tzinfo is None:
        start = start.replace(tzinfo=tzinfo)
    if isinstance(end, dt.datetime) and end.tzinfo is None:
        end = end.replace(tzinfo=tzinfo)
    return Intent.of(
        intent=intent, start=start, end=end, all_day=bool(t.all_day), duration_minutes=t.duration_minutes,
        window_start=window_start, window_end=window_end,
        attendees=tuple(att), room=a.room, title=a.title or None, recurrence=t.recurrence,
        query=a.query or None, lang=lang, assumptions=tuple(assumptions), role=a.role,
    )
