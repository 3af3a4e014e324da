"""Speed only: put a first-character lookahead in front of a rule's regex.

`re` finds a pattern that opens with a literal or a character set by a fast scan, but one
that opens with \\b, a look-behind or an optional group is tried in full at every position
of the text. `(?=[first chars])` rejects most of those positions at once; the set is read
from the pattern's syntax tree (regex_tree.py), so the matches are the same.
"""
from __future__ import annotations

import re

from .regex_nodes import Assert, At, Branch, Cat, ClassItem, Group, In, Lit, Node, Range, Repeat, Unsupported
from .regex_tree import parse

_STARTS = ("beginning", "beginning_string")
_CATS = {"digit": r"\d", "space": r"\s", "word": r"\w"}


def _lit(code: int) -> str:
    return "\\" + chr(code) if chr(code) in "\\]^-[" else chr(code)


def _klass(node: In) -> set[str] | None:
    if node.negate:  # a negated class: no useful set
        return None
    out = set()
    item: ClassItem
    for item in node.items:
        if isinstance(item, Lit):
            out.add(_lit(item.code))
        elif isinstance(item, Range):
            out.add(f"{_lit(item.lo)}-{_lit(item.hi)}")
        elif isinstance(item, Cat) and item.name in _CATS:
            out.add(_CATS[item.name])
        else:
            return None
    return out


def _first(items: list[Node]) -> tuple[set[str] | None, bool]:
    """(what the sequence's first character can be, whether it can match empty)."""
    out: set[str] = set()
    for node in items:
        if isinstance(node, (At, Assert)):
            continue
        got: set[str] | None
        if isinstance(node, Lit):
            out.add(_lit(node.code))
            return out, False
        if isinstance(node, In):
            got = _klass(node)
            if got is None:
                return None, False
            return out | got, False
        if isinstance(node, Group):
            if node.add_flags or node.del_flags:  # scoped flags (?i:...) change what a character means
                return None, False
            got, empty = _first(node.items)
        elif isinstance(node, Branch):
            got, empty = set(), False
            for alt in node.alts:
                g, e = _first(alt)
                if g is None:
                    return None, False
                got |= g
                empty = empty or e
        elif isinstance(node, Repeat):
            got, empty = _first(node.items)
            empty = empty or node.lo == 0
        else:
            return None, False
        if got is None:
            return None, False
        out |= got
        if not empty:
            return out, False
    return out, True


def _anchored(node: Node) -> bool:
    return isinstance(node, At) and node.where in _STARTS


def _has_fast_start(items: list[Node]) -> bool:
    """Whether `re` already finds this pattern's start quickly: a literal, a set, a literal
    branch, a repeated set (a run of spaces), or ^ (tried at the start only)."""
    while items and isinstance(items[0], Group) and not (items[0].add_flags or items[0].del_flags):
        items = items[0].items
    if not items:
        return False
    head = items[0]
    if isinstance(head, (Lit, In)) or _anchored(head):
        return True
    if isinstance(head, Repeat):
        return head.lo >= 1 and len(head.items) == 1 and isinstance(head.items[0], (Lit, In))
    if isinstance(head, Branch):
        firsts = [alt[0] for alt in head.alts if alt]
        return len(firsts) == len(head.alts) and (all(isinstance(f, Lit) for f in firsts)
                                                  or any(_anchored(f) for f in firsts))
    return False


def with_lookahead(rx: re.Pattern[str]) -> re.Pattern[str]:
    """`rx`, or an equivalent pattern that skips impossible start positions sooner."""
    try:
        tree = parse(rx.pattern, rx.flags)
        if tree.flags & ~rx.flags & ~re.UNICODE or _has_fast_start(tree.items):
            return rx
        first, empty = _first(tree.items)
        if first is None or empty or not first:
            return rx
        return re.compile(f"(?=[{''.join(sorted(first))}])(?:{rx.pattern})", rx.flags)
    except (re.error, Unsupported):  # syntax the tree does not model: no lookahead
        return rx


def fast_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return with_lookahead(re.compile(pattern, flags))
