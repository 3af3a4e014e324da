"""Chinese rules for Yue's parser (Duckling-style: small rule families, then composition).

    analyze("明天下午3点和 开会 讨论预算", now) -> Analysis(intent="schedule", title="讨论预算", …)

Mentions arrive already blanked by the core; the rules run on a Simplified-folded copy of
the text (same length), and titles are cut from the text as the person wrote it.
"""
from __future__ import annotations

import datetime as dt

from .. import decide, rules_zh
from ..model import Analysis, TimeSpec
from . import colloquial, intent_words, script, slots
from .gates import text_chars
from .timeparse import MOVE, read_time

_NO_QUERY = frozenset(("help", "caldav", "share", "digest", "rooms", "exchange", "remind", "find_time", "agenda",
                       "leave"))  # requests that name no existing event


def analyze(text: str, now: dt.datetime, hints: frozenset[str] = frozenset()) -> Analysis:
    """Read one Chinese message (mentions already blanked). `now` is aware, in the user's zone;
    `hints`: evidence the caller knows (intents.decide: PRIVATE, PEOPLE)."""
    text = text if isinstance(text, str) else ""
    # The rule gates' view of the folded text, read once; a text with nothing to fold is its
    # own folded copy (set(text) tells, and the gates need it anyway).
    chars = set(text)
    if script.has_traditional(chars):
        folded = script.fold(text)
        chars = text_chars(folded)
    else:
        folded = text
        chars = text_chars(folded, chars=chars)
    ts, spans = read_time(folded, now, chars)
    room, room_span = slots.room_of(folded, spans)
    cut = spans + ([room_span] if room_span else [])
    whole = (slots.phrase(text, folded, cut),)  # the phrase of the whole text: the topic, if any
    ev = rules_zh.evidence(folded, chars)
    if slots.WITH_PERSON.search(folded):
        ev.add(decide.WITH)
    if whole[0]:
        ev.add(decide.TOPIC)
    dec = decide.judge(ev, ts.has_time(), decide.PEOPLE in hints, hints,
                       decide.is_past(ts.start if ts.start is not None else ts.window_end, now))
    intent = dec.reading()
    a = Analysis(ts, intent)  # (positional: a call with keywords costs a dict)
    a.decision = dec
    a.everyone = intent_words.everyone(folded, chars)
    a.capacity, a.remind_before_minutes = slots.capacity_of(folded), colloquial.lead_minutes(folded)
    if room_span:
        a.room = text[room_span[0]:room_span[1]].strip()
    if intent == "share":
        a.role = intent_words.role_of(folded)
    if intent == "find_time":
        _days_to_window(ts, now)
    # A slash command may override the intent (/search 周会 reads as schedule words), so the
    # query is read for every request that can name an existing event.
    if intent not in _NO_QUERY:
        mv = MOVE.search(folded) if intent == "reschedule" else None
        if mv is None:
            a.query = whole[0]
        else:
            end = mv.start()  # the old time and title, before 改到 …
            a.query = slots.phrase(text[:end], folded[:end], cut)
    if intent == "remind":
        a.title, a.query = slots.reminder(text, folded, cut)
    if intent == "schedule" or (intent is None and ts.has_time()):
        a.title = whole[0]
    return a


def _days_to_window(ts: TimeSpec, now: dt.datetime) -> None:
    """find_time searches spans: a named day (周五有空吗) becomes that day's window."""
    if not ts.all_day or not isinstance(ts.start, dt.date) or isinstance(ts.start, dt.datetime):
        return
    last = ts.end if isinstance(ts.end, dt.date) else ts.start
    tz = now.tzinfo
    ts.window_start = dt.datetime(ts.start.year, ts.start.month, ts.start.day, tzinfo=tz)
    nxt = last + dt.timedelta(days=1)
    ts.window_end = dt.datetime(nxt.year, nxt.month, nxt.day, tzinfo=tz)
    ts.start = ts.end = None
    ts.all_day = False
