"""Calendar v4 exchange_bindings: create, get, delete; user token only (contract §4.6). A new
binding is `doing` and moves on asynchronously, as Feishu's does: cal_done → timespan_done → done,
or err (sandbox/pending.py)."""
from __future__ import annotations

import base64

from flask import Blueprint
from sqlalchemy.orm import Session

from sandbox.api.common import after_commit, body, id_type, identity, ok, requires, session, state, user_id_as
from sandbox.calendar_core import PARAM, active_user, bad, field_str
from sandbox.calendar_models import CalExchangeBinding
from sandbox.pending import schedule_binding

bp = Blueprint("calendar_v4_exchange", __name__, url_prefix="/open-apis/calendar/v4")


def _json(s: Session, b: CalExchangeBinding, kind: str) -> dict:
    return {"admin_account": b.admin_account, "exchange_account": b.exchange_account,
            "user_id": user_id_as(s, b.user_open_id, kind), "status": b.status,
            "exchange_binding_id": b.exchange_binding_id}


def _load(s: Session, binding_id: str) -> CalExchangeBinding:
    b = s.get(CalExchangeBinding, binding_id)
    if b is None or b.user_open_id != identity().open_id:
        raise bad(f"exchange_binding_id not found: {binding_id!r}")
    return b


@bp.post("/exchange_bindings")
@requires(tenant=False)
def create():
    s, data = session(), body(PARAM)
    kind = id_type(code=PARAM)
    admin = field_str(data, "admin_account", required=True, max_len=500)
    account = field_str(data, "exchange_account", required=True, max_len=500)
    if "@" not in account:
        raise bad(f"exchange_account must be an email address, got {account!r}")
    u = active_user(s, data.get("user_id"), kind, "user_id")
    if u.open_id != identity().open_id:
        raise bad("user_id must be the calling user")
    bid = base64.urlsafe_b64encode(f"{u.open_id}:{account}".encode()).decode().rstrip("=")
    b = s.get(CalExchangeBinding, bid)
    if b is None:
        b = CalExchangeBinding(exchange_binding_id=bid, user_open_id=u.open_id, admin_account=admin,
                               exchange_account=account, status="doing")
        s.add(b)
        st = state()
        after_commit(lambda: schedule_binding(st, bid))
    return ok(_json(s, b, kind))


@bp.get("/exchange_bindings/<binding_id>")
@requires(tenant=False)
def get(binding_id: str):
    s = session()
    kind = id_type(code=PARAM)
    return ok(_json(s, _load(s, binding_id), kind))


@bp.delete("/exchange_bindings/<binding_id>")
@requires(tenant=False)
def delete(binding_id: str):
    s = session()
    s.delete(_load(s, binding_id))
    return ok({})
