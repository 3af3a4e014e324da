"""Range and bound words: 到/至/-/~ (from … to), 和…之间, 以前/之前, 以后/之后/起, 自从, 截止到."""
from __future__ import annotations

from .atoms import Atom, rule


@rule(r"\s*(?:到|至|~|-+|—+|－|—)\s*(?:次日|第二天)?")
def _to(m, c):
    nxt = "次日" in m.group(0) or "第二天" in m.group(0)
    return Atom("conn", m.start(), m.end(), {"c": "to", "next_day": nxt})


@rule(r"\s*(?:和|与|跟|及)\s*")
def _and(m, c):
    return Atom("conn", m.start(), m.end(), {"c": "and"})


@rule(r"(?:之间|中间|间)")
def _between(m, c):
    return Atom("between", m.start(), m.end(), {})


# Bounds after a time: inclusive ones keep the named unit, exclusive ones skip it.
_AFTER = {"以后": False, "之后": False, "后": False, "以来": True, "起": True, "开始": True, "及以后": True,
          "或以后": True, "或之后": True, "及之后": True, "往后": False}
_BEFORE = {"以前": False, "之前": False, "前": False, "为止": True, "及以前": True, "或以前": True,
           "或之前": True, "及之前": True, "以内": True}


@rule(r"(" + "|".join(sorted(list(_AFTER) + list(_BEFORE), key=len, reverse=True)) + r")")
def _bound(m, c):
    w = m.group(1)
    if w in _AFTER:
        return Atom("bound", m.start(), m.end(), {"side": "after", "incl": _AFTER[w]})
    return Atom("bound", m.start(), m.end(), {"side": "before", "incl": _BEFORE[w]})


@rule(r"(自从|自|从|由)")
def _from(m, c):
    return Atom("from", m.start(), m.end(), {})


@rule(r"(截止到|截至到|截止|截至|直到|一直到)")
def _until(m, c):
    return Atom("until", m.start(), m.end(), {})
