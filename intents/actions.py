"""The `action` of an intent that has several (contract v2): one decision for both
languages, from each language's word patterns (rules_zh.ACTIONS, rules_en.ACTIONS)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .patterns import Words


@dataclass(frozen=True)
class ActionWords:
    share_list: re.Pattern | Words    # who can see my calendar → list
    share_revoke: re.Pattern | Words  # stop sharing → revoke (else grant)
    off: re.Pattern | Words           # digest / subscribe: stop, 退订 → off (else on)
    unbind: re.Pattern | Words        # exchange: 解绑, disconnect → unbind
    status: re.Pattern | Words        # exchange: is it linked? → status (else bind)
    decline: re.Pattern | Words       # rsvp: can't make it → decline (else accept)
    maybe: re.Pattern | Words         # rsvp: 待定, maybe → tentative


def action(intent: str, text: str, w: ActionWords) -> str | None:
    """share grant/revoke/list; digest and subscribe on/off; exchange bind/unbind/status;
    rsvp accept/decline/tentative; None for the other intents."""
    if intent == "share":
        if w.share_list.search(text):
            return "list"
        return "revoke" if w.share_revoke.search(text) else "grant"
    if intent in ("digest", "subscribe"):
        return "off" if w.off.search(text) else "on"
    if intent == "exchange":
        if w.unbind.search(text):
            return "unbind"
        return "status" if w.status.search(text) else "bind"
    if intent == "rsvp":
        if w.maybe.search(text):
            return "tentative"
        return "decline" if w.decline.search(text) else "accept"
    return None
