"""Wire the bot into a Flask app: callbacks, OAuth redirect, worker pool, sweeper."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from flask import Flask

from . import drafts, oauth
from .config import Settings
from .runtime import Bot
from .transport import http

log = logging.getLogger("yue")


def init_app(app: Flask, settings: Settings, clock: Callable[[], dt.datetime] | None = None) -> Bot:
    bot = Bot(settings, feishu_domain=settings.platform_url, clock=clock)

    def on_message(payload: dict) -> None:
        msg = ((payload.get("event") or {}).get("message") or {})
        key = msg.get("message_id") or ((payload.get("header") or {}).get("event_id")) or ""
        # Stored before the 200: a crash after the ack loses nothing. Keyed by message_id,
        # so Feishu's re-deliveries and a second instance receiving it add nothing.
        if bot.store.inbox_put(f"message:{key}", "message", payload):
            bot.kick()
        else:
            log.info("duplicate delivery of message %s ignored", key)

    def on_card(payload: dict) -> dict:
        return drafts.on_card(bot, payload)

    def on_calendar(payload: dict) -> None:
        key = (payload.get("header") or {}).get("event_id") or ""
        if key and bot.store.inbox_put(f"calendar:{key}", "calendar_change", payload):
            bot.kick()

    if settings.transport == "ws":
        # No /feishu/events in ws mode: without a verification token it would take forged events.
        from .transport.ws import LongConnection
        conn = LongConnection(settings.app_id, settings.app_secret, http.event_handler(on_message, on_card,
                                                                                    on_calendar=on_calendar),
                              settings.platform_url, settings.log_level, wait_for_local=settings.mode == "sandbox")
        app.extensions["yue_transport"] = conn
        bot.on_stop.append(conn.stop)
    else:
        app.register_blueprint(http.blueprint(settings, on_message, on_card, on_calendar))
    app.register_blueprint(oauth.blueprint(bot))
    app.extensions["yue_bot"] = bot
    bot.start()
    if settings.transport == "ws":
        app.extensions["yue_transport"].start()
    return bot
