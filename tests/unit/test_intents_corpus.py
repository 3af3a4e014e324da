"""The parser's corpus (Duckling-style): example messages with their expected JSON
at a frozen clock. One test per line of tests/corpus/intents/<lang>/*.jsonl.

Line format: {"text", "now"?, "tz"?, "mentions"?, "expect": {field: value, ...}}
Only the fields named in `expect` are compared; `assumptions` as a set.
`now` defaults to Wednesday 2026-11-25 10:00 in the line's tz (default Asia/Shanghai).
"""
from __future__ import annotations

import datetime as dt
import json
import pathlib

import pytest

from intents import parse
from intents.timeutil import zone

CORPUS = pathlib.Path(__file__).resolve().parents[1] / "corpus" / "intents"
DEFAULT_NOW = "2026-11-25T10:00:00"


def _cases():
    for path in sorted(CORPUS.glob("*/*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip() and not line.lstrip().startswith("//"):
                yield pytest.param(json.loads(line), id=f"{path.parent.name}/{path.stem}:{n}")


@pytest.mark.parametrize("case", list(_cases()))
def test_corpus(case):
    tz = case.get("tz", "Asia/Shanghai")
    now = dt.datetime.fromisoformat(case.get("now", DEFAULT_NOW))
    if now.tzinfo is None:
        now = now.replace(tzinfo=zone(tz))
    got = parse(case["text"], now=now, tz=tz, mentions=case.get("mentions", [])).to_json()
    for key, want in case["expect"].items():
        have = got.get(key)
        if key == "assumptions":
            assert set(have) == set(want), f"{key}: {have} != {want} in {got}"
        else:
            assert have == want, f"{key}: {have!r} != {want!r} in {got}"


def test_corpus_is_large_enough():
    for lang in ("zh", "en"):
        n = sum(1 for p in (CORPUS / lang).glob("*.jsonl")
                for line in p.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("//"))
        assert n >= 300, f"{lang} corpus has {n} examples, want >= 300"
