"""What the message asks for: intent keywords, share roles, "everyone", in rule order.

The first rule that matches wins; the order puts the specific requests (cancel, move,
share, CalDAV) before the general "meet/book/sync" words they often contain.
"""
from __future__ import annotations

from collections.abc import Set as AbstractSet

from ..prefilter import fast_compile

_HELP = fast_compile(r"^\W*(?:help|commands|usage|what\s+can\s+you\s+do|how\s+(?:do\s+i\s+use|does\s+this\s+work)"
                   r"(?:\s+(?:you|this|yue))?|\?+)\W*(?:me|please|yue)?\W*$|\bwhat\s+can\s+you\s+do\b|\bhow\s+do\s+i\s+use\s+(?:you|yue|this\s+bot)\b")
_CALDAV = fast_compile(r"\bcal\s*dav\b|\b(?:sync|connect|add|subscribe|link|set\s+up|get)\b[^.?!]*\b(?:phone|iphone|ipad|android|"
                     r"ios|macbook|mac|outlook|apple\s+calendar|google\s+calendar|thunderbird|calendar\s+app)\b"
                     r"|\b(?:iphone|android|ipad|phone)\b[^.?!]*\b(?:calendar|sync)\b"
                     r"|\bcalendar\b[^.?!]*\b(?:on|in|to)\s+my\s+(?:phone|iphone|android|ipad|mac)\b")
_SHARE = fast_compile(r"\bshare\s+(?:my\s+|our\s+)?(?:calendar|cal|schedule|availability|free\s*/?\s*busy)\b"
                    r"|\b(?:give|grant)\b[^.?!]*\baccess\s+to\s+my\s+(?:calendar|schedule)\b"
                    r"|\blet\b[^.?!]*\bsee\s+my\s+(?:calendar|schedule)\b")
_LEAVE = fast_compile(r"\b(?:out\s+of\s+(?:the\s+)?office|ooo|on\s+(?:vacation|leave|holiday|pto|annual\s+leave|sick\s+leave)"
                    r"|(?:take|taking|took)\s+(?:a\s+|the\s+)?(?:day\s+off|days\s+off|leave|pto|vacation|time\s+off|holiday)"
                    r"|days?\s+off|off\s+sick|sick\s+(?:day|leave)|annual\s+leave|personal\s+day|request\s+leave"
                    r"|(?:i'?m|i\s+am|i'?ll\s+be|i\s+will\s+be|will\s+be)\s+(?:off|away|out|on\s+leave)\b(?!\s+(?:of\s+(?!office)|with))"
                    r"|vacation|pto)\b")
_CANCEL = fast_compile(r"\b(?:cancel+(?:ed|led)?|call\s+off|scrap|nix|delete|kill)\b")
_RESCHEDULE = fast_compile(r"\b(?:re-?schedule|move|push(?:\s+back)?|postpone|delay|bring\s+forward|pull\s+forward|shift|"
                         r"rebook|change\s+the\s+time\s+of|change\s+(?:the\s+)?(?:time|date))\b")
_INVITE = fast_compile(r"\b(?:add|invite|include|loop)\b[^.?!]*?\b(?:to|into|in\s+on|in)\b\s+(?:the|my|our|this|that|tomorrow|today|\w+'s)\b"
                     r"|\binvite\b|\bloop\s+in\b|\badd\s+.*\bto\s+the\s+(?:invite|meeting)")
_FIND_TIME = fast_compile(r"\bwhen\s+(?:are|is|am|can|could|would|will|do)\b[^.?!]*\b(?:free|available|around|meet|both\s+free)\b"
                        r"|\bfind\s+(?:[\w-]+\s+){0,4}?(?:time|slot|window)s?\b|\bfree\s+slots?\b|\bavailability\b"
                        # "find 30 minutes / an hour with …": a length to find is a request for time
                        r"|\bfind\s+(?:me\s+|us\s+)?(?:(?:an?|another|one|half\s+an?|\d+(?:\.\d+)?)\s*-?\s*(?:minutes?|hours?)"
                        r"|\d+(?:\.\d+)?\s*[hm])\b"
                        r"|\b(?:is|are)\b[^.?!]*\b(?:free|available)\b|\bwhat\s+time\s+works\b|\bcommon\s+(?:free\s+)?time\b"
                        r"|\bwho\s+is\s+free\b|\bany\s+(?:free\s+)?(?:time|slots?)\b")
_AGENDA = fast_compile(r"\bwhat'?s\s+on\s+my\s+(?:calendar|schedule|agenda|plate)\b|\bagenda\b"
                     r"|\bwhat\s+(?:do\s+i\s+have|meetings\s+do\s+i\s+have|have\s+i\s+got|is\s+my\s+schedule)\b"
                     r"|\bam\s+i\s+(?:busy|booked)\b|\bdo\s+i\s+have\s+(?:any\s+)?(?:meetings?|anything|calls?)\b"
                     r"|\b(?:show|list|check)\s+(?:me\s+)?my\s+(?:calendar|schedule|meetings|events|day|week)\b"
                     r"|\bmy\s+(?:schedule|calendar|meetings)\s+(?:for\s+)?(?:today|tomorrow|this|next)\b"
                     r"|\bhow\s+(?:busy|packed)\s+(?:am\s+i|is\s+my)\b")
_SEARCH = fast_compile(r"\b(?:find|search(?:\s+for)?|look\s+up|lookup|look\s+for|where\s+is|when\s+is|when\s+was|which\s+meeting)\b")
_SCHEDULE_VERB = fast_compile(r"\b(?:book|schedule|set\s+up|setup|arrange|organi[sz]e|put\b[^.?!]*\bon\s+(?:the|my|our)\s+calendar"
                            r"|let'?s\s+(?:meet|sync|talk|chat|catch\s+up|discuss|do|have|get\s+together|hop\s+on)"
                            r"|can\s+we\s+(?:meet|sync|talk|chat|catch\s+up|do|have|get|hop)|could\s+we\s+(?:meet|sync|talk|chat|do|have)"
                            r"|meet|reserve|block\s+(?:off|out)?|pencil\s+in|hold\s+a|plan\s+a|create\s+(?:a|an)\s+(?:meeting|event))\b")
_MEETING_NOUN = fast_compile(r"\b(?:meeting|sync|call|catch[\s-]?up|1:1|1-1|1\s+on\s+1|one[\s-]on[\s-]one|standup|stand-up"
                           r"|review|interview|demo|huddle|session|chat|workshop|retro|kickoff|kick-off|lunch|coffee"
                           r"|brainstorm|offsite|event)\b")
_PAST = fast_compile(r"\b(?:was|were|had|did|went|lol|haha)\b")
_EVERYONE = fast_compile(r"\b(?:everyone|everybody|the\s+whole\s+(?:team|group|chat)|all\s+of\s+us|whole\s+team|entire\s+team"
                       r"|the\s+team|the\s+group|y'all|you\s+all|all\s+of\s+you)\b")
_ROLE_FREEBUSY = fast_compile(r"\bfree\s*/?\s*busy\b|\bavailability\s+only\b|\bonly\s+(?:my\s+)?availability\b"
                              r"|\bwhen\s+i'?m\s+(?:busy|free)\b|\bbusy\s+or\s+free\b")
_ROLE_WRITER = fast_compile(r"\b(?:writer|editor|edit|write|can\s+edit|manage|modify)\b")
_ROLE_OWNER = fast_compile(r"\bowner\b")


# Words without which each pattern cannot match: a cheap set test skips the regex.
_W_HELP = frozenset("help commands usage what how".split())
_W_CALDAV = frozenset("cal caldav phone iphone ipad android ios macbook mac outlook apple google thunderbird calendar".split())
_W_SHARE = frozenset("share give grant let".split())
_W_CANCEL = frozenset("call scrap nix delete kill".split())
_W_LEAVE = frozenset("office ooo vacation leave holiday pto off sick annual personal away out".split())
_W_MOVE = frozenset("reschedule schedule move push postpone delay bring pull shift rebook change".split())
_W_INVITE = frozenset("add invite include loop".split())
# _AGENDA's "am" needs an "i" after it ("am i busy"): the pair is tested in _agenda_words, as
# "am" alone is in every "9am"
_W_AGENDA = frozenset("what agenda do show list check my how".split())
_W_FIND = frozenset("when find free availability is are what common who any".split())
_W_SEARCH = frozenset("find search look lookup where when which".split())
_W_VERB = frozenset("book schedule set setup arrange organise organize put let lets can could meet reserve block pencil "
                    "hold plan create".split())
# _MEETING_NOUN: one of these as a whole letter run ("catch up", "stand-up", "one-on-one"
# give their first run), or 1:1, 1-1, 1 on 1 (see _one_on_one).
_W_NOUN = frozenset("meeting sync call catch catchup standup stand review interview demo huddle session chat "
                    "workshop retro kickoff kick lunch coffee brainstorm offsite event one".split())
_W_KEYWORDS = _W_HELP | _W_CALDAV | _W_SHARE | _W_CANCEL | _W_LEAVE | _W_MOVE | _W_INVITE | _W_AGENDA | _W_FIND \
    | _W_SEARCH | _W_VERB  # every set _keyword_intent tests


def _agenda_words(w: AbstractSet[str]) -> bool:
    return not w.isdisjoint(_W_AGENDA) or "am" in w and "i" in w


def _one_on_one(s: str, w: AbstractSet[str]) -> bool:
    """Whether _MEETING_NOUN's 1:1, 1-1 or 1\\s+on\\s+1 can be in `s` (most numbers are
    times: "11:45am" holds a "1" but none of these)."""
    return "1:1" in s or "1-1" in s or "on" in w and "1" in s


_IT = fast_compile(r"\b(?:it|that|this|my)\b")
_INVITE_WORD = fast_compile(r"@|\binvite\b")
_WORDS = fast_compile(r"[a-z]+")


def detect(s: str, has_time: bool, has_people: bool, w: AbstractSet[str] | None = None) -> str | None:
    """The intent named by keywords in prepared text `s` (`w`: its letter runs), or None."""
    if w is None:
        w = frozenset(_WORDS.findall(s))
    # most messages hold none of the keyword rules' words: one set test skips them all
    if not w.isdisjoint(_W_KEYWORDS) or "?" in s or "cancel" in s or "am" in w and "i" in w:
        intent = _keyword_intent(s, has_time, has_people, w)
        if intent is not None:
            return intent
    if (has_time or has_people) and (not w.isdisjoint(_W_NOUN) or _one_on_one(s, w)) and _MEETING_NOUN.search(s) \
            and not _PAST.search(s):
        return "schedule"
    return None


def _keyword_intent(s: str, has_time: bool, has_people: bool, w: AbstractSet[str]) -> str | None:
    return next(_families(s, has_time, has_people, w), None)


def cues(s: str, has_time: bool, has_people: bool, w: AbstractSet[str] | None = None) -> list[str]:
    """Every command-word family that matches prepared text `s`, in rule order (the first is
    what `detect` returns; the decision layer weighs the others as runner-ups)."""
    if w is None:
        w = frozenset(_WORDS.findall(s))
    if w.isdisjoint(_W_KEYWORDS) and "?" not in s and "cancel" not in s and not ("am" in w and "i" in w):
        return []
    return list(dict.fromkeys(_families(s, has_time, has_people, w)))


def _families(s: str, has_time: bool, has_people: bool, w: AbstractSet[str]):
    if (not w.isdisjoint(_W_HELP) or "?" in s) and _HELP.search(s):
        yield "help"
    if not w.isdisjoint(_W_CALDAV) and _CALDAV.search(s) and not _SHARE.search(s):
        yield "caldav"
    if not w.isdisjoint(_W_SHARE) and _SHARE.search(s):
        yield "share"
    if ("cancel" in s or not w.isdisjoint(_W_CANCEL)) and _CANCEL.search(s):
        yield "cancel"
    if not w.isdisjoint(_W_LEAVE) and _LEAVE.search(s):
        yield "leave"
    if not w.isdisjoint(_W_MOVE) and _RESCHEDULE.search(s) and (_MEETING_NOUN.search(s) or has_time or _IT.search(s)):
        yield "reschedule"
    if not w.isdisjoint(_W_INVITE) and _INVITE.search(s) and (has_people or _INVITE_WORD.search(s)):
        yield "invite"
    if _agenda_words(w) and _AGENDA.search(s):
        yield "agenda"
    if not w.isdisjoint(_W_FIND) and _FIND_TIME.search(s):
        yield "find_time"
    if not w.isdisjoint(_W_SEARCH) and _SEARCH.search(s):
        yield "search"
    if not w.isdisjoint(_W_VERB) and _SCHEDULE_VERB.search(s):
        yield "schedule"


def has_activity(s: str, w: AbstractSet[str]) -> bool:
    """A meeting noun (sync, review, lunch, 1:1 …) in prepared text `s`."""
    return (not w.isdisjoint(_W_NOUN) or _one_on_one(s, w)) and bool(_MEETING_NOUN.search(s))


def past(s: str) -> bool:
    return bool(_PAST.search(s))


def role(s: str) -> str:
    if _ROLE_FREEBUSY.search(s):
        return "free_busy_reader"
    if _ROLE_OWNER.search(s):
        return "owner"
    if _ROLE_WRITER.search(s):
        return "writer"
    return "reader"


def everyone(s: str) -> bool:
    return bool(_EVERYONE.search(s))
