"""Drive a running Yue (bot + sandbox) as people do: write in a chat, read the bot's
replies, click card buttons; and post raw signed events like Feishu does."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import requests

from bot.config import Settings
from sandbox.delivery import Delivery, Target


def settings_for(tmp_dir, **env: str) -> Settings:
    base = {"YUE_VAR_DIR": f"{tmp_dir}/var", "DATABASE_URL": f"sqlite:///{tmp_dir}/yue.db",
            "SANDBOX_DATABASE_URL": f"sqlite:///{tmp_dir}/sandbox.db", "SANDBOX_RETRY_DELAY": "0.3",
            "YUE_SECRET_KEY": "test-secret"}
    base.update(env)
    return Settings.from_env(base)


class Chatter:
    """A person-level client for one running app (`url`)."""

    def __init__(self, url: str, timeout: float = 20.0):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.http = requests.Session()

    def messages(self, chat_id: str) -> list[dict]:
        r = self.http.get(f"{self.url}/sandbox/api/chats/{chat_id}/messages", timeout=10)
        r.raise_for_status()
        data = r.json()
        return data["messages"] if isinstance(data, dict) else data

    def bot_messages(self, chat_id: str) -> list[dict]:
        return [m for m in self.messages(chat_id) if m.get("sender_open_id") == "ou_yue_bot"]

    def say(self, chat_id: str, sender: str, text: str) -> dict:
        r = self.http.post(f"{self.url}/sandbox/api/messages",
                           json={"chat_id": chat_id, "sender_id": sender, "text": text}, timeout=10)
        r.raise_for_status()
        return r.json()

    def replies_to(self, message_id: str, chat_id: str) -> list[dict]:
        return [m for m in self.bot_messages(chat_id) if m.get("parent_id") == message_id]

    def wait_reply(self, message_id: str, chat_id: str, count: int = 1) -> list[dict]:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            found = self.replies_to(message_id, chat_id)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"no reply to {message_id} in {chat_id} within {self.timeout}s")

    def ask(self, chat_id: str, sender: str, text: str) -> dict:
        """Say something and return the bot's (first) reply."""
        sent = self.say(chat_id, sender, text)
        return self.wait_reply(sent["message_id"], chat_id)[0]

    def click(self, message_id: str, operator: str, value: dict) -> dict:
        r = self.http.post(f"{self.url}/sandbox/api/card_actions",
                           json={"message_id": message_id, "operator_id": operator, "value": value}, timeout=15)
        r.raise_for_status()
        return r.json()

    def faults(self, **settings: Any) -> dict:
        r = self.http.post(f"{self.url}/sandbox/api/faults", json=settings, timeout=10)
        r.raise_for_status()
        return r.json()

    def clear_faults(self) -> None:
        self.http.delete(f"{self.url}/sandbox/api/faults", timeout=10).raise_for_status()


def wait_until(what: str, fn: Any, timeout: float = 20.0) -> Any:
    """Poll `fn` until it returns something truthy (an event happened); fail naming `what`.
    Never a fixed sleep standing in for "nothing happened"."""
    deadline = time.monotonic() + timeout
    while True:
        got = fn()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def inbox_row(store: Any, message_id: str) -> Any:
    """The inbox row of a message (status, attempts, worker_id), or None if it is not stored."""
    from sqlalchemy import select

    from bot.store.tables import inbox
    with store.engine.connect() as c:
        return c.execute(select(inbox.c.status, inbox.c.attempts, inbox.c.worker_id)
                         .where(inbox.c.event_id == f"message:{message_id}")).first()


def button_behaviors(card: dict | None) -> list[tuple[str, dict]]:
    """(label, behaviour) of every button of a card, in document order."""
    out: list[tuple[str, dict]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("tag") == "button":
                label = (node.get("text") or {}).get("content") or ""
                out.extend((label, b) for b in node.get("behaviors") or [])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(card or {})
    return out


def buttons(card: dict | None) -> list[dict]:
    """Every callback button of a card: {"label", "value"}."""
    return [{"label": label, "value": b.get("value")} for label, b in button_behaviors(card)
            if b.get("type") == "callback"]


def url_buttons(card: dict | None) -> list[str]:
    """The links of a card's open_url buttons."""
    return [b["default_url"] for _, b in button_behaviors(card) if b.get("type") == "open_url"]


def action(card: dict | None, name: str) -> dict | None:
    return next((b["value"] for b in buttons(card) if (b["value"] or {}).get("a") == name), None)


def card_text(card: dict | None) -> str:
    return json.dumps(card or {}, ensure_ascii=False)


def signed(settings: Settings, event_type: str, event: dict, event_id: str | None = None) -> tuple[bytes, dict]:
    """A request body and headers exactly as Feishu sends them (signed, encrypted)."""
    t = Target(settings.app_id, settings.encrypt_key, settings.verification_token, "", "")
    payload = Delivery.envelope(t, event_type, event, event_id)
    return Delivery.encode(t, payload)


def message_event(chat_id: str, sender: str, text: str, message_id: str, chat_type: str = "p2p",
                  mentions: list[dict] | None = None) -> dict:
    return {"sender": {"sender_id": {"open_id": sender}, "sender_type": "user"},
            "message": {"message_id": message_id, "chat_id": chat_id, "chat_type": chat_type,
                        "message_type": "text", "content": json.dumps({"text": text}, ensure_ascii=False),
                        "create_time": str(int(time.time() * 1000)), "mentions": mentions or []}}


def iter_cards(messages: list[dict]) -> Iterator[dict]:
    for m in messages:
        if m.get("card"):
            yield m["card"]
