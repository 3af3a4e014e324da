"""Yue's message parser: text + now + tz + mentions -> Intent. Pure: no I/O, no clock.

    from intents import parse
    parse("明天下午3点和 @_user_1 开会", now=..., tz="Asia/Shanghai",
          mentions=[{"key": "@_user_1", "id": "ou_bob", "name": "Bob"}]).to_json()
"""
from __future__ import annotations

import datetime as dt
import importlib

from . import actions, decide, fallback, impossible, normalize, own_time, people, slash
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
          mentions: list[dict] | None = None, bot_id: str | None = None,
          chat_type: str | None = None) -> Intent:
    """Read one message. Never raises: anything unreadable is `unknown`.

    `chat_type` is Feishu's ("p2p" or "group"), when known: in a private chat a bare
    "time + topic" leans towards `schedule`."""
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
        return _parse(text, now, tzinfo, mentions, bot_id, lang, chat_type)
    except Exception as e:  # the contract: never raise on any text; the caller learns it failed
        return Intent(intent="unknown", lang=lang, error=type(e).__name__)


def _hints(rest: str, chat_type: str | None) -> frozenset[str]:
    """Evidence the core knows before the language rules run."""
    h = []
    if chat_type == "p2p":
        h.append(decide.PRIVATE)
    if "@" in rest and (people.MENTION_KEY.search(rest) or people.EMAIL.search(rest)):
        h.append(decide.PEOPLE)
    return frozenset(h)


def _parse(text, now, tzinfo, mentions, bot_id, lang, chat_type=None) -> Intent:
    command, rest = slash.split(text)
    body = people.strip_mentions(rest)
    hints = _hints(rest, chat_type) | ({decide.SLASH} if command else set())
    other = fallback.language_of(body) if lang == "en" or not body.isascii() else None
    if other is not None:  # Japanese, German, French, Spanish …: dateparser reads the day
        a: Analysis = fallback.analyze(body, now, other)
        lang = "en"
    else:
        a = _analyzer(lang)(body, now, frozenset(hints))
    t: TimeSpec = a.time
    dec: decide.Decision = a.decision or decide.Decision("unknown", 1.0)
    alternatives: tuple[tuple[str, float], ...]
    if command:
        intent, confidence, alternatives = slash.COMMANDS.get(command), 1.0, ()
    else:
        intent, confidence, alternatives = (a.intent or "unknown"), dec.confidence, dec.alternatives
    if intent not in INTENTS:
        intent, confidence, alternatives = "unknown", 1.0, ()
    if intent == "find_time":
        _span_to_window(t)
    title, query, role = a.title or None, a.query or None, a.role
    if command:  # the rules shaped the words for their own reading: give the command what it needs
        if intent in _QUERY_INTENTS and query is None:
            query = title
        elif intent == "schedule" and title is None:
            title = query
        if intent == "share" and role is None:
            role = _share_role(lang, body)
    assumptions = list(dict.fromkeys(t.assumptions)) if t.assumptions else []
    start, end, window_start, window_end = t.start, t.end, t.window_start, t.window_end
    if ("月" in body or any(c.isdigit() for c in body)) and impossible.impossible_date(body):
        # "Feb 30": whatever day the rules made of it is one the person never named
        start = end = window_start = window_end = None
        assumptions.append("impossible_date")
    elif any(c.isdigit() for c in body) and impossible.impossible_time(body):
        # "25点": no hour of any day; the rules would take it for a title and look anywhere
        start = end = window_start = window_end = None
        assumptions.append("impossible_time")
    if intent in _FUTURE_INTENTS:
        first = start if start is not None else window_start
        if isinstance(first, dt.datetime):
            past = first < now - _MINUTE
        else:  # a whole day, or no time at all
            past = isinstance(first, dt.date) and first < now.date()
        if past:
            assumptions.append("date_in_past")
    if start is None and window_start is None and intent in ("schedule", "find_time") \
            and not {"impossible_date", "impossible_time"} & set(assumptions):
        window_start = now
        window_end = now + _DEFAULT_WINDOW
        assumptions.append("default_window")
    att = people.attendees(rest, mentions, bot_id)
    if a.everyone:
        att.append({"type": "chat", "id": None})
    own = intent == "find_time" and not att and not command and own_time.asks_own_time(lang, body)
    if own:  # "am I free tomorrow?": answered, not booked; sure of it
        confidence, alternatives = max(confidence, own_time.CONFIDENCE), ()
    # rules give aware times; a naive one is read in the user's zone
    if isinstance(start, dt.datetime) and start.tzinfo is None:
        start = start.replace(tzinfo=tzinfo)
    if isinstance(end, dt.datetime) and end.tzinfo is None:
        end = end.replace(tzinfo=tzinfo)
    return Intent.of(
        intent=intent, start=start, end=end, all_day=bool(t.all_day), duration_minutes=t.duration_minutes,
        window_start=window_start, window_end=window_end,
        attendees=tuple(att), room=a.room, title=title, recurrence=t.recurrence,
        query=query, lang=lang, assumptions=tuple(assumptions), role=role,
        confidence=confidence, alternatives=tuple({"intent": i, "confidence": c} for i, c in alternatives),
        action=own_time.ACTION if own else slash.ACTIONS.get(command or "") or _action(intent, lang, body),
        capacity=a.capacity, remind_before_minutes=a.remind_before_minutes,
    )


_QUERY_INTENTS = frozenset(("search", "cancel", "reschedule", "invite", "rsvp"))


def _share_role(lang: str, body: str) -> str:
    if lang == "zh":
        from .zh import intent_words
        return intent_words.role_of(body)
    from .en import intent_words as en_words
    return en_words.role(body.lower())


def _action(intent: str, lang: str, body: str) -> str | None:
    if intent not in ("share", "digest", "subscribe", "exchange", "rsvp"):
        return None
    if lang == "zh":
        from .rules_zh import ACTIONS
    else:
        from .rules_en import ACTIONS
    return actions.action(intent, body, ACTIONS)


def _span_to_window(t: TimeSpec) -> None:
    """find_time: a span longer than the stated duration is where to look, not the meeting
    ("周四下午两点到五点之间哪段能凑半小时" searches 14:00–17:00 for 30 minutes)."""
    s, e, d = t.start, t.end, t.duration_minutes
    if isinstance(s, dt.datetime) and isinstance(e, dt.datetime) and d and e - s > dt.timedelta(minutes=d) \
            and t.window_start is None:
        t.window_start, t.window_end, t.start, t.end = s, e, None, None
