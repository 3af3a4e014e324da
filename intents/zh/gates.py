"""Speed only: which characters a rule's regex cannot match without, read from its syntax
tree once at import. A rule whose sets the text does not meet cannot match, so scan skips
it; the matches found are the same.

The text's side is `text_chars`: its characters, and "#d" for any \\d digit ("#d4"/"#d8"
for a run of at least 4/8 of them).
"""
from __future__ import annotations

import re

from ..regex_nodes import Assert, At, Branch, Cat, Group, In, Lit, Node, Range, Repeat, Unsupported
from ..regex_tree import parse

_DIGIT = re.compile(r"\d")
_D4, _D8 = re.compile(r"\d{4}"), re.compile(r"\d{8}")
_MAX_CLASS = 64  # a wider class ([^…], big ranges) is no useful filter


def text_chars(text: str, cased: bool = False, chars: set[str] | None = None) -> set[str]:
    """The text's side of every gate (see the module doc); `cased` adds both cases.
    `chars`: set(text) if the caller has it (it is extended in place)."""
    if chars is None:
        chars = set(text)
    if cased:
        chars.update(text.lower(), text.upper())
    if _DIGIT.search(text):
        chars.add("#d")
        if _D4.search(text):
            chars.add("#d4")
            if _D8.search(text):
                chars.add("#d8")
    return chars


def _tree(rx: re.Pattern[str]) -> list[Node] | None:
    try:
        return parse(rx.pattern, rx.flags & ~re.UNICODE).items
    except Unsupported:  # syntax the tree does not model: nothing known, no gate
        return None


def rule_gate(rx: re.Pattern[str]) -> tuple[frozenset[str] | None, tuple[frozenset[str], ...]]:
    """(the set that files the rule, the other sets the text must meet too): every match
    holds an element of each. The first is None when nothing is known."""
    tree = _tree(rx)
    if tree is None:
        return None, ()
    icase = bool(rx.flags & re.IGNORECASE)
    sets = _needs(tree, icase)
    mark = _run_mark(tree)
    if mark:  # a long run of digits implies a digit
        sets = [frozenset((mark,))] + [x for x in sets if x != {"#d"}]
    # the smallest set without digits (common), else the smallest
    need = min(sets, key=_common, default=None)
    also: list[frozenset[str]] = []
    for x in sorted(sets, key=len):
        if not any(y <= x for y in also) and not (need is not None and need <= x):
            also.append(x)
    return need, tuple(also)


def edge_chars(rx: re.Pattern[str], last: bool = False) -> frozenset[str] | None:
    """The characters every match of rx starts (or, with `last`, ends) with; None: unknown."""
    if rx.flags & re.IGNORECASE:
        return None
    tree = _tree(rx)
    return None if tree is None else _edge(tree, last)


def _edge(items: list[Node], last: bool) -> frozenset[str] | None:
    for node in reversed(items) if last else items:
        if isinstance(node, (At, Assert)):
            continue  # it consumes nothing: look at the next item
        one = _one_char(node)
        if one is not None:
            return one
        if isinstance(node, Group) and not (node.add_flags or node.del_flags):
            return _edge(node.items, last)
        if isinstance(node, Branch):
            parts = [_edge(b, last) for b in node.alts]
            return _union(parts)
        if isinstance(node, Repeat) and node.lo >= 1:
            return _edge(node.items, last)
        return None
    return None


def _union(parts: list[frozenset[str] | None]) -> frozenset[str] | None:
    """All the parts together; None if any is unknown."""
    out: set[str] = set()
    for part in parts:
        if part is None:
            return None
        out |= part
    return frozenset(out)


def _one_char(node: Node) -> frozenset[str] | None:
    """The characters a one-character item (a literal or a small class) matches."""
    if isinstance(node, Lit):
        return frozenset((chr(node.code),))
    if not isinstance(node, In) or node.negate:
        return None
    out: set[str] = set()
    for item in node.items:
        if isinstance(item, Lit):
            out.add(chr(item.code))
        elif isinstance(item, Range) and item.hi - item.lo < _MAX_CLASS:
            out.update(map(chr, range(item.lo, item.hi + 1)))
        else:
            return None
    return frozenset(out)


def _need(items: list[Node], icase: bool = False) -> frozenset[str] | None:
    """Characters of which every match of this sequence contains one, or None if unknown."""
    best = None
    for node in items:
        req = None
        if isinstance(node, Lit):
            req = _chars((node.code,), icase)
        elif isinstance(node, In):
            req = _klass(node, icase)
        elif isinstance(node, Group) and not node.add_flags & re.IGNORECASE:
            req = _need(node.items, icase)
        elif isinstance(node, Branch):
            req = _union([_need(b, icase) for b in node.alts])
        elif isinstance(node, Repeat) and node.lo >= 1:
            req = _need(node.items, icase)
        elif isinstance(node, Assert) and not node.negative:  # a positive look-around also needs its text present
            req = _need(node.items, icase)
        if req is not None and (best is None or _common(req) < _common(best)):
            best = req
    return best


def _common(x: frozenset[str]) -> tuple[bool, int]:
    return "#d" in x, len(x)


def _needs(items: list[Node], icase: bool = False) -> list[frozenset[str]]:
    """Every character set the sequence cannot match without (all of them, where _need
    keeps the smallest): a rule runs only when the text meets each."""
    out: list[frozenset[str]] = []
    for node in items:
        if isinstance(node, Group) and not node.add_flags & re.IGNORECASE:
            out += _needs(node.items, icase)
        elif isinstance(node, Repeat) and node.lo >= 1:
            out += _needs(node.items, icase)
        elif isinstance(node, Assert) and not node.negative:
            out += _needs(node.items, icase)
        elif isinstance(node, (Lit, In, Branch)):
            req = _need([node], icase)
            if req is not None:
                out.append(req)
            if isinstance(node, Branch):  # 去年|今年|明年: each alternative's last need, too (年)
                last = [_needs(b, icase)[-1:] for b in node.alts]
                if all(last):
                    req = frozenset().union(*(x[0] for x in last))
                    if req not in out:
                        out.append(req)
    return out


def _chars(codes: tuple[int, ...] | range, icase: bool) -> frozenset[str] | None:
    """Under IGNORECASE an ASCII letter stands for both cases (texts are checked with their
    lower- and upper-cased characters too); other cased letters are not worth the risk."""
    out: set[str] = set()
    for c in map(chr, codes):
        if icase and c.lower() != c.upper():
            if not c.isascii():
                return None
            out.update((c.lower(), c.upper()))
        else:
            out.add(c)
    return frozenset(out)


def _klass(node: In, icase: bool) -> frozenset[str] | None:
    if node.negate:
        return None
    out: set[str] = set()
    for item in node.items:
        if isinstance(item, Lit):
            got = _chars((item.code,), icase)
        elif isinstance(item, Range) and item.hi - item.lo < _MAX_CLASS:
            got = _chars(range(item.lo, item.hi + 1), icase)
        elif isinstance(item, Cat) and item.name == "digit":
            got = frozenset(("#d",))
        else:
            got = None
        if got is None:
            return None
        out |= got
    return frozenset(out) if len(out) <= _MAX_CLASS else None


def required_chars(rx: re.Pattern[str]) -> frozenset[str] | None:
    """A set of characters every match holds one of (None: unknown); for an IGNORECASE
    pattern, test it against `text_chars(text, cased=True)`."""
    tree = _tree(rx)
    return None if tree is None else _need(tree, bool(rx.flags & re.IGNORECASE))


def _digits_only(node: Node) -> bool:
    """Whether this one-character item matches only \\d digits."""
    if isinstance(node, Lit):
        return chr(node.code) in "0123456789"
    if not isinstance(node, In) or node.negate or not node.items:
        return False
    return all(isinstance(item, Lit) and chr(item.code) in "0123456789"
               or isinstance(item, Range) and 48 <= item.lo <= item.hi <= 57
               or isinstance(item, Cat) and item.name == "digit" for item in node.items)


def _run(items: list[Node]) -> tuple[bool, int, int]:
    """(matches only digits, fewest characters it consumes, longest digit run every match has)."""
    only, total, run, best = True, 0, 0, 0
    for node in items:
        if isinstance(node, (At, Assert)):
            continue  # zero-width: the characters on either side stay adjacent
        d, n, b = _run_item(node)
        best = max(best, b)
        if d:
            run, total = run + n, total + n
            best = max(best, run)
        else:
            only, run = False, 0
    return only, total, best


def _run_item(node: Node) -> tuple[bool, int, int]:
    if isinstance(node, (Lit, In)):
        return (True, 1, 1) if _digits_only(node) else (False, 0, 0)
    if isinstance(node, Group) and not (node.add_flags or node.del_flags):
        return _run(node.items)
    if isinstance(node, Branch):
        alts = [_run(a) for a in node.alts]
        only = all(d for d, _, _ in alts)
        return only, min(n for _, n, _ in alts) if only else 0, min(b for _, _, b in alts)
    if isinstance(node, Repeat):
        d, n, b = _run(node.items)
        if node.lo == 0:
            return d, 0, 0
        return d, n * node.lo, n * node.lo if d else b
    return False, 0, 0


def _run_mark(tree: list[Node]) -> str | None:
    best = _run(tree)[2]
    return "#d8" if best >= 8 else "#d4" if best >= 4 else None
