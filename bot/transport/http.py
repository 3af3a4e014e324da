"""/feishu/events and /feishu/cards: verify through lark-oapi's dispatcher, store, ack fast.

The dispatcher checks the verification token, the signature and decrypts; we add
what it lacks (a replay window, de-duplication, 4xx instead of 500 for requests
that fail verification) and hand the work to the worker pool. An accepted message
is written to the durable inbox *before* the 200, so a crash after the ack loses
nothing: a starting worker picks it up.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import lark_oapi as lark
from flask import Blueprint, g, jsonify, request
from flask.typing import ResponseReturnValue
from lark_oapi.adapter.flask import parse_req, parse_resp
from lark_oapi.api.im.v1 import P2ImMessageReceiveV1
from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTrigger

from bot.config import Settings

log = logging.getLogger("yue.inbound")

# Feishu signs each delivery with its time; older requests are replays.
REPLAY_WINDOW_S = 3600


class _QuietRejects(logging.Filter):
    """lark-oapi logs a full traceback for every request that fails verification; under a
    flood of forged requests that is noise and cost. We log one line per refusal instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("handle event failed")


logging.getLogger("Lark").addFilter(_QuietRejects())


_SCALARS = (str, int, float, bool)


def _as_dict(obj) -> dict:
    """The event as plain JSON data, as `json.loads(lark.JSON.marshal(obj))` gives it (None
    fields dropped) without its deep copy of every object and the text round trip: that was
    a third of an acknowledgement's CPU."""
    out = _plain(obj)
    return out if isinstance(out, dict) else {}


def _plain(o):
    if o is None or isinstance(o, _SCALARS):
        return o
    if isinstance(o, (list, tuple, set)):
        return [_plain(v) for v in o]
    if isinstance(o, dict):
        return {str(k): _plain(v) for k, v in o.items() if v is not None}
    if hasattr(o, "__dict__"):
        return {k: _plain(v) for k, v in vars(o).items() if v is not None}
    return json.loads(lark.JSON.marshal(o) or "null")   # bytes, datetimes: as lark-oapi writes them


def stored_form(payload: dict) -> dict:
    """What processing needs of a verified event: without the verification token (v1
    events carry it at the top, v2 in the header), which must not sit in the inbox."""
    out = {k: v for k, v in payload.items() if k != "token"}
    if isinstance(out.get("header"), dict):
        out["header"] = {k: v for k, v in out["header"].items() if k != "token"}
    return out


def ours(settings: Settings, payload: dict, kind: str) -> bool:
    """Signed with our key is not enough: the event must also name our app (and our tenant
    when FEISHU_TENANT_KEY is set). Another app's event is logged and answered 200 with
    no processing, so Feishu does not re-deliver it."""
    header = payload.get("header") or {}
    app_id, tenant = header.get("app_id"), header.get("tenant_key")
    if app_id != settings.app_id or (settings.tenant_key and tenant != settings.tenant_key):
        log.warning("dropped %s %s for app %r tenant %r (not ours)", kind, header.get("event_id"), app_id, tenant)
        return False
    return True


def event_handler(on_message: Callable[[dict], None], on_card: Callable[[dict], dict],
                  encrypt_key: str = "", verification_token: str = "",
                  settings: Settings | None = None,
                  on_calendar: Callable[[dict], None] | None = None) -> lark.EventDispatcherHandler:
    """The registrations both transports use: HTTP (with the app's key and token, which the
    dispatcher checks) and the long connection (empty: lark.ws.Client does not verify).
    Events are handed on without their verification token; with `settings` (HTTP, where
    anyone may post), one naming another app or tenant is dropped (`ours`)."""
    def accepted(data: Any, kind: str) -> dict | None:
        payload = _as_dict(data)
        if settings is not None and not ours(settings, payload, kind):
            return None
        return stored_form(payload)

    def message(data: P2ImMessageReceiveV1) -> None:
        payload = accepted(data, "event")
        if payload is not None:
            on_message(payload)

    def card(data: P2CardActionTrigger):
        payload = accepted(data, "card callback")
        return {} if payload is None else on_card(payload)

    def calendar(data) -> None:
        payload = accepted(data, "event")
        if payload is not None and on_calendar is not None:
            on_calendar(payload)

    # Calendar change pushes Yue asked for on people's behalf (bot/handlers/changes.py).
    return (lark.EventDispatcherHandler.builder(encrypt_key, verification_token)
            .register_p2_im_message_receive_v1(message)
            .register_p2_card_action_trigger(card)
            .register_p2_calendar_calendar_event_changed_v4(calendar)
            .register_p2_calendar_calendar_acl_created_v4(calendar)
            .register_p2_calendar_calendar_acl_deleted_v4(calendar)
            .register_p2_calendar_calendar_changed_v4(calendar)
            .build())


def build_dispatcher(settings: Settings, on_message: Callable[[dict], None],
                     on_card: Callable[[dict], dict],
                     on_calendar: Callable[[dict], None] | None = None) -> lark.EventDispatcherHandler:
    def reached(fn: Callable[[dict], Any]) -> Callable[[dict], Any]:
        def call(payload: dict) -> Any:
            g.yue_reached = True      # a failure from here on is ours (503), not a forgery (400)
            return fn(payload)
        return call

    return event_handler(reached(on_message), reached(on_card), settings.encrypt_key, settings.verification_token,
                         settings, reached(on_calendar) if on_calendar else None)


def _stale() -> bool:
    ts = request.headers.get("X-Lark-Request-Timestamp")
    if ts is None:
        return False  # URL verification carries no signature headers; the dispatcher decides
    try:
        return abs(time.time() - int(ts)) > REPLAY_WINDOW_S
    except ValueError:
        return True


def blueprint(settings: Settings, on_message: Callable[[dict], None],
              on_card: Callable[[dict], dict], on_calendar: Callable[[dict], None] | None = None) -> Blueprint:
    bp = Blueprint("feishu_inbound", __name__)
    dispatcher = build_dispatcher(settings, on_message, on_card, on_calendar)

    def handle(kind: str) -> ResponseReturnValue:
        if _stale():
            log.warning("refused %s: timestamp outside the replay window from %s", kind, request.remote_addr)
            return jsonify(code=400, msg="stale or invalid timestamp"), 400
        g.yue_reached = False
        raw = dispatcher.do(parse_req())
        if raw.status_code == 200:
            return parse_resp(raw)
        detail = (raw.content or b"")[:200].decode("utf-8", "replace")
        if g.get("yue_reached"):
            # Our handler failed (e.g. the database is down): let Feishu retry later.
            log.error("%s handler failed: %s", kind, detail)
            return jsonify(code=503, msg="temporarily unavailable"), 503
        # Not verified (bad signature, wrong token, undecryptable, malformed, unknown type).
        log.warning("refused %s from %s: %s", kind, request.remote_addr, detail)
        return jsonify(code=400, msg="request rejected"), 400

    @bp.post("/feishu/events")
    def events():
        return handle("event")

    @bp.post("/feishu/cards")
    def cards():
        return handle("card callback")

    return bp
