"""Speed only: which characters a rule's regex cannot match without, read from its syntax
tree once at import. A rule whose sets the text does not meet cannot match, so scan skips
it; the matches found are the same.

The text's side is `text_chars`: its characters, and "#d" for any \\d digit ("#d4"/"#d8"
for a run of at least 4/8 of them).
"""
from __future__ import annotations

import re
import re._parser as _sre  # the regex syntax tree

_DIGIT = re.compile(r"\d")
_D4, _D8 = re.compile(r"\d{4}"), re.compile(r"\d{8}")
_MAX_CLASS = 64  # a wider class ([^…], big ranges) is no useful filter
_ZERO_WIDTH = (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT)
_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)


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


def rule_gate(rx: re.Pattern) -> tuple[frozenset | None, tuple[frozenset, ...]]:
    """(the set that files the rule, the other sets the text must meet too): every match
    holds an element of each. The first is None when nothing is known."""
    tree = _sre.parse(rx.pattern, rx.flags & ~re.UNICODE)
    icase = bool(rx.flags & re.IGNORECASE)
    sets = _needs(tree, icase)
    mark = _run_mark(tree)
    if mark:  # a long run of digits implies a digit
        sets = [frozenset((mark,))] + [x for x in sets if x != {"#d"}]
    # the smallest set without digits (common), else the smallest
    need = min(sets, key=_common, default=None)
    also: list[frozenset] = []
    for x in sorted(sets, key=len):
        if not any(y <= x for y in also + [need]):
            also.append(x)
    return need, tuple(also)


def edge_chars(rx: re.Pattern, last: bool = False) -> frozenset | None:
    """The characters every match of rx starts (or, with `last`, ends) with; None: unknown."""
    if rx.flags & re.IGNORECASE:
        return None
    return _edge(list(_sre.parse(rx.pattern, rx.flags & ~re.UNICODE)), last)


def _edge(items, last: bool) -> frozenset | None:
    for op, av in reversed(items) if last else items:
        if op in _ZERO_WIDTH:
            continue  # it consumes nothing: look at the next item
        one = _one_char(op, av)
        if one is not None:
            return one
        if op is _sre.SUBPATTERN and not (av[1] or av[2]):
            return _edge(av[3], last)
        if op is _sre.BRANCH:
            parts = [_edge(b, last) for b in av[1]]
            return None if any(x is None for x in parts) else frozenset().union(*parts)
        if op in _REPEATS and av[0] >= 1:
            return _edge(av[2], last)
        return None
    return None


def _one_char(op, av) -> frozenset | None:
    """The characters a one-character item (a literal or a small class) matches."""
    if op is _sre.LITERAL:
        return frozenset((chr(av),))
    if op is not _sre.IN:
        return None
    out: set[str] = set()
    for o, a in av:
        if o is _sre.LITERAL:
            out.add(chr(a))
        elif o is _sre.RANGE and a[1] - a[0] < _MAX_CLASS:
            out.update(map(chr, range(a[0], a[1] + 1)))
        else:
            return None
    return frozenset(out)


def _need(items, icase: bool = False) -> frozenset | None:
    """Characters of which every match of this sequence contains one, or None if unknown."""
    best = None
    for op, av in items:
        req = None
        if op is _sre.LITERAL:
            req = _chars((av,), icase)
        elif op is _sre.IN:
            req = _klass(av, icase)
        elif op is _sre.SUBPATTERN and not av[1] & re.IGNORECASE:
            req = _need(av[-1], icase)
        elif op is _sre.BRANCH:
            parts = [_need(b, icase) for b in av[1]]
            req = None if any(x is None for x in parts) else frozenset().union(*parts)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            req = _need(av[2], icase)
        elif op is _sre.ASSERT:  # a positive look-around also needs its text present
            req = _need(av[1], icase)
        if req is not None and (best is None or _common(req) < _common(best)):
            best = req
    return best


def _common(x: frozenset) -> tuple[bool, int]:
    return "#d" in x, len(x)


def _needs(items, icase: bool = False) -> list[frozenset]:
    """Every character set the sequence cannot match without (all of them, where _need
    keeps the smallest): a rule runs only when the text meets each."""
    out: list[frozenset] = []
    for op, av in items:
        if op is _sre.SUBPATTERN and not av[1] & re.IGNORECASE:
            out += _needs(av[-1], icase)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            out += _needs(av[2], icase)
        elif op is _sre.ASSERT:
            out += _needs(av[1], icase)
        elif op in (_sre.LITERAL, _sre.IN, _sre.BRANCH):
            req = _need([(op, av)], icase)
            if req is not None:
                out.append(req)
            if op is _sre.BRANCH:  # 去年|今年|明年: each alternative's last need, too (年)
                last = [_needs(b, icase)[-1:] for b in av[1]]
                if all(last):
                    req = frozenset().union(*(x[0] for x in last))
                    if req not in out:
                        out.append(req)
    return out


def _chars(codes, icase: bool) -> frozenset | None:
    """Under IGNORECASE an ASCII letter stands for both cases (texts are checked with their
    lower- and upper-cased characters too); other cased letters are not worth the risk."""
    out = set()
    for c in map(chr, codes):
        if icase and c.lower() != c.upper():
            if not c.isascii():
                return None
            out.update((c.lower(), c.upper()))
        else:
            out.add(c)
    return frozenset(out)


def _klass(items, icase: bool) -> frozenset | None:
    out: set[str] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            got = _chars((av,), icase)
        elif op is _sre.RANGE and av[1] - av[0] < _MAX_CLASS:
            got = _chars(range(av[0], av[1] + 1), icase)
        elif op is _sre.CATEGORY and av is _sre.CATEGORY_DIGIT:
            got = frozenset(("#d",))
        else:
            got = None
        if got is None:
            return None
        out |= got
    return frozenset(out) if len(out) <= _MAX_CLASS else None


def required_chars(rx: re.Pattern) -> frozenset | None:
    """A set of characters every match holds one of (None: unknown); for an IGNORECASE
    pattern, test it against `text_chars(text, cased=True)`."""
    return _need(_sre.parse(rx.pattern, rx.flags & ~re.UNICODE), bool(rx.flags & re.IGNORECASE))


_DIGIT_ITEMS = (_sre.LITERAL, _sre.RANGE, _sre.CATEGORY)


def _digits_only(op, av) -> bool:
    """Whether this one-character item matches only \\d digits."""
    if op is _sre.LITERAL:
        return chr(av) in "0123456789"
    if op is not _sre.IN or not av:
        return False
    for o, a in av:
        if not (o is _sre.LITERAL and chr(a) in "0123456789" or o is _sre.RANGE and 48 <= a[0] <= a[1] <= 57
                or o is _sre.CATEGORY and a is _sre.CATEGORY_DIGIT):
            return False
    return True


def _run(items) -> tuple[bool, int, int]:
    """(matches only digits, fewest characters it consumes, longest digit run every match has)."""
    only, total, run, best = True, 0, 0, 0
    for op, av in items:
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue  # zero-width: the characters on either side stay adjacent
        d, n, b = _run_item(op, av)
        best = max(best, b)
        if d:
            run, total = run + n, total + n
            best = max(best, run)
        else:
            only, run = False, 0
    return only, total, best


def _run_item(op, av) -> tuple[bool, int, int]:
    if op in (_sre.LITERAL, _sre.IN):
        return (True, 1, 1) if _digits_only(op, av) else (False, 0, 0)
    if op is _sre.SUBPATTERN and not (av[1] or av[2]):
        return _run(av[3])
    if op is _sre.BRANCH:
        alts = [_run(a) for a in av[1]]
        only = all(d for d, _, _ in alts)
        return only, min(n for _, n, _ in alts) if only else 0, min(b for _, _, b in alts)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        d, n, b = _run(av[2])
        if av[0] == 0:
            return d, 0, 0
        return d, n * av[0], n * av[0] if d else b
    return False, 0, 0


def _run_mark(tree) -> str | None:
    best = _run(tree)[2]
    return "#d8" if best >= 8 else "#d4" if best >= 4 else None
