"""/sandbox/api/faults: turn fault injection on and off (see sandbox/faults.py)."""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from sandbox.api.common import fail
from sandbox.faults import Faults, drop_connection

bp = Blueprint("sandbox_faults", __name__)


def faults() -> Faults:
    return current_app.extensions.setdefault("sandbox_faults", Faults())


@bp.get("/sandbox/api/faults")
def get_faults():
    return jsonify(faults().view())


@bp.post("/sandbox/api/faults")
def set_faults():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="send a JSON object of fault settings"), 400
    try:
        faults().configure(data)
    except ValueError as e:
        return jsonify(error=str(e)), 400
    return jsonify(faults().view())


@bp.delete("/sandbox/api/faults")
def clear_faults():
    faults().reset()
    return jsonify(faults().view())


@bp.before_app_request
def _inject():
    f = current_app.extensions.get("sandbox_faults")
    if f is None:
        return None
    if request.path.startswith(f.path_prefix):
        f.sleep()
    auth = request.headers.get("Authorization", "")
    what = f.decide(request.path, tenant_token=auth.startswith("Bearer t-"))
    if request.path.startswith(f.path_prefix):
        f.record(f"{request.method} {request.url_rule.rule if request.url_rule else request.path}",
                 _request_key(), what)
    if what == "error":
        return fail(1000000, "sandbox fault: internal error", 500)
    if what == "rate_limit":
        return fail(99991400, "request trigger frequency limit (sandbox fault)", 429,
                    headers={"x-ogw-ratelimit-limit": "50", "x-ogw-ratelimit-reset": str(f.rate_limit_reset_s)})
    if what == "token":
        return fail(99991663, "Invalid access token for authorization (sandbox fault: token expired)", 400)
    if what == "code":
        return fail(f.fail_code, f"sandbox fault: code {f.fail_code}", 400)
    if what == "drop":
        g.sb_drop = True
    return None


def _request_key() -> str | None:
    """What names one request across the caller's attempts: Feishu's idempotency_key (query)
    or uuid (query or JSON body)."""
    key = request.args.get("idempotency_key") or request.args.get("uuid")
    if key:
        return key
    body = request.get_json(silent=True, cache=True)
    return str(body["uuid"]) if isinstance(body, dict) and body.get("uuid") else None


@bp.teardown_app_request
def _drop(_exc):
    # Teardown runs after the sandbox committed the work and before the answer is
    # written: the caller loses the answer, never the write.
    if g.get("sb_drop"):
        drop_connection(request.environ)


