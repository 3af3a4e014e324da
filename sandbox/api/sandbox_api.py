"""`/sandbox/api`: acting as the people of the tenant (the console and tests use it). A person
writes in a chat (delivered to the bot as `im.message.receive_v1`), clicks a card button
(delivered as `card.action.trigger`, the bot's answer replaces the card), and the console polls
chats and reads the directory. Plain JSON; errors are `{"error": "..."}` with 400/404/502.
"""
from __future__ import annotations

import json
import re
import secrets
import uuid as uuidlib

from flask import Blueprint, Response, request
from sqlalchemy import select

from sandbox import cards_schema, store
from sandbox.api.common import ApiError, after_commit, body, json_response, session, state, user_ids
from sandbox.api.im import message_json, store_message
from sandbox.delivery import DeliveryError

bp = Blueprint("sandbox_api", __name__, url_prefix="/sandbox/api")

POLL_OVERLAP_MS = 2000      # a poll re-sends the last 2 s: a write committed late is not missed


def _bad(msg: str) -> ApiError:
    return ApiError(400, msg, 400)


def _missing(msg: str) -> ApiError:
    return ApiError(404, msg, 404)


def _str_field(data: dict, name: str) -> str:
    value = data.get(name)
    if value is None or value == "":
        raise _bad(f"{name} is required")
    if not isinstance(value, str):
        raise _bad(f"{name} must be a string, got {type(value).__name__}")
    return value


def _person(s, open_id: str, field: str) -> store.User:
    u = s.get(store.User, open_id)
    if u is None or u.is_bot:
        raise _missing(f"{field}: no person {open_id!r} in the sandbox tenant")
    return u


def _members(s, chat_id: str) -> list[store.User]:
    return list(s.scalars(select(store.User).join(store.ChatMember, store.ChatMember.open_id == store.User.open_id)
                          .where(store.ChatMember.chat_id == chat_id).order_by(store.User.open_id)))


def person_json(u: store.User) -> dict:
    return {"open_id": u.open_id, "union_id": u.union_id, "user_id": u.user_id, "name": u.name,
            "en_name": u.en_name, "display_name": u.display_name, "email": u.email, "time_zone": u.time_zone,
            "language": u.language, "job_title": u.job_title, "city": u.city, "is_bot": u.is_bot}


def chat_json(s, c: store.Chat) -> dict:
    members = _members(s, c.chat_id)
    name = c.name
    if c.chat_type == "p2p":      # p2p chats have no name on Feishu; the console shows the person
        name = next((m.display_name for m in members if not m.is_bot), c.chat_id)
    return {"chat_id": c.chat_id, "type": c.chat_type, "name": name, "members": [m.open_id for m in members]}


def console_message(s, m: store.Message) -> dict:
    """The stored message plus what a chat window needs: sender name, text with names, parsed card."""
    data = message_json(s, m)
    mentions = json.loads(m.mentions or "[]")
    if m.sender_type == "app":
        app = s.get(store.App, m.sender_id)
        bot = s.get(store.User, app.bot_open_id) if app and app.bot_open_id else None
        sender_open_id, sender_name = (bot.open_id, bot.display_name) if bot else (m.sender_id, m.sender_id)
    else:
        u = s.get(store.User, m.sender_id)
        sender_open_id, sender_name = m.sender_id, (u.display_name if u else m.sender_id)
    try:
        parsed = json.loads(data["body"]["content"])
    except ValueError:
        parsed = None
    text = card = None
    if m.msg_type == "text" and isinstance(parsed, dict):
        text = str(parsed.get("text", ""))
        for x in sorted(mentions, key=lambda x: -len(x["key"])):
            text = text.replace(x["key"], "@" + x.get("name", ""))
    elif m.msg_type == "interactive":
        card = parsed
    data.update({"seq": m.seq, "sender_open_id": sender_open_id, "sender_name": sender_name, "text": text,
                 "card": card, "mention_list": mentions, "create_ms": m.created_ms, "update_ms": m.updated_ms})
    return data


# --- mentions ---------------------------------------------------------------------------------

def _aliases(u: store.User) -> list[str]:
    names = {u.name, u.en_name}
    if u.en_name and " " in u.en_name:
        names.add(u.en_name.split()[0])
    if u.is_bot:
        names |= {"Yue", "约", u.name.split(" ")[0]}
    return [n for n in names if n]


def parse_mentions(text: str, candidates: list[store.User]) -> tuple[str, list[dict]]:
    """`@Name` (Chinese, English or first name of a person or the bot) → `@_user_N` + mentions.
    Longest names first, so `@Bob Li` is one mention, not `@Bob` followed by "Li"."""
    table = sorted(((alias, u) for u in candidates for alias in _aliases(u)), key=lambda p: -len(p[0]))
    mentions: list[dict] = []
    keys: dict[str, str] = {}
    out, i = [], 0
    while i < len(text):
        if text[i] == "@":
            for alias, u in table:
                end = i + 1 + len(alias)
                if text[i + 1:end].lower() != alias.lower():
                    continue
                # ASCII names must end at a word boundary (`@Bobby` is not Bob); CJK names need none.
                if alias[-1].isascii() and alias[-1].isalnum() and end < len(text) and re.match(r"\w", text[end], re.A):
                    continue
                if u.open_id not in keys:
                    keys[u.open_id] = f"@_user_{len(keys) + 1}"
                    mentions.append({"key": keys[u.open_id], "open_id": u.open_id, "name": u.name,
                                     "is_bot": u.is_bot})
                out.append(keys[u.open_id])
                i = end
                break
            else:
                out.append(text[i])
                i += 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out), mentions


# --- a person writes --------------------------------------------------------------------------

@bp.post("/messages")
def post_message() -> Response:
    s = session()
    data = body(code=400)
    chat_id, sender_id, text = _str_field(data, "chat_id"), _str_field(data, "sender_id"), _str_field(data, "text")
    if len(text.encode()) > 150 * 1024:
        raise _bad("text is longer than Feishu's 150 KB limit")
    chat = s.get(store.Chat, chat_id)
    if chat is None:
        raise _missing(f"chat_id: no chat {chat_id!r}")
    sender = _person(s, sender_id, "sender_id")
    members = _members(s, chat_id)
    if sender.open_id not in {m.open_id for m in members}:
        raise _bad(f"sender_id: {sender_id} is not a member of {chat_id}")
    # Feishu lets a person @mention anyone in the tenant, not only chat members (the usual
    # "和 @Bob 开会" is typed in the private chat with the bot, where Bob is not a member).
    everyone = list(s.scalars(select(store.User).where(store.User.active.is_(True))))
    content_text, mentions = parse_mentions(text, everyone)
    stored_mentions = [{k: v for k, v in x.items() if k != "is_bot"} for x in mentions]
    m = store_message(s, chat_id=chat_id, sender_id=sender.open_id, sender_type="user", msg_type="text",
                      content=json.dumps({"text": content_text}, ensure_ascii=False), mentions=stored_mentions)
    # In groups Feishu only pushes messages that @mention the bot (without the "read all" scope).
    to_bot = chat.chat_type == "p2p" or any(x["is_bot"] for x in mentions)
    event_id = None
    if to_bot:
        event_id = uuidlib.uuid4().hex
        event = {"sender": {"sender_id": user_ids(s, sender.open_id), "sender_type": "user",
                            "tenant_key": store.TENANT_KEY},
                 "message": {"message_id": m.message_id, "root_id": m.root_id, "parent_id": m.parent_id,
                             "create_time": str(m.created_ms), "update_time": str(m.updated_ms),
                             "chat_id": chat_id, "thread_id": m.thread_id, "chat_type": chat.chat_type,
                             "message_type": "text", "content": m.content,
                             "mentions": [{"key": x["key"], "id": user_ids(s, x["open_id"]), "name": x["name"],
                                           "tenant_key": store.TENANT_KEY,
                                           "mentioned_type": "bot" if x["is_bot"] else "user"} for x in mentions],
                             "user_agent": "Mozilla/5.0 (sandbox console) Lark/7.0"}}
        delivery = state().delivery
        after_commit(lambda: delivery.deliver_event("im.message.receive_v1", event, event_id))
    out = console_message(s, m)
    out["event_id"] = event_id
    return json_response(out, 200)


# --- a person clicks ------------------------------------------------------------------------

@bp.post("/card_actions")
def card_action() -> Response:
    s = session()
    data = body(code=400)
    message_id, operator_id = _str_field(data, "message_id"), _str_field(data, "operator_id")
    value, form_value = data.get("value", {}), data.get("form_value")
    if not isinstance(value, dict):
        raise _bad("value must be a JSON object (the button's behaviors[].value)")
    if form_value is not None and not isinstance(form_value, dict):
        raise _bad("form_value must be a JSON object of form field values")
    m = s.scalars(select(store.Message).where(store.Message.message_id == message_id)).first()
    if m is None:
        raise _missing(f"message_id: no message {message_id!r}")
    if m.msg_type != "interactive" or m.deleted:
        raise _bad(f"message_id: {message_id} is not a card")
    operator = _person(s, operator_id, "operator_id")
    if s.get(store.ChatMember, (m.chat_id, operator.open_id)) is None:
        raise _bad(f"operator_id: {operator_id} is not a member of {m.chat_id}")
    action = {"value": value, "tag": data.get("tag") or "button"}
    if form_value is not None:
        action["form_value"] = form_value
    for extra in ("name", "option", "options", "timezone", "input_value", "checked"):
        if data.get(extra) is not None:
            action[extra] = data[extra]
    event = {"operator": {"tenant_key": store.TENANT_KEY, **user_ids(s, operator.open_id)},
             "token": "c-" + secrets.token_hex(16), "action": action, "host": "im_message",
             "delivery_type": "url",
             "context": {"url": "", "preview_token": "", "open_message_id": m.message_id, "open_chat_id": m.chat_id}}
    s.commit()       # hold no transaction while the bot works: it calls back into this sandbox
    try:
        answer = state().delivery.deliver_callback("card.action.trigger", event)
    except DeliveryError as e:
        raise ApiError(502, f"card action not delivered: {e}", 502) from None
    toast, card = answer.get("toast"), answer.get("card")
    new_card = None
    if card is not None:
        if (not isinstance(card, dict) or card.get("type") not in ("raw", "template")
                or not isinstance(card.get("data"), dict)):
            raise ApiError(200672, 'the bot answered with an invalid card; Feishu needs {"card": {"type": "raw", '
                                   '"data": {...}}} or type "template" (error 200672)', 502)
        if card["type"] == "raw":
            try:   # Feishu validates the card a callback answers with as it does a sent one
                cards_schema.validate_content(json.dumps(card["data"], ensure_ascii=False))
            except cards_schema.CardInvalid as e:
                raise ApiError(200672, f"the bot answered with a card Feishu refuses: {e.message()}", 502) from None
        m = s.scalars(select(store.Message).where(store.Message.message_id == message_id)).one()
        m.content = json.dumps(card["data"] if card["type"] == "raw" else card, ensure_ascii=False)
        m.updated, m.updated_ms = True, store.now_ms()
        new_card = card["data"] if card["type"] == "raw" else card
    return json_response({"toast": toast, "card": new_card}, 200)


# --- reading ----------------------------------------------------------------------------------

@bp.get("/chats/<chat_id>/messages")
def chat_messages(chat_id: str) -> Response:
    s = session()
    if s.get(store.Chat, chat_id) is None:
        raise _missing(f"chat_id: no chat {chat_id!r}")
    since = request.args.get("since")
    q = select(store.Message).where(store.Message.chat_id == chat_id)
    if since not in (None, ""):
        if not since.isdigit():
            raise _bad("since must be the cursor of a previous answer (a whole number)")
        q = q.where(store.Message.updated_ms >= int(since) - POLL_OVERLAP_MS)
    rows = list(s.scalars(q.order_by(store.Message.seq)))
    cursor = max([m.updated_ms for m in rows] + [int(since) if since else 0])
    return json_response({"messages": [console_message(s, m) for m in rows], "cursor": str(cursor)}, 200)


@bp.get("/chats")
def chats() -> Response:
    s = session()
    person = request.args.get("person")
    q = select(store.Chat).order_by(store.Chat.chat_type, store.Chat.chat_id)
    if person:
        _person(s, person, "person")
        q = q.where(store.Chat.chat_id.in_(select(store.ChatMember.chat_id).where(store.ChatMember.open_id == person)))
    return json_response({"chats": [chat_json(s, c) for c in s.scalars(q)]}, 200)


@bp.get("/directory")
def directory() -> Response:
    s = session()
    users = list(s.scalars(select(store.User).order_by(store.User.open_id)))
    rooms = list(s.scalars(select(store.Room).order_by(store.Room.floor, store.Room.room_id)))
    bot = next((u for u in users if u.is_bot), None)
    return json_response({
        "people": [person_json(u) for u in users if not u.is_bot],
        "bot": person_json(bot) if bot else None,
        "rooms": [{"room_id": r.room_id, "name": r.name, "en_name": r.en_name, "display_name": r.display_name,
                   "capacity": r.capacity, "building": r.building, "floor": r.floor} for r in rooms],
        "chats": [chat_json(s, c) for c in s.scalars(select(store.Chat).order_by(store.Chat.chat_id))],
    }, 200)


# --- the app's console settings and deliveries (tests, running the sandbox apart) -------------

@bp.get("/app")
def get_app() -> Response:
    app = session().get(store.App, state().settings.app_id)
    return json_response({"app_id": app.app_id, "event_url": app.event_url, "card_url": app.card_url,
                          "encrypted": bool(app.encrypt_key)}, 200)


@bp.put("/app")
def put_app() -> Response:
    data = body(code=400)
    app = session().get(store.App, state().settings.app_id)
    for name in ("event_url", "card_url", "encrypt_key", "verification_token"):
        if name in data:
            if data[name] is not None and not isinstance(data[name], str):
                raise _bad(f"{name} must be a string or null")
            if name.endswith("_url") and data[name] and not re.match(r"https?://", data[name]):
                raise _bad(f"{name} must be an http(s) URL")
            setattr(app, name, data[name] or ("" if not name.endswith("_url") else None))
    return json_response({"app_id": app.app_id, "event_url": app.event_url, "card_url": app.card_url}, 200)


@bp.get("/deliveries")
def deliveries() -> Response:
    recs = list(state().delivery.records.values())[-100:]
    return json_response({"deliveries": [
        {"event_id": r.event_id, "event_type": r.event_type, "url": r.url, "done": r.done, "delivered": r.delivered,
         "attempts": [{"at": a.at, "status": a.status, "error": a.error} for a in r.attempts]} for r in recs]}, 200)


@bp.post("/deliveries/<event_id>/redeliver")
def redeliver(event_id: str) -> Response:
    if not state().delivery.redeliver(event_id):
        raise _missing(f"event_id: no recent delivery {event_id!r}")
    return json_response({"event_id": event_id, "queued": True}, 200)
