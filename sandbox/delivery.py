"""Pushing events and card callbacks to the bot exactly as Feishu does: schema 2.0 envelope,
verification token in the header, AES-256-CBC `encrypt` when the app has an encrypt key,
`X-Lark-Signature` over timestamp + nonce + encrypt key + raw body, a 3-second deadline, and for
events re-delivery (same event_id) after a missed deadline or a non-200 answer. An app that chose
the long connection gets the same envelope, unencrypted, over one of its WebSockets (sandbox/ws)
instead, with the same deadline and re-delivery.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import secrets
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import requests
from Crypto.Cipher import AES

from sandbox import store

log = logging.getLogger("sandbox.delivery")

DEADLINE = 3.0            # seconds Feishu waits for the bot's answer
EVENT_ATTEMPTS = 4        # first try + 3 re-deliveries (Feishu retries up to 4 times over ~7 h)
KEEP = 500                # recent deliveries kept for inspection and redelivery


class DeliveryError(Exception):
    """A callback could not be delivered or the bot's answer was not a 200 JSON object."""


def encrypt(encrypt_key: str, plaintext: bytes) -> str:
    key = hashlib.sha256(encrypt_key.encode()).digest()
    iv = os.urandom(16)
    pad = 16 - len(plaintext) % 16
    ct = AES.new(key, AES.MODE_CBC, iv).encrypt(plaintext + bytes([pad]) * pad)
    return base64.b64encode(iv + ct).decode()


def sign(timestamp: str, nonce: str, encrypt_key: str, raw_body: bytes) -> str:
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode() + raw_body).hexdigest()


@dataclass
class Attempt:
    at: float
    status: int | None          # None: no answer within the deadline / connection failed
    error: str = ""


@dataclass
class Record:
    event_id: str
    event_type: str
    envelope: dict
    url: str | None
    attempts: list[Attempt] = field(default_factory=list)
    done: bool = False
    delivered: bool = False


@dataclass(frozen=True)
class Target:
    app_id: str
    encrypt_key: str
    verification_token: str
    event_url: str | None
    card_url: str | None


class Delivery:
    def __init__(self, db: Any, settings: Any):
        self.db = db
        self.settings = settings
        self.retry_delay = float(getattr(settings, "sandbox_retry_delay", 3.0))
        self.records: OrderedDict[str, Record] = OrderedDict()
        self._cv = threading.Condition()
        self._in_flight = 0
        self._http = requests.Session()
        self.ws: Any = None           # sandbox.ws.LongConnections, set by sandbox.init_app

    def _over_ws(self, t: Target) -> bool:
        return self.ws is not None and self.ws.wants(t.app_id)

    def _where(self, t: Target, url: str | None) -> str | None:
        return "long connection" if self._over_ws(t) else url

    # --- building the request ---------------------------------------------------------------

    def target(self) -> Target | None:
        with self.db.session() as s:
            app = s.get(store.App, self.settings.app_id) or s.query(store.App).first()
            if app is None:
                return None
            return Target(app.app_id, app.encrypt_key or "", app.verification_token or "",
                          app.event_url, app.card_url or app.event_url)

    @staticmethod
    def envelope(t: Target, event_type: str, event: dict, event_id: str | None = None) -> dict:
        return {"schema": "2.0",
                "header": {"event_id": event_id or uuid.uuid4().hex, "event_type": event_type,
                           "create_time": str(store.now_ms()), "token": t.verification_token,
                           "app_id": t.app_id, "tenant_key": store.TENANT_KEY},
                "event": event}

    @staticmethod
    def encode(t: Target, payload: dict) -> tuple[bytes, dict[str, str]]:
        plain = json.dumps(payload, ensure_ascii=False).encode()
        body = json.dumps({"encrypt": encrypt(t.encrypt_key, plain)}).encode() if t.encrypt_key else plain
        ts, nonce = str(int(time.time())), secrets.token_hex(8)
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "X-Lark-Request-Timestamp": ts, "X-Lark-Request-Nonce": nonce,
                   "User-Agent": "Go-http-client/1.1"}
        if t.encrypt_key:
            headers["X-Lark-Signature"] = sign(ts, nonce, t.encrypt_key, body)
        return body, headers

    def _post(self, t: Target, url: str | None, payload: dict) -> requests.Response:
        if self._over_ws(t):     # raises the same requests exceptions on no connection / no ack
            return self.ws.push(t.app_id, payload, DEADLINE)
        raw, headers = self.encode(t, payload)    # fresh timestamp/nonce/IV on every attempt, as Feishu does
        return self._http.post(url, data=raw, headers=headers, timeout=DEADLINE)

    # --- events (asynchronous, retried) -----------------------------------------------------

    def deliver_event(self, event_type: str, event: dict, event_id: str | None = None) -> str | None:
        """Queue an event push; returns its event_id (None when the app has no event URL)."""
        t = self.target()
        if t is None or not (t.event_url or self._over_ws(t)):
            log.info("no event URL registered; dropping %s", event_type)
            return None
        env = self.envelope(t, event_type, event, event_id)
        rec = Record(env["header"]["event_id"], event_type, env, self._where(t, t.event_url))
        with self._cv:
            self.records[rec.event_id] = rec
            while len(self.records) > KEEP:
                self.records.popitem(last=False)
            self._in_flight += 1
        threading.Thread(target=self._run, args=(t, rec), name=f"deliver-{rec.event_id[:8]}", daemon=True).start()
        return rec.event_id

    def _run(self, t: Target, rec: Record) -> None:
        try:
            for n in range(EVENT_ATTEMPTS):
                if n:
                    time.sleep(self.retry_delay * (2 ** (n - 1)))   # Feishu backs off; the setting scales it
                try:
                    resp = self._post(t, rec.url, rec.envelope)
                    rec.attempts.append(Attempt(time.time(), resp.status_code,
                                                "" if resp.status_code == 200 else resp.text[:200]))
                    if resp.status_code == 200:
                        rec.delivered = True
                        return
                except requests.RequestException as e:
                    rec.attempts.append(Attempt(time.time(), None, f"{type(e).__name__}: {e}"[:200]))
                log.info("delivery of %s %s failed (attempt %d)", rec.event_type, rec.event_id, n + 1)
        finally:
            with self._cv:
                rec.done = True
                self._in_flight -= 1
                self._cv.notify_all()

    def redeliver(self, event_id: str) -> bool:
        """Push a recorded event again with the same event_id (Feishu's duplicate delivery)."""
        rec = self.records.get(event_id)
        if rec is None:
            return False
        return self.deliver_event(rec.event_type, rec.envelope["event"], event_id) is not None

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no delivery is in flight (tests and the console use it to settle)."""
        end = time.monotonic() + timeout
        with self._cv:
            while self._in_flight:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cv.wait(left)
        return True

    # --- callbacks (synchronous) ------------------------------------------------------------

    def deliver_callback(self, event_type: str, event: dict) -> dict:
        """POST a callback (card.action.trigger) and return the bot's JSON answer."""
        t = self.target()
        if t is None or not (t.card_url or self._over_ws(t)):
            raise DeliveryError("the app has no callback URL registered")
        env = self.envelope(t, event_type, event)
        rec = Record(env["header"]["event_id"], event_type, env, self._where(t, t.card_url), done=True)
        with self._cv:
            self.records[rec.event_id] = rec
        try:
            resp = self._post(t, t.card_url, env)
        except requests.Timeout:
            rec.attempts.append(Attempt(time.time(), None, "deadline exceeded"))
            raise DeliveryError(f"the bot did not answer within {DEADLINE:g} s") from None
        except requests.RequestException as e:
            rec.attempts.append(Attempt(time.time(), None, str(e)[:200]))
            raise DeliveryError(f"could not reach the bot: {type(e).__name__}") from None
        rec.attempts.append(Attempt(time.time(), resp.status_code))
        if resp.status_code != 200:
            raise DeliveryError(f"the bot answered HTTP {resp.status_code}: {resp.text[:200]}")
        try:
            answer = resp.json() if resp.content.strip() else {}
        except ValueError:
            raise DeliveryError("the bot's answer is not JSON") from None
        if not isinstance(answer, dict):
            raise DeliveryError("the bot's answer is not a JSON object")
        rec.delivered = True
        return answer


def _delivery() -> Delivery:
    from flask import current_app
    return current_app.extensions["sandbox"].delivery


def deliver_event(event_type: str, event: dict) -> None:
    """Push an event to the bot once the current request's data is committed (asynchronous)."""
    from sandbox.api.common import after_commit
    d = _delivery()
    after_commit(lambda: d.deliver_event(event_type, event))


def deliver_callback(event_type: str, event: dict) -> dict:
    """Deliver a callback now and return the bot's answer (raises DeliveryError)."""
    return _delivery().deliver_callback(event_type, event)
