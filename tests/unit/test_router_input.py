"""The router on odd input: a `content` that is not a JSON object is ignored with a log
line (never a TypeError); a text the parser fails on is answered as unknown, counted,
and logged once by its hash — never with the text."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

import pytest

import intents
from bot import router

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


class NoBot:
    """Only what the router reads before it would look the sender up."""
    bot_open_id = "ou_yue_bot"

    def __getattr__(self, name):
        raise AssertionError(f"the router should not have used bot.{name} for this message")


def event(content) -> dict:
    return {"event": {"sender": {"sender_id": {"open_id": "ou_alice"}, "sender_type": "user"},
                      "message": {"message_id": "om_1", "chat_id": "oc_1", "chat_type": "p2p",
                                  "message_type": "text", "content": content, "mentions": []}}}


@pytest.mark.parametrize("content", [42, 4.5, ["text"], {"text": "hi"}, "42", "[1, 2]", "not json", '{"text": 7}',
                                     "null", True])
def test_content_that_is_not_a_text_object_is_ignored(content, monkeypatch, caplog):
    dispatched = []
    monkeypatch.setattr(router, "dispatch", dispatched.append)
    caplog.set_level(logging.INFO, "yue.router")
    router.handle_message(NoBot(), event(content))           # NoBot: nothing past the check may run
    assert dispatched == []
    assert any("not a text object" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("content, text", [('{"text": "hello"}', "hello"), ("{}", ""), ('{"text": null}', ""),
                                           ("", "")])
def test_message_text_reads_text_objects(content, text):
    assert router.message_text(content) == text


def test_a_parser_failure_is_counted_and_logged_once_by_hash(monkeypatch, caplog):
    secret_text = "明天下午3点和老板谈加薪 (private)"

    def broken(*args):
        raise RuntimeError("a rule blew up")

    monkeypatch.setitem(intents._ANALYZERS, "zh", broken)
    monkeypatch.setattr(router, "PARSE_FAILURES", {})
    caplog.set_level(logging.DEBUG)
    for _ in range(3):
        got = router.parse(secret_text, NOW, "Asia/Shanghai", [], None)
        assert got.intent == "unknown" and got.error == "RuntimeError"
    digest = hashlib.sha256(secret_text.encode()).hexdigest()[:16]
    assert router.PARSE_FAILURES == {digest: 3}
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and digest in warnings[0] and "RuntimeError" in warnings[0]
    assert all(secret_text not in r.getMessage() and "加薪" not in r.getMessage() for r in caplog.records)


def test_a_good_parse_has_no_error_and_the_contract_json_is_unchanged(monkeypatch):
    monkeypatch.setattr(router, "PARSE_FAILURES", {})
    got = router.parse("明天下午3点开会", NOW, "Asia/Shanghai", [], None)
    assert got.intent == "schedule" and got.error is None
    assert "error" not in got.to_json()
    assert router.PARSE_FAILURES == {}
    json.dumps(got.to_json())
