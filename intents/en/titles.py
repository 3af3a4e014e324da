"""Title, query and room: what is left of the message once the time, the people, the
command words and the filler are taken out.

Rule (one, documented): the title keeps the meeting noun and its topic, so "book a
30 min sync with @Bob tomorrow at 3pm about the budget" gives "sync about the budget".
The query of cancel/move/find/add is the same clean-up applied to the part that names
the existing event ("move the sync to Friday" -> "sync").
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from ..prefilter import fast_compile
from .lex import Text

_MARK = "\u00a4"  # stands where a mention was blanked out
_ROOM = fast_compile(r"\b((?:[Mm]eeting\s+|[Cc]onference\s+|[Cc]onf\s+)?[Rr]oom\s+[A-Z0-9][\w-]*(?:\s+\d+)?|[A-Z][\w-]*\s+(?:meeting\s+)?room)\b"
                   r"|\b(?:in|at)\s+(?:the\s+)?([A-Z][a-z][\w-]*(?:\s+[A-Z0-9][\w-]*)?)(?=\s*(?:room\b|[,.!?]|$|\s+(?:at|on|from|for|with|tomorrow|today|next|this)\b))")
_NOT_ROOMS = fast_compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|london|paris|tokyo|new|"
                        r"beijing|shanghai|berlin|sydney|singapore|utc|gmt|pst|est|cet|jst|zoom|teams|slack|feishu|lark|person|"
                        r"the|my|our|q[1-4]|i\b)", re.I)
_LEAD = fast_compile(
    r"^(?:\s*(?:hi|hey|hello|yo|ok|okay|so|um|please|pls|yue|约|@?bot|olly|alexa|siri|cortana|google)\b[,!.:]?)*\s*"
    r"(?:(?:can|could|would|will)\s+(?:you|we|u)\s+(?:please\s+)?|i'?d\s+like\s+to\s+|i\s+(?:want|need)\s+to\s+|let'?s\s+|please\s+|pls\s+)*"
    r"(?:book(?!\s+club)|schedule|set\s+up|setup|arrange|organi[sz]e|create|plan|put|add|invite|include|loop\s+in|cancel+|call\s+off|"
    r"kill|drop|nuke|bump|erase|remove|wipe|clear|go\s+over|walk\s+(?:\w+\s+)?through|run\s+through|catch\s+up\s+on|"
    r"talk\s+about|discuss|what\s+time\s+is|when\s+is|when'?s|where'?s|no|"
    r"delete|scrap|move|push(?:\s+back)?|reschedule|postpone|delay|shift|bring\s+forward|find|search(?:\s+for)?|look\s+up|"
    r"look\s+for|show(?:\s+me)?|where\s+is|when\s+is|when\s+was|when'?s|where'?s|have|do|hold|meet|sync|talk|chat|catch\s+up|get\s+together|hop\s+on)?\b\s*"
    r"(?:me\s+|us\s+|in\s+)?(?:(?:a|an|the|my|our|this|that|some)(?:\s+|$))?", re.I)
_FILLER = fast_compile(r"\b(?:please|pls|thanks|thank\s+you|thx|asap|for\s+me|for\s+us|if\s+possible|if\s+you\s+can)\b[.!]?", re.I)
_DANGLING = fast_compile(r"(?:^|\s)(?:back|at|on|from|for|by|in|this|next|around|about|between|starting|until|till|to|and|with|of|the|a|an|&|-|,)\s*$", re.I)
_LEADING_JUNK = fast_compile(r"^\s*(?:at|on|from|for|by|in|and|with|to|of|,|-|&|:)\s+", re.I)
_GLUE = fast_compile(r"^[\s,]*(?:(?:at|on|of|in|the|around|about|@|from|to|between|and|until|till|-|starting|for|by)[\s,]*)*$", re.I)
# The glue found most often between two time spans, all of which _GLUE matches.
_GLUE_COMMON = frozenset(["", " ", " at ", " on "])
if not all(_GLUE.match(g) for g in _GLUE_COMMON):
    raise ValueError("_GLUE_COMMON holds a glue _GLUE does not match")
_PRE_WORDS = "at|on|from|for|by|in|this|around|between|starting|until|till|before|after|since|during|within|every|each|of"


def room_of(original: str) -> tuple[str | None, tuple[int, int] | None]:
    # _ROOM needs "oom", or "in"/"at" and a capital letter (absent when lower() changes nothing)
    if "oom" not in original and (original.lower() == original or ("in" not in original and "at" not in original)):
        return None, None
    for m in _ROOM.finditer(original):
        name = m.group(1) or m.group(2)
        if name and not _NOT_ROOMS.match(name.split()[-1] if m.group(1) else name):
            return name.strip(), m.span()
    return None, None


def _blanked(orig: str, cuts: list[tuple[int, int]]) -> str:
    """`orig` with every [a, b) of `cuts` (clamped to it) turned into spaces: the union of the
    ranges, sliced once, in place of a list of characters blanked range by range."""
    n = len(orig)
    if len(cuts) == 1:  # the most common case
        a, b = cuts[0]
        a, b = (a if a > 0 else 0), (b if b < n else n)
        return orig[:a] + " " * (b - a) + orig[b:] if a < b else orig
    pos = 0
    out: list[str] = []
    for a, b in sorted(cuts):
        a, b = (a if a > pos else pos), (b if b < n else n)
        if a < b:
            out += (orig[pos:a], " " * (b - a))
            pos = b
    if not out:
        return orig
    out.append(orig[pos:])
    return "".join(out)


# The prepositions right before a time span ("for around 3pm"): the longest chain of them
# (each word + spaces) ending at the span, read backwards as one anchored match, which is
# what searching (?:\b(?:words)\s+)+$ over the text before the span would find.
_PRE_REV = re.compile(r"(?:\s+(?:" + "|".join(w[::-1] for w in _PRE_WORDS.split("|")) + r")\b)+", re.I)


def residue(t: Text, spans: list[tuple[int, int]], extra: Sequence[tuple[int, int]] = (),
            limit: int | None = None) -> str:
    """The original text with the time spans (plus their glue words) and `extra` blanked."""
    orig = t.orig if limit is None else t.orig[:limit]
    lo, hi, n, size = t.lo, t.hi, len(t.lo), len(orig)
    # One range per span: the preposition chain before it, the span, its "'s" and the glue
    # to the next span all touch, so their union is [start, end).
    cuts: list[tuple[int, int]] = []
    last_b = None
    for a, b in sorted(spans):
        oa, ob = (lo[a], hi[(b if b < n else n) - 1]) if a < b and a < n else (0, 0)  # Text.span, inlined
        if last_b is not None:  # the glue from the last span to this one ("tomorrow at 3pm"); often one space
            glue = t.s[last_b:a]
            if (glue in _GLUE_COMMON or _GLUE.match(glue)) and oa > cuts[-1][1]:
                cuts[-1] = (cuts[-1][0], oa)
        last_b = b
        end = ob + 2 if orig.startswith(("'s", "\u2019s"), ob) else ob  # "tomorrow's standup"
        start = oa
        # a preposition chain right before the span: read backwards, it opens with whitespace
        e = oa if oa < size else size
        if e > 0 and orig[e - 1].isspace():
            m = _PRE_REV.match(orig[oa - 1::-1])
            if m:
                start = e - m.end()
        cuts.append((start, end))
    cuts += extra
    return _blanked(orig, cuts)


_GAPS = fast_compile(r"\s{2,}")
_MARKS = fast_compile(rf"(?:\b(?:with|and|to|cc)\b|&|\bw/|,)?\s*{_MARK}(?:\s*(?:,|and|&|{_MARK}))*", re.I)
_TEAM = fast_compile(r"\b(?:(?:with|for)\s+)?(?:the\s+whole\s+(?:team|group)|the\s+team|everyone(?:\s+here)?|everybody|"
                    r"all\s+of\s+us)\b:?", re.I)
_ME = fast_compile(r"\b(?:with|and)\s+(?:me|i|us)\b|\b(?:me|i)\s+and\b|\bbetween\s+us\b", re.I)
_VERB_TITLE = fast_compile(r"(?:a\s+)?(?:sync|call|chat|meeting|standup|catch\s+up|coffee|lunch|demo)", re.I)
_ARTICLE = fast_compile(r"^(?:a|an|the|my|our)\s+", re.I)
_ABOUT = fast_compile(r"^(?:about|regarding|re:?|to\s+discuss|to\s+talk\s+about|on\s+the\s+topic\s+of)\s+", re.I)
_WORDCHAR = fast_compile(r"\w")
# A verb of getting time left alone ("grab 30 min with @Dave"): how it was asked, not a subject.
_BARE_VERBS = frozenset(["grab", "snag", "get", "squeeze in", "pencil in", "block", "block out", "hold", "steal"])
# "Crash Review A": a capital letter after a capitalised word ends a name, it is no article.
_NAME_LETTER = fast_compile(r"\b[A-Z][\w-]*\s+[A-Z]$")


_DANGLING_WORDS = frozenset("back at on from for by in this next around about between starting until till to and "
                            "with of the a an & - , @ -> nxt again too w".split())


def _drop_dangling(s: str) -> str:
    """_DANGLING.sub("", s), whose one possible match is the last word (the whole run of
    non-spaces, with the one space before it or the start, and the spaces after it)."""
    parts = s.rsplit(None, 1)
    if not parts:  # no word: no match
        return s
    last = parts[-1]
    if not last.isascii():  # re.I folds a few other letters onto ASCII ones (the Kelvin sign)
        return _DANGLING.sub("", s)
    if last.lower() not in _DANGLING_WORDS:
        return s
    i = len(s.rstrip()) - len(last)  # where the last word starts
    return s[:i - 1] if i else ""


def _cut_head(rx: re.Pattern, s: str) -> str:
    """rx.sub("", s) for a pattern anchored at ^ (so one match at most); callers first check
    that s opens with a character that can start a match (the sets below)."""
    m = rx.match(s)
    return s[m.end():] if m else s


# The characters each anchored pattern can start with (re.I also folds the dotted and the
# dotless i onto "i"); _LEADING_JUNK may start with any whitespace.
_SPACE_CHARS = frozenset(ch for ch in map(chr, range(0x3001)) if ch.isspace())
_JUNK_FIRST = frozenset("aofbiwtAOFBIWT,-&:\u0130\u0131") | _SPACE_CHARS
_ARTICLE_FIRST = frozenset("atmoATMO")
_ABOUT_FIRST = frozenset("artoARTO")


# The re.I patterns below as case-sensitive ones for lower-cased ASCII text, where they match
# the same spans (their letters are all lower-case) several times faster.
# (Pairs, not a dict: a Pattern hashes its whole compiled code on every lookup.)
_TEAM2, _ME2, _FILLER2 = ((rx, re.compile(rx.pattern)) for rx in (_TEAM, _ME, _FILLER))
_LEAD_LOW = re.compile(_LEAD.pattern)
if any(re.search("[A-Z]", re.sub(r"\\.", "", rx.pattern)) for rx in (_TEAM, _ME, _FILLER, _LEAD)):
    raise ValueError("a lower-case copy needs a pattern without capitals")


def _isub(pair: tuple[re.Pattern, re.Pattern], s: str) -> str:
    """pair[0].sub(" ", s), pair[1] being its lower-case copy (neither matches empty text)."""
    if not s.isascii():
        return pair[0].sub(" ", s)
    parts: list[str] = []
    pos = 0
    for m in pair[1].finditer(s.lower()):
        parts += (s[pos:m.start()], " ")
        pos = m.end()
    if not parts:
        return s
    parts.append(s[pos:])
    return "".join(parts)


# Never part of a title or query: pictographs, recurrence words the time rules leave
# ("thursdays", "every weekday"), and the room/capacity words ("a room for 6 people").
_NOT_TITLE = fast_compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]|\b(?:on\s+|every\s+)?(?:mondays|tuesdays|wednesdays|"
                        r"thursdays|fridays|saturdays|sundays|weekdays|every\s+weekday)\b|"
                        r"\b(?:in\s+)?(?:a|the)\s+room\s+for\s+\w+(?:\s+people)?\b|\bfor\s+\w+\s+people\b|"
                        r"\b(?:people|persons?|seats?)\b", re.I)
_ROOM_WORD = fast_compile(r"\b(?:an?\s+|the\s+)?(?:meeting\s+|conference\s+)?rooms?\b", re.I)
# A person's name at the end of a title ("sync with John", "meeting with john and mary"): a query
# keeps it (it helps find the event), a title never.
_NAME_TAIL = fast_compile(r"\b(?:with|w/?)\s+(?!(?:the|a|an|my|our|team|client|clients|customers?|vendors?|marketing|sales|"
                          r"design|product|engineering|eng|hr|finance|legal|ops|leadership|board|management|investors?)\b)"
                          r"[a-z]+(?:\s+(?:and|&)\s+[a-z]+)?[\s,.!?]*$", re.I)


def title(rest: str) -> str | None:
    """The title from a residue: clean() less a person's name at its end."""
    return clean(_NAME_TAIL.sub(" ", rest) if "w" in rest else rest)
# A query's tail that names no event: "again", "too", "is off", ", cancel it pls".
_TAIL = fast_compile(r"(?:\s+(?:again|too|pls|please|is\s+off|is\s+cancell?ed\b.*)|\s*,.*\b(?:cancel|remove|"
                     r"delete|kill|drop)\s+it\b.*|\s+(?:cancel|remove|delete|kill|drop)\s+it\b.*|\s*->.*)$", re.I)


def clean(text: str, lead: bool = True) -> str | None:
    """Command words, people, filler and dangling prepositions out; None if nothing is left.
    `lead=False` keeps a leading verb (a reminder's "book the room" is what to do)."""
    if not text or text.isspace():  # often all of it was time and people: every step below keeps it blank
        return None
    # \s{2,} needs two whitespace characters: printable text has none but the plain space
    # (tabs, newlines and the Unicode spaces are all unprintable)
    s = _GAPS.sub(f" {_MARK} ", text) if "  " in text or not text.isprintable() else text
    if _MARK in s:
        s, n = _MARKS.subn(" ", s)
        if n and _MARK in s:  # up to three rounds in all
            for _ in range(2):
                s, n = _MARKS.subn(" ", s)
                if not n or _MARK not in s:
                    break
    # Skip a sub whose words are absent (substrings without spaces survive a sub to " ").
    # Only for ASCII text: re.I also folds a few other letters (the Kelvin sign) onto ASCII.
    low = s.lower() if s.isascii() else None
    if low is None or "team" in low or "group" in low or "every" in low or "all" in low:
        s = _isub(_TEAM2, s)
    if low is None or "with" in low or "and" in low or "between" in low:
        s = _isub(_ME2, s)
    if low is None or "for" in low or "if" in low or "thank" in low or "please" in low or "pls" in low \
            or "thx" in low or "asap" in low:
        s = _isub(_FILLER2, s)
    # From here on the only whitespace is single plain spaces (the steps below only cut
    # off a head or a tail), so the \s+ clean-up at the end is not needed again.
    # (" ".join(s.split()) is re.sub(r"\s+", " ", s) less the spaces at its ends, which the strip
    # takes off anyway: split() and \s agree on whitespace)
    s = (" ".join(s.split()) if "  " in s or not s.isprintable() else s).strip(" ,.!?;:-")
    whole = s
    if lead and s.isascii():  # anchored: the one match at 0, found faster without re.I
        m = _LEAD_LOW.match(s.lower())
        s = s[m.end():] if m else s
    elif lead:
        s = _LEAD.sub("", s, count=1)
    if not s.strip() and _VERB_TITLE.fullmatch(whole):
        s = whole  # "/meet friday sync": the verb-like word is the title
    for _ in range(3):
        before = s
        if not ("A" <= s[-1:] <= "Z" and _NAME_LETTER.search(s)):  # the pattern ends in a capital
            s = _drop_dangling(s).strip(" ,.!?;:-")
        if s[:1] in _JUNK_FIRST:
            s = _cut_head(_LEADING_JUNK, s)
        s = s.strip(" ,.!?;:-")
        if s == before:  # a fixed point: further rounds change nothing
            break
    if s[:1] in _ARTICLE_FIRST:
        s = _cut_head(_ARTICLE, s)
    if s[:1] in _ABOUT_FIRST:
        s = _cut_head(_ABOUT, s)
    s = _TAIL.sub("", _NOT_TITLE.sub(" ", s))
    if lead and "oom" in s:  # (a reminder may be to book the room)
        s = _ROOM_WORD.sub(" ", s)
    s = s.strip(" ,.!?;:-'\"")
    s = " ".join(s.split())
    if not s or not _WORDCHAR.search(s) or len(s) > 120 or s.lower() in _BARE_VERBS:
        return None
    return s


# "with Bob", "w/ john": a person named in the text (evidence for the decision layer).
WITH_PERSON = fast_compile(r"\b(?:with|w/|w(?=\s{2,}))(?:\s{2,}|\s*(?!(?:me|us|the|a|an|my|our|your|everyone|everybody|you|them|"
                           r"him|her|it|this|that|some|all|any|no|out|regards|thanks|on|at|in|for)\b)[A-Za-z])", re.I)
_REMIND = fast_compile(r"\b(?:(?:set|create|add)\s+(?:a\s+|an?\s+)?reminders?\s*(?:to|for|about|that)?|"
                       r"remind(?:er)?s?\s*(?:me|us|everyone)?\s*(?:to|about|of|that)?|"
                       r"don'?t\s+let\s+me\s+forget\s*(?:to|about)?|(?:ping|nudge)\s+me\s*(?:to|about)?)", re.I)
_BEFORE = fast_compile(r"\b(?:before|ahead\s+of|prior\s+to)\b\s*(.*)$", re.I)


def reminder(rest: str) -> tuple[str | None, str | None]:
    """(title, query) of a reminder: "remind me to call the bank" → the text to remind of;
    "remind me before the design review" → the event it is tied to, as a query."""
    m = _BEFORE.search(rest)
    if m:
        return None, clean(m.group(1))
    return clean(_REMIND.sub(" ", rest), lead=False), None


_TO = fast_compile(r"\b(?:to|till|until|for)\s+")  # compiled once: re.finditer(str) looks it up per call


def after_to(s: str) -> int | None:
    """Where the new time starts in "move X to <time>" (prepared text), else None."""
    end = None
    for m in _TO.finditer(s):  # the last match
        end = m.end()
    return end
