"""Cheap pre-checks that let the scanner skip rules whose words are absent (speed only:
a gate never changes what a rule finds, it only avoids running a regex that cannot match)."""
from __future__ import annotations

from typing import Callable

Gate = Callable[[str, frozenset, bool], bool]

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


def words(*ws: str) -> Gate:
    need = frozenset(ws)
    return lambda s, w, d: not need.isdisjoint(w)


def digit(s: str, w: frozenset, d: bool) -> bool:
    return d


def always(s: str, w: frozenset, d: bool) -> bool:
    return True


def of(ws: frozenset) -> Gate:
    return lambda s, w, d: not ws.isdisjoint(w)


def both(a: Gate, b: Gate) -> Gate:
    return lambda s, w, d: a(s, w, d) and b(s, w, d)


def either(a: Gate, b: Gate) -> Gate:
    return lambda s, w, d: a(s, w, d) or b(s, w, d)


GATES: dict[str, Gate] = {
    "recurrence._every": words("every", "each", "once", "per", "twice", "all", "any"),
    "recurrence._adverb": lambda s, w, d: "ly" in s or "annual" in s,
    "recurrence._plural_days": either(of(WD_WORDS), of(PART_WORDS)),
    "recurrence._plural_part": words("mornings", "afternoons", "evenings", "nights"),
    "recurrence._weekdays": words("weekdays", "weekends", "workdays"),
    "recurrence._yearly_date": words("every", "each"),
    "holidays._holiday": of(HOLIDAY_WORDS),
    "periods._rel_period": words("week", "month", "weekend"),
    "periods._the_weekend": words("weekend"),
    "periods._next_n": words("next", "last", "past", "coming", "upcoming", "previous", "following"),
    "periods._past_minutes": both(digit, words("past")),
    "periods._within": words("within"),
    "periods._rest_of": words("rest"),
    "periods._edge": words("end", "beginning", "start"),
    "periods._abbr": words("eom", "bom", "eoy", "boy", "eow", "bow", "eod"),
    "periods._early_mid_late": words("early", "mid", "late"),
    "periods._nth_weekday": both(words("of", "in"), of(WD_WORDS)),
    "periods._nth_day": words("day"),
    "periods._nth_week": words("week"),
    "periods._week_no": both(digit, words("week")),
    "periods._nth_weekend": words("weekend"),
    "ranges._mon_dd": digit, "ranges._dd_mon": digit, "ranges._between_this_month": words("between"),
    "relative._now": words("now", "minute", "present", "time", "moment", "asap", "immediately"),
    "relative._simple": words("today", "tomorrow", "yesterday", "overmorrow"),
    "relative._weekday": of(WD_WORDS),
    "relative._week_weekday": both(words("week", "s"), of(WD_WORDS)),
    "relative._in": words("in", "after"),
    "relative._ago": words("ago", "now", "hence", "later"),
    "relative._n_weekdays": words("ago", "now", "hence", "later"),
    "dates._iso": digit, "dates._compact": digit, "dates._numeric": digit, "dates._mon_day": digit,
    "dates._day_mon": digit, "dates._ymd_name": digit, "dates._dmy_name": digit,
    "dates._month": of(MONTH_WORDS), "dates._year_month": digit, "dates._month_year_num": digit, "dates._year": digit,
    "dates._rel_year": words("year"), "dates._dom": digit, "dates._dom_of_month": both(digit, words("month")),
    "durations._dur": lambda s, w, d: d or "½" in s or not w.isdisjoint(("a", "an", "half", "quarter", "quarters", "another", "one")),
    "durations._all": words("all", "full", "whole", "entire", "half"),
    "clock._colon": digit, "clock._hform": digit, "clock._dot": digit, "clock._mertime": digit,
    "clock._hhmm": digit, "clock._num": digit, "clock._oclock": digit,
    "clock._named": words("noon", "midday", "midnight", "mid"),
    "clock._past": words("past", "after"),
    "clock._to": words("to", "of", "before", "till", "til"),
    "clock._part": of(PART_WORDS),
    "clock._tonight": words("tonight"),
    "clock._early_hours": words("hours"),
    "clock._after": words("after"),
    "clock._inthe_ampm": words("am", "pm"),
    "clock._bare_ampm": words("am", "pm"),
    "zones._offset": words("utc", "gmt"),
    "zones._abbr": of(ZONE_WORDS),
    "zones._city": words("time"),
}


def gate_for(module: str, name: str) -> Gate:
    return GATES.get(f"{module}.{name}", always)
