"""Cheap pre-checks that let the scanner skip rules whose words are absent (speed only:
a gate never changes what a rule finds, it only avoids running a regex that cannot match).

A message becomes a set of tokens: its letter runs plus a few pseudo-tokens (`#d` a digit,
`#d12` a run of one or two digits, `#d3`/`#d4`/`#d8` longer runs, `#dd` two runs or more,
`#:` `#.` `#/` `#-` `#~` `#'` those characters). A gate is (triggers, extra): the rule runs
when a trigger is among the tokens (None: always) and `extra(s, tokens)` holds, if given.
"""
from __future__ import annotations

import re
from collections.abc import Callable

Extra = Callable[[str, frozenset], bool]
Gate = tuple  # (frozenset | None, Extra | None)

_WORD = re.compile(r"[a-z]+")
_DRUN = re.compile(r"\d+")
_CHAR_TOKS = tuple((ch, "#" + ch) for ch in (":", ".", "/", "-", "~", "'", "½"))
_ASCII_CHAR_TOKS = _CHAR_TOKS[:-1]

MONTH_WORDS = frozenset("jan january feb february mar march apr april may jun june jul july aug august sep sept "
                        "september oct october nov november dec december".split())
WD_WORDS = frozenset(w + s for w in "mon monday tue tues tuesday wed weds wednesday thu thur thurs thursday fri friday "
                     "sat saturday sun sunday".split() for s in ("", "s"))
PART_WORDS = frozenset("morning afternoon evening night daytime lunch lunchtime dinner dinnertime breakfast "
                       "mornings afternoons evenings nights".split())
HOLIDAY_WORDS = frozenset("christmas new valentine valentines halloween thanksgiving easter independence fourth memorial "
                          "labor labour mother mothers father fathers mlk martin presidents president washington patrick "
                          "patricks paddy paddys black good".split())
ZONE_WORDS = frozenset("pst pdt mst mdt cst cdt est edt gmt utc bst cet cest eet eest ist sgt hkt jst kst aest aedt "
                       "pt pacific mt mountain ct central et eastern".split())
ADVERB_WORDS = frozenset("daily nightly weekly biweekly monthly bimonthly quarterly yearly annually annual "
                         "semiannually semiannual biannually hourly".split())
UNIT_WORDS = frozenset(u + s for u in "second minute hour day night week fortnight month year".split() for s in ("", "s"))
# durations._dur: a unit word as a whole letter run, alone or glued to a spelled quantity
# ("aday", "halfday"); a glued unit letter, 1/2h and 5' follow a digit.
_PLAIN_UNITS = UNIT_WORDS
_QTY_WORDS = frozenset(["a", "an", "another", "one", "half"])
_GLUED_QTY_UNITS = frozenset(q + u for q in _QTY_WORDS for u in UNIT_WORDS)
_DUR_WORDS = _PLAIN_UNITS | _GLUED_QTY_UNITS
_DUR_GLUED = frozenset(["s", "m", "h", "d", "w", "y", "mo", "#'"])
# Without a unit word, a duration is a digit glued to its unit and a word end (as in
# durations._GLUED: 10d, 1.5h, 3mo, not 1st), or 5', or 1/2h.
_GLUED_HINT = re.compile(r"\d(?:(?:[smhdwy]|mo)\b|'|/\d)")


def _dur_gate(s: str, t: set) -> bool:
    """Whether the text can hold a duration (DUR). Every rule puts DUR after a space or a
    non-word character, so its quantity opens a letter run: a unit word as a whole run
    after a quantity (a digit, ½, or a quantity word as its own run), a quantity word glued
    to its unit ("aday"), "quarter(s) of an hour" (its "hour" may run on into "hourly"),
    or a digit glued to its unit."""
    if not _PLAIN_UNITS.isdisjoint(t) and ("#d" in t or not _QTY_WORDS.isdisjoint(t) or "½" in s):
        return True
    return not _GLUED_QTY_UNITS.isdisjoint(t) or "quarter" in s or "#d" in t and _GLUED_HINT.search(s) is not None
# The first word of every connector in ranges._CONNS (the rest start with one of these).
CONN_WORDS = frozenset("before earlier prior after later since from starting beginning as effective to thru through "
                       "till til until and between by onwards onward upto #- #~".split())


# ASCII text (nearly all): the runs come from bytes.translate + split, a few times faster
# than the two findall; [a-z]+ and \\d+ are the same runs there.
_LETTERS_ONLY = bytes(c if 97 <= c <= 122 else 32 for c in range(256))
_DIGITS_ONLY = bytes(c if 48 <= c <= 57 else 32 for c in range(256))


def tokens(s: str) -> set[str]:
    """The message's letter runs and pseudo-tokens (see the module doc). A set, not a
    frozenset: it is only read (in, isdisjoint, &), and freezing it is a copy."""
    if s.isascii():
        b = s.encode()
        t = set(b.translate(_LETTERS_ONLY).decode().split())
        runs = b.translate(_DIGITS_ONLY).split()
        marks = _ASCII_CHAR_TOKS  # no "½" in ASCII text
    else:
        t = set(_WORD.findall(s))
        runs = _DRUN.findall(s)
        marks = _CHAR_TOKS
    for ch, tok in marks:
        if ch in s:
            t.add(tok)
    if runs:
        t.add("#d")
        if len(runs) > 1:
            t.add("#dd")
            longest, shortest = max(map(len, runs)), min(map(len, runs))
        else:
            longest = shortest = len(runs[0])
        if shortest <= 2:
            t.add("#d12")
        if longest >= 3:
            t.add("#d3")
            if longest >= 4:
                t.add("#d4")
                if longest >= 8:
                    t.add("#d8")
    return t


def _has(tok: str) -> Extra:
    return lambda s, t: tok in t


def words(*ws: str) -> Gate:
    return frozenset(ws), None


def of(ws: frozenset) -> Gate:
    return ws, None


def both(a: Gate, b: Gate) -> Gate:
    """Triggers of `a`, and at least one of `b`'s tokens."""
    need = b[0]
    return a[0], (lambda s, t: not need.isdisjoint(t))


def either(a: Gate, b: Gate) -> Gate:
    return a[0] | b[0], None


def with_digit(ws: frozenset) -> Gate:
    return ws, _has("#d")


def with_dur(g: Gate) -> Gate:
    """`g`'s triggers, for a rule that cannot match without a duration (DUR) in it."""
    return g[0], _dur_gate


# _dom keeps a bare number only after "the", with an ordinal suffix or next to a weekday.
_DOM_MARKS = WD_WORDS | frozenset(["the", "st", "nd", "rd", "th"])
DIGIT = words("#d")
# Exact needs read from the patterns: a day of month is digits; YEAR is a run of four;
# a weekday or part of day in the plural is a whole word of its own.
# A month name in a date is a whole letter run (\b or a digit before it, (?![a-z]) after), or
# glued to an ordinal or to "day" ("5thjan", "5 dayjan"); its day a run of one or two digits.
_ORD_MONTHS = frozenset(o + w for o in ("st", "nd", "rd", "th", "day") for w in MONTH_WORDS)
_MON_DAY: Gate = (MONTH_WORDS, _has("#d12"))
_DAY_MON: Gate = (MONTH_WORDS | _ORD_MONTHS, _has("#d12"))
# ranges._mon_dd/_dd_mon: a month name (as in a date: a whole run, or after an ordinal) and
# two runs of digits; dates._ymd_name/_dmy_name: a year and a month name between [/-]
# Their connector (ranges._TO) is a dash or a letter run: the word, maybe glued to an ordinal
# before it ("3rdto") or to "the" after it ("to the" written "tothe").
_RANGE_TO = frozenset(o + w + t for o in ("", "st", "nd", "rd", "th")
                      for w in ("to", "thru", "through", "till", "until", "and") for t in ("", "the")) | {"#-"}
_MON_TWO_NUMBERS: Gate = (MONTH_WORDS | _ORD_MONTHS, lambda s, t: "#dd" in t and not _RANGE_TO.isdisjoint(t))
_YEAR_MON: Gate = (frozenset(["#d4"]), lambda s, t: not MONTH_WORDS.isdisjoint(t))
_REL_OR_AFTER = frozenset("this next last previous past coming upcoming following current after".split())
_PLURAL_DAYS = frozenset(d + "days" for d in ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun"))
PLURAL_PARTS = frozenset(["mornings", "afternoons", "evenings", "nights"])
# clock._hhmm keeps a 3-4 digit time only after "at"-like words or "@", or before am/pm.
_HHMM_MARKS = frozenset(["am", "pm", "at", "around", "about", "approximately", "approx"])
_TO_MARKS = frozenset(["quarter", "minute", "minutes", "min", "mins"])


def _past_parts(s: str, t: frozenset) -> bool:
    """clock._past: half/quarter/a number before "past", a number/noon/midnight (maybe a prefix) after."""
    return ("#d" in t or "half" in t or "quarter" in t) and ("#d" in t or "noon" in s or "midnight" in s)
ALWAYS: Gate = (None, None)
_SEAT_WORDS = frozenset("people persons person ppl pax attendees seats seat seater guests heads us room space table "
                        "fits holds accommodates".split())

GATES: dict[str, Gate] = {
    "recurrence._every": words("every", "each", "once", "per", "twice", "all", "any"),
    # \b(adverb)\b is a whole letter run ("bi-weekly": its last run); checked in recurrence
    "recurrence._adverb": of(ADVERB_WORDS),
    "recurrence._plural_days": of(_PLURAL_DAYS | PLURAL_PARTS),
    "recurrence._plural_part": of(PLURAL_PARTS),
    "recurrence._weekdays": words("weekdays", "weekends", "workdays", "mornings", "afternoons", "evenings"),
    "recurrence._yearly_date": words("every", "each"),
    "holidays._holiday": of(HOLIDAY_WORDS),
    # a REL word before the unit, or "week after next" (its "after" a whole run, "next" maybe not)
    "periods._rel_period": (frozenset(["week", "month", "weekend"]), lambda s, t: not _REL_OR_AFTER.isdisjoint(t)),
    "periods._the_weekend": words("weekend"),
    "periods._next_n": with_dur(words("next", "last", "past", "coming", "upcoming", "previous", "following")),
    "periods._past_minutes": with_digit(frozenset(["past"])),
    "periods._within": with_dur(words("within")),
    "periods._rest_of": words("rest"),
    "periods._edge": words("end", "beginning", "start"),
    "periods._abbr": words("eom", "bom", "eoy", "boy", "eow", "bow", "eod"),
    "periods._early_mid_late": words("early", "mid", "late"),
    "periods._nth_weekday": both(words("of", "in"), of(WD_WORDS)),
    "periods._nth_day": words("day"),
    "periods._nth_week": words("week"),
    "periods._week_no": with_digit(frozenset(["week"])),
    "periods._nth_weekend": words("weekend"),
    "ranges._conn": of(CONN_WORDS - {"#-", "#~"}), "ranges._dash": words("#-", "#~"),
    "ranges._mon_dd": _MON_TWO_NUMBERS, "ranges._dd_mon": _MON_TWO_NUMBERS, "ranges._between_this_month": words("between"),
    "relative._now": words("now", "minute", "present", "time", "moment", "asap", "immediately"),
    "relative._simple": words("today", "tomorrow", "yesterday", "overmorrow"),
    "relative._weekday": of(WD_WORDS),
    "relative._week_weekday": both(words("week", "s"), of(WD_WORDS)),
    "relative._in": with_dur(words("in", "after")),
    "relative._ago": with_dur(words("ago", "now", "hence", "later")),
    "relative._n_weekdays": words("ago", "now", "hence", "later"),
    # digit rules: the shortest run of digits or the punctuation each pattern cannot do without
    "dates._iso": (frozenset(["#d4"]), lambda s, t: "#dd" in t and ("#-" in t or "#/" in t)), "dates._compact": words("#d8"),
    "dates._numeric": with_digit(frozenset(["#/", "#.", "#-"])),
    "dates._mon_day": _MON_DAY, "dates._day_mon": _DAY_MON,
    "dates._ymd_name": _YEAR_MON, "dates._dmy_name": _YEAR_MON,
    "dates._month": of(MONTH_WORDS), "dates._year_month": (frozenset(["#d4"]), lambda s, t: "#dd" in t or not MONTH_WORDS.isdisjoint(t)),
    "dates._month_year_num": (frozenset(["#/"]), lambda s, t: "#d4" in t),
    "dates._year": words("#d4"),
    "dates._rel_year": words("year"), "dates._dom": both(words("#d12"), of(_DOM_MARKS)), "dates._dom_of_month": both(words("month"), words("#d12")),
    # a unit word (even glued: "ahour"), a unit letter glued to a number (10d, 1h), or 5' (minutes)
    "durations._dur": (_DUR_WORDS | _DUR_GLUED, _dur_gate),
    "durations._all": words("all", "full", "whole", "entire", "half"),
    "clock._colon": with_digit(frozenset(["#:"])), "clock._hform": with_digit(frozenset(["h"])),
    "clock._dot": with_digit(frozenset(["#."])), "clock._mertime": both(words("am", "pm", "a", "p"), words("#d12")),
    "clock._hhmm": (frozenset(["#d3"]), lambda s, t: "@" in s or not _HHMM_MARKS.isdisjoint(t)), "clock._num": words("#d12"), "clock._oclock": with_digit(frozenset(["clock"])),
    "clock._named": words("noon", "midday", "midnight", "mid"),
    "clock._past": (frozenset(["past", "after"]), _past_parts),
    "clock._to": (frozenset(["to", "of", "before", "till", "til"]), lambda s, t: not _TO_MARKS.isdisjoint(t)),
    "clock._part": of(PART_WORDS),
    "clock._tonight": words("tonight"),
    "clock._early_hours": words("hours"),
    "clock._after": words("after"),
    "clock._inthe_ampm": (frozenset(["am", "pm"]), lambda s, t: "in" in t and "the" in t),
    "clock._bare_ampm": words("am", "pm"),
    "clock._first_thing": words("thing"),
    "fields._seats": (frozenset(["#d"]), lambda s, t: not _SEAT_WORDS.isdisjoint(t)),
    "fields._lead": with_dur(words("before", "beforehand", "ahead", "early", "advance", "prior", "heads", "reminder",
                                   "notice", "warning")),
    "fields._quick": words("quick"),
    "zones._offset": words("utc", "gmt"),
    "zones._abbr": of(ZONE_WORDS),
    "zones._city": words("time"),
}


def gate_for(module: str, name: str) -> Gate:
    return GATES.get(f"{module}.{name}", ALWAYS)

