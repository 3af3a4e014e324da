"""The v2 intent corpus (tests/corpus/intents_v2): loading, running the parser, comparing.

Shared by tests/unit/test_intents_corpus_v2.py and bench/intents_quality.py so both read the
corpus and score a line the same way.

Line format (Duckling-style, one expectation and many ways to say it):
    {"now"?, "tz"?, "mentions"?, "expect": {field: value, ...}, "texts": [...]}
`now` is local time in `tz` (defaults 2026-11-25T10:00:00, Asia/Shanghai). Only the fields
named in `expect` are compared; `assumptions` as a set.
"""
from __future__ import annotations

import datetime as dt
import json
import pathlib
from dataclasses import dataclass, field
from collections.abc import Iterator
from typing import Any

from intents import parse
from intents.timeutil import zone

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS_V2 = ROOT / "tests" / "corpus" / "intents_v2"
CORPUS_V1 = ROOT / "tests" / "corpus" / "intents"
GAPS = CORPUS_V2 / "known_gaps.jsonl"
DEFAULT_NOW = "2026-11-25T10:00:00"
DEFAULT_TZ = "Asia/Shanghai"
LANGS = ("zh", "en")


@dataclass(frozen=True)
class Case:
    """One message of the corpus with what it must parse to."""
    lang: str
    group: str
    line: int
    text: str
    expect: dict[str, Any]
    now: str = DEFAULT_NOW
    tz: str = DEFAULT_TZ
    mentions: tuple[dict, ...] = field(default=())

    @property
    def id(self) -> str:
        return f"{self.lang}/{self.group}:{self.line}:{self.text[:40]}"


def _lines(path: pathlib.Path) -> Iterator[tuple[int, dict]]:
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.strip() and not raw.lstrip().startswith("//"):
            yield n, json.loads(raw)


def load_v2(root: pathlib.Path = CORPUS_V2) -> list[Case]:
    """Every (object, text) pair of the v2 corpus, in file order."""
    cases = []
    for lang in LANGS:
        for path in sorted((root / lang).glob("*.jsonl")):
            for n, obj in _lines(path):
                for text in obj["texts"]:
                    cases.append(Case(lang, path.stem, n, text, obj["expect"], obj.get("now", DEFAULT_NOW),
                                      obj.get("tz", DEFAULT_TZ), tuple(obj.get("mentions", ()))))
    return cases


def load_v1(root: pathlib.Path = CORPUS_V1) -> list[Case]:
    """The earlier corpus (one text per line); only its lines that name an intent."""
    cases = []
    for lang in LANGS:
        for path in sorted((root / lang).glob("*.jsonl")):
            for n, obj in _lines(path):
                if "intent" in obj["expect"]:
                    cases.append(Case(lang, path.stem, n, obj["text"], obj["expect"], obj.get("now", DEFAULT_NOW),
                                      obj.get("tz", DEFAULT_TZ), tuple(obj.get("mentions", ()))))
    return cases


def run(case: Case) -> dict[str, Any]:
    """The parser's JSON for the case's message at the case's clock and zone."""
    now = dt.datetime.fromisoformat(case.now)
    if now.tzinfo is None:
        now = now.replace(tzinfo=zone(case.tz))
    return parse(case.text, now=now, tz=case.tz, mentions=[dict(m) for m in case.mentions]).to_json()


def mismatches(expect: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """One line per expected field the parser got wrong (empty: fully correct)."""
    out = []
    for key, want in expect.items():
        have = got.get(key)
        same = set(have or ()) == set(want) if key == "assumptions" else have == want
        if not same:
            out.append(f"{key}: got {have!r}, want {want!r}")
    return out


def load_gaps(path: pathlib.Path = GAPS) -> dict[str, str]:
    """text -> reason for the lines the parser cannot read yet."""
    if not path.exists():
        return {}
    return {obj["text"]: obj["reason"] for _, obj in _lines(path)}


def write_gaps(cases: list[Case], path: pathlib.Path = GAPS) -> int:
    """Rewrite the known-gaps list from the parser as it is now; returns how many gaps."""
    rows = []
    for case in cases:
        wrong = mismatches(case.expect, run(case))
        if wrong:
            rows.append({"text": case.text, "reason": "; ".join(wrong)})
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return len(rows)
