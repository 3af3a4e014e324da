"""contact v3: the people directory as a bot reads it (users get and batch), shaped like the
SDK's `User` model. Ids in and out follow `user_id_type`."""
from __future__ import annotations

from flask import Blueprint, Response, request

from sandbox import store
from sandbox.api.common import ApiError, find_user, id_type, ok, requires, session

bp = Blueprint("sandbox_contact", __name__, url_prefix="/open-apis/contact/v3")

NO_AUTHORITY = 41050            # Feishu: the user is unknown or outside the app's visibility
BATCH_MAX = 50


def user_json(u: store.User) -> dict:
    avatar = f"https://sandbox.invalid/avatar/{u.open_id}"
    return {
        "union_id": u.union_id, "user_id": u.user_id, "open_id": u.open_id,
        "name": u.name, "en_name": u.en_name, "nickname": "", "email": u.email, "enterprise_email": u.email,
        "mobile": u.mobile, "mobile_visible": False, "gender": 0,
        "avatar": {"avatar_72": avatar + "_72.png", "avatar_240": avatar + "_240.png",
                   "avatar_640": avatar + "_640.png", "avatar_origin": avatar + ".png"},
        "status": {"is_frozen": False, "is_resigned": not u.active, "is_activated": u.active,
                   "is_exited": False, "is_unjoin": False},
        "department_ids": ["0"], "city": u.city, "country": "", "work_station": "", "join_time": 1672531200,
        "is_tenant_manager": False, "employee_no": "", "employee_type": 1, "job_title": u.job_title,
        "time_zone": u.time_zone, "description": "",
    }


def _visible(u: store.User | None) -> bool:
    return u is not None and not u.is_bot


@bp.get("/users/<user_id>")
@requires()
def get_user(user_id: str) -> Response:
    kind = id_type()
    u = find_user(session(), user_id, kind)
    if not _visible(u):
        raise ApiError(NO_AUTHORITY, f"no user authority error: user_id {user_id!r} ({kind}) is not in this tenant")
    return ok({"user": user_json(u)})


@bp.get("/users/batch")
@requires()
def batch_users() -> Response:
    kind = id_type()
    ids = request.args.getlist("user_ids")
    if not ids:
        raise ApiError(99992402, "field validation failed: user_ids is required")
    if len(ids) > BATCH_MAX:
        raise ApiError(99992402, f"field validation failed: user_ids allows at most {BATCH_MAX} ids, got {len(ids)}")
    s = session()
    items = [user_json(u) for u in (find_user(s, i, kind) for i in ids) if _visible(u)]
    return ok({"items": items})
