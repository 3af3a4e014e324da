"""WSGI factories the bench scripts hand to gunicorn (`--pythonpath bench '_servers:sandbox_app()'`).

`sandbox_app()`: the sandbox alone (sandbox.create_app), configured from the environment like
the app (SANDBOX_DATABASE_URL, YUE_VAR_DIR, PORT, SANDBOX_EMPTY). With BENCH_SANDBOX_RATE_LIMIT=off
its gateway rate limiter (Feishu's 50/s and 1000/min per app × API) is disabled: the ack bench
sends far more replies per minute than one Feishu app may, and measures the bot, not the quota.
"""
from __future__ import annotations

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def sandbox_app():
    import sandbox
    from bot.config import Settings

    settings = Settings.from_env({k: v for k, v in os.environ.items() if not k.startswith("FEISHU_")})
    app = sandbox.create_app(settings)
    if os.environ.get("BENCH_SANDBOX_RATE_LIMIT", "on") == "off":
        app.extensions["sandbox"].limiter.enabled = False
    return app
