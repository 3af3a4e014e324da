"""Calendar v4 settings/generate_caldav_conf: a CalDAV account for one device of the calling
user; user token only (contract §4.6). A new random password on every call.

The address is real: `<base url>/caldav/`, served by sandbox/caldav on the same port. One
account per device name, as Feishu's settings list one password per device: asking again for
a device replaces its account, so the old password stops working (401) — which is also how a
device is revoked through this API."""
from __future__ import annotations

import secrets

from flask import Blueprint
from sqlalchemy import delete

from sandbox.api.common import body, identity, ok, requires, session, state
from sandbox.calendar_core import PARAM, field_str
from sandbox.calendar_models import CalCaldavConf

bp = Blueprint("calendar_v4_caldav", __name__, url_prefix="/open-apis/calendar/v4")
PATH = "/caldav/"


def server_address() -> str:
    return state().settings.base_url + PATH


@bp.post("/settings/generate_caldav_conf")
@requires(tenant=False)
def generate():
    ident, s, data = identity(), session(), body(PARAM)
    device = field_str(data, "device_name", max_len=100) or ""
    if device:
        s.execute(delete(CalCaldavConf).where(CalCaldavConf.user_open_id == ident.open_id,
                                              CalCaldavConf.device_name == device))
    conf = CalCaldavConf(user_open_id=ident.open_id, device_name=device,
                         user_name=f"u_{secrets.token_hex(6)}", password=secrets.token_urlsafe(12))
    s.add(conf)
    return ok({"password": conf.password, "user_name": conf.user_name, "server_address": server_address(),
               "device_name": device})
