"""English rules (Duckling-style: one small module per rule family).

    analyze("book a 30 min sync with @_user_1 tomorrow at 3pm about the budget", now)

Conventions beyond the contract, so one message has one answer:
- offsets below a week keep the clock ("in 3 days" = now + 72h); weeks and longer name a day;
- a named period (this week, next month, the weekend, a part of day without a clock time)
  fills window_start/window_end; explicit days and day ranges are all-day start/end;
  for `leave` a whole-day window becomes an all-day start/end;
- the title keeps the meeting noun and its topic ("sync about the budget").
"""
from __future__ import annotations

import datetime as dt
import re

from .. import decide, rules_en
from ..model import Analysis, TimeSpec
from ..narrow import present
from ..prefilter import fast_compile
from . import fields, intent_words, titles
from .combine import extract
from .lex import Ctx
from .numbers import prepare

__all__ = ["analyze"]
_QUERY_INTENTS = {"search", "cancel", "reschedule", "invite", "rsvp"}
_TITLED = _QUERY_INTENTS | {"schedule", "remind", None}  # the intents that read a title or a query
_PEOPLE_GAP = fast_compile(r"\S\s{2,}\S|\s{2,}\S|\S\s{2,}")  # where a mention was blanked out
# Each of intent_words.everyone's phrases holds one of these as a whole letter run.
_EVERY_WORDS = frozenset(["everyone", "everybody", "team", "group", "chat", "all"])
_MEALS = frozenset(["lunch", "dinner", "breakfast", "brunch", "lunchtime"])
_INTO = fast_compile(r"\b(?:to|into|in\s+on|in)\s+(.*)$", re.I)


def analyze(text: str, now: dt.datetime, hints: frozenset[str] = frozenset()) -> Analysis:
    """Read an English message (mention placeholders already blanked) at `now` (aware);
    `hints`: evidence the caller knows (intents.decide: PRIVATE, PEOPLE)."""
    t = prepare(text)
    c = Ctx(now, now.date(), present(now.tzinfo, "the zone of now"), t.s, text)  # positional: a dataclass init is faster so
    spec, spans = extract(c)
    # a gap is a run of two whitespace characters or more next to another character: printable
    # text has no whitespace but " ", so there it is "  " in a text not all spaces
    if text.isprintable():
        gap = "  " in text and not text.isspace()
    else:
        gap = bool(_PEOPLE_GAP.search(text))
    ev = rules_en.evidence(t.s, spec.has_time(), gap, c.toks)
    if titles.WITH_PERSON.search(text):
        ev.add(decide.WITH)
    room, room_span = titles.room_of(text)
    if spec.has_time() and titles.clean(titles.residue(t, spans, [room_span] if room_span else [])):
        ev.add(decide.TOPIC)  # something besides the time: what the meeting may be about
    dec = decide.judge(ev, spec.has_time(), gap or decide.PEOPLE in hints, hints,
                       decide.is_past(spec.start if spec.start is not None else spec.window_end, now))
    intent = dec.reading()
    limit = None
    if intent == "reschedule":
        spec, spans, limit = _new_time(t, c, spec, spans)
    if intent == "leave":
        _whole_days(spec)
    if intent in ("find_time", "schedule") and spec.window_start is not None and spec.window_end is not None \
            and spec.window_start < now < spec.window_end:
        spec.window_start = now  # the part of "this week" still ahead is the one to search
    a = Analysis(spec, intent)  # positional: a dataclass init is faster so
    a.decision = dec
    a.room = room or fields.generic_room(t.s)
    a.capacity, a.remind_before_minutes = c.found.get("seats"), c.found.get("rem")
    if intent in _TITLED:  # the other intents keep no title or query: no residue to build
        # a meal the time rules read as a time of day ("lunch with Bob tomorrow") stays in the title
        kept = [sp for sp in spans if t.s[sp[0]:sp[1]].strip() not in _MEALS]
        rest = titles.residue(t, kept, [room_span] if room_span else [], limit)
        if intent in _QUERY_INTENTS:
            q = rest
            if intent == "invite":
                m = _INTO.search(rest)
                q = m.group(1) if m else ""
            a.query = titles.clean(q)
            if not a.query and intent in ("reschedule", "cancel", "invite"):
                a.query = _old_time_words(t, spans, limit)  # "push my 3pm to 4pm": the event is named by its time
        elif intent == "schedule":
            a.title = titles.title(rest)
        elif intent == "remind":
            a.title, a.query = titles.reminder(rest)
        else:  # None: a slash command may still pick an intent: keep both readings
            a.title = a.query = titles.clean(rest)
    if intent == "share":
        a.role = intent_words.role(t.s)
    a.everyone = not _EVERY_WORDS.isdisjoint(c.toks) and intent_words.everyone(t.s)
    return a


def _new_time(t, c: Ctx, spec: TimeSpec, spans):
    """"move the sync to Friday 10am": the time after the last "to" is the new one."""
    cut = titles.after_to(t.s)
    if cut is None:
        return spec, spans, None
    sub = Ctx(c.now, c.today, c.tz, "at " + t.s[cut:], c.orig)
    new, new_spans = extract(sub)  # "move it to 4": the bare number after "to" is an hour
    new_spans = [(max(0, a - 3), max(0, b - 3)) for a, b in new_spans]
    if not new.has_time():
        return spec, spans, None
    orig_cut = t.span(cut, cut + 1)[0] if cut < len(t.s) else len(t.orig)
    limit = t.orig.rfind(" ", 0, orig_cut - 1) if orig_cut > 1 else orig_cut
    old = [s for s in spans if s[1] <= cut]
    if not _names_day(sub):
        _inherit_day(new, c, t.s[:cut])
    return new, old + [(a + cut, b + cut) for a, b in new_spans], max(0, limit)


_DAY_KINDS = frozenset(["day", "span", "inst", "win"])


def _names_day(c: Ctx) -> bool:
    return any(p.kind in _DAY_KINDS for p in c.points)


def _inherit_day(new: TimeSpec, c: Ctx, old_text: str) -> None:
    """"push tomorrow's 2pm to 5pm": a new clock time with no day keeps the old event's day."""
    base = new.start if isinstance(new.start, dt.datetime) else new.window_start
    if base is None or new.all_day:
        return
    oc = Ctx(c.now, c.today, c.tz, old_text, c.orig)
    old, _ = extract(oc)
    if not _names_day(oc) or old.start is None:
        return
    day = old.start.date() if isinstance(old.start, dt.datetime) else old.start
    shift = day - base.date()
    for f in ("start", "end", "window_start", "window_end"):
        v = getattr(new, f)
        if isinstance(v, dt.datetime):
            setattr(new, f, v + shift)
    new.assumptions = [a for a in new.assumptions if a != "rolled_to_tomorrow"]


def _old_time_words(t, spans, limit: int | None) -> str | None:
    """The time words (as written) that name the existing event, before the new time if any;
    only a clock time or a date does ("my 3pm"), not a bare "weekly" or "tomorrow"."""
    parts = []
    for a, b in sorted(spans):
        oa, ob = t.span(a, b)
        if ob > oa and (limit is None or ob <= limit):
            parts.append(t.orig[oa:ob].strip())
    words = " ".join(p for p in parts if p)
    return words if any(ch.isdigit() for ch in words) else None


def _whole_days(spec: TimeSpec) -> None:
    """Leave is taken in days: a window of whole days becomes an all-day range."""
    ws, we = spec.window_start, spec.window_end
    if spec.start is None and isinstance(ws, dt.datetime) and isinstance(we, dt.datetime) \
            and ws.hour == ws.minute == 0 and we.hour == we.minute == 0 and we - ws >= dt.timedelta(days=1):
        spec.start, spec.end, spec.all_day = ws.date(), (we - dt.timedelta(days=1)).date(), True
        if spec.end == spec.start:
            spec.end = None
        spec.window_start = spec.window_end = None
