"""People (contact v3), the bot's own identity (bot v3 info) and chat members (IM v1)."""
from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import lark_oapi as lark
from lark_oapi.api.contact.v3 import BatchUserRequest, GetUserRequest
from lark_oapi.api.im.v1 import GetChatMembersRequest

from bot.feishu.core import FeishuClient, _checked, _raw_body, _raw_data
from bot.feishu.errors import FeishuError
from bot.feishu.models import ChatMember, Person, person_from

USER_BATCH = 50              # contact v3 users/batch: ≤50 ids


class ContactsMixin(FeishuClient):
    """People, the bot's own open_id, chat members; profiles cached in memory."""

    def _init_contacts(self, user_cache_ttl: float) -> None:
        self._user_ttl = user_cache_ttl
        self._users: dict[str, tuple[float, Person]] = {}
        self._contacts_lock = threading.Lock()
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
        with self._contacts_lock:
            hit = self._users.get(open_id)
        return hit[1] if hit and hit[0] > time.monotonic() else None

    def _remember(self, person: Person) -> None:
        with self._contacts_lock:
            self._users[person.open_id] = (time.monotonic() + self._user_ttl, person)

    def bot_open_id(self) -> str:
        """The bot's own open_id (to recognise its mention and its own messages), from
        `GET /open-apis/bot/v3/info`; lark-oapi has no typed model for it, so this is
        a raw SDK request. Cached after the first success."""
        with self._contacts_lock:
            if self._bot_open_id:
                return self._bot_open_id
        req = lambda: (lark.BaseRequest.builder().http_method(lark.HttpMethod.GET)  # noqa: E731
                       .uri("/open-apis/bot/v3/info").token_types({lark.AccessTokenType.TENANT}).build())
        resp = self._call_raw("bot.info", lambda c, o: _checked(c.request(req(), o)), idempotent=True)
        open_id = ((_raw_body(resp).get("bot") or {}).get("open_id")) or ""
        if not open_id:
            raise FeishuError(-1, "bot info without open_id", None, "other", op="bot.info")
        with self._contacts_lock:
            self._bot_open_id = open_id
        return open_id

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
