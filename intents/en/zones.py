"""Named time zones after a clock time: "3pm PST", "10am London time", "9:00 UTC"."""
from __future__ import annotations

import datetime as dt
import re

from ..timeutil import zone
from .lex import Ctx, Tok

_FIXED = {"pst": -8, "pdt": -7, "mst": -7, "mdt": -6, "cst": -6, "cdt": -5, "est": -5, "edt": -4,
          "gmt": 0, "utc": 0, "bst": 1, "cet": 1, "cest": 2, "eet": 2, "eest": 3, "ist": 5.5,
          "sgt": 8, "hkt": 8, "jst": 9, "kst": 9, "aest": 10, "aedt": 11}
_REGIONS = {"pt": "America/Los_Angeles", "pacific": "America/Los_Angeles", "mt": "America/Denver",
            "mountain": "America/Denver", "ct": "America/Chicago", "central": "America/Chicago",
            "et": "America/New_York", "eastern": "America/New_York"}
_CITIES = {
    "london": "Europe/London", "uk": "Europe/London", "paris": "Europe/Paris", "berlin": "Europe/Berlin",
    "amsterdam": "Europe/Amsterdam", "madrid": "Europe/Madrid", "new york": "America/New_York",
    "nyc": "America/New_York", "ny": "America/New_York", "boston": "America/New_York",
    "chicago": "America/Chicago", "denver": "America/Denver", "seattle": "America/Los_Angeles",
    "sf": "America/Los_Angeles", "san francisco": "America/Los_Angeles", "la": "America/Los_Angeles",
    "los angeles": "America/Los_Angeles", "california": "America/Los_Angeles",
    "tokyo": "Asia/Tokyo", "japan": "Asia/Tokyo", "seoul": "Asia/Seoul", "beijing": "Asia/Shanghai",
    "shanghai": "Asia/Shanghai", "china": "Asia/Shanghai", "hong kong": "Asia/Hong_Kong",
    "singapore": "Asia/Singapore", "sydney": "Australia/Sydney", "india": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata", "dubai": "Asia/Dubai", "toronto": "America/Toronto",
}
_ABBR_RX = re.compile(r"\b(" + "|".join(_FIXED) + r"|" + "|".join(_REGIONS) + r")\b(?:\s+time)?")
_CITY_RX = re.compile(r"\b(" + "|".join(sorted(_CITIES, key=len, reverse=True)) + r")\s+time\b")
_OFFSET_RX = re.compile(r"\b(?:utc|gmt)\s*([+-]\d{1,2})(?::?(\d{2}))?\b")


# Compiled once: re.match(str, ...) looks its pattern up in re's cache on every call.
_AFTER_TIME = re.compile(r"(?:\d|am|pm|noon)\s*$")


def _abbr(m: re.Match, c: Ctx):
    w = m.group(1)
    if w in ("pt", "et", "ct", "mt", "ist") and not _AFTER_TIME.search(c.before(m.start())):
        return None  # short words double as ordinary words; only right after a time
    if w in _REGIONS:
        if w in ("pacific", "eastern", "central", "mountain") and not m.group(0).endswith("time"):
            return None
        return Tok("zone", m.start(), m.end(), zone(_REGIONS[w]), {})
    h = _FIXED[w]
    return Tok("zone", m.start(), m.end(), dt.timezone(dt.timedelta(hours=h), w.upper()), {})


def _city(m: re.Match, c: Ctx):
    return Tok("zone", m.start(), m.end(), zone(_CITIES[m.group(1)]), {})


def _offset(m: re.Match, c: Ctx):
    h = int(m.group(1))
    mi = int(m.group(2) or 0) * (1 if h >= 0 else -1)
    if abs(h) > 14:
        return None
    return Tok("zone", m.start(), m.end(), dt.timezone(dt.timedelta(hours=h, minutes=mi)), {})


RULES = [(_OFFSET_RX, _offset), (_ABBR_RX, _abbr), (_CITY_RX, _city)]
