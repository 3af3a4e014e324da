"""Speed only: put a first-character lookahead in front of a rule's regex.

`re` finds a pattern that opens with a literal or a character set by a fast scan, but one
that opens with \\b, a look-behind or an optional group is tried in full at every position
of the text. `(?=[first chars])` rejects most of those positions at once; the set is read
from the pattern's syntax tree, so the matches are the same.
"""
from __future__ import annotations

import re
import re._parser as _sre

_ZERO_WIDTH = (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT)
_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)
_STARTS = (_sre.AT_BEGINNING, _sre.AT_BEGINNING_STRING)
_CATS = {_sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_SPACE: r"\s", _sre.CATEGORY_WORD: r"\w"}


def _lit(code: int) -> str:
    return "\\" + chr(code) if chr(code) in "\\]^-[" else chr(code)


def _klass(items) -> set[str] | None:
    out = set()
    for op, av in items:
        if op is _sre.LITERAL:
            out.add(_lit(av))
        elif op is _sre.RANGE:
            out.add(f"{_lit(av[0])}-{_lit(av[1])}")
        elif op is _sre.CATEGORY and av in _CATS:
            out.add(_CATS[av])
        else:  # a negated class or anything else: no useful set
            return None
    return out


def _first(items) -> tuple[set[str] | None, bool]:
    """(what the sequence's first character can be, whether it can match empty)."""
    out: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is _sre.LITERAL:
            out.add(_lit(av))
            return out, False
        if op is _sre.IN:
            got = _klass(av)
            if got is None:
                return None, False
            return out | got, False
        if op is _sre.SUBPATTERN:
            if av[1] or av[2]:  # scoped flags (?i:...) change what a character means
                return None, False
            got, empty = _first(av[3])
        elif op is _sre.BRANCH:
            got, empty = set(), False
            for alt in av[1]:
                g, e = _first(alt)
                if g is None:
                    return None, False
                got |= g
                empty = empty or e
        elif op in _REPEATS:
            got, empty = _first(av[2])
            empty = empty or av[0] == 0
        else:
            return None, False
        if got is None:
            return None, False
        out |= got
        if not empty:
            return out, False
    return out, True


def _anchored(item) -> bool:
    return item[0] is _sre.AT and item[1] in _STARTS


def _has_fast_start(items) -> bool:
    """Whether `re` already finds this pattern's start quickly: a literal, a set, a literal
    branch, a repeated set (a run of spaces), or ^ (tried at the start only)."""
    while items and items[0][0] is _sre.SUBPATTERN and not (items[0][1][1] or items[0][1][2]):
        items = items[0][1][3]
    if not items:
        return False
    op, av = items[0]
    if op in (_sre.LITERAL, _sre.IN) or _anchored(items[0]):
        return True
    if op in _REPEATS:
        return av[0] >= 1 and len(av[2]) == 1 and av[2][0][0] in (_sre.LITERAL, _sre.IN)
    if op is _sre.BRANCH:
        firsts = [alt[0] for alt in av[1] if alt]
        return len(firsts) == len(av[1]) and (all(f[0] is _sre.LITERAL for f in firsts)
                                              or any(_anchored(f) for f in firsts))
    return False


def with_lookahead(rx: re.Pattern) -> re.Pattern:
    """`rx`, or an equivalent pattern that skips impossible start positions sooner."""
    try:
        tree = _sre.parse(rx.pattern, rx.flags)
        if tree.state.flags & ~rx.flags & ~re.UNICODE or _has_fast_start(tree.data):
            return rx
        first, empty = _first(tree.data)
        if first is None or empty or not first:
            return rx
        return re.compile(f"(?=[{''.join(sorted(first))}])(?:{rx.pattern})", rx.flags)
    except (re.error, TypeError, IndexError):
        return rx


def fast_compile(pattern: str, flags: int = 0) -> re.Pattern:
    return with_lookahead(re.compile(pattern, flags))
