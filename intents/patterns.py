"""Speed only: word-list patterns with some alternatives anchored at the start.

A pattern such as ``\\bfree\\b...|^\\s*my\\s+day\\b`` is tried in full at every position of
the text, because the ``^`` branch defeats the first-character prefilter
(intents.prefilter). compile_words splits the top-level alternatives: those opening with
``^`` are matched once at the start, the others searched with the prefilter. What matches
is the same; only `search`, `pattern` and `flags` are offered, all the rules use.
"""
from __future__ import annotations

import re

from .prefilter import fast_compile


class Words:
    __slots__ = ("pattern", "flags", "_head", "_rest")

    def __init__(self, pattern: str, flags: int, head: re.Pattern | None, rest: re.Pattern | None) -> None:
        self.pattern, self.flags, self._head, self._rest = pattern, flags, head, rest

    def search(self, text: str) -> re.Match | None:
        m = self._head.search(text) if self._head is not None else None
        if m is None and self._rest is not None:
            m = self._rest.search(text)
        return m


def _top_level(rx: str) -> list[str]:
    """The top-level alternatives of `rx` (outside groups and character classes)."""
    out, depth, start, i, klass = [], 0, 0, 0, False
    while i < len(rx):
        ch = rx[i]
        if ch == "\\":
            i += 2
            continue
        if klass:
            klass = ch != "]"
        elif ch == "[":
            klass = True
            if rx[i + 1:i + 2] == "]" or rx[i + 1:i + 3] == "^]":  # a ] first in a class is a literal
                i += 2 if rx[i + 1] == "]" else 3
                continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(rx[start:i])
            start = i + 1
        i += 1
    out.append(rx[start:])
    return out


def compile_words(rx: str, flags: int = 0) -> Words | re.Pattern:
    parts = _top_level(rx)
    head = [p for p in parts if p.startswith("^")]
    if not head:
        return fast_compile(rx, flags)
    rest = [p for p in parts if not p.startswith("^")]
    return Words(rx, flags, re.compile("|".join(head), flags), fast_compile("|".join(rest), flags) if rest else None)
