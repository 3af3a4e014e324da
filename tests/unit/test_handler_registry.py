"""bot.handlers.registry: every intent the parser produces has exactly one handler,
registered where it is defined; intents not built yet answer "coming soon"."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

import intents
from bot import handlers
from bot.cards.coming_soon import FEATURES
from bot.handlers import coming_soon, help, registry, schedule, undo


def test_every_parser_intent_has_a_handler():
    for name in intents.INTENTS:
        assert registry.handler_for(name) is not None
    assert registry.handler_for("schedule") is schedule.handle
    assert registry.handler_for("unknown") is help.unknown


def test_a_command_wins_over_the_intent_and_an_unregistered_intent_gets_the_hint():
    assert registry.handler_for("schedule", "undo") is undo.handle
    assert registry.handler_for("no_such_intent") is help.unknown


def test_a_second_handler_for_an_intent_is_refused():
    with pytest.raises(ValueError, match="schedule"):
        registry.on_intent("schedule")(lambda ctx: None)
    assert registry.handler_for("schedule") is schedule.handle


def test_a_missing_handler_is_an_import_error():
    with pytest.raises(ImportError, match="not_built_anywhere"):
        registry.require(["schedule", "not_built_anywhere"])


@dataclass
class FakeCtx:
    intent: SimpleNamespace
    lang: str
    command: str | None = None
    replies: list = field(default_factory=list)

    def reply(self, card: dict, key: str = "reply") -> str:
        self.replies.append((key, card))
        return "om_1"


@pytest.mark.parametrize("name", coming_soon.COMING_SOON)
@pytest.mark.parametrize("lang,expect", [("zh", "即将推出"), ("en", "Coming soon")])
def test_coming_soon_intents_answer_a_clear_card_in_the_persons_language(name, lang, expect):
    ctx = FakeCtx(intent=SimpleNamespace(intent=name), lang=lang)
    handlers.dispatch(ctx)
    assert len(ctx.replies) == 1
    text = json.dumps(ctx.replies[0][1], ensure_ascii=False)
    assert expect in text
    zh, en = FEATURES[name]
    assert (zh if lang == "zh" else en) in text
    other = "Coming soon" if lang == "zh" else "即将推出"
    assert other not in text
