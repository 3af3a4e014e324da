""""我明天有空吗", "am I free tomorrow?": a question about the sender's own time, with nobody
else named. It is answered (free times, busy blocks), never read as a request to book, so the
parser marks it (`find_time` with action `own`) and is sure of it: no did-you-mean."""
from __future__ import annotations

import re

ACTION = "own"
CONFIDENCE = 0.9

_ZH = re.compile(r"我[^和跟与们]{0,12}?(?:有没有空|有空|有时间|没空|空闲|忙不忙|忙吗|闲吗|方便吗)")
_EN = re.compile(r"\b(?:am|are)\s+i\b[^?]{0,40}?\b(?:free|busy|available|booked)\b|\bwhen\s+am\s+i\b[^?]{0,30}?"
                 r"\b(?:free|available)\b|\bdo\s+i\s+have\s+(?:any\s+)?(?:free\s+)?time\b|\bmy\s+free\s+time\b",
                 re.I)
# "我和 @Bob 有空吗", "am I free to meet Bob": someone else's time is asked too.
_OTHERS = re.compile(r"我们|大家|咱们|\bwe\b|\bus\b|\bwith\b|\bmeet\b", re.I)


def asks_own_time(lang: str, body: str) -> bool:
    """The message asks about the sender's own time only."""
    if _OTHERS.search(body):
        return False
    return bool((_ZH if lang == "zh" else _EN).search(body))
