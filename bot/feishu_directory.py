"""The non-calendar half of `bot.feishu.Feishu`: people (contact v3), meeting rooms
(vc v1), chat members and messages (IM v1), and the OAuth user-token flow (authen
v1). A mixin so the lead's handlers see one `Feishu` object; it relies on
`Feishu._call`/`_call_raw`/`_pages`."""
from __future__ import annotations

import datetime as dt
import json
import threading
import time
from typing import Any, Sequence
from urllib.parse import urlencode

import lark_oapi as lark
from lark_oapi.api.authen.v1 import (CreateOidcAccessTokenRequest, CreateOidcAccessTokenRequestBody,
                                     CreateOidcRefreshAccessTokenRequest, CreateOidcRefreshAccessTokenRequestBody,
                                     GetUserInfoRequest)
from lark_oapi.api.contact.v3 import BatchUserRequest, GetUserRequest
from lark_oapi.api.im.v1 import (CreateMessageRequest, CreateMessageRequestBody, GetChatMembersRequest,
                                 PatchMessageRequest, PatchMessageRequestBody, ReplyMessageRequest,
                                 ReplyMessageRequestBody)
from lark_oapi.api.vc.v1 import (ListRoomRequest, MgetRoomLevelRequest, MgetRoomLevelRequestBody,
                                 SearchRoomRequest, SearchRoomRequestBody)

from bot.feishu_core import FeishuError, idempotency_uuid
from bot.feishu_models import UTC, ChatMember, Person, Room, UserToken, person_from

USER_BATCH = 50              # contact v3 users/batch: ≤50 ids
ROOM_CACHE_TTL = 300.0       # rooms change rarely; one listing serves a burst of proposals
OAUTH_SCOPE = "calendar:calendar calendar:calendar:readonly contact:user.base:readonly offline_access"
ACCOUNTS = {lark.FEISHU_DOMAIN: "https://accounts.feishu.cn", lark.LARK_DOMAIN: "https://accounts.larksuite.com"}


class DirectoryMixin:
    domain: str
    app_id: str

    def _init_directory(self, user_cache_ttl: float) -> None:
        self._user_ttl = user_cache_ttl
        self._users: dict[str, tuple[float, Person]] = {}
        self._rooms: tuple[float, list[Room]] | None = None
        self._dir_lock = threading.Lock()
        self._bot_open_id: str | None = None

    # --- people -----------------------------------------------------------------------------

    def get_user(self, open_id: str, *, fresh: bool = False) -> Person:
        """A person's name, email, time zone (`time_zone`) and language. Cached for
        `user_cache_ttl` seconds (profiles rarely change; every message needs one).
        Language: contact v3 has no language field on Feishu, so `lang` is None
        unless the tenant's answer carries one — infer from the message then."""
        if not fresh:
            hit = self._cached_user(open_id)
            if hit is not None:
                return hit
        resp = self._call_raw("contact.user.get", lambda c, o: c.contact.v3.user.get(
            GetUserRequest.builder().user_id(open_id).user_id_type("open_id").build(), o), idempotent=True)
        raw = (_raw_data(resp).get("user") or {})
        person = person_from(resp.data.user, raw)
        self._remember(person)
        return person

    def get_users(self, open_ids: Sequence[str], *, fresh: bool = False) -> dict[str, Person]:
        """Several people at once (contact v3 users/batch, 50 per request). People
        Feishu does not return (left, outside the app's visibility) are absent."""
        out: dict[str, Person] = {}
        missing = []
        for oid in dict.fromkeys(open_ids):
            hit = None if fresh else self._cached_user(oid)
            if hit is not None:
                out[oid] = hit
            else:
                missing.append(oid)
        for i in range(0, len(missing), USER_BATCH):
            part = missing[i:i + USER_BATCH]
            resp = self._call_raw("contact.user.batch", lambda c, o, part=part: c.contact.v3.user.batch(
                BatchUserRequest.builder().user_ids(part).user_id_type("open_id").build(), o), idempotent=True)
            raws = {u.get("open_id"): u for u in (_raw_data(resp).get("items") or []) if isinstance(u, dict)}
            for u in (getattr(resp.data, "items", None) or []):
                person = person_from(u, raws.get(u.open_id))
                self._remember(person)
                out[person.open_id] = person
        return out

    def _cached_user(self, open_id: str) -> Person | None:
        with self._dir_lock:
            hit = self._users.get(open_id)
        return hit[1] if hit and hit[0] > time.monotonic() else None

    def _remember(self, person: Person) -> None:
        with self._dir_lock:
            self._users[person.open_id] = (time.monotonic() + self._user_ttl, person)

    def bot_open_id(self) -> str:
        """The bot's own open_id (to recognise its mention and its own messages), from
        `GET /open-apis/bot/v3/info`; lark-oapi has no typed model for it, so this is
        a raw SDK request. Cached after the first success."""
        with self._dir_lock:
            if self._bot_open_id:
                return self._bot_open_id
        req = lambda: (lark.BaseRequest.builder().http_method(lark.HttpMethod.GET)  # noqa: E731
                       .uri("/open-apis/bot/v3/info").token_types({lark.AccessTokenType.TENANT}).build())
        resp = self._call_raw("bot.info", lambda c, o: _checked(c.request(req(), o)), idempotent=True)
        open_id = ((_raw_body(resp).get("bot") or {}).get("open_id")) or ""
        if not open_id:
            raise FeishuError(-1, "bot info without open_id", None, "other", op="bot.info")
        with self._dir_lock:
            self._bot_open_id = open_id
        return open_id

    # --- rooms ------------------------------------------------------------------------------

    def list_rooms(self, *, fresh: bool = False) -> list[Room]:
        """Every meeting room (vc v1 rooms, tenant token) with building and floor
        names resolved from its room-level path. Cached for 5 minutes."""
        with self._dir_lock:
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
        with self._dir_lock:
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

    # --- chats ------------------------------------------------------------------------------

    def chat_members(self, chat_id: str) -> list[ChatMember]:
        """The people in a chat (bots are not listed by Feishu)."""
        def fetch(token):
            def req():
                b = GetChatMembersRequest.builder().chat_id(chat_id).member_id_type("open_id").page_size(100)
                return (b.page_token(token) if token else b).build()
            data = self._call("im.chat_members.get", lambda c, o: c.im.v1.chat_members.get(req(), o),
                              idempotent=True)
            return getattr(data, "items", None) or [], getattr(data, "page_token", None), bool(data.has_more)

        return [ChatMember(open_id=m.member_id or "", name=m.name or "") for m in self._pages(fetch)]

    # --- messages ---------------------------------------------------------------------------

    def send_card(self, receive_id: str, card: dict, receive_id_type: str = "chat_id", *,
                  key: str | None = None) -> str:
        """Send an interactive card; returns its message_id (keep it to update the card).
        key: a stable caller key (e.g. "draft:42:proposal"); Feishu keeps one message
        per derived `uuid` for an hour, so the call becomes safe to retry."""
        return self._send(receive_id, receive_id_type, "interactive", json.dumps(card, ensure_ascii=False), key)

    def send_text(self, receive_id: str, text: str, receive_id_type: str = "chat_id", *,
                  key: str | None = None) -> str:
        return self._send(receive_id, receive_id_type, "text", json.dumps({"text": text}, ensure_ascii=False), key)

    def reply_card(self, message_id: str, card: dict, *, key: str | None = None, in_thread: bool = False) -> str:
        """Reply to a message with a card; returns the new message_id."""
        return self._reply(message_id, "interactive", json.dumps(card, ensure_ascii=False), key, in_thread)

    def reply_text(self, message_id: str, text: str, *, key: str | None = None, in_thread: bool = False) -> str:
        return self._reply(message_id, "text", json.dumps({"text": text}, ensure_ascii=False), key, in_thread)

    def update_card(self, message_id: str, card: dict) -> None:
        """Replace a card this app sent (the card must carry config.update_multi=true).
        Sending the same full card twice leaves one state, so retries are safe."""
        content = json.dumps(card, ensure_ascii=False)
        self._call("im.message.patch", lambda c, o: c.im.v1.message.patch(
            PatchMessageRequest.builder().message_id(message_id).request_body(
                PatchMessageRequestBody.builder().content(content).build()).build(), o), idempotent=True)

    def _send(self, receive_id: str, receive_id_type: str, msg_type: str, content: str, key: str | None) -> str:
        uid = idempotency_uuid(key, "message") if key else None

        def req():
            body = CreateMessageRequestBody.builder().receive_id(receive_id).msg_type(msg_type).content(content)
            return CreateMessageRequest.builder().receive_id_type(receive_id_type).request_body(
                (body.uuid(uid) if uid else body).build()).build()

        data = self._call("im.message.create", lambda c, o: c.im.v1.message.create(req(), o),
                          idempotent=uid is not None)
        return data.message_id

    def _reply(self, message_id: str, msg_type: str, content: str, key: str | None, in_thread: bool) -> str:
        uid = idempotency_uuid(key, "message") if key else None

        def req():
            body = ReplyMessageRequestBody.builder().content(content).msg_type(msg_type)
            if in_thread:
                body = body.reply_in_thread(True)
            return ReplyMessageRequest.builder().message_id(message_id).request_body(
                (body.uuid(uid) if uid else body).build()).build()

        data = self._call("im.message.reply", lambda c, o: c.im.v1.message.reply(req(), o),
                          idempotent=uid is not None)
        return data.message_id

    # --- OAuth (user tokens) ----------------------------------------------------------------

    def authorize_url(self, redirect_uri: str, state: str, scope: str = OAUTH_SCOPE) -> str:
        """Where to send a person to connect their calendar. Feishu's current page is
        accounts.feishu.cn/open-apis/authen/v1/authorize (client_id, response_type=code,
        redirect_uri, state, scope); the sandbox serves the same path on its domain.
        `offline_access` in the scope is what yields a refresh token."""
        base = ACCOUNTS.get(self.domain, self.domain)
        query = urlencode({"client_id": self.app_id, "response_type": "code", "redirect_uri": redirect_uri,
                           "scope": scope, "state": state})
        return f"{base}/open-apis/authen/v1/authorize?{query}"

    def exchange_code(self, code: str) -> UserToken:
        """Authorization code → the person's tokens (authen v1 OIDC, app token), then
        their open_id from authen v1 user_info. A code is single-use, so only
        rate-limit refusals are retried."""
        data = self._call("authen.oidc_access_token", lambda c, o: c.authen.v1.oidc_access_token.create(
            CreateOidcAccessTokenRequest.builder().request_body(
                CreateOidcAccessTokenRequestBody.builder().grant_type("authorization_code").code(code).build()
            ).build(), o), idempotent=False)
        return self._user_token(data)

    def refresh_user_token(self, refresh_token: str) -> UserToken:
        """A new token pair; the old refresh token stops working (Feishu rotates them),
        so store the new one. Not retried on 5xx for the same reason."""
        data = self._call("authen.oidc_refresh_access_token", lambda c, o: c.authen.v1.oidc_refresh_access_token.create(
            CreateOidcRefreshAccessTokenRequest.builder().request_body(
                CreateOidcRefreshAccessTokenRequestBody.builder().grant_type("refresh_token")
                .refresh_token(refresh_token).build()).build(), o), idempotent=False)
        return self._user_token(data)

    def user_open_id(self, user_token: str) -> str:
        """Whose token this is (authen v1 user_info)."""
        data = self._call("authen.user_info", lambda c, o: c.authen.v1.user_info.get(
            GetUserInfoRequest.builder().build(), o), idempotent=True, user_token=user_token)
        return data.open_id or ""

    def _user_token(self, data: Any) -> UserToken:
        now = dt.datetime.now(UTC)
        access = data.access_token or ""
        if not access:
            raise FeishuError(-1, "token answer without access_token", None, "auth", op="authen")
        refresh_in = getattr(data, "refresh_expires_in", None)
        return UserToken(
            access_token=access,
            refresh_token=data.refresh_token or "",
            expires_at=now + dt.timedelta(seconds=int(data.expires_in or 0)),
            refresh_expires_at=now + dt.timedelta(seconds=int(refresh_in)) if refresh_in else None,
            open_id=self.user_open_id(access),
            scope=getattr(data, "scope", None) or "",
        )


def _raw_body(resp: Any) -> dict:
    try:
        body = json.loads(resp.raw.content)
    except (AttributeError, ValueError, TypeError):
        return {}
    return body if isinstance(body, dict) else {}


def _raw_data(resp: Any) -> dict:
    """The `data` object of the raw JSON body, for fields the SDK models drop."""
    data = _raw_body(resp).get("data")
    return data if isinstance(data, dict) else {}


def _checked(resp: Any) -> Any:
    """`client.request` (raw calls) reads a non-JSON answer as success when its status
    is 2xx and as code None otherwise; make the latter look like the generated
    methods' failure (a JSON decode error) so the retry policy treats both alike."""
    if getattr(resp, "code", None) is None:
        content = getattr(getattr(resp, "raw", None), "content", b"") or b""
        raise json.JSONDecodeError("non-JSON response", content.decode("utf-8", "replace"), 0)
    return resp
