"""auth v3: the self-built app's token endpoints. Their answers are flat (no `data`) and their
errors are HTTP 200 with a non-zero code, as on Feishu (contract §2.1)."""
from __future__ import annotations

from flask import Blueprint, Response

from sandbox import store
from sandbox.api.common import ApiError, body, flat, session

bp = Blueprint("sandbox_auth", __name__, url_prefix="/open-apis/auth/v3")


def _app_from_credentials() -> store.App:
    try:
        data = body(code=10003)
    except ApiError as e:
        raise ApiError(10003, f"invalid param: {e.msg}", 200) from None
    app_id, secret = data.get("app_id"), data.get("app_secret")
    if not isinstance(app_id, str) or not app_id:
        raise ApiError(10003, "invalid param: app_id is required", 200)
    if not isinstance(secret, str) or not secret:
        raise ApiError(10003, "invalid param: app_secret is required", 200)
    app = session().get(store.App, app_id)
    if app is None:
        raise ApiError(10003, "invalid param: app_id not found", 200)
    if secret != app.secret:
        raise ApiError(10014, "app secret invalid", 200)
    return app


@bp.post("/tenant_access_token/internal")
def tenant_access_token() -> Response:
    app = _app_from_credentials()
    token, expire = store.issue_app_token(session(), app, "tenant")
    return flat({"code": 0, "msg": "ok", "tenant_access_token": token, "expire": expire})


@bp.post("/app_access_token/internal")
def app_access_token() -> Response:
    app = _app_from_credentials()
    s = session()
    token, expire = store.issue_app_token(s, app, "app")
    tenant, _ = store.issue_app_token(s, app, "tenant")
    return flat({"code": 0, "msg": "ok", "app_access_token": token, "tenant_access_token": tenant, "expire": expire})
