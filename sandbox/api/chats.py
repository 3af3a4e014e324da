"""IM v1 chats as a bot reads them: the groups it is in, one chat's details, and a chat's
members (people only: Feishu leaves bots out of the member list)."""
from __future__ import annotations

from flask import Blueprint, Response, request
from sqlalchemy import func, select

from sandbox import store
from sandbox.api.common import ApiError, id_type, identity, ok as _ok, paginate, qint, requires, session, user_id_as

bp = Blueprint("sandbox_chats", __name__, url_prefix="/open-apis/im/v1")


def ok(data=None) -> Response:
    """IM answers say "ok" where calendar says "success" (contract §1.3)."""
    return _ok(data, msg="ok")

NOT_IN_CHAT, CHAT_NOT_FOUND = 232011, 232010


def _chat_for_caller(chat_id: str) -> store.Chat:
    s = session()
    chat = s.get(store.Chat, chat_id)
    if chat is None:
        raise ApiError(CHAT_NOT_FOUND, f"chat_id {chat_id!r} not found (or dissolved)")
    if s.get(store.ChatMember, (chat_id, identity().open_id)) is None:
        raise ApiError(NOT_IN_CHAT, f"Operator can NOT be out of the chat: {chat_id}")
    return chat


def _people(s, chat_id: str) -> list[store.User]:
    return list(s.scalars(select(store.User).join(store.ChatMember, store.ChatMember.open_id == store.User.open_id)
                          .where(store.ChatMember.chat_id == chat_id, store.User.is_bot.is_(False))
                          .order_by(store.ChatMember.joined_ms, store.User.open_id)))


@bp.get("/chats/<chat_id>/members")
@requires()
def chat_members(chat_id: str) -> Response:
    s = session()
    kind = id_type("member_id_type")
    size = qint("page_size", 20, 1, 100, clamp=True)
    _chat_for_caller(chat_id)
    people = _people(s, chat_id)
    page, token, more = paginate(people, size, request.args.get("page_token"))
    items = [{"member_id_type": kind, "member_id": user_id_as(s, u.open_id, kind), "name": u.name,
              "tenant_key": store.TENANT_KEY} for u in page]
    return ok({"items": items, "page_token": token, "has_more": more, "member_total": len(people)})


@bp.get("/chats/<chat_id>")
@requires()
def get_chat(chat_id: str) -> Response:
    s = session()
    kind = id_type()
    chat = _chat_for_caller(chat_id)
    bots = s.scalar(select(func.count()).select_from(store.ChatMember).join(
        store.User, store.User.open_id == store.ChatMember.open_id).where(
        store.ChatMember.chat_id == chat_id, store.User.is_bot.is_(True))) or 0
    people = len(_people(s, chat_id))
    return ok({"avatar": "", "name": chat.name, "description": chat.description,
               "i18n_names": {"zh_cn": chat.name, "en_us": chat.name, "ja_jp": ""},
               "add_member_permission": "all_members", "share_card_permission": "allowed",
               "at_all_permission": "all_members", "edit_permission": "all_members",
               "owner_id_type": kind, "owner_id": user_id_as(s, chat.owner_open_id, kind) or "",
               "user_manager_id_list": [], "bot_manager_id_list": [], "group_message_type": "chat",
               "chat_mode": "p2p" if chat.chat_type == "p2p" else "group",
               "chat_type": "private", "chat_tag": "inner", "external": False, "tenant_key": store.TENANT_KEY,
               "user_count": str(people), "bot_count": str(bots), "labels": [], "toolkit_ids": [],
               "chat_status": "normal"})


@bp.get("/chats")
@requires()
def list_chats() -> Response:
    s = session()
    kind = id_type()
    size = qint("page_size", 20, 1, 100, clamp=True)
    mine = select(store.ChatMember.chat_id).where(store.ChatMember.open_id == identity().open_id)
    chats = list(s.scalars(select(store.Chat).where(store.Chat.chat_id.in_(mine), store.Chat.chat_type == "group")
                           .order_by(store.Chat.created_ms, store.Chat.chat_id)))
    page, token, more = paginate(chats, size, request.args.get("page_token"))
    items = [{"chat_id": c.chat_id, "avatar": "", "name": c.name, "description": c.description,
              "owner_id": user_id_as(s, c.owner_open_id, kind) or "", "owner_id_type": kind, "external": False,
              "tenant_key": store.TENANT_KEY, "labels": [], "chat_status": "normal", "chat_mode": "group"}
             for c in page]
    return ok({"items": items, "page_token": token, "has_more": more})
