"""The v2 corpus of real-style work-chat messages (tests/corpus/intents_v2) as tests.

One case per (object, text). Texts listed in known_gaps.jsonl are the parser's known misses:
they run as strict xfails, so a gap that gets fixed fails here until it is taken off the list.
Refresh the list after a parser change with

    python -m tests.unit.test_intents_corpus_v2 --write-gaps
"""
from __future__ import annotations

import collections
import sys

import pytest

from intents import INTENTS
from tests.support.intents_corpus import CORPUS_V2, GAPS, LANGS, load_gaps, load_v2, mismatches, run, write_gaps

CASES = load_v2()
GAP_REASONS = load_gaps()
# v2 intents the parser may not list yet in intents.INTENTS: the contract names them.
CONTRACT_INTENTS = set(INTENTS) | {"remind", "digest", "rooms", "rsvp", "subscribe", "exchange"}
EXPECT_FIELDS = {"intent", "start", "end", "all_day", "duration_minutes", "window_start", "window_end",
                 "attendees", "room", "title", "recurrence", "query", "role", "action", "capacity",
                 "remind_before_minutes", "assumptions"}
# Floors on intent accuracy, set a little under what bench/intents_quality.py measured on this
# corpus (see bench/RESULTS.md): they catch a regression, they are not the target.
INTENT_ACCURACY_FLOOR = {"zh": 0.60, "en": 0.61}


def _param(case):
    marks = ()
    if case.text in GAP_REASONS:
        marks = (pytest.mark.xfail(strict=True, reason=GAP_REASONS[case.text]),)
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_corpus_v2(case):
    wrong = mismatches(case.expect, run(case))
    assert not wrong, f"{case.text!r}: " + "; ".join(wrong)


def test_corpus_is_large_and_has_negatives():
    assert len(CASES) >= 1200, f"corpus has {len(CASES)} texts, want >= 1200"
    for lang in LANGS:
        mine = [c for c in CASES if c.lang == lang]
        neg = [c for c in mine if c.expect.get("intent") == "unknown"]
        assert len(neg) >= 0.2 * len(mine), f"{lang}: {len(neg)} negatives of {len(mine)}, want >= 20 %"


def test_corpus_lines_are_well_formed():
    seen = collections.Counter(c.text for c in CASES)
    assert [t for t, n in seen.items() if n > 1] == [], "a text must appear once (known gaps are keyed by text)"
    for c in CASES:
        assert c.expect.get("intent") in CONTRACT_INTENTS, c.id
        assert set(c.expect) <= EXPECT_FIELDS, (c.id, set(c.expect) - EXPECT_FIELDS)
        assert c.text.strip(), c.id


def test_known_gaps_name_corpus_texts():
    texts = {c.text for c in CASES}
    stale = [t for t in GAP_REASONS if t not in texts]
    assert stale == [], f"known_gaps.jsonl names texts no longer in the corpus: {stale[:5]}"


@pytest.mark.parametrize("lang", LANGS)
def test_intent_accuracy_floor(lang):
    mine = [c for c in CASES if c.lang == lang]
    right = sum(run(c)["intent"] == c.expect["intent"] for c in mine)
    acc = right / len(mine)
    assert acc >= INTENT_ACCURACY_FLOOR[lang], f"{lang} intent accuracy {acc:.3f} < floor {INTENT_ACCURACY_FLOOR[lang]}"


def test_heldout_sets_are_well_formed_and_apart_from_the_corpus():
    """The held-out sets (tests/corpus/intents_v2/heldout/{zh,en}/rN.jsonl) are scored by
    bench/intents_quality.py --only heldout, not run as tests: they stay an unseen estimate.
    They must still follow the corpus format, and none of their texts may be in the corpus."""
    heldout = load_v2(CORPUS_V2 / "heldout")
    assert len(heldout) >= 400, len(heldout)
    assert {c.lang for c in heldout} == set(LANGS)
    seen = collections.Counter(c.text for c in heldout)
    assert [t for t, n in seen.items() if n > 1] == []
    assert set(seen) & {c.text for c in CASES} == set(), "a held-out text leaked into the corpus"
    for c in heldout:
        assert c.group.startswith("r"), c.id
        assert c.expect.get("intent") in CONTRACT_INTENTS, c.id
        assert set(c.expect) <= EXPECT_FIELDS, (c.id, set(c.expect) - EXPECT_FIELDS)


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-gaps"]:
        n = write_gaps(CASES)
        print(f"{n} known gaps of {len(CASES)} texts written to {GAPS}")
    else:
        sys.exit("usage: python -m tests.unit.test_intents_corpus_v2 --write-gaps")

