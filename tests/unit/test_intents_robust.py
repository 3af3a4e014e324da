"""The parser never raises: arbitrary text, clocks, zones and malformed mentions, plus the CLI."""
from __future__ import annotations

import datetime as dt
import json
import pathlib
import subprocess
import sys

from hypothesis import HealthCheck, given, settings, strategies as st

from intents import INTENTS, parse
from intents.normalize import MAX_CHARS

ROOT = pathlib.Path(__file__).resolve().parents[2]
ZONES = ["Asia/Shanghai", "America/Los_Angeles", "Europe/London", "UTC", "-02:00", "+05:30", "Pacific/Chatham",
         "Australia/Lord_Howe", "not/a_zone", ""]
WORDS = ["tomorrow", "at", "3pm", "next", "friday", "between", "and", "to", "-", "every", "monday", "@_user_1",
         "明天", "下午3点", "cancel", "move", "the", "sync", "12/25", "in", "2", "hours", "ago", "noon", "PST",
         "christmas", "from", "until", "week", "31st", "feb", "29", "2026-02-30", "½", "\u200f", "\x00", "🎉"]

nows = st.datetimes(min_value=dt.datetime(1901, 1, 2), max_value=dt.datetime(2099, 12, 30),
                    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-2)),
                                               dt.timezone(dt.timedelta(hours=14)), None]))
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "So", "Lo", "Nd"]), max_size=200),
    st.builds(lambda w, n: (w + " ") * n, st.sampled_from(WORDS), st.integers(0, MAX_CHARS // 2)),
)
mention = st.one_of(
    st.fixed_dictionaries({"key": st.sampled_from(["@_user_1", "@_user_2", "", None]),
                           "id": st.one_of(st.none(), st.text(max_size=8), st.integers()),
                           "name": st.one_of(st.none(), st.text(max_size=8))}),
    st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=3),
    st.none(), st.integers(), st.text(max_size=5), st.lists(st.integers(), max_size=2),
)


def _check(intent) -> None:
    assert intent.intent in INTENTS
    json.dumps(intent.to_json(), ensure_ascii=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, now=nows, tz=st.sampled_from(ZONES), mentions=st.one_of(st.none(), st.lists(mention, max_size=4)))
def test_parse_never_raises(text, now, tz, mentions):
    _check(parse(text, now=now, tz=tz, mentions=mentions))


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=50))
def test_huge_and_odd_inputs(tail):
    now = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)
    for text in ("x" * (MAX_CHARS * 5) + tail, "tomorrow 3pm " * 2000, "\u202e" + tail + "\u202c 3pm",
                 "1" * 5000, "-" * 5000, "/" * 3000 + tail, None, 12345):
        _check(parse(text, now=now, tz="UTC"))


def test_en_time_still_read_with_bad_mentions():
    now = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)
    got = parse("meet @_user_1 tomorrow at 3pm", now=now, tz="UTC",
                mentions=[None, {"key": "@_user_9"}, {"key": "@_user_1", "id": None}, "x", {"id": "ou_a"}]).to_json()
    assert got["start"] == "2026-11-26T15:00:00+00:00"
    assert got["attendees"] == [{"type": "user", "id": "ou_a"}]


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "intents", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_cli_single_message():
    p = _cli("book a sync with @_user_1 tomorrow at 3pm", "--now", "2026-11-25T10:00:00-02:00",
             "--tz", "-02:00", "--mention", "@_user_1=ou_a:A")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.strip().splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert out["intent"] == "schedule"
    assert out["start"] == "2026-11-26T15:00:00-02:00"
    assert out["attendees"] == [{"type": "user", "id": "ou_a"}]


def test_cli_jsonl_bad_line_in_the_middle():
    good = {"text": "tomorrow at 3pm", "now": "2026-11-25T10:00:00-02:00", "tz": "-02:00", "mentions": []}
    rows = [json.dumps({"id": "a", **good}), "{not json", json.dumps({"id": "c", **good, "text": 7}),
            json.dumps({"id": "d", **good, "tz": "Mars/Olympus"}), json.dumps({"id": "e", **good})]
    p = _cli("--jsonl", stdin="\n".join(rows) + "\n")
    assert p.returncode == 0, p.stderr
    outs = [json.loads(x) for x in p.stdout.strip().splitlines()]
    assert [o.get("id") for o in outs] == ["a", None, "c", "d", "e"]
    assert "error" in outs[1] and "error" in outs[2] and "error" in outs[3]
    for o in (outs[0], outs[4]):
        assert "error" not in o and o["start"] == "2026-11-26T15:00:00-02:00"
