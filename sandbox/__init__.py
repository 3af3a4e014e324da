"""The sandbox: a local stand-in for the Feishu Open Platform (auth, OAuth, contact, rooms, IM,
calendar v4) that the real lark-oapi SDK talks to over HTTP, plus the `/sandbox/api` used by the
console and tests to act as people. See docs/architecture.md."""
from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import logging
import pkgutil
from typing import Any

from flask import Blueprint, Flask

log = logging.getLogger("sandbox")


def blueprints() -> list[Blueprint]:
    """Every `bp` defined by a module of `sandbox.api`, so resource modules register themselves
    by existing (the calendar modules need no edit here)."""
    import sandbox.api as api_pkg
    found: list[Blueprint] = []
    for info in sorted(pkgutil.iter_modules(api_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"sandbox.api.{info.name}")
        bp = getattr(module, "bp", None)
        if isinstance(bp, Blueprint):
            found.append(bp)
    return found


def init_app(app: Flask, settings: Any, today: dt.date | None = None) -> Any:
    """Mount the sandbox on `app`: database, seed (once), routes, error handling, delivery.
    Returns the SandboxState (also at app.extensions["sandbox"])."""
    from sandbox import seed as seed_mod
    from sandbox.api import common
    from sandbox.db import SandboxDB
    from sandbox.delivery import Delivery

    # Import table modules before create_all so every table exists (calendar ones included).
    from sandbox import store  # noqa: F401
    for optional in ("sandbox.calendar_models", "sandbox.caldav.models"):
        if importlib.util.find_spec(optional) is not None:
            importlib.import_module(optional)

    db = SandboxDB(settings.sandbox_database_url)
    db.create_all()
    with db.session() as s:
        seed_mod.seed(s, settings, today)
    from sandbox.event_changes import ChangeMerger
    from sandbox.timeline import Delays, Timeline
    delivery = Delivery(db, settings)
    timeline = Timeline(Delays.from_settings(settings))
    state = common.SandboxState(db=db, settings=settings, delivery=delivery, timeline=timeline,
                                changes=ChangeMerger(timeline, delivery.deliver_event))
    app.extensions["sandbox"] = state
    # The long connection (sandbox/ws): its server thread starts when a client discovers it.
    from sandbox.ws import LongConnections
    app.extensions["sandbox_ws"] = state.delivery.ws = LongConnections(getattr(settings, "host", "127.0.0.1"))
    common.install(app)
    for bp in blueprints():
        app.register_blueprint(bp)
    from sandbox import pending
    pending.resume(state)      # rooms still waiting and bindings in progress when the sandbox stopped
    return state


def create_app(settings: Any, today: dt.date | None = None) -> Flask:
    """The sandbox alone (no bot), for contract tests and for running it as a separate process."""
    app = Flask("sandbox", static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = 4 * 1024 * 1024
    init_app(app, settings, today)
    return app
