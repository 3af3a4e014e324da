"""The syntax tree of a regex, for the speed-only filters (prefilter.py, zh/gates.py) that
read which characters a rule's matches start with or contain.

Our own reader of the regex syntax the rules use, so that no private module of `re` is
imported. It builds the tree the way `re` does (its parser folds a common first item of a
branch's alternatives out of the branch, turns a branch of single characters into a set,
and a one-character set into a literal), so the derived filters are the ones that `re`'s
own tree gave. Syntax it does not know (conditionals, atomic groups, \\N{…}) raises
`Unsupported`; the filters then fall back to "unknown", which only costs speed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .regex_nodes import (
    MAXREPEAT, AnyChar, Assert, At, Branch, Cat, ClassItem, Group, GroupRef, In, Lit, Node, NotLit, Range, Repeat,
    Unsupported, min_width)


_FLAGS = {"i": re.IGNORECASE, "L": re.LOCALE, "m": re.MULTILINE, "s": re.DOTALL,
          "x": re.VERBOSE, "a": re.ASCII, "u": re.UNICODE}
_CLASS_CATS = {"\\d": Cat("digit"), "\\D": Cat("not_digit"), "\\s": Cat("space"),
               "\\S": Cat("not_space"), "\\w": Cat("word"), "\\W": Cat("not_word")}
_POSITIONS = {"\\A": At("beginning_string"), "\\Z": At("end_string"),
              "\\b": At("boundary"), "\\B": At("non_boundary")}
_WHITESPACE = " \t\n\r\v\f"
_ESCAPES = {"\\a": 7, "\\b": 8, "\\f": 12, "\\n": 10, "\\r": 13, "\\t": 9, "\\v": 11, "\\\\": 92}
_HEX = {"x": 2, "u": 4, "U": 8}
_SPECIAL = ".\\[{()*+?^$|"
_REPEAT_CHARS = "*+?{"


@dataclass
class Tree:
    items: list[Node]
    flags: int  # the flags given plus the pattern's global (?i)-style ones
    group_widths: dict[int, int] = field(default_factory=dict)


def parse(pattern: str, flags: int = 0) -> Tree:
    """The tree of a pattern that `re` compiles. Raises Unsupported (or re.error)."""
    p = _Parser(pattern, flags)
    items = p.sub(bool(flags & re.VERBOSE), 0)
    if p.pos < len(pattern):
        raise re.error("unbalanced parenthesis", pattern, p.pos)
    return Tree(items, p.flags, p.widths)


def _unpacked(items: list[Node]) -> list[Node]:
    """Plain (?:…) groups spliced into the sequence, as `re` does at the end of one."""
    out: list[Node] = []
    for node in items:
        if isinstance(node, Group) and node.index is None and not (node.add_flags or node.del_flags):
            out.extend(node.items)
        else:
            out.append(node)
    return out


class _Parser:
    def __init__(self, pattern: str, flags: int) -> None:
        self.s = pattern
        self.pos = 0
        self.flags = flags
        self.groups = 1  # the next group's number
        self.widths: dict[int, int] = {}
        self.names: dict[str, int] = {}
        self.global_flags = False  # group() just read (?flags)

    def peek(self) -> str | None:
        """The next token: one character, or a backslash and the character after it."""
        if self.pos >= len(self.s):
            return None
        if self.s[self.pos] == "\\":
            if self.pos + 1 >= len(self.s):
                raise re.error("bad escape (end of pattern)", self.s, self.pos)
            return self.s[self.pos:self.pos + 2]
        return self.s[self.pos]

    def get(self) -> str | None:
        tok = self.peek()
        if tok is not None:
            self.pos += len(tok)
        return tok

    def match(self, tok: str) -> bool:
        if self.peek() == tok:
            self.pos += len(tok)
            return True
        return False

    def until(self, end: str) -> str:
        stop = self.s.find(end, self.pos)
        if stop < 0:
            raise re.error(f"missing {end}", self.s, self.pos)
        out, self.pos = self.s[self.pos:stop], stop + 1
        return out

    def sub(self, verbose: bool, nested: int) -> list[Node]:
        """An alternation a|b|c, folded as `re` folds it."""
        alts = [self.seq(verbose, nested + 1, not nested)]
        while self.match("|"):
            if not nested:
                verbose = bool(self.flags & re.VERBOSE)
            alts.append(self.seq(verbose, nested + 1, False))
        if len(alts) == 1:
            return alts[0]
        out: list[Node] = []
        while all(alts) and all(alt[0] == alts[0][0] for alt in alts):
            out.append(alts[0][0])  # a first item every alternative shares
            for alt in alts:
                del alt[0]
        chars: list[ClassItem] = []
        for alt in alts:
            one = alt[0] if len(alt) == 1 else None
            if isinstance(one, Lit):
                chars.append(one)
            elif isinstance(one, In) and not one.negate:
                chars.extend(one.items)
            else:
                out.append(Branch(alts))
                return out
        out.append(In(tuple(dict.fromkeys(chars))))
        return out

    def seq(self, verbose: bool, nested: int, first: bool) -> list[Node]:
        out: list[Node] = []
        while True:
            tok = self.peek()
            if tok is None or tok in "|)":
                return _unpacked(out)
            self.pos += len(tok)
            if verbose and (tok in _WHITESPACE or tok == "#"):
                if tok == "#":
                    while self.get() not in (None, "\n"):
                        pass
                continue
            if tok[0] == "\\":
                out.append(self.escape(tok))
            elif tok not in _SPECIAL:
                out.append(Lit(ord(tok)))
            elif tok == "[":
                out.append(self.klass())
            elif tok in _REPEAT_CHARS:
                self.repeat(tok, out)
            elif tok == ".":
                out.append(AnyChar())
            elif tok == "^":
                out.append(At("beginning"))
            elif tok == "$":
                out.append(At("end"))
            elif tok == "(":
                node = self.group(verbose, nested, first and not out)
                if node is not None:
                    out.append(node)
                elif self.global_flags:  # (?x) at the start turns on verbose from here
                    self.global_flags = False
                    verbose = bool(self.flags & re.VERBOSE)
            else:
                raise Unsupported(f"token {tok!r} in {self.s!r}")

    def repeat(self, tok: str, out: list[Node]) -> None:
        here = self.pos
        lo, hi = {"?": (0, 1), "*": (0, MAXREPEAT), "+": (1, MAXREPEAT)}.get(tok, (0, MAXREPEAT))
        if tok == "{":
            got = re.match(r"([0-9]*)(?:(,)([0-9]*))?\}", self.s[self.pos:])
            if self.peek() == "}" or got is None:  # not a count: a literal {
                out.append(Lit(ord("{")))
                return
            self.pos += got.end()
            lo = int(got[1]) if got[1] else 0
            hi = (int(got[3]) if got[3] else MAXREPEAT) if got[2] else lo
        last = out[-1] if out else None
        if last is None or isinstance(last, (At, Repeat)):
            raise re.error("nothing to repeat or multiple repeat", self.s, here)
        items: list[Node] = [last]
        if isinstance(last, Group) and last.index is None and not (last.add_flags or last.del_flags):
            items = last.items
        mode = "lazy" if self.match("?") else "possessive" if self.match("+") else "greedy"
        out[-1] = Repeat(lo, hi, items, mode)

    def group(self, verbose: bool, nested: int, first: bool) -> Node | None:
        index: int | None = None
        add = drop = 0
        if self.match("?"):
            char = self.get()
            if char == "P" and self.match("<"):
                name = self.until(">")
                index = self.names[name] = self.groups
            elif char == "P" and self.match("="):
                ref = self.names[self.until(")")]
                return GroupRef(ref, self.widths[ref])
            elif char == "#":
                self.until(")")
                return None
            elif char in ("=", "!", "<"):
                behind = char == "<"
                if behind:
                    char = self.get()
                    if char not in ("=", "!"):
                        raise Unsupported(f"(?<{char} in {self.s!r}")
                items = self.sub(verbose, nested + 1)
                self.close()
                return Assert(items, behind, char == "!")
            elif char is not None and (char in _FLAGS or char == "-"):
                scoped = self.inline_flags(char)
                if scoped is None:  # global flags, (?i) at the start
                    if not first:
                        raise re.error("global flags not at the start", self.s, self.pos)
                    self.global_flags = True
                    return None
                add, drop = scoped
            elif char != ":":
                raise Unsupported(f"(?{char} in {self.s!r}")
        else:
            index = self.groups
        if index is not None:
            self.groups += 1
        sub_verbose = (verbose or bool(add & re.VERBOSE)) and not drop & re.VERBOSE
        items = self.sub(sub_verbose, nested + 1)
        self.close()
        if index is not None:
            self.widths[index] = min_width(items)
        return Group(index, add, drop, items)

    def close(self) -> None:
        if not self.match(")"):
            raise re.error("missing ), unterminated subpattern", self.s, self.pos)

    def inline_flags(self, char: str) -> tuple[int, int] | None:
        """(?i) → None (added to self.flags); (?i-s: → (added, removed)."""
        add = drop = 0
        while char in _FLAGS:
            add |= _FLAGS[char]
            char = self.get() or ")"
        if char == ")":
            self.flags |= add
            return None
        if char == "-":
            char = self.get() or ":"
            while char in _FLAGS:
                drop |= _FLAGS[char]
                char = self.get() or ":"
        if char != ":":
            raise re.error("bad inline flags", self.s, self.pos)
        return add, drop

    def escape(self, tok: str) -> Node:
        if tok in _POSITIONS:
            return _POSITIONS[tok]
        if tok in _CLASS_CATS:
            return In((_CLASS_CATS[tok],))
        if tok[1] in "123456789":  # a group reference (\123, octal, is not modelled)
            got = re.match(r"[0-9]?", self.s[self.pos:])
            digits = tok[1] + (got[0] if got else "")
            self.pos += len(digits) - 1
            octal = "01234567"
            if len(digits) == 2 and set(digits) <= set(octal) and self.s[self.pos:self.pos + 1] in tuple(octal):
                raise Unsupported(f"octal escape in {self.s!r}")
            ref = int(digits)
            if ref not in self.widths:
                raise re.error(f"invalid group reference {ref}", self.s, self.pos)
            return GroupRef(ref, self.widths[ref])
        return Lit(self.code(tok))

    def code(self, tok: str) -> int:
        """The character an escape other than a category stands for."""
        if tok in _ESCAPES:
            return _ESCAPES[tok]
        c = tok[1]
        if c in _HEX:
            digits = self.s[self.pos:self.pos + _HEX[c]]
            self.pos += _HEX[c]
            return int(digits, 16)
        if c == "0":
            got = re.match(r"[0-7]{0,2}", self.s[self.pos:])
            digits = got[0] if got else ""
            self.pos += len(digits)
            return int("0" + digits, 8)
        if c.isdigit() or c == "N" or c.isascii() and c.isalpha():
            raise Unsupported(f"escape {tok} in {self.s!r}")
        return ord(c)

    def klass(self) -> Node:
        items: list[ClassItem] = []
        negate = self.match("^")
        while True:
            tok = self.get()
            if tok is None:
                raise re.error("unterminated character set", self.s, self.pos)
            if tok == "]" and items:
                break
            one = self.class_item(tok)
            if self.match("-"):
                that = self.get()
                if that is None:
                    raise re.error("unterminated character set", self.s, self.pos)
                if that == "]":
                    items += [one, Lit(ord("-"))]
                    break
                other = self.class_item(that)
                if not (isinstance(one, Lit) and isinstance(other, Lit)):
                    raise re.error("bad character range", self.s, self.pos)
                items.append(Range(one.code, other.code))
            else:
                items.append(one)
        items = list(dict.fromkeys(items))
        if len(items) == 1 and isinstance(items[0], Lit):
            return NotLit(items[0].code) if negate else items[0]
        return In(tuple(items), negate)

    def class_item(self, tok: str) -> Lit | Cat:
        if tok[0] != "\\":
            return Lit(ord(tok))
        if tok in _ESCAPES:
            return Lit(_ESCAPES[tok])
        if tok in _CLASS_CATS:
            return _CLASS_CATS[tok]
        if tok in _POSITIONS:  # \A, \B … have no meaning in a set
            raise re.error(f"bad escape {tok}", self.s, self.pos)
        return Lit(self.code(tok))
