"""User identity: the authorize page (pick a seeded person, consent → redirect with a code) and
every token endpoint lark-oapi 1.7.5 can call to turn a code into a user token and refresh it:
authen v1 (`oidc/access_token`, `access_token`, `oidc/refresh_access_token`,
`refresh_access_token`, with an app_access_token), the v2/v3 OAuth token endpoint used by
`client.access_token` (`/oauth/v3/token` on the oauth base URL, `/open-apis/authen/v2/oauth/token`),
and `authen/v1/user_info`.
"""
from __future__ import annotations

import secrets
import time
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, redirect, render_template_string, request
from sqlalchemy import select

from sandbox import store
from sandbox.api.common import ApiError, body, flat, identity, json_response, ok, requires, session

bp = Blueprint("sandbox_oauth", __name__)

DEFAULT_SCOPE = "calendar:calendar calendar:calendar:readonly contact:user.base:readonly offline_access"

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorize {{ app.name }}</title>
<style>body{font:15px system-ui,sans-serif;max-width:30em;margin:3em auto;color:#1f2329}
label{display:block;padding:.4em;border-radius:6px}label:hover{background:#f2f3f5}
button{font:inherit;padding:.5em 1.4em;margin-right:.6em;border-radius:6px;border:1px solid #c9cdd4;background:#fff}
button.primary{background:#3370ff;color:#fff;border-color:#3370ff}</style></head><body>
<h2>{{ app.name }} wants to access your calendar</h2>
<p>Sandbox sign-in: choose who you are. Scopes: <code>{{ scope }}</code></p>
<form method="post" action="{{ action }}">
<input type="hidden" name="app_id" value="{{ app.app_id }}">
<input type="hidden" name="redirect_uri" value="{{ redirect_uri }}">
<input type="hidden" name="state" value="{{ state }}"><input type="hidden" name="scope" value="{{ scope }}">
{% for u in people %}<label>
 <input type="radio" name="open_id" value="{{ u.open_id }}" {% if u.open_id == chosen %}checked{% endif %}>
 {{ u.en_name }} {% if u.name != u.en_name %}{{ u.name }}{% endif %}
 <small>({{ u.open_id }})</small></label>{% endfor %}
<p><button class="primary" name="decision" value="allow" type="submit">Authorize</button>
<button name="decision" value="deny" type="submit">Cancel</button></p></form></body></html>"""


# --- the authorize page -----------------------------------------------------------------------

def _authorize_params(src) -> tuple[store.App, str, str, str]:
    app_id = src.get("app_id") or src.get("client_id") or ""
    redirect_uri = src.get("redirect_uri") or ""
    if not app_id:
        raise ApiError(20001, "invalid request: app_id (or client_id) is required")
    app = session().get(store.App, app_id)
    if app is None:
        raise ApiError(20001, f"invalid request: unknown app_id {app_id!r}")
    if not redirect_uri:
        raise ApiError(20001, "invalid request: redirect_uri is required")
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ApiError(20001, "invalid request: redirect_uri must be an absolute http(s) URL")
    return app, redirect_uri, src.get("state", ""), src.get("scope") or DEFAULT_SCOPE


def _with_query(url: str, params: dict) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


@bp.get("/open-apis/authen/v1/authorize")
@bp.get("/open-apis/authen/v1/index")
def authorize_page() -> Response:
    app, redirect_uri, state, scope = _authorize_params(request.args)
    people = session().scalars(select(store.User).where(store.User.is_bot.is_(False), store.User.active.is_(True))
                               .order_by(store.User.open_id)).all()
    # Who is signed in: the console's acting person (its cookie), as a browser session would be.
    ids = [u.open_id for u in people]
    asked = request.args.get("sandbox_as") or request.cookies.get("yue_sandbox_as") or ""
    chosen = asked if asked in ids else (ids[0] if ids else "")
    html = render_template_string(PAGE, app=app, redirect_uri=redirect_uri, state=state, scope=scope,
                                  people=people, action=request.path, chosen=chosen)
    return Response(html, content_type="text/html; charset=utf-8")


@bp.post("/open-apis/authen/v1/authorize")
@bp.post("/open-apis/authen/v1/index")
def authorize_consent() -> Response:
    form = request.form if request.form else body(code=20001)
    app, redirect_uri, state, scope = _authorize_params(form)
    if form.get("decision") == "deny":
        return redirect(_with_query(redirect_uri, {"error": "access_denied", "state": state}), 302)
    open_id = form.get("open_id") or ""
    user = session().get(store.User, open_id) if open_id else None
    if user is None or user.is_bot:
        raise ApiError(20001, f"invalid request: open_id {open_id!r} is not a person of this tenant")
    code = secrets.token_urlsafe(24)
    session().add(store.OAuthCode(code=code, app_id=app.app_id, open_id=user.open_id, redirect_uri=redirect_uri,
                                  scope=scope, expires_at=time.time() + store.OAUTH_CODE_TTL))
    return redirect(_with_query(redirect_uri, {"code": code, "state": state}), 302)


# --- token issuing ----------------------------------------------------------------------------

def _issue(app_id: str, open_id: str, scope: str) -> store.UserToken:
    now = time.time()
    tok = store.UserToken(access_token="u-" + secrets.token_urlsafe(30),
                          refresh_token="ur-" + secrets.token_urlsafe(30),
                          app_id=app_id, open_id=open_id, scope=scope, expires_at=now + store.USER_TOKEN_TTL,
                          refresh_expires_at=now + store.REFRESH_TOKEN_TTL)
    session().add(tok)
    return tok


def _redeem_code(app_id: str, code, redirect_uri: str | None = None) -> store.UserToken:
    if not isinstance(code, str) or not code:
        raise ApiError(20001, "invalid request: code is required")
    row = session().get(store.OAuthCode, code)
    if row is None or row.app_id != app_id:
        raise ApiError(20003, "invalid_grant: authorization code not found")
    if row.used:
        raise ApiError(20003, "invalid_grant: authorization code has already been used")
    if row.expires_at <= time.time():
        raise ApiError(20004, "invalid_grant: authorization code expired")
    if redirect_uri and redirect_uri != row.redirect_uri:
        raise ApiError(20024, "invalid_grant: redirect_uri does not match the authorization request")
    row.used = True            # single use, as OAuth 2.0 requires
    return _issue(app_id, row.open_id, row.scope)


def _refresh(app_id: str, refresh_token) -> store.UserToken:
    if not isinstance(refresh_token, str) or not refresh_token:
        raise ApiError(20001, "invalid request: refresh_token is required")
    old = session().scalars(select(store.UserToken).where(store.UserToken.refresh_token == refresh_token)).first()
    if old is None or old.app_id != app_id:
        raise ApiError(20026, "invalid_grant: refresh_token is invalid")
    if old.revoked:
        raise ApiError(20064, "invalid_grant: refresh_token has already been used")
    if old.refresh_expires_at <= time.time():
        raise ApiError(20037, "invalid_grant: refresh_token expired")
    old.revoked = True         # refresh tokens rotate: the old pair stops working
    return _issue(app_id, old.open_id, old.scope)


def _user_fields(u: store.User) -> dict:
    avatar = f"https://sandbox.invalid/avatar/{u.open_id}.png"
    return {"name": u.name, "en_name": u.en_name, "avatar_url": avatar, "avatar_thumb": avatar,
            "avatar_middle": avatar, "avatar_big": avatar, "open_id": u.open_id, "union_id": u.union_id,
            "email": u.email, "enterprise_email": u.email, "user_id": u.user_id, "mobile": u.mobile,
            "tenant_key": store.TENANT_KEY, "employee_no": ""}


def _token_data(tok: store.UserToken, *, with_user: bool = False) -> dict:
    now = time.time()
    data = {"access_token": tok.access_token, "refresh_token": tok.refresh_token, "token_type": "Bearer",
            "expires_in": int(tok.expires_at - now), "refresh_expires_in": int(tok.refresh_expires_at - now),
            "scope": tok.scope}
    if with_user:
        data.update(_user_fields(session().get(store.User, tok.open_id)))
    return data


def _app_token_identity() -> store.App:
    """authen v1 token calls carry the app_access_token (token type APP in the SDK)."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not header[7:].strip():
        raise ApiError(99991661, "Missing access token for authorization. Please make a request with token attached.")
    found = store.check_app_token(session(), header[7:].strip())
    if found is None or found[1] != "app":
        raise ApiError(99991663, "Invalid access token for authorization: this API needs an app_access_token.")
    return found[0]


def _grant(data: dict, expected: str) -> None:
    grant = data.get("grant_type")
    if grant != expected:
        raise ApiError(20001, f"invalid request: grant_type must be {expected!r}, got {grant!r}")


@bp.post("/open-apis/authen/v1/oidc/access_token")
@bp.post("/open-apis/authen/v1/access_token")
def v1_access_token() -> Response:
    app = _app_token_identity()
    data = body(code=20001)
    _grant(data, "authorization_code")
    tok = _redeem_code(app.app_id, data.get("code"))
    return ok(_token_data(tok, with_user=request.path.endswith("/v1/access_token")))


@bp.post("/open-apis/authen/v1/oidc/refresh_access_token")
@bp.post("/open-apis/authen/v1/refresh_access_token")
def v1_refresh_access_token() -> Response:
    app = _app_token_identity()
    data = body(code=20001)
    _grant(data, "refresh_token")
    tok = _refresh(app.app_id, data.get("refresh_token"))
    return ok(_token_data(tok, with_user=request.path.endswith("/v1/refresh_access_token")))


@bp.get("/open-apis/authen/v1/user_info")
@requires(tenant=False, user=True)
def user_info() -> Response:
    return ok(_user_fields(session().get(store.User, identity().open_id)))


# --- OAuth 2.0 token endpoint (client.access_token; authen v2) --------------------------------

def _oauth_error(status: int, code: int, error: str, description: str) -> Response:
    return json_response({"code": code, "error": error, "error_description": description}, status)


@bp.post("/oauth/v3/token")
@bp.post("/open-apis/authen/v2/oauth/token")
def oauth_token() -> Response:
    """Standard OAuth 2.0 answers: flat token fields on success, `error`/`error_description` on failure."""
    try:
        data = body(code=20001) if request.get_data() and not request.form else dict(request.form)
    except ApiError as e:
        return _oauth_error(400, 20001, "invalid_request", e.msg)
    client_id, client_secret = data.get("client_id"), data.get("client_secret")
    app = session().get(store.App, client_id) if isinstance(client_id, str) and client_id else None
    if app is None:
        return _oauth_error(400, 20002, "invalid_client", "client_id is missing or unknown")
    if client_secret != app.secret:
        return _oauth_error(400, 20002, "invalid_client", "client_secret is invalid")
    grant = data.get("grant_type")
    try:
        if grant == "authorization_code":
            tok = _redeem_code(app.app_id, data.get("code"), data.get("redirect_uri"))
        elif grant == "refresh_token":
            tok = _refresh(app.app_id, data.get("refresh_token"))
        else:
            return _oauth_error(400, 20001, "unsupported_grant_type", f"grant_type {grant!r} is not supported")
    except ApiError as e:
        return _oauth_error(400, e.code, "invalid_grant" if e.code != 20001 else "invalid_request", e.msg)
    now = time.time()
    return flat({"code": 0, "access_token": tok.access_token, "token_type": "Bearer",
                 "expires_in": int(tok.expires_at - now), "refresh_token": tok.refresh_token,
                 "refresh_token_expires_in": int(tok.refresh_expires_at - now), "scope": tok.scope})
