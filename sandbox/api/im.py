"""IM v1 messages as a bot uses them: create, reply, patch (card update), update, get, list by
chat, recall. Shapes follow the SDK's `Message` model with Feishu's wire types (times are
millisecond strings). Also the message helpers the `/sandbox/api` module shares."""
from __future__ import annotations

import json
import re
import secrets

from flask import Blueprint, Response, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox import cards_schema, store
from sandbox.api.common import (ApiError, RateLimiter, body, find_user, id_type, identity, ok as _ok, paginate, qint,
                                requires, session, state, user_id_as)

bp = Blueprint("sandbox_im", __name__, url_prefix="/open-apis/im/v1")


def ok(data=None) -> Response:
    """IM answers say "ok" where calendar says "success" (contract §1.3)."""
    return _ok(data, msg="ok")

INVALID, NOT_IN_CHAT, RECALLED, OUT_OF_SCOPE = 230001, 230002, 230011, 230013
FREQUENCY, TOO_LONG, TOO_OLD = 230020, 230025, 230031
MSG_TYPES = {"text", "post", "image", "file", "audio", "media", "sticker", "interactive", "share_chat",
             "share_user", "system"}
RECEIVE_ID_TYPES = ("open_id", "union_id", "user_id", "email", "chat_id")
AT_TAG = re.compile(r"""<at\s+(?:user_id|open_id|id)\s*=\s*["']?([^"'\s>]+)["']?\s*>(.*?)</at>""", re.S)
PATCH_WINDOW_MS = 14 * 86400 * 1000
UUID_WINDOW_MS = 3600 * 1000

# Feishu allows 5 updates per second to one message (contract §8).
_per_message = RateLimiter(per_second=5, per_minute=10 ** 9)


def _per_target(target: str) -> None:
    """About 5 messages a second to one target (contract §10), counted on the target as the
    request names it: a chat (a reply: the parent's chat), or a person written to directly."""
    if state().limiter.check_target((identity().app_id, target)) is not None:
        raise ApiError(FREQUENCY, "request trigger frequency limit: at most 5 messages per second to one user or chat")


def new_message_id() -> str:
    return "om_" + secrets.token_hex(16)


def mention_json(s: Session, m: dict, kind: str = "open_id") -> dict:
    return {"key": m["key"], "id": user_id_as(s, m["open_id"], kind), "id_type": kind,
            "name": m.get("name", ""), "tenant_key": store.TENANT_KEY}


def message_json(s: Session, m: store.Message, kind: str = "open_id") -> dict:
    if m.sender_type == "app":
        sender = {"id": m.sender_id, "id_type": "app_id", "sender_type": "app", "tenant_key": store.TENANT_KEY}
    else:
        sender = {"id": user_id_as(s, m.sender_id, kind), "id_type": kind, "sender_type": "user",
                  "tenant_key": store.TENANT_KEY}
    content = json.dumps({"text": "This message was recalled"}) if m.deleted else m.content
    return {"message_id": m.message_id, "root_id": m.root_id, "parent_id": m.parent_id, "thread_id": m.thread_id,
            "msg_type": m.msg_type, "create_time": str(m.created_ms), "update_time": str(m.updated_ms),
            "deleted": m.deleted, "updated": m.updated, "chat_id": m.chat_id, "sender": sender,
            "body": {"content": content},
            "mentions": [mention_json(s, x, kind) for x in json.loads(m.mentions or "[]")],
            "upper_message_id": ""}


def _at_mentions(s: Session, content: str) -> tuple[str, list[dict]]:
    """Text `<at user_id="ou_x">Name</at>` becomes `@_user_N` plus a mention, as Feishu stores it."""
    try:
        parsed = json.loads(content)
    except ValueError:
        return content, []
    text = parsed.get("text") if isinstance(parsed, dict) else None
    if not isinstance(text, str) or "<at" not in text:
        return content, []
    mentions: list[dict] = []

    def repl(match: re.Match) -> str:
        target, name = match.group(1), match.group(2)
        if target == "all":
            return "@_all"
        u = find_user(s, target, "open_id") or find_user(s, target, "user_id") or find_user(s, target, "union_id")
        key = f"@_user_{len(mentions) + 1}"
        mentions.append({"key": key, "open_id": u.open_id if u else target,
                         "name": name or (u.display_name if u else target)})
        return key

    parsed["text"] = AT_TAG.sub(repl, text)
    return json.dumps(parsed, ensure_ascii=False), mentions


def validate_content(msg_type, content) -> None:
    if not isinstance(msg_type, str) or not msg_type:
        raise ApiError(INVALID, "field validation failed: msg_type is required")
    if msg_type not in MSG_TYPES:
        raise ApiError(INVALID, f"invalid param: msg_type {msg_type!r} is not one of {', '.join(sorted(MSG_TYPES))}")
    if not isinstance(content, str) or not content:
        raise ApiError(INVALID, "field validation failed: content is required and must be a JSON string")
    limit = 150 * 1024 if msg_type == "text" else 30 * 1024
    if len(content.encode()) > limit:
        raise ApiError(TOO_LONG, f"content is too long: {len(content.encode())} bytes, at most {limit} for {msg_type}")
    try:
        parsed = json.loads(content)
    except ValueError as e:
        raise ApiError(INVALID, f"invalid param: content is not valid JSON ({e})") from None
    if not isinstance(parsed, dict):
        raise ApiError(INVALID, "invalid param: content must be a JSON object encoded as a string")
    if msg_type == "text" and not isinstance(parsed.get("text"), str):
        raise ApiError(INVALID, 'invalid param: text content must be {"text": "..."}')
    if msg_type == "interactive" and not parsed:
        raise ApiError(230099, "Failed to create card content: the card is empty")
    if msg_type == "interactive":
        try:
            cards_schema.validate_content(content)
        except cards_schema.CardInvalid as e:
            raise ApiError(e.code, e.message()) from None


def store_message(s: Session, *, chat_id: str, sender_id: str, sender_type: str, msg_type: str, content: str,
                  mentions: list[dict] | None = None, parent: store.Message | None = None,
                  in_thread: bool = False, uuid: str | None = None) -> store.Message:
    now = store.now_ms()
    if mentions is None:
        content, mentions = _at_mentions(s, content) if msg_type == "text" else (content, [])
    m = store.Message(message_id=new_message_id(), chat_id=chat_id, sender_id=sender_id, sender_type=sender_type,
                      msg_type=msg_type, content=content, mentions=json.dumps(mentions, ensure_ascii=False),
                      uuid=uuid, created_ms=now, updated_ms=now)
    if parent is not None:
        m.parent_id = parent.message_id
        m.root_id = parent.root_id or parent.message_id
        m.thread_id = parent.thread_id or ("omt_" + secrets.token_hex(8) if in_thread else "")
    s.add(m)
    s.flush()
    return m


def is_member(s: Session, chat_id: str, open_id: str | None) -> bool:
    return bool(open_id) and s.get(store.ChatMember, (chat_id, open_id)) is not None


def p2p_chat(s: Session, open_id: str, bot_open_id: str) -> store.Chat:
    """The private chat between a person and the bot; Feishu opens one on the first message."""
    mine = select(store.ChatMember.chat_id).where(store.ChatMember.open_id == open_id)
    bots = select(store.ChatMember.chat_id).where(store.ChatMember.open_id == bot_open_id)
    chat = s.scalars(select(store.Chat).where(store.Chat.chat_type == "p2p", store.Chat.chat_id.in_(mine),
                                              store.Chat.chat_id.in_(bots))).first()
    if chat is None:
        chat = store.Chat(chat_id="oc_" + secrets.token_hex(16), chat_type="p2p", owner_open_id=open_id)
        s.add(chat)
        s.add_all([store.ChatMember(chat_id=chat.chat_id, open_id=open_id),
                   store.ChatMember(chat_id=chat.chat_id, open_id=bot_open_id)])
        s.flush()
    return chat


def _sender() -> tuple[str, str, str | None]:
    """(sender_id, sender_type, open_id used for membership) of the caller."""
    ident = identity()
    if ident.kind == "tenant":
        return ident.app_id, "app", ident.open_id
    return ident.open_id, "user", ident.open_id


def _message(s: Session, message_id: str) -> store.Message:
    m = s.scalars(select(store.Message).where(store.Message.message_id == message_id)).first()
    if m is None:
        raise ApiError(INVALID, f"invalid param: message_id {message_id!r} not found")
    return m


def _uuid_replay(s: Session, uuid, sender_id: str) -> store.Message | None:
    if uuid is None:
        return None
    if not isinstance(uuid, str) or len(uuid) > 50:
        raise ApiError(INVALID, "invalid param: uuid must be a string of at most 50 characters")
    return s.scalars(select(store.Message).where(store.Message.uuid == uuid, store.Message.sender_id == sender_id,
                                                 store.Message.created_ms > store.now_ms() - UUID_WINDOW_MS)).first()


def _uuid_first(s: Session, m: store.Message) -> store.Message:
    """`m` just written, or the message a concurrent send with the same uuid wrote first.
    The check before writing cannot see a send still in flight; after the write this
    transaction holds the database's write lock, so every earlier send with this uuid is
    committed and visible: if one exists, ours is withdrawn and the first one answered,
    as Feishu answers a repeated uuid (one message, however many sends race)."""
    if not m.uuid:
        return m
    first = s.scalars(select(store.Message).where(
        store.Message.uuid == m.uuid, store.Message.sender_id == m.sender_id, store.Message.message_id != m.message_id,
        store.Message.created_ms > store.now_ms() - UUID_WINDOW_MS)).first()
    if first is None:
        return m
    s.delete(m)
    s.flush()
    return first


@bp.post("/messages")
@requires()
def create_message() -> Response:
    s = session()
    kind = request.args.get("receive_id_type")
    if not kind:
        raise ApiError(99992402, "field validation failed: receive_id_type is required")
    if kind not in RECEIVE_ID_TYPES:
        raise ApiError(99992402, "field validation failed: receive_id_type must be one of "
                                 f"{', '.join(RECEIVE_ID_TYPES)}")
    data = body()
    receive_id = data.get("receive_id")
    if not isinstance(receive_id, str) or not receive_id:
        raise ApiError(99992402, "field validation failed: receive_id is required")
    validate_content(data.get("msg_type"), data.get("content"))
    _per_target(receive_id)
    sender_id, sender_type, me = _sender()
    if (old := _uuid_replay(s, data.get("uuid"), sender_id)) is not None:
        return ok(message_json(s, old))
    if kind == "chat_id":
        chat = s.get(store.Chat, receive_id)
        if chat is None:
            raise ApiError(INVALID, f"invalid param: receive_id {receive_id!r} is not a chat (receive_id_type=chat_id)")
        if not is_member(s, chat.chat_id, me):
            raise ApiError(NOT_IN_CHAT, f"Bot/User can NOT be out of the chat: {receive_id}")
    else:
        target = (s.scalars(select(store.User).where(store.User.email == receive_id)).first() if kind == "email"
                  else find_user(s, receive_id, kind))
        if target is None or target.is_bot or not target.active:
            raise ApiError(OUT_OF_SCOPE, f"receive_id {receive_id!r} ({kind}) is not a user in the app's availability")
        if identity().kind == "user":
            raise ApiError(INVALID, "invalid param: sending to a user as a user is not supported; use chat_id")
        chat = p2p_chat(s, target.open_id, me)
    m = store_message(s, chat_id=chat.chat_id, sender_id=sender_id, sender_type=sender_type,
                      msg_type=data["msg_type"], content=data["content"], uuid=data.get("uuid"))
    return ok(message_json(s, _uuid_first(s, m)))


@bp.post("/messages/<message_id>/reply")
@requires()
def reply_message(message_id: str) -> Response:
    s = session()
    data = body()
    validate_content(data.get("msg_type"), data.get("content"))
    in_thread = data.get("reply_in_thread", False)
    if not isinstance(in_thread, bool):
        raise ApiError(99992402, "field validation failed: reply_in_thread must be a boolean")
    parent = _message(s, message_id)
    if parent.deleted:
        raise ApiError(RECALLED, f"message {message_id} has been recalled")
    sender_id, sender_type, me = _sender()
    if not is_member(s, parent.chat_id, me):
        raise ApiError(NOT_IN_CHAT, f"Bot/User can NOT be out of the chat: {parent.chat_id}")
    _per_target(parent.chat_id)
    if (old := _uuid_replay(s, data.get("uuid"), sender_id)) is not None:
        return ok(message_json(s, old))
    m = store_message(s, chat_id=parent.chat_id, sender_id=sender_id, sender_type=sender_type,
                      msg_type=data["msg_type"], content=data["content"], parent=parent, in_thread=in_thread,
                      uuid=data.get("uuid"))
    return ok(message_json(s, _uuid_first(s, m)))


def _card_shared(content: str) -> bool:
    """Cards others see must be shared (`config.update_multi`) to be patchable; schema 2.0 always is."""
    try:
        card = json.loads(content)
    except ValueError:
        return False
    if not isinstance(card, dict):
        return False
    if card.get("type") in ("template", "card"):
        return True
    config = card.get("config") if isinstance(card.get("config"), dict) else {}
    return card.get("schema") == "2.0" or config.get("update_multi") is True


@bp.patch("/messages/<message_id>")
@requires()
def patch_message(message_id: str) -> Response:
    s = session()
    content = body().get("content")
    if not isinstance(content, str) or not content:
        raise ApiError(99992402, "field validation failed: content is required and must be a JSON string")
    m = _message(s, message_id)
    sender_id, _, _ = _sender()
    if m.deleted:
        raise ApiError(RECALLED, f"message {message_id} has been recalled")
    if m.msg_type != "interactive":
        raise ApiError(INVALID, f"invalid param: message {message_id} is {m.msg_type!r}, "
                                "only interactive cards can be patched")
    if m.sender_id != sender_id:
        raise ApiError(INVALID, f"invalid param: message {message_id} was not sent by this app")
    if store.now_ms() - m.created_ms > PATCH_WINDOW_MS:
        raise ApiError(TOO_OLD, "the message was sent more than 14 days ago and can no longer be updated")
    validate_content("interactive", content)
    if not (_card_shared(m.content) and _card_shared(content)):
        raise ApiError(INVALID, 'invalid param: only cards with "config": {"update_multi": true} '
                                '(or schema 2.0) can be updated through this API')
    if _per_message.check(("patch", message_id)) is not None:
        raise ApiError(FREQUENCY, "request trigger frequency limit: at most 5 updates per second to one message")
    m.content, m.updated, m.updated_ms = content, True, store.now_ms()
    return ok({})


@bp.put("/messages/<message_id>")
@requires(tenant=True, user=False)
def update_message(message_id: str) -> Response:
    s = session()
    data = body()
    validate_content(data.get("msg_type"), data.get("content"))
    m = _message(s, message_id)
    if m.deleted:
        raise ApiError(RECALLED, f"message {message_id} has been recalled")
    if data["msg_type"] not in ("text", "post") or m.msg_type not in ("text", "post"):
        raise ApiError(INVALID, "invalid param: only text and post messages can be edited; patch cards instead")
    if m.sender_id != identity().app_id:
        raise ApiError(INVALID, f"invalid param: message {message_id} was not sent by this app")
    content, mentions = _at_mentions(s, data["content"]) if data["msg_type"] == "text" else (data["content"], [])
    m.msg_type, m.content, m.mentions = data["msg_type"], content, json.dumps(mentions, ensure_ascii=False)
    m.updated, m.updated_ms = True, store.now_ms()
    return ok(message_json(s, m))


@bp.delete("/messages/<message_id>")
@requires()
def recall_message(message_id: str) -> Response:
    s = session()
    m = _message(s, message_id)
    if m.sender_id != _sender()[0]:
        raise ApiError(INVALID, f"invalid param: message {message_id} was not sent by the caller")
    if m.deleted:
        raise ApiError(RECALLED, f"message {message_id} has been recalled")
    m.deleted, m.updated_ms = True, store.now_ms()
    return ok({})


@bp.get("/messages/<message_id>")
@requires()
def get_message(message_id: str) -> Response:
    s = session()
    kind = id_type()
    m = _message(s, message_id)
    if not is_member(s, m.chat_id, _sender()[2]):
        raise ApiError(NOT_IN_CHAT, f"Bot/User can NOT be out of the chat: {m.chat_id}")
    return ok({"items": [message_json(s, m, kind)]})


def _seconds(name: str) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdigit():
        raise ApiError(99992402, f"field validation failed: {name} must be a Unix timestamp in seconds")
    return int(raw)


@bp.get("/messages")
@requires()
def list_messages() -> Response:
    s = session()
    kind = id_type()
    ctype, cid = request.args.get("container_id_type"), request.args.get("container_id")
    if not ctype:
        raise ApiError(99992402, "field validation failed: container_id_type is required")
    if ctype not in ("chat", "thread"):
        raise ApiError(99992402, "field validation failed: container_id_type must be chat or thread")
    if not cid:
        raise ApiError(99992402, "field validation failed: container_id is required")
    sort = request.args.get("sort_type") or "ByCreateTimeAsc"
    if sort not in ("ByCreateTimeAsc", "ByCreateTimeDesc"):
        raise ApiError(99992402, "field validation failed: sort_type must be ByCreateTimeAsc or ByCreateTimeDesc")
    size = qint("page_size", 20, 1, 50)
    start, end = _seconds("start_time"), _seconds("end_time")
    q = select(store.Message)
    if ctype == "chat":
        if s.get(store.Chat, cid) is None:
            raise ApiError(INVALID, f"invalid param: container_id {cid!r} is not a chat")
        if not is_member(s, cid, _sender()[2]):
            raise ApiError(NOT_IN_CHAT, f"Bot/User can NOT be out of the chat: {cid}")
        q = q.where(store.Message.chat_id == cid)
    else:
        q = q.where(store.Message.thread_id == cid)
    if start is not None:
        q = q.where(store.Message.created_ms >= start * 1000)
    if end is not None:
        q = q.where(store.Message.created_ms <= end * 1000 + 999)
    order = store.Message.seq.asc() if sort == "ByCreateTimeAsc" else store.Message.seq.desc()
    rows = list(s.scalars(q.order_by(order)))
    page, token, more = paginate(rows, size, request.args.get("page_token"))
    return ok({"has_more": more, "page_token": token, "items": [message_json(s, m, kind) for m in page]})
