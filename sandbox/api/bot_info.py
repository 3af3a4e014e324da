"""bot v3 info: the app's bot as Feishu describes it (a flat answer, no `data`), which a
bot reads to recognise its own mention and messages."""
from __future__ import annotations

from flask import Blueprint, Response

from sandbox import store
from sandbox.api.common import ApiError, flat, identity, requires, session

bp = Blueprint("sandbox_bot_info", __name__, url_prefix="/open-apis/bot/v3")


@bp.get("/info")
@requires(tenant=True, user=False)
def info() -> Response:
    app = session().get(store.App, identity().app_id)
    if app is None or not app.bot_open_id:
        raise ApiError(190007, "app bot_id not found")   # contract §3.1: no bot capability
    return flat({"code": 0, "msg": "ok",
                 "bot": {"activate_status": 2, "app_name": "Yue", "avatar_url": "", "ip_white_list": [],
                         "open_id": app.bot_open_id}})
