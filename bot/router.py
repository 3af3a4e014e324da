"""From a stored inbound message to the intent handler that answers it."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import re
import threading
from dataclasses import dataclass, field
from typing import Any

import intents
from intents import slash
from intents.impossible import impossible_date, impossible_time

from . import cards, drafts, people
from .config import zone
from .feishu import Person, background
from .handlers import dispatch
from .handlers.registry import in_background, item_handler
from .unknown_names import unknown_names, without

log = logging.getLogger("yue.router")

BOT_NAMES = {"yue", "约", "yue (约)", "yue(约)"}
LANG_MEMORY_S = 90 * 86400          # a person's language, learnt from their last message with words
_PLACEHOLDER = re.compile(r"@_user_\d+")
# Texts the parser failed on, by hash → times seen (bounded): each is logged once.
PARSE_FAILURES: dict[str, int] = {}
_MAX_FAILURES_KEPT = 1000
_failures_lock = threading.Lock()
UNSURE_BELOW = 0.7      # parser confidence under which Yue asks "did you mean" instead of acting
# Requests that still make sense without the people Yue could not resolve ("continue without them").
GOES_ON_WITHOUT = {"schedule", "find_time", "rooms"}


@dataclass
class Ctx:
    """Everything a handler needs about one message; handlers reply through it."""
    bot: Any
    sender: Person
    chat_id: str
    chat_type: str           # "p2p" | "group"
    message_id: str
    text: str
    intent: intents.Intent
    now: dt.datetime
    mentions: list[dict] = field(default_factory=list)
    command: str | None = None
    raw: dict = field(default_factory=dict)   # the inbound event, to answer again after OAuth
    wordless_lang: str | None = None          # for "/undo", "/caldav": the person's usual language
    attempt: int = 0                          # 0, or n for the n-th Retry of this message
    last_attempt: bool = True                 # the inbox will not run it again on failure

    @property
    def lang(self) -> str:
        if self.wordless_lang:
            return self.wordless_lang
        return self.intent.lang if self.intent.intent != "unknown" else (self.sender.lang or self.intent.lang)

    @property
    def private(self) -> bool:
        return self.chat_type == "p2p"

    def reply(self, card: dict, key: str = "reply") -> str:
        """Reply to the message with a card; the uuid makes a re-processed message reply once."""
        suffix = f"#{self.attempt}" if self.attempt else ""     # a Retry answers anew
        return self.bot.feishu.reply_card(self.message_id, card, key=f"{self.message_id}:{key}{suffix}",
                                          chat_id=self.chat_id)


def _is_bot_mention(m: dict, bot_id: str | None) -> bool:
    mid = (m.get("id") or {}).get("open_id") if isinstance(m.get("id"), dict) else m.get("id")
    if bot_id and mid == bot_id:
        return True
    if m.get("mentioned_type") == "bot":
        return True
    return str(m.get("name") or "").strip().lower() in BOT_NAMES


def _has_words(text: str, command: str | None) -> bool:
    rest = slash.split(text)[1] if command else text
    return any(c.isalpha() for c in _PLACEHOLDER.sub(" ", rest))


def _wordless_lang(bot, person: Person, text: str, command: str | None, intent) -> str | None:
    """A message with no words of its own ("/undo", "@Yue /caldav") says nothing about its
    language: answer in the person's (contact profile, else their last message with words)."""
    key = f"lang:{person.open_id}"
    if _has_words(text, command):
        # Written only when it changes: a write per message would contend with the inbox.
        if intent.lang in ("zh", "en") and (bot.store.cache_get(key) or {}).get("lang") != intent.lang:
            bot.store.cache_put(key, {"lang": intent.lang}, LANG_MEMORY_S)
        return None
    if person.lang:
        return person.lang
    remembered = bot.store.cache_get(key)
    return (remembered or {}).get("lang")


def message_text(content: Any) -> str | None:
    """The text of a text message's `content` (a JSON object as a string), or None when
    it is anything else (a number, a list, not JSON)."""
    if not isinstance(content, str):
        return None
    try:
        body = json.loads(content or "{}")
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("text", ""), (str, type(None))):
        return None
    return body.get("text") or ""


def parse(text: str, now: dt.datetime, tz: str, mentions: list[dict], bot_id: str | None) -> intents.Intent:
    """`intents.parse`, which never raises: a text it failed on is counted, and logged once
    by its hash (never the text itself: it is someone's message)."""
    intent = intents.parse(text, now=now, tz=tz, mentions=mentions, bot_id=bot_id)
    if intent.error:
        digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]
        with _failures_lock:
            first = digest not in PARSE_FAILURES
            if first and len(PARSE_FAILURES) >= _MAX_FAILURES_KEPT:
                PARSE_FAILURES.pop(next(iter(PARSE_FAILURES)))
            PARSE_FAILURES[digest] = PARSE_FAILURES.get(digest, 0) + 1
        if first:
            log.warning("the parser failed on a text (sha256 %s, %d chars): %s; answered as unknown",
                        digest, len(text), intent.error)
    return intent


def process_inbox_item(bot, item) -> None:
    if item.kind == "message":
        handle_message(bot, item.payload, last_attempt=item.attempts >= bot.store.inbox_max_attempts)
    elif (on_item := item_handler(item.kind)) is not None:
        if in_background(item.kind):
            with background():
                on_item(bot, item.payload)
        else:
            on_item(bot, item.payload)
    else:
        log.warning("unknown inbox item kind %r, dropped", item.kind)


def unsure_readings(intent) -> list[str]:
    """The readings to offer when the parser is unsure (confidence below the threshold):
    its best intent, then its `alternatives`. Empty when it is sure, or says nothing
    (a parser without `confidence` is taken as sure)."""
    confidence = getattr(intent, "confidence", None)
    if not isinstance(confidence, (int, float)) or confidence >= UNSURE_BELOW:
        return []
    readings = [intent.intent] if intent.intent != "unknown" else []
    for alt in getattr(intent, "alternatives", None) or ():
        name = alt.get("intent") if isinstance(alt, dict) else getattr(alt, "intent", alt)
        if isinstance(name, str) and name != "unknown" and name not in readings:
            readings.append(name)
    # "开会 找个6人的会议室": a meeting with a room or a rooms question — either handler books a
    # meeting the message asks to book and lists rooms otherwise, so there is nothing to ask.
    if set(readings) <= {"schedule", "rooms"}:
        return []
    return readings


def handle_message(bot, payload: dict, last_attempt: bool = True) -> None:
    ev = payload.get("event") or {}
    sender = ev.get("sender") or {}
    msg = ev.get("message") or {}
    sender_id = ((sender.get("sender_id") or {}).get("open_id")) or ""
    if sender.get("sender_type") not in (None, "user") or not sender_id or sender_id == bot.bot_open_id:
        return  # bots (ourselves included) are not people to schedule for
    chat_type = msg.get("chat_type") or "p2p"
    mentions = msg.get("mentions") or []
    text = ""
    if msg.get("message_type") == "text":
        read = message_text(msg.get("content"))
        if read is None:   # Feishu always sends a JSON object; anything else is not a message to answer
            log.info("ignored message %s: its content is not a text object", msg.get("message_id"))
            return
        text = read
    bot_keys = [m.get("key") for m in mentions if _is_bot_mention(m, bot.bot_open_id)]
    for key in bot_keys:
        if key:
            text = text.replace(key, " ")
    text = text.strip()
    command, _ = slash.split(text)
    if chat_type != "p2p" and not bot_keys and command is None:
        return  # in a group Yue speaks only when spoken to
    skipped = payload.get(drafts.WITHOUT_KEY)
    if isinstance(skipped, list) and skipped:       # "continue without them" was clicked
        text = without(text, [str(n) for n in skipped]).strip()
    unknown = unknown_names(text)
    now = bot.now()
    person = people.lookup(bot, sender_id, now)
    others = [{"key": m.get("key"), "id": (m.get("id") or {}).get("open_id"), "name": m.get("name")}
              for m in mentions if not _is_bot_mention(m, bot.bot_open_id)]
    local_zone = zone(person.tz)     # the person's, or the bot's default zone
    intent = parse(text, now.astimezone(local_zone), local_zone.key, others, bot.bot_open_id)
    forced = payload.get(drafts.INTENT_KEY)
    if isinstance(forced, str) and forced:       # picked on a did-you-mean card: as if it were clear
        intent = dataclasses.replace(intent, intent=forced)
    # Kept to run the message again (Retry, after OAuth consent): with the picked intent, if any.
    raw = {k: v for k, v in payload.items() if k != drafts.RETRY_KEY}
    attempt = payload.get(drafts.RETRY_KEY)
    ctx = Ctx(bot=bot, sender=person, chat_id=msg.get("chat_id") or "", chat_type=chat_type,
              message_id=msg.get("message_id") or "", text=text, intent=intent, now=now,
              mentions=others, command=command, raw=raw,
              wordless_lang=_wordless_lang(bot, person, text, command, intent),
              attempt=attempt if isinstance(attempt, int) and attempt > 0 else 0, last_attempt=last_attempt)
    if msg.get("message_type") != "text" and chat_type != "p2p":
        return
    if unknown:
        drafts.tell_unknown(ctx, unknown, intent.intent in GOES_ON_WITHOUT)
        return
    if "impossible_date" in intent.assumptions and (named := impossible_date(text)):
        ctx.reply(cards.no_such_date_card(named, ctx.lang), key="nosuchdate")
        return
    if "impossible_time" in intent.assumptions and (named := impossible_time(text)):
        ctx.reply(cards.no_such_date_card(named, ctx.lang, kind="time"), key="nosuchdate")
        return
    readings = [] if (forced or command) else unsure_readings(intent)
    if readings:
        drafts.ask(ctx, readings)
        return
    dispatch(ctx)
