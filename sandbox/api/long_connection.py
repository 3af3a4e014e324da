"""The long connection's HTTP side: endpoint discovery at `/callback/ws/endpoint` (where the
SDK looks for it, beside /open-apis) and `/sandbox/api/ws` for tests and the console: the
connections, cutting them, and the client config. See sandbox/ws/."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, request

from sandbox import store
from sandbox.api.common import ApiError, body, flat, json_response, session
from sandbox.ws import LongConnections

bp = Blueprint("sandbox_long_connection", __name__)

BAD_PARAM, BAD_SECRET = 10003, 10014       # as the token endpoints answer (HTTP 200, code ≠ 0)
SYSTEM_BUSY = 1                            # the SDK retries after ReconnectInterval


def hub() -> LongConnections:
    return current_app.extensions["sandbox_ws"]


@bp.post("/callback/ws/endpoint")
def endpoint() -> Response:
    try:
        data = body(code=BAD_PARAM)
    except ApiError as e:
        return flat({"code": BAD_PARAM, "msg": e.msg})
    app_id, secret = data.get("AppID"), data.get("AppSecret")
    if not isinstance(app_id, str) or not app_id or not isinstance(secret, str):
        return flat({"code": BAD_PARAM, "msg": "AppID and AppSecret are required"})
    app = session().get(store.App, app_id)
    if app is None:
        return flat({"code": BAD_PARAM, "msg": "app not found"})
    if secret != app.secret:
        return flat({"code": BAD_SECRET, "msg": "app secret invalid"})
    if hub().offline():
        return flat({"code": SYSTEM_BUSY, "msg": "system busy"})
    host = urlsplit(request.host_url).hostname or "127.0.0.1"
    return flat({"code": 0, "msg": "ok", "data": hub().discover(app_id, host)})


@bp.get("/sandbox/api/ws")
def view() -> Response:
    return json_response(hub().view(), 200)


@bp.post("/sandbox/api/ws/cut")
def cut() -> Response:
    """Drop the connections of `app_id` (default: every app) as a network failure would, and
    with `hold_s` keep discovery busy that long (so nobody reconnects before then)."""
    data = body(code=400)
    app_id, hold = data.get("app_id"), data.get("hold_s", 0)
    if app_id is not None and not isinstance(app_id, str):
        raise ApiError(400, "app_id must be a string", 400)
    if isinstance(hold, bool) or not isinstance(hold, (int, float)) or not 0 <= hold <= 600:
        raise ApiError(400, "hold_s must be a number of seconds between 0 and 600", 400)
    return json_response({"cut": hub().cut(app_id, float(hold))}, 200)


@bp.put("/sandbox/api/ws/config")
def configure() -> Response:
    """ReconnectCount, ReconnectInterval, ReconnectNonce, PingInterval (sent with discovery and
    every pong) and frame_limit (bytes per data frame)."""
    try:
        hub().configure(body(code=400))
    except ValueError as e:
        raise ApiError(400, str(e), 400) from None
    return json_response(hub().view(), 200)
