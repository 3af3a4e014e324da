"""intents.regex_tree (our reader of the rules' regex syntax) and the speed-only filters built
on it: the tree has the shape the filters expect, and the filters never change a match."""
import json
import pathlib
import re

import pytest

from intents.prefilter import fast_compile, with_lookahead
from intents.regex_nodes import (
    MAXREPEAT, Assert, At, Branch, Cat, Group, GroupRef, In, Lit, NotLit, Range, Repeat, Unsupported, min_width)
from intents.regex_tree import parse
from intents.zh import atoms, timeparse  # noqa: F401  (timeparse registers the zh rules)
from intents.zh.gates import edge_chars, required_chars, rule_gate, text_chars

CORPUS = pathlib.Path(__file__).parents[1] / "corpus" / "intents"


def _texts() -> list[str]:
    out = []
    for path in sorted(CORPUS.glob("*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("//"):
                out.append(json.loads(line)["text"])
    return out


def test_a_branch_of_single_characters_is_a_set_and_a_shared_first_item_is_folded_out():
    assert parse("a|b|[cd]").items == [In((Lit(97), Lit(98), Lit(99), Lit(100)))]
    items = parse("今天|今晚").items
    assert items[0] == Lit(ord("今"))
    assert items[1] == In((Lit(ord("天")), Lit(ord("晚"))))


def test_plain_groups_are_spliced_and_a_repeated_one_repeats_its_items():
    items = parse(r"(?:ab)(c)(?:de)+?").items
    assert items[:2] == [Lit(97), Lit(98)]
    assert isinstance(items[2], Group) and items[2].index == 1 and items[2].items == [Lit(99)]
    rep = items[3]
    assert isinstance(rep, Repeat) and (rep.lo, rep.hi, rep.mode) == (1, MAXREPEAT, "lazy")
    assert rep.items == [Lit(100), Lit(101)]


def test_sets_escapes_and_counts():
    assert parse(r"[^a]").items == [NotLit(97)]
    assert parse(r"[\d\]a-c-]").items == [In((Cat("digit"), Lit(93), Range(97, 99), Lit(45)))]
    assert parse(r"\u4e00\x41\b\.").items == [Lit(0x4E00), Lit(0x41), At("boundary"), Lit(46)]
    rep = parse(r"\d{2,}").items[0]
    assert isinstance(rep, Repeat) and (rep.lo, rep.hi) == (2, MAXREPEAT)
    assert parse(r"a{x").items == [Lit(97), Lit(ord("{")), Lit(ord("x"))]


def test_look_arounds_flags_and_back_references():
    look = parse(r"(?<!\d)x").items[0]
    assert isinstance(look, Assert) and look.behind and look.negative
    scoped = parse(r"(?i:a)").items[0]
    assert isinstance(scoped, Group) and scoped.add_flags == re.IGNORECASE
    assert parse(r"(?i)a").flags & re.IGNORECASE
    items = parse(r"(\d{4})-\1").items
    assert items[-1] == GroupRef(1, 4)
    assert min_width(items) == 9
    assert min_width(parse(r"a?|b*").items) == 0
    assert isinstance(parse(r"x(?:y|zz)").items[1], Branch)


def test_syntax_it_does_not_model_is_refused_and_the_filters_step_aside():
    for pattern in (r"(?>ab)", r"(a)?(?(1)b|c)", r"\N{DIGIT ONE}"):
        rx = re.compile(pattern)
        with pytest.raises(Unsupported):
            parse(pattern)
        assert with_lookahead(rx) is rx
        assert rule_gate(rx) == (None, ())
        assert required_chars(rx) is None and edge_chars(rx) is None


def test_the_filters_read_what_a_match_needs():
    rx = re.compile(r"\b(?:去年|今年|明年)")
    assert with_lookahead(rx).pattern == r"(?=[今去明])(?:\b(?:去年|今年|明年))"
    need, also = rule_gate(rx)
    assert need == frozenset("年") and also == (frozenset("去今明"),)
    assert edge_chars(re.compile(r"(?:和|跟)+"), last=True) == frozenset("和跟")
    assert required_chars(re.compile(r"ab|c", re.I)) == frozenset("aAbBcC") - frozenset("bB")


def test_lookaheads_and_gates_never_change_a_match_on_the_corpus():
    texts = _texts()
    assert len(texts) > 500
    chars = [text_chars(t) for t in texts]
    checked = 0
    for fast, _fn, _prio in atoms._RULES:
        plain = re.compile(re.sub(r"^\(\?=\[[^\]]*\]\)\(\?:(.*)\)$", r"\1", fast.pattern), fast.flags)
        sets = [s for s in (rule_gate(plain)[0], *rule_gate(plain)[1]) if s is not None]
        ahead = with_lookahead(plain)
        for text, have in zip(texts, chars, strict=True):
            got = [m.span() for m in plain.finditer(text)]
            assert [m.span() for m in ahead.finditer(text)] == got, (plain.pattern, text)
            if got:
                checked += 1
                assert all(s & have for s in sets), (plain.pattern, text)
    assert checked > 100
    word = fast_compile(r"\b(?:at|on)\s+\d")
    assert word.pattern.startswith("(?=[")
    assert [m.span() for m in word.finditer("meet at 5 on 6")] == [(5, 9), (10, 14)]
