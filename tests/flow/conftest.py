"""Flow tests: the whole app (sandbox + bot) on a real loopback server, driven as people do.

    def test_x(yue):
        reply = yue.say("oc_p2p_alice", "ou_alice", "明天下午3点和 @Bob 开会")
        out = yue.click(reply, "ou_alice", yue.button(reply, "confirm"))
        assert yue.agenda("ou_bob", start, end)

One app per test module (starting one costs a second; tests use their own people and
chats so they do not see each other). The bot's store runs on SQLite and, when
TEST_DATABASE_URL names PostgreSQL, on PostgreSQL too — each app in a schema of its own
(`options=-csearch_path=…`, as in tests/store/conftest.py), dropped afterwards. The
sandbox (the Open Platform stand-in) is always SQLite.
"""
from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from pathlib import Path
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import lark_oapi as lark
import pytest
import requests

from app import create_app
from bot.config import Settings
from sandbox.delivery import encrypt, sign
from tests.support.databases import database_url
from tests.support.live import LiveServer
from tests.support.yue import buttons as support_buttons, url_buttons, wait_until

REPLY_TIMEOUT = 20.0      # generous: a slow CI machine, never a timing assertion

ZONES = {"ou_alice": "Asia/Shanghai", "ou_bob": "Asia/Shanghai", "ou_carol": "America/Los_Angeles",
         "ou_dave": "Europe/London", "ou_erin": "Asia/Tokyo", "ou_frank": "America/New_York",
         "ou_grace": "Asia/Singapore", "ou_henry": "Asia/Shanghai", "ou_ivy": "Asia/Shanghai",
         "ou_jonas": "Europe/Berlin", "ou_kevin": "Asia/Shanghai", "ou_lin": "Asia/Shanghai"}


class FlowClock:
    """The one clock of a flow module: the bot's (injected through create_app) and the tests'
    (`today_in`). It runs at the wall clock's pace from a start chosen so that the next
    MODULE_SPAN crosses no midnight in any zone the tests read dates in: a run that starts
    at 23:50 in Shanghai reads the bot's "明天" and the test's `today_in() + 1` as one day."""

    MODULE_SPAN = dt.timedelta(hours=1)

    def __init__(self, real: dt.datetime | None = None) -> None:
        real = real or dt.datetime.now(dt.UTC)
        self.start = real
        for back in range(0, 24 * 60, 10):      # at most a few hours back: midnights are spread out
            start = real - dt.timedelta(minutes=back)
            if all((start + self.MODULE_SPAN).astimezone(ZoneInfo(z)).date() == start.astimezone(ZoneInfo(z)).date()
                   for z in set(ZONES.values())):
                self.start = start
                break
        self._t0 = time.monotonic()

    def now(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=time.monotonic() - self._t0)


CLOCK = FlowClock()       # replaced per module by start_yue


def p2p(open_id: str) -> str:
    """The person's private chat with Yue (seeded as oc_p2p_<key>)."""
    return "oc_p2p_" + open_id.removeprefix("ou_")


def today_in(open_id: str) -> dt.date:
    return CLOCK.now().astimezone(ZoneInfo(ZONES[open_id])).date()


def at(day: dt.date, hh: int, mm: int, open_id: str) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=ZoneInfo(ZONES[open_id]))


def next_weekday(open_id: str, weekday: int, min_days: int = 2) -> dt.date:
    """The first `weekday` (0 = Monday) at least `min_days` after the person's today."""
    d = today_in(open_id) + dt.timedelta(days=min_days)
    while d.weekday() != weekday:
        d += dt.timedelta(days=1)
    return d


def zh_day(d: dt.date) -> str:
    return f"{d.month}月{d.day}日"


def card_text(card: dict | None) -> str:
    """Everything a card says (header and every markdown/plain text), one string."""
    out: list[str] = []

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            if x.get("tag") in ("markdown", "plain_text", "lark_md") and isinstance(x.get("content"), str):
                out.append(x["content"])
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk(card or {})
    return "\n".join(out)


def buttons(card: dict | None) -> list[tuple[str, dict]]:
    """(label, callback value) of every callback button, in order."""
    return [(b["label"], b["value"]) for b in support_buttons(card)]


def wait_for(what: str, fn: Callable[[], Any], timeout: float = REPLY_TIMEOUT) -> Any:
    return wait_until(what, fn, timeout)


class Yue:
    """The running app and the ways a person (or a test) touches it."""

    def __init__(self, srv: LiveServer, settings: Settings):
        self.srv = srv
        self.url = srv.url
        self.app = srv.app
        self.settings = settings
        self.bot = srv.app.extensions["yue_bot"]
        self.store = self.bot.store
        self.http = requests.Session()
        self._lark: lark.Client | None = None

    # --- people write and click -------------------------------------------------------------

    def post(self, chat: str, sender: str, text: str) -> dict:
        r = self.http.post(f"{self.url}/sandbox/api/messages",
                           json={"chat_id": chat, "sender_id": sender, "text": text}, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def messages(self, chat: str) -> list[dict]:
        r = self.http.get(f"{self.url}/sandbox/api/chats/{chat}/messages", timeout=10)
        assert r.status_code == 200, r.text
        return r.json()["messages"]

    def bot_messages(self, chat: str) -> list[dict]:
        return [m for m in self.messages(chat) if m["sender"]["sender_type"] == "app"]

    def replies(self, message_id: str, chat: str) -> list[dict]:
        return [m for m in self.bot_messages(chat) if m.get("parent_id") == message_id]

    def say(self, chat: str, sender: str, text: str, timeout: float = REPLY_TIMEOUT) -> dict:
        """Write `text` as `sender` in `chat`; the bot's reply (a message dict with `card`)."""
        sent = self.post(chat, sender, text)
        reply = wait_for(f"Yue's reply to {text!r}", lambda: self.replies(sent["message_id"], chat), timeout)
        reply = reply[0]
        reply["request"] = sent
        return reply

    def say_nothing(self, chat: str, sender: str, text: str) -> dict:
        """Write `text`; once the bot has finished with it (or it never reached the bot), the message."""
        sent = self.post(chat, sender, text)
        if sent.get("event_id"):
            self.settle(sent["event_id"])
        return sent

    def settle(self, event_id: str | None = None) -> None:
        """Wait until the delivery of `event_id` was answered and the bot's inbox is empty."""
        if event_id:
            wait_for(f"delivery of {event_id}", lambda: self._delivery_done(event_id))
        wait_for("the bot's inbox to drain", lambda: self.store.inbox_pending_count() == 0)

    def _delivery_done(self, event_id: str) -> bool:
        recs = self.http.get(f"{self.url}/sandbox/api/deliveries", timeout=10).json()["deliveries"]
        return any(r["event_id"] == event_id and r["done"] for r in recs)

    def click(self, message: dict | str, operator: str, value: dict) -> dict:
        """Click the button whose callback value is `value` on the card `message`: {toast, card}."""
        mid = message if isinstance(message, str) else message["message_id"]
        r = self.http.post(f"{self.url}/sandbox/api/card_actions",
                           json={"message_id": mid, "operator_id": operator, "value": value}, timeout=15)
        assert r.status_code == 200, r.text
        return r.json()

    @staticmethod
    def buttons(card_or_message: dict | None) -> list[tuple[str, dict]]:
        c = card_or_message.get("card", card_or_message) if card_or_message else None
        return buttons(c)

    def button(self, card_or_message: dict | None, action: str, **match: Any) -> dict:
        """The value of the (first) button whose action is `action` (and whose value has `match`)."""
        for _, v in self.buttons(card_or_message):
            if v.get("a") == action and all(v.get(k) == x for k, x in match.items()):
                return v
        c = card_or_message.get("card", card_or_message) if card_or_message else None
        raise AssertionError(f"no {action!r} button {match or ''} on the card:\n{card_text(c)}\n{self.buttons(c)}")

    def current(self, message: dict | str) -> dict:
        """The message as the chat shows it now (cards are replaced and patched)."""
        mid = message if isinstance(message, str) else message["message_id"]
        chat = None if isinstance(message, str) else message["chat_id"]
        chats = [chat] if chat else [c["chat_id"] for c in
                                     self.http.get(f"{self.url}/sandbox/api/chats").json()["chats"]]
        for c in chats:
            for m in self.messages(c):
                if m["message_id"] == mid:
                    return m
        raise AssertionError(f"no message {mid}")

    # --- what the sandbox holds ---------------------------------------------------------------

    def agenda(self, open_id: str, start: dt.datetime | dt.date, end: dt.datetime | dt.date) -> list[dict]:
        def iso(v):
            if not isinstance(v, dt.datetime):
                v = dt.datetime.combine(v, dt.time(0), ZoneInfo(ZONES.get(open_id, "Asia/Shanghai")))
            return v.isoformat()
        r = self.http.get(f"{self.url}/sandbox/api/people/{open_id}/agenda",
                          params={"from": iso(start), "to": iso(end)}, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def events(self, open_id: str, summary: str, start, end) -> list[dict]:
        return [e for e in self.agenda(open_id, start, end) if e["kind"] == "event" and e["summary"] == summary]

    @property
    def lark(self) -> lark.Client:
        """A lark-oapi client of the app pointed at the sandbox (tenant token; user tokens per call)."""
        if self._lark is None:
            self._lark = (lark.Client.builder().app_id(self.settings.app_id).app_secret(self.settings.app_secret)
                          .domain(self.url).enable_set_token(True).log_level(lark.LogLevel.ERROR).build())
        return self._lark

    def user_option(self, open_id: str) -> lark.RequestOption:
        tok = self.store.get_user_token(open_id)
        assert tok is not None, f"{open_id} has not connected a calendar"
        return lark.RequestOption.builder().user_access_token(tok.access_token).build()

    # --- OAuth ----------------------------------------------------------------------------------

    def connect(self, open_id: str, card: dict | None = None, decision: str = "allow",
                as_person: str | None = None) -> requests.Response:
        """Press "Connect calendar" on `card` (default: the latest connect card in the person's
        private chat), consent on the sandbox's authorize page as `as_person` (default: the same
        person), and follow the redirect to the bot's /oauth/callback. The callback's response."""
        if card is None:
            cards = [m["card"] for m in self.bot_messages(p2p(open_id)) if url_buttons(m.get("card"))]
            assert cards, f"no connect card in {p2p(open_id)}"
            card = cards[-1]
        urls = [u for u in url_buttons(card) if "/authen/" in u]
        assert urls, f"no authorize link on the card:\n{card_text(card)}"
        link = urlsplit(urls[0])
        params = {k: v[0] for k, v in parse_qs(link.query).items()}
        page = self.http.get(urls[0], timeout=10)
        assert page.status_code == 200, page.text[:300]
        consent = self.http.post(f"{link.scheme}://{link.netloc}{link.path}",
                                 data={**params, "open_id": as_person or open_id, "decision": decision},
                                 allow_redirects=False, timeout=10)
        assert consent.status_code == 302, consent.text[:300]
        return self.http.get(consent.headers["Location"], timeout=15)

    # --- the raw callbacks, as Feishu would send them ----------------------------------------------

    def signed(self, envelope: dict | bytes, *, encrypt_key: str | None = None, ts: int | None = None,
               nonce: str | None = None, encrypted: bool = True) -> tuple[bytes, dict]:
        """Body and headers of a Feishu-style delivery of `envelope` (encrypted and signed)."""
        ek = self.settings.encrypt_key if encrypt_key is None else encrypt_key
        raw = envelope if isinstance(envelope, bytes) else json.dumps(envelope).encode()
        body = json.dumps({"encrypt": encrypt(ek, raw)}).encode() if encrypted else raw
        ts_s, nonce = str(int(time.time()) if ts is None else ts), nonce or uuid.uuid4().hex
        return body, {"Content-Type": "application/json", "X-Lark-Request-Timestamp": ts_s,
                      "X-Lark-Request-Nonce": nonce, "X-Lark-Signature": sign(ts_s, nonce, ek, body)}

    def envelope(self, event_type: str, event: dict, *, token: str | None = None,
                 event_id: str | None = None) -> dict:
        return {"schema": "2.0",
                "header": {"event_id": event_id or uuid.uuid4().hex, "event_type": event_type,
                           "create_time": str(int(time.time() * 1000)),
                           "token": self.settings.verification_token if token is None else token,
                           "app_id": self.settings.app_id, "tenant_key": "736588c9260f175d"},
                "event": event}

    def message_event(self, message: dict, sender: str, chat_type: str, mentions: list[dict] | None = None) -> dict:
        """The im.message.receive_v1 event of a message already in the sandbox (from `post`)."""
        return {"sender": {"sender_id": {"open_id": sender}, "sender_type": "user"},
                "message": {"message_id": message["message_id"], "chat_id": message["chat_id"],
                            "chat_type": chat_type, "message_type": "text",
                            "content": message["body"]["content"], "create_time": str(message["create_ms"]),
                            "mentions": mentions or []}}

    def post_raw(self, path: str, body: bytes, headers: dict) -> requests.Response:
        return self.http.post(f"{self.url}{path}", data=body, headers=headers, timeout=10)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def yue_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database URL for the bot's store of one app."""
    with database_url(request.param, tmp_path_factory.mktemp("yue-db")) as url:
        yield url


def start_yue(db_url: str, var: Path, **env: str) -> tuple[LiveServer, Settings]:
    settings = Settings.from_env({"YUE_VAR_DIR": str(var), "DATABASE_URL": db_url,
                                  "SANDBOX_DATABASE_URL": f"sqlite:///{var}/sandbox.db",
                                  "SANDBOX_RETRY_DELAY": "0.2", "YUE_WORKERS": "4", "LOG_LEVEL": "WARNING",
                                  **env})
    global CLOCK
    CLOCK = FlowClock()
    srv = LiveServer(lambda port: create_app(settings.with_(port=port), clock=CLOCK.now))
    return srv.__enter__(), settings.with_(port=srv.port)


def stop_yue(srv: LiveServer) -> None:
    try:
        srv.app.extensions["sandbox"].delivery.wait_idle(5)
    finally:
        srv.stop()                                   # stops the bot's pool and sweeper too
        srv.app.extensions["yue_bot"].store.close()


@pytest.fixture(scope="module")
def yue(yue_db: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Yue]:
    """The app with the demo week seeded (a module may set `SANDBOX_ENV = {"SANDBOX_EMPTY": "1"}`)."""
    env = getattr(request.module, "SANDBOX_ENV", {})
    srv, settings = start_yue(yue_db, tmp_path_factory.mktemp("yue"), **env)
    try:
        yield Yue(srv, settings)
    finally:
        stop_yue(srv)
