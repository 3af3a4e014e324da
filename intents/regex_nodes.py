"""The nodes of a regex's syntax tree (regex_tree.py reads a pattern into them), and the
fewest characters a sequence of them matches."""
from __future__ import annotations

from dataclasses import dataclass


class Unsupported(ValueError):
    """A regex construct this reader does not model."""


@dataclass(frozen=True, slots=True)
class Lit:
    code: int


@dataclass(frozen=True, slots=True)
class NotLit:
    code: int


@dataclass(frozen=True, slots=True)
class Range:
    lo: int
    hi: int


@dataclass(frozen=True, slots=True)
class Cat:
    """\\d \\s \\w and their negations, by name: "digit", "not_digit", "space", …"""
    name: str


ClassItem = Lit | Range | Cat


@dataclass(frozen=True, slots=True)
class In:
    items: tuple[ClassItem, ...]
    negate: bool = False


@dataclass(frozen=True, slots=True)
class AnyChar:
    pass


@dataclass(frozen=True, slots=True)
class At:
    """A zero-width position: "beginning" (^), "beginning_string" (\\A), "end" ($),
    "end_string" (\\Z), "boundary" (\\b), "non_boundary" (\\B)."""
    where: str


# Compound nodes compare by identity, as `re`'s do (a branch's common first item is folded
# out only when it is a literal, a set, a position or `.`, equal by value).
@dataclass(eq=False, slots=True)
class Group:
    index: int | None  # None: (?:…) or (?flags:…)
    add_flags: int
    del_flags: int
    items: list[Node]


@dataclass(eq=False, slots=True)
class Branch:
    alts: list[list[Node]]


@dataclass(eq=False, slots=True)
class Repeat:
    lo: int
    hi: int  # MAXREPEAT: unbounded
    items: list[Node]
    mode: str = "greedy"  # or "lazy", "possessive"


@dataclass(eq=False, slots=True)
class Assert:
    items: list[Node]
    behind: bool
    negative: bool


@dataclass(frozen=True, slots=True)
class GroupRef:
    index: int
    min_width: int  # the referenced group's


Node = Lit | NotLit | In | AnyChar | At | Group | Branch | Repeat | Assert | GroupRef

MAXREPEAT = 1 << 32


def min_width(items: list[Node]) -> int:
    """The fewest characters a match of this sequence consumes."""
    total = 0
    for node in items:
        if isinstance(node, (Lit, NotLit, In, AnyChar)):
            total += 1
        elif isinstance(node, Group):
            total += min_width(node.items)
        elif isinstance(node, Branch):
            total += min((min_width(alt) for alt in node.alts), default=0)
        elif isinstance(node, Repeat):
            total += node.lo * min_width(node.items)
        elif isinstance(node, GroupRef):
            total += node.min_width
    return total
