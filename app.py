"""Yue's entry point: `create_app(settings)` wires the bot (and, in sandbox mode, the
local Open Platform and its console) into one Flask app; `python app.py` serves it.

`python app.py` serves at once and starts the bot in the background: importing
lark-oapi alone takes seconds (its __init__ imports every API module), and the
sandbox and its console do not need it. Until the bot is up, its routes answer 503
with Retry-After (Feishu and the sandbox deliver again) and /healthz says `starting`.
`create_app()` (tests, gunicorn) stays synchronous."""
from __future__ import annotations

import logging
import os
import sys
import threading

from flask import Flask, Response, jsonify, request

from bot.config import Settings, settings_or_exit

log = logging.getLogger("yue")

# The bot's own routes (bot/transport/http.py, bot/oauth.py): stubs for them while it starts.
BOT_ROUTES = (("/feishu/events", "POST"), ("/feishu/cards", "POST"), ("/oauth/callback", "GET"))
STARTING_RETRY_AFTER_S = 1


def _flask(settings: Settings, name: str) -> Flask:
    app = Flask(name, static_folder=None)
    app.config["YUE_SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024  # Feishu's events are small; bigger bodies are refused (413)

    @app.errorhandler(413)
    def too_large(_e):
        return jsonify(code=413, msg="request body too large (limit 1 MiB)"), 413

    @app.errorhandler(500)
    def internal_error(_e):
        # Never a traceback to a caller; the log has it.
        return jsonify(code=500, msg="internal error"), 500

    return app


def _platform(settings: Settings) -> Flask:
    """The app without the bot: in sandbox mode the local Open Platform and its console."""
    os.makedirs(settings.var_dir, mode=0o700, exist_ok=True)   # databases, the generated key
    app = _flask(settings, __name__)
    if settings.mode == "sandbox":
        import sandbox
        sandbox.init_app(app, settings)
    return app


def _health(settings: Settings, bot_app: Flask):
    """/healthz once the bot is up: with the long connection's state in ws mode."""
    conn = bot_app.extensions.get("yue_transport")      # the long connection, in ws mode
    if conn is None:
        return jsonify(ok=True, mode=settings.mode, transport=settings.transport, status="ready")
    status = conn.status()
    return jsonify(ok=status.state != "failed", mode=settings.mode, transport=settings.transport, status="ready",
                   connection=status.as_dict()), 200 if status.state != "failed" else 503


def create_app(settings: Settings | None = None, clock=None) -> Flask:
    """`clock` (a function returning an aware now) replaces the bot's wall clock (tests)."""
    serving = settings is None     # under gunicorn (the Procfile), not a test
    if settings is None:  # under gunicorn: a bad setting is one line there too
        settings = settings_or_exit()
    app = _platform(settings)
    import bot.app
    bot.app.init_app(app, settings, clock=clock)
    if serving:
        from bot.runtime import settle_heap
        settle_heap()

    @app.get("/healthz")
    def healthz():
        return _health(settings, app)

    return app


class LateBot:
    """The bot, built on a background thread into a Flask app of its own; the serving app's
    stub routes hand requests to it once it is ready."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.app: Flask | None = None
        self.status = "starting"
        self.ready = threading.Event()

    def start(self) -> threading.Thread:
        t = threading.Thread(target=self._build, name="yue-bot-start", daemon=True)
        t.start()
        return t

    def _build(self) -> None:
        try:
            import bot.app
            app = _flask(self.settings, "yue-bot")
            bot.app.init_app(app, self.settings)
            from bot.runtime import settle_heap
            settle_heap()
            self.app = app
            self.status = "ready"
        except Exception:
            log.exception("the bot failed to start")
            self.status = "failed"
        self.ready.set()

    def handle(self) -> Response:
        if self.app is None:
            resp = jsonify(code=503, msg=f"Yue is {self.status}; try again shortly")
            resp.status_code = 503
            resp.headers["Retry-After"] = str(STARTING_RETRY_AFTER_S)
            return resp
        return Response.from_app(self.app.wsgi_app, request.environ)


def serving_app(settings: Settings) -> tuple[Flask, LateBot]:
    """What `python app.py` serves: the platform now, the bot once `LateBot.start()` finished."""
    app = _platform(settings)
    late = LateBot(settings)
    for path, method in BOT_ROUTES:
        app.add_url_rule(path, f"late_bot{path.replace('/', '_')}", late.handle, methods=[method])

    @app.get("/healthz")
    def healthz():
        if late.app is not None:
            return _health(settings, late.app)
        return jsonify(ok=late.status != "failed", mode=settings.mode, transport=settings.transport,
                       status=late.status), (503 if late.status == "failed" else 200)

    return app, late


def _banner(settings: Settings) -> str:
    lines = [f"Yue is running in {settings.mode} mode: open {settings.base_url}/"]
    if settings.mode == "sandbox":
        lines += [
            "  No Feishu account needed: the page is a chat window with the seeded people of a demo company.",
            f"  Demo app credentials (sandbox only): app id {settings.app_id}, app secret {settings.app_secret}",
            "  Try, as Alice in her private chat with Yue: 明天下午3点和 @Bob 开会 讨论预算",
        ]
        if settings.transport == "ws":
            lines.append("  Events reach the bot over the sandbox's long connection (YUE_TRANSPORT=ws)")
    elif settings.transport == "ws":
        lines += ["  Events and card callbacks arrive over Feishu's long connection (no public URL needed)"]
    else:
        lines += [f"  Feishu request URLs: {settings.base_url}/feishu/events and {settings.base_url}/feishu/cards"]
    return "\n".join(lines)


def main() -> int:
    settings = settings_or_exit()
    app, late = serving_app(settings)
    late.start()
    print(_banner(settings), flush=True)
    app.run(host=settings.host, port=settings.port, threaded=True, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
