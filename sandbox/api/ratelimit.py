"""/sandbox/api/ratelimit: what the gateway counted per API (calls, refusals, the busiest
1 s and 60 s) and the time spent answering, so a benchmark can show a client never went past
Feishu's windows and tell the sandbox's share of a latency apart."""
from __future__ import annotations

import time

from flask import Blueprint, current_app, g, jsonify

from sandbox.api.common import state

bp = Blueprint("sandbox_ratelimit", __name__)


@bp.before_app_request
def _started() -> None:
    g.sb_started = time.perf_counter()


@bp.after_app_request
def _answered(resp):
    key = g.get("sb_rate_key")
    if key is not None and "sandbox" in current_app.extensions:
        state().limiter.answered(key, (time.perf_counter() - g.sb_started) * 1000)
    return resp


@bp.get("/sandbox/api/ratelimit")
def counts():
    return jsonify(state().limiter.view())


@bp.delete("/sandbox/api/ratelimit")
def reset():
    state().limiter.reset()
    return jsonify(state().limiter.view())
