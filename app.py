"""Yue's entry point: `create_app(settings)` wires the bot (and, in sandbox mode, the
local Open Platform and its console) into one Flask app; `python app.py` serves it."""
from __future__ import annotations

import logging
import os
import sys

from flask import Flask, jsonify

from bot.config import Settings, settings_or_exit

log = logging.getLogger("yue")


def create_app(settings: Settings | None = None, clock=None) -> Flask:
    """`clock` (a function returning an aware now) replaces the bot's wall clock (tests)."""
    if settings is None:  # under gunicorn: a bad setting is one line there too
        settings = settings_or_exit()
    os.makedirs(settings.var_dir, mode=0o700, exist_ok=True)   # databases, the generated key
    app = Flask(__name__, static_folder=None)
    app.config["YUE_SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024  # Feishu's events are small; bigger bodies are refused (413)

    if settings.mode == "sandbox":
        import sandbox
        sandbox.init_app(app, settings)
    import bot.app
    bot.app.init_app(app, settings, clock=clock)

    @app.get("/healthz")
    def healthz():
        conn = app.extensions.get("yue_transport")      # the long connection, in ws mode
        if conn is None:
            return jsonify(ok=True, mode=settings.mode, transport=settings.transport)
        status = conn.status()
        return jsonify(ok=status.state != "failed", mode=settings.mode, transport=settings.transport,
                       connection=status.as_dict()), 200 if status.state != "failed" else 503

    @app.errorhandler(413)
    def too_large(_e):
        return jsonify(code=413, msg="request body too large (limit 1 MiB)"), 413

    @app.errorhandler(500)
    def internal_error(_e):
        # Never a traceback to a caller; the log has it.
        return jsonify(code=500, msg="internal error"), 500

    return app


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
    app = create_app(settings)
    print(_banner(settings), flush=True)
    app.run(host=settings.host, port=settings.port, threaded=True, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
