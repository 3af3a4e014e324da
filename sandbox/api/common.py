"""What every sandbox route module shares: the Feishu envelope, request parsing, the gateway
(token check, token-type split, rate limit), the per-request database session and user-id
conversion. Route modules import these names; keep them stable.
"""
from __future__ import annotations

import base64
import functools
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from collections.abc import Callable, Iterable
from typing import Any, Literal

from flask import Flask, Response, current_app, g, request
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from sandbox import store
from sandbox.quota import RateLimiter  # noqa: F401  (route modules import it from here)

log = logging.getLogger("sandbox")

INVALID_PARAM = 99992402          # Feishu's generic "field validation failed"
TROUBLESHOOTER = "https://open.feishu.cn/search?from=openapi&log_id={log_id}&code={code}&method_id=0"
ID_TYPES = ("open_id", "union_id", "user_id")


class ApiError(Exception):
    """A Feishu error answer: `{"code", "msg", "error": {...}}` with HTTP status `http`."""

    def __init__(self, code: int, msg: str, http: int = 400, *, headers: dict[str, str] | None = None,
                 data: Any = None):
        super().__init__(f"{code}: {msg}")
        self.code, self.msg, self.http = code, msg, http
        self.headers = headers or {}
        self.data = data


@dataclass(frozen=True)
class Identity:
    kind: Literal["tenant", "user"]
    app_id: str
    open_id: str | None          # tenant token: the app's bot open_id; user token: the user


@dataclass
class SandboxState:
    db: Any                       # sandbox.db.SandboxDB
    settings: Any                 # bot.config.Settings
    delivery: Any                 # sandbox.delivery.Delivery
    limiter: RateLimiter = field(default_factory=RateLimiter)
    timeline: Any = None          # sandbox.timeline.Timeline: Feishu's delayed effects
    changes: Any = None           # sandbox.event_changes.ChangeMerger: 3-second aggregation


def state() -> SandboxState:
    return current_app.extensions["sandbox"]


# --- envelope ---------------------------------------------------------------------------------

def log_id() -> str:
    if "sb_log_id" not in g:
        g.sb_log_id = time.strftime("%Y%m%d%H%M%S", time.gmtime()) + secrets.token_hex(10).upper()
    return g.sb_log_id


def _json(payload: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    resp = Response(json.dumps(payload, ensure_ascii=False), status=status,
                    content_type="application/json; charset=utf-8")
    resp.headers["X-Tt-Logid"] = log_id()
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def ok(data: Any = None, msg: str = "success") -> Response:
    return _json({"code": 0, "msg": msg, "data": {} if data is None else data}, 200)


def flat(payload: dict, status: int = 200) -> Response:
    """Auth v3 answers without a `data` wrapper."""
    return _json(payload, status)


def fail(code: int, msg: str, http: int = 400, headers: dict[str, str] | None = None) -> Response:
    lid = log_id()
    return _json({"code": code, "msg": msg,
                  "error": {"log_id": lid, "troubleshooter": TROUBLESHOOTER.format(log_id=lid, code=code)}},
                 http, headers)


# --- request parsing --------------------------------------------------------------------------

def body(code: int = INVALID_PARAM) -> dict:
    """The JSON object body, whatever the Content-Type (the token request has none); {} if empty."""
    if "sb_body" in g:
        return g.sb_body
    raw = request.get_data(cache=True)
    if not raw.strip():
        parsed: Any = {}
    else:
        try:
            parsed = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as e:
            raise ApiError(code, f"request body is not valid JSON: {e}") from None
    if not isinstance(parsed, dict):
        raise ApiError(code, f"request body must be a JSON object, got {type(parsed).__name__}")
    g.sb_body = parsed
    return parsed


_TRUE, _FALSE = {"true", "1"}, {"false", "0"}


def qbool(name: str, default: bool = False, code: int = INVALID_PARAM) -> bool:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ApiError(code, f"{name} must be true or false, got {raw!r}")


def qint(name: str, default: int | None, lo: int | None = None, hi: int | None = None, *,
         clamp: bool = False, code: int = INVALID_PARAM) -> int | None:
    """An integer query parameter; out of [lo, hi] is an error unless `clamp` (Feishu clamps page sizes)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(code, f"{name} must be an integer, got {raw!r}") from None
    if clamp:
        if lo is not None:
            value = max(lo, value)
        if hi is not None:
            value = min(hi, value)
    elif (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ApiError(code, f"{name} must be between {lo} and {hi}, got {value}")
    return value


def require_field(data: dict, name: str, typ: type | tuple = str, code: int = INVALID_PARAM) -> Any:
    """A required body field of the given type; the error names the field as Feishu's do."""
    if name not in data or data[name] is None or data[name] == "":
        raise ApiError(code, f"field validation failed: {name} is required")
    value = data[name]
    if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
        names = typ.__name__ if isinstance(typ, type) else "/".join(t.__name__ for t in typ)
        raise ApiError(code, f"field validation failed: {name} must be {names}, got {type(value).__name__}")
    return value


# --- session ----------------------------------------------------------------------------------

def session() -> Session:
    """The request's unit of work: committed after a successful response, rolled back on error."""
    if "sb_session" not in g:
        g.sb_session = state().db.Session()
    return g.sb_session


def after_commit(fn: Callable[[], None]) -> None:
    """Run `fn` once this request's data is committed (so a pushed event never reaches the bot
    before the state it describes is visible); immediately outside a request."""
    try:
        pending = g.setdefault("sb_after_commit", [])
    except RuntimeError:
        fn()
        return
    pending.append(fn)


# --- identity and gateway ---------------------------------------------------------------------

def identity() -> Identity:
    ident = g.get("sb_identity")
    if ident is None:
        raise ApiError(99991661, "Missing access token for authorization. Please make a request with token attached.")
    return ident


def _gateway_error(code: int, msg: str) -> ApiError:
    return ApiError(code, msg, 400)


def authenticate(tenant: bool = True, user: bool = True) -> Identity:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not header[7:].strip():
        raise _gateway_error(99991661, "Missing access token for authorization. "
                                       "Please make a request with token attached.")
    token = header[7:].strip()
    s = session()
    if token.startswith(("t-", "a-")):
        found = store.check_app_token(s, token)
        if found is None:
            raise _gateway_error(99991663, "Invalid access token for authorization. "
                                           "Please make a request with token attached.")
        app, kind = found
        if kind != "tenant":       # an app_access_token only authorises the OAuth token exchange
            raise _gateway_error(99991663, "Invalid access token for authorization: an app_access_token "
                                           "was sent where a tenant_access_token is needed.")
        if not tenant:
            raise _gateway_error(99991668, "Invalid access token for authorization: this API accepts only a "
                                           "user_access_token, a tenant_access_token was sent.")
        ident = Identity("tenant", app.app_id, app.bot_open_id)
    else:
        ut = s.get(store.UserToken, token)
        if ut is None or ut.revoked:
            raise _gateway_error(99991668, "Invalid access token for authorization. "
                                           "Please make a request with token attached.")
        if ut.expires_at <= time.time():
            raise _gateway_error(99991677, "user access token expired")
        if not user:
            raise _gateway_error(99991663, "Invalid access token for authorization: this API accepts only a "
                                           "tenant_access_token, a user_access_token was sent.")
        ident = Identity("user", ut.app_id, ut.open_id)
    rule = request.url_rule.rule if request.url_rule else request.path
    wait = state().limiter.check((ident.app_id, request.method, rule))
    if wait is not None:
        raise ApiError(99991400, "request trigger frequency limit", 429,
                       headers={"x-ogw-ratelimit-limit": str(state().limiter.per_second),
                                "x-ogw-ratelimit-reset": str(wait)})
    g.sb_identity = ident
    return ident


def requires(tenant: bool = True, user: bool = True) -> Callable:
    """Route decorator: the gateway's checks (token present, valid, of an accepted type, within
    rate limits) before any business validation, as on Feishu."""
    def deco(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            authenticate(tenant, user)
            return fn(*args, **kwargs)
        return wrapper
    return deco


# --- user ids ---------------------------------------------------------------------------------

def id_type(param: str = "user_id_type", default: str = "open_id", code: int = INVALID_PARAM) -> str:
    value = request.args.get(param) or default
    if value not in ID_TYPES:
        raise ApiError(code, f"{param} must be one of {', '.join(ID_TYPES)}, got {value!r}")
    return value


def find_user(s: Session, value: str, kind: str = "open_id") -> store.User | None:
    if not isinstance(value, str) or not value:
        return None
    if kind == "open_id":
        return s.get(store.User, value)
    column = store.User.union_id if kind == "union_id" else store.User.user_id
    return s.scalars(select(store.User).where(column == value)).first()


def to_open_id(s: Session, value: str, kind: str = "open_id") -> str | None:
    """A user id of type `kind` (from a request) → open_id, or None if nobody has it."""
    u = find_user(s, value, kind)
    return u.open_id if u else None


def user_id_as(s: Session, open_id: str | None, kind: str = "open_id") -> str | None:
    """An open_id → the id of type `kind` for a response (unknown ids pass through unchanged)."""
    if not open_id or kind == "open_id":
        return open_id
    u = s.get(store.User, open_id)
    if u is None:
        return open_id
    return u.union_id if kind == "union_id" else u.user_id


def user_ids(s: Session, open_id: str | None) -> dict:
    """The three-id object pushes and mentions carry: {union_id, user_id, open_id}."""
    u = s.get(store.User, open_id) if open_id else None
    if u is None:
        return {"union_id": "", "user_id": "", "open_id": open_id or ""}
    return {"union_id": u.union_id, "user_id": u.user_id, "open_id": u.open_id}


def convert_ids(s: Session, values: Iterable[str], kind: str) -> list[str | None]:
    return [to_open_id(s, v, kind) for v in values]


# --- app-wide handlers ------------------------------------------------------------------------

OWN_PREFIXES = ("/open-apis/", "/sandbox/api/")


def _own_path() -> bool:
    return request.path.startswith(OWN_PREFIXES)


def install(app: Flask) -> None:
    """Error handlers and the session lifecycle, registered once on the app that hosts the sandbox."""

    @app.errorhandler(ApiError)
    def _api_error(e: ApiError):
        g.sb_failed = True
        if request.path.startswith("/sandbox/api/"):
            return _json({"error": e.msg, "code": e.code}, e.http, e.headers)
        return fail(e.code, e.msg, e.http, e.headers)

    @app.errorhandler(404)
    def _not_found(e):
        if request.path.startswith("/open-apis/") or request.path == "/open-apis":
            # Real Feishu: text/plain 404 for unknown paths, which makes the SDK raise (contract §1.3).
            return Response("404 page not found", 404, content_type="text/plain; charset=utf-8")
        if request.path.startswith("/sandbox/api/"):
            return _json({"error": f"no such endpoint: {request.method} {request.path}"}, 404)
        return e

    @app.errorhandler(405)
    def _bad_method(e):
        if request.path.startswith("/open-apis/"):
            return Response("404 page not found", 404, content_type="text/plain; charset=utf-8")
        if request.path.startswith("/sandbox/api/"):
            return _json({"error": f"method {request.method} not allowed on {request.path}"}, 405)
        return e

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        if isinstance(e, HTTPException):
            if _own_path() and e.code and e.code < 500:
                g.sb_failed = True
                return fail(INVALID_PARAM, e.description or e.name, e.code)
            return e
        g.sb_failed = True
        log.exception("unexpected error on %s %s", request.method, request.path)
        if request.path.startswith("/sandbox/api/"):
            return _json({"error": "internal error"}, 500)
        return _json({"code": 500, "msg": "internal error"}, 500)

    @app.after_request
    def _finish(resp: Response) -> Response:
        s: Session | None = g.pop("sb_session", None)
        if s is None:
            return resp
        try:
            if g.get("sb_failed") or resp.status_code >= 500:
                s.rollback()
            else:
                s.commit()
        except Exception:
            log.exception("commit failed on %s %s", request.method, request.path)
            s.rollback()
            resp = _json({"code": 500, "msg": "internal error"}, 500)
        finally:
            s.close()
        if not g.get("sb_failed") and resp.status_code < 500:
            for fn in g.pop("sb_after_commit", []):
                try:
                    fn()
                except Exception:
                    log.exception("after-commit hook failed")
        return resp

    @app.teardown_request
    def _teardown(_exc):
        s: Session | None = g.pop("sb_session", None)
        if s is not None:           # the response never got built: nothing may be kept
            s.rollback()
            s.close()


# --- pagination -------------------------------------------------------------------------------

json_response = _json


def paginate(items: list, page_size: int, page_token: str | None, code: int = INVALID_PARAM) -> tuple[list, str, bool]:
    """Offset pagination behind an opaque token: (page, next_token or "", has_more)."""
    start = 0
    if page_token:
        try:
            start = int(base64.urlsafe_b64decode(page_token.encode() + b"==").decode().removeprefix("o:"))
        except (ValueError, UnicodeDecodeError):
            raise ApiError(code, f"page_token is invalid: {page_token!r}") from None
        if start < 0:
            raise ApiError(code, f"page_token is invalid: {page_token!r}")
    chunk = items[start:start + page_size]
    more = start + page_size < len(items)
    token = base64.urlsafe_b64encode(f"o:{start + page_size}".encode()).decode().rstrip("=") if more else ""
    return chunk, token, more
