"""Meeting rooms (vc v1): the tenant's list with building and floor names, and search."""
from __future__ import annotations

import threading
import time

from lark_oapi.api.vc.v1 import (ListRoomRequest, MgetRoomLevelRequest, MgetRoomLevelRequestBody,
                                 SearchRoomRequest, SearchRoomRequestBody)

from bot.feishu.core import FeishuClient
from bot.feishu.errors import FeishuError
from bot.feishu.models import Room

ROOM_CACHE_TTL = 300.0       # rooms change rarely; one listing serves a burst of proposals


class RoomsMixin(FeishuClient):
    """Meeting rooms, listed (cached 5 minutes) or searched."""

    def _init_rooms(self) -> None:
        self._rooms: tuple[float, list[Room]] | None = None
        self._rooms_lock = threading.Lock()

    # --- rooms ------------------------------------------------------------------------------

    def list_rooms(self, *, fresh: bool = False) -> list[Room]:
        """Every meeting room (vc v1 rooms, tenant token) with building and floor
        names resolved from its room-level path. Cached for 5 minutes."""
        with self._rooms_lock:
            if not fresh and self._rooms and self._rooms[0] > time.monotonic():
                return list(self._rooms[1])

        def fetch(token):
            def req():
                b = ListRoomRequest.builder().page_size(100).user_id_type("open_id")
                return (b.page_token(token) if token else b).build()
            data = self._call("vc.room.list", lambda c, o: c.vc.v1.room.list(req(), o), idempotent=True)
            return getattr(data, "rooms", None) or [], getattr(data, "page_token", None), bool(data.has_more)

        raw_rooms = self._pages(fetch)
        rooms = self._rooms_from(raw_rooms)
        with self._rooms_lock:
            self._rooms = (time.monotonic() + ROOM_CACHE_TTL, rooms)
        return list(rooms)

    def search_rooms(self, keyword: str, *, user_token: str | None = None) -> list[Room]:
        """Rooms whose name, building or floor contains `keyword` (case-insensitive).
        Feishu's rooms/search accepts only a user token; with one it is used,
        otherwise the tenant's room list is filtered here."""
        k = (keyword or "").strip().lower()
        if user_token:
            def fetch(token):
                def req():
                    body = SearchRoomRequestBody.builder().keyword(keyword).search_level_name(True).page_size(100)
                    return SearchRoomRequest.builder().request_body(
                        (body.page_token(token) if token else body).build()).build()
                data = self._call("vc.room.search", lambda c, o: c.vc.v1.room.search(req(), o),
                                  idempotent=True, user_token=user_token)
                return getattr(data, "rooms", None) or [], getattr(data, "page_token", None), bool(data.has_more)
            return self._rooms_from(self._pages(fetch))
        return [r for r in self.list_rooms()
                if not k or any(k in s.lower() for s in (r.name, r.building, r.floor, r.room_id))]

    def _rooms_from(self, raw_rooms: list) -> list[Room]:
        level_ids = sorted({lid for r in raw_rooms for lid in (r.path or [])})
        names: dict[str, str] = {}
        for i in range(0, len(level_ids), 100):
            part = level_ids[i:i + 100]
            try:
                data = self._call("vc.room_level.mget", lambda c, o, part=part: c.vc.v1.room_level.mget(
                    MgetRoomLevelRequest.builder().request_body(
                        MgetRoomLevelRequestBody.builder().level_ids(part).build()).build(), o), idempotent=True)
            except FeishuError as e:
                if e.kind not in ("permission", "not_found"):
                    raise
                # Names of buildings/floors are a nicety; rooms stay usable without them.
                break
            names.update({lv.room_level_id: lv.name or "" for lv in (getattr(data, "items", None) or [])})
        out = []
        for r in raw_rooms:
            path = [names.get(p, "") for p in (r.path or [])]
            out.append(Room(room_id=r.room_id or "", name=r.name or "", capacity=int(r.capacity or 0),
                            building=path[0] if path else "", floor=path[-1] if len(path) > 1 else "",
                            description=r.description or ""))
        return out
