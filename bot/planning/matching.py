"""Which existing meeting a message means, by loose words (pure): "预算会" is "讨论预算", "the Q3
one" is "Q3 planning"; a day named before the verb ("把明天的预算会挪到…") and the people
mentioned count too. Scores, not yes/no, so one clear winner can skip the "which meeting?" card."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from collections.abc import Iterable

_CJK = re.compile(r"[\u4e00-\u9fff]+")
_WORD = re.compile(r"[a-z0-9][a-z0-9'’\-]*")
# Words that say "a meeting" rather than which one.
_ZH_GENERIC = re.compile(r"会议|开会|例会|的|那个|这个|一下|会$|^会")
_EN_GENERIC = {"the", "a", "an", "my", "our", "meeting", "meetings", "one", "mtg", "with", "about", "on", "for",
               "to", "of", "and", "in", "at", "this", "that", "call", "session", "s", "up"}
# Before these the message names the meeting; after them, the new time.
_VERB = re.compile(r"(?i)挪到|改到|移到|推到|调到|换到|延到|提前到|改成|挪至|改至|\bto\b|\buntil\b|\binto\b")

CLEAR_LEAD = 0.5      # how far ahead the best match must be to skip the picker


@dataclass(frozen=True)
class Hints:
    """What the message says about the meeting: its words, a day or time it is on, its people."""
    query: str = ""
    day: dt.date | None = None
    at: dt.datetime | None = None
    people: frozenset[str] = frozenset()


def terms(text: str) -> set[str]:
    """The distinctive parts of a title or query: Latin words (not "meeting", "the") and, for
    Chinese, the character pairs of each run with "会议/开会/的" taken out (单字 runs kept)."""
    low = (text or "").lower()
    words = [w.strip("'’-") for w in _WORD.findall(low)]
    # "stand-up" is also "stand" and "up"; "q3" stays whole.
    words += [part for w in words if "-" in w for part in w.split("-")]
    out = {w for w in words if w not in _EN_GENERIC and len(w) >= 2}
    for run in _CJK.findall(low):
        for part in _ZH_GENERIC.split(run):
            if len(part) == 1:
                out.add(part)
            out.update(part[i:i + 2] for i in range(len(part) - 1))
    return out


def word_score(title: str, query: str) -> float:
    """0..1: the share of the query's terms the title holds (1 when the query has none)."""
    q = terms(query)
    if not q:
        return 1.0
    t = terms(title)
    if not t:
        return 0.0
    return sum(1 for x in q if x in t or _prefix_of_any(x, t)) / len(q)


def _prefix_of_any(word: str, title_terms: set[str]) -> bool:
    """"plan" for "planning", "sync" for "syncs": a Latin word of 3+ letters starting a title word."""
    return len(word) >= 3 and word.isascii() and any(x.startswith(word) for x in title_terms if x.isascii())


def target_part(text: str) -> str:
    """The part of a reschedule message that names the meeting: before "挪到" / "to"."""
    m = _VERB.search(text or "")
    return text[:m.start()] if m else ""


def score(title: str, start: dt.datetime, attendees: Iterable[str], hints: Hints, tz: dt.tzinfo,
          recurring: bool = False) -> float:
    """How well a meeting fits the hints; 0 means it does not. Words weigh most; the named day
    or time and the mentioned people break ties. A series (`start` is its first occurrence) is
    not judged by the day."""
    w = word_score(title, hints.query)
    if hints.query and w < 0.5:
        return 0.0
    s = w
    local = start.astimezone(tz)
    if recurring:
        pass
    elif hints.at is not None:
        if abs((start - hints.at).total_seconds()) < 60:
            s += 1.0
        elif hints.at.astimezone(tz).date() != local.date():
            return 0.0
    elif hints.day is not None:
        if local.date() != hints.day:
            return 0.0
        s += 1.0
    if hints.people:
        s += 0.5 * len(hints.people & set(attendees)) / len(hints.people)
    return s


def clear_winner(scored: list[tuple[float, dict]]) -> dict | None:
    """The one candidate ahead of all others by CLEAR_LEAD (or the only one), else None."""
    ranked = sorted((x for x in scored if x[0] > 0), key=lambda x: -x[0])
    if len(ranked) == 1:
        return ranked[0][1]
    if len(ranked) > 1 and ranked[0][0] - ranked[1][0] >= CLEAR_LEAD:
        return ranked[0][1]
    return None
