"""/sandbox/api/ratelimit: what the gateway counted per API (calls, refusals, the busiest
1 s and 60 s), so a benchmark can show a client never went past Feishu's windows."""
from __future__ import annotations

from flask import Blueprint, jsonify

from sandbox.api.common import state

bp = Blueprint("sandbox_ratelimit", __name__)


@bp.get("/sandbox/api/ratelimit")
def counts():
    return jsonify(state().limiter.view())


@bp.delete("/sandbox/api/ratelimit")
def reset():
    state().limiter.reset()
    return jsonify(state().limiter.view())
