"""Meeting rooms as vc v1 exposes them (`rooms` list/get/mget/search, `room_levels` list/get/mget):
capacity, the building → floor level path, name. Room ids (`omm_…`) are what calendar v4 takes
as `resource` attendees and in freebusy."""
from __future__ import annotations

from flask import Blueprint, Response, request
from sqlalchemy import select

from sandbox import store
from sandbox.api.common import ApiError, body, ok, paginate, qint, requires, session

bp = Blueprint("sandbox_rooms", __name__, url_prefix="/open-apis/vc/v1")

PARAM_ERROR, NOT_FOUND = 121003, 121004    # vc v1: param error / data not exist


def _level_path(s, level_id: str) -> list[str]:
    path: list[str] = []
    while level_id and level_id != "0" and len(path) < 10:
        path.insert(0, level_id)
        level = s.get(store.RoomLevel, level_id)
        level_id = level.parent_id if level else ""
    return path


def room_json(s, r: store.Room) -> dict:
    return {"room_id": r.room_id, "name": r.display_name, "capacity": r.capacity, "description": r.description,
            "display_id": "FM" + r.room_id[-6:].upper(), "custom_room_id": r.room_id.removeprefix("omm_"),
            "room_level_id": r.room_level_id, "path": _level_path(s, r.room_level_id),
            "room_status": {"status": not r.is_disabled, "schedule_status": not r.is_disabled,
                            "disable_start_time": 0, "disable_end_time": 0, "disable_reason": "",
                            "contact_ids": [], "disable_notice": False, "resume_notice": False},
            "device": [{"name": d.strip()} for d in r.description.split(",") if d.strip()]}


def level_json(s, lv: store.RoomLevel) -> dict:
    has_child = s.scalars(select(store.RoomLevel).where(store.RoomLevel.parent_id == lv.room_level_id)).first()
    return {"room_level_id": lv.room_level_id, "name": lv.name, "parent_id": lv.parent_id,
            "path": _level_path(s, lv.parent_id), "has_child": has_child is not None, "custom_group_id": ""}


def _in_level(s, r: store.Room, level_id: str) -> bool:
    return level_id in _level_path(s, r.room_level_id)


def _rooms(s) -> list[store.Room]:
    return list(s.scalars(select(store.Room).order_by(store.Room.room_id)))


@bp.get("/rooms")
@requires(tenant=True, user=False)
def list_rooms() -> Response:
    s = session()
    size = qint("page_size", 100, 1, 100, clamp=True, code=PARAM_ERROR)
    level = request.args.get("room_level_id") or ""
    if level and level != "0" and s.get(store.RoomLevel, level) is None:
        raise ApiError(NOT_FOUND, f"room_level_id {level!r} not found", 404)
    rooms = [r for r in _rooms(s) if not level or level == "0" or _in_level(s, r, level)]
    page, token, more = paginate(rooms, size, request.args.get("page_token"), PARAM_ERROR)
    return ok({"rooms": [room_json(s, r) for r in page], "page_token": token, "has_more": more})


@bp.get("/rooms/<room_id>")
@requires(tenant=True, user=False)
def get_room(room_id: str) -> Response:
    s = session()
    r = s.get(store.Room, room_id)
    if r is None:
        raise ApiError(NOT_FOUND, f"room_id {room_id!r} not found", 404)
    return ok({"room": room_json(s, r)})


@bp.post("/rooms/mget")
@requires(tenant=True, user=False)
def mget_rooms() -> Response:
    ids = body(PARAM_ERROR).get("room_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise ApiError(PARAM_ERROR, "room_ids is required and must be a list of room ids")
    if len(ids) > 100:
        raise ApiError(PARAM_ERROR, f"room_ids allows at most 100 ids, got {len(ids)}")
    s = session()
    return ok({"items": [room_json(s, r) for r in (s.get(store.Room, i) for i in ids) if r is not None]})


@bp.post("/rooms/search")
@requires(tenant=False, user=True)
def search_rooms() -> Response:
    data = body(PARAM_ERROR)
    keyword, level, custom = data.get("keyword"), data.get("room_level_id"), data.get("custom_room_ids")
    if keyword is not None and not isinstance(keyword, str):
        raise ApiError(PARAM_ERROR, "keyword must be a string")
    if custom is not None and (not isinstance(custom, list) or not all(isinstance(c, str) for c in custom)):
        raise ApiError(PARAM_ERROR, "custom_room_ids must be a list of strings")
    if not keyword and not custom:
        raise ApiError(PARAM_ERROR, "one of keyword or custom_room_ids is required")
    size = data.get("page_size", 10)
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 100:
        raise ApiError(PARAM_ERROR, "page_size must be an integer between 1 and 100")
    s = session()
    rooms = _rooms(s)
    if custom:
        rooms = [r for r in rooms if r.room_id.removeprefix("omm_") in custom]
    if keyword:
        k = keyword.strip().lower()
        by_level = bool(data.get("search_level_name"))
        def hit(r: store.Room) -> bool:
            names = [r.name, r.en_name, r.room_id] + ([r.building, r.floor] if by_level else [])
            return any(k in (n or "").lower() for n in names)
        rooms = [r for r in rooms if hit(r)]
    if level:
        rooms = [r for r in rooms if _in_level(s, r, level)]
    page, token, more = paginate(rooms, size, data.get("page_token") or None, PARAM_ERROR)
    return ok({"rooms": [room_json(s, r) for r in page], "page_token": token, "has_more": more})


@bp.get("/room_levels")
@requires(tenant=True, user=False)
def list_levels() -> Response:
    s = session()
    parent = request.args.get("room_level_id") or "0"
    size = qint("page_size", 100, 1, 100, clamp=True, code=PARAM_ERROR)
    levels = list(s.scalars(select(store.RoomLevel).where(store.RoomLevel.parent_id == parent)
                            .order_by(store.RoomLevel.room_level_id)))
    page, token, more = paginate(levels, size, request.args.get("page_token"), PARAM_ERROR)
    return ok({"items": [level_json(s, lv) for lv in page], "page_token": token, "has_more": more})


@bp.get("/room_levels/<level_id>")
@requires(tenant=True, user=False)
def get_level(level_id: str) -> Response:
    s = session()
    lv = s.get(store.RoomLevel, level_id)
    if lv is None:
        raise ApiError(NOT_FOUND, f"room_level_id {level_id!r} not found", 404)
    return ok({"room_level": level_json(s, lv)})


@bp.post("/room_levels/mget")
@requires(tenant=True, user=False)
def mget_levels() -> Response:
    ids = body(PARAM_ERROR).get("level_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise ApiError(PARAM_ERROR, "level_ids is required and must be a list of room level ids")
    s = session()
    return ok({"items": [level_json(s, lv) for lv in (s.get(store.RoomLevel, i) for i in ids) if lv is not None]})
