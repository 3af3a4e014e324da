"""IM v1 messages: send and reply with cards or text, update a sent card."""
from __future__ import annotations

import json

from lark_oapi.api.im.v1 import (CreateMessageRequest, CreateMessageRequestBody, PatchMessageRequest,
                                 PatchMessageRequestBody, ReplyMessageRequest, ReplyMessageRequestBody)

from bot.feishu.core import FeishuClient, idempotency_uuid


def im_target(receive_id: str) -> str:
    """The window of one target user or chat, shared by sends and replies to it (Feishu counts
    the target as named: a chat_id, or the open_id of a person written to directly)."""
    return f"im.to:{receive_id}"


def patch_target(message_id: str) -> str:
    """The window of updates to one message (5 a second, code 230020 beyond)."""
    return f"im.patch:{message_id}"


class MessagesMixin(FeishuClient):
    """Sending, replying and updating cards and texts (IM v1)."""

    def send_card(self, receive_id: str, card: dict, receive_id_type: str = "chat_id", *,
                  key: str | None = None) -> str:
        """Send an interactive card; returns its message_id (keep it to update the card).
        key: a stable caller key (e.g. "draft:42:proposal"); Feishu keeps one message
        per derived `uuid` for an hour, so the call becomes safe to retry."""
        return self._send(receive_id, receive_id_type, "interactive", json.dumps(card, ensure_ascii=False), key)

    def send_text(self, receive_id: str, text: str, receive_id_type: str = "chat_id", *,
                  key: str | None = None) -> str:
        return self._send(receive_id, receive_id_type, "text", json.dumps({"text": text}, ensure_ascii=False), key)

    def reply_card(self, message_id: str, card: dict, *, key: str | None = None, in_thread: bool = False,
                   chat_id: str | None = None) -> str:
        """Reply to a message with a card; returns the new message_id. chat_id: the message's
        chat, so the reply keeps that chat's window (about 5 a second, contract §10)."""
        return self._reply(message_id, "interactive", json.dumps(card, ensure_ascii=False), key, in_thread, chat_id)

    def reply_text(self, message_id: str, text: str, *, key: str | None = None, in_thread: bool = False,
                   chat_id: str | None = None) -> str:
        return self._reply(message_id, "text", json.dumps({"text": text}, ensure_ascii=False), key, in_thread,
                           chat_id)

    def update_card(self, message_id: str, card: dict) -> None:
        """Replace a card this app sent (the card must carry config.update_multi=true).
        Sending the same full card twice leaves one state, so retries are safe."""
        content = json.dumps(card, ensure_ascii=False)
        self._call("im.message.patch", lambda c, o: c.im.v1.message.patch(
            PatchMessageRequest.builder().message_id(message_id).request_body(
                PatchMessageRequestBody.builder().content(content).build()).build(), o), idempotent=True,
            targets=[patch_target(message_id)])

    def _send(self, receive_id: str, receive_id_type: str, msg_type: str, content: str, key: str | None) -> str:
        uid = idempotency_uuid(key, "message") if key else None

        def req():
            body = CreateMessageRequestBody.builder().receive_id(receive_id).msg_type(msg_type).content(content)
            return CreateMessageRequest.builder().receive_id_type(receive_id_type).request_body(
                (body.uuid(uid) if uid else body).build()).build()

        data = self._call("im.message.create", lambda c, o: c.im.v1.message.create(req(), o),
                          idempotent=uid is not None, targets=[im_target(receive_id)])
        return data.message_id

    def _reply(self, message_id: str, msg_type: str, content: str, key: str | None, in_thread: bool,
               chat_id: str | None) -> str:
        uid = idempotency_uuid(key, "message") if key else None

        def req():
            body = ReplyMessageRequestBody.builder().content(content).msg_type(msg_type)
            if in_thread:
                body = body.reply_in_thread(True)
            return ReplyMessageRequest.builder().message_id(message_id).request_body(
                (body.uuid(uid) if uid else body).build()).build()

        data = self._call("im.message.reply", lambda c, o: c.im.v1.message.reply(req(), o),
                          idempotent=uid is not None, targets=[im_target(chat_id)] if chat_id else [])
        return data.message_id
