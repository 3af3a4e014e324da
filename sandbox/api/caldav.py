"""Calendar v4 settings/generate_caldav_conf: a CalDAV account for one device of the calling
user; user token only (contract §4.6). A new random password on every call."""
from __future__ import annotations

import secrets

from flask import Blueprint

from sandbox.api.common import body, identity, ok, requires, session
from sandbox.calendar_core import PARAM, field_str
from sandbox.calendar_models import CalCaldavConf

bp = Blueprint("calendar_v4_caldav", __name__, url_prefix="/open-apis/calendar/v4")
SERVER = "caldav.feishu.cn"


@bp.post("/settings/generate_caldav_conf")
@requires(tenant=False)
def generate():
    ident, s, data = identity(), session(), body(PARAM)
    device = field_str(data, "device_name", max_len=100) or ""
    conf = CalCaldavConf(user_open_id=ident.open_id, device_name=device,
                         user_name=f"u_{secrets.token_hex(6)}", password=secrets.token_urlsafe(12))
    s.add(conf)
    return ok({"password": conf.password, "user_name": conf.user_name, "server_address": SERVER,
               "device_name": device})
