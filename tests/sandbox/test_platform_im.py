"""Contract: IM v1 messages and chat members, through lark-oapi's typed clients."""
from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from lark_oapi.api.im.v1 import (CreateMessageRequest, CreateMessageRequestBody, GetChatMembersRequest,
                                 GetMessageRequest, ListMessageRequest, PatchMessageRequest, PatchMessageRequestBody,
                                 ReplyMessageRequest, ReplyMessageRequestBody)

CARD = {"schema": "2.0", "config": {"update_multi": True},
        "body": {"elements": [{"tag": "markdown", "content": "Book **Sync** at 15:00?"}]}}


def send(client, receive_id, content, *, kind="chat_id", msg_type="text", uuid=None):
    b = CreateMessageRequestBody.builder().receive_id(receive_id).msg_type(msg_type).content(content)
    if uuid:
        b = b.uuid(uuid)
    return client.im.v1.message.create(CreateMessageRequest.builder().receive_id_type(kind).request_body(b.build()).build())


def test_create_text_with_mention_and_card(lark_client):
    resp = send(lark_client, "oc_team", json.dumps({"text": 'hi <at user_id="ou_bob">Bob</at>'}))
    assert resp.success() and resp.msg == "ok"
    m = resp.data
    assert m.message_id.startswith("om_") and m.chat_id == "oc_team" and m.msg_type == "text"
    assert json.loads(m.body.content) == {"text": "hi @_user_1"}
    assert m.mentions[0].key == "@_user_1" and m.mentions[0].id == "ou_bob"
    assert m.sender.sender_type == "app" and m.sender.id == "cli_sandbox_yue" and m.sender.id_type == "app_id"
    assert isinstance(m.create_time, str) and m.create_time.isdigit()      # ms string on the wire
    card = send(lark_client, "ou_alice", json.dumps(CARD), kind="open_id", msg_type="interactive")
    assert card.success() and card.data.chat_id == "oc_p2p_alice"


def test_create_dedups_by_uuid(lark_client):
    a = send(lark_client, "oc_team", json.dumps({"text": "once"}), uuid="u-123")
    b = send(lark_client, "oc_team", json.dumps({"text": "once"}), uuid="u-123")
    assert a.data.message_id == b.data.message_id


def test_concurrent_sends_with_one_uuid_make_one_message(lark_client):
    """A retry racing its original (the bot's reminder sent by two workers at once) is still
    one message: every answer names the same message."""
    def one(start: threading.Barrier, uuid: str) -> str:
        start.wait()
        resp = send(lark_client, "oc_team", json.dumps({"text": "race"}), uuid=uuid)
        assert resp.success(), resp.msg
        return resp.data.message_id

    for round_ in range(5):
        start = threading.Barrier(4)
        with ThreadPoolExecutor(4) as pool:
            ids = set(pool.map(one, [start] * 4, [f"u-race-{round_}"] * 4))
        assert len(ids) == 1, ids
        time.sleep(1.05)   # Feishu's 5 messages a second to one chat, between rounds


def test_create_errors_name_the_field(lark_client):
    no_type = lark_client.im.v1.message.create(CreateMessageRequest.builder().request_body(
        CreateMessageRequestBody.builder().receive_id("oc_team").msg_type("text").content('{"text":"x"}').build()).build())
    assert no_type.code == 99992402 and "receive_id_type" in no_type.msg and no_type.raw.status_code == 400
    no_content = lark_client.im.v1.message.create(CreateMessageRequest.builder().receive_id_type("chat_id").request_body(
        CreateMessageRequestBody.builder().receive_id("oc_team").msg_type("text").build()).build())
    assert no_content.code == 230001 and "content" in no_content.msg
    wrong_type = send(lark_client, "oc_team", {"text": "a dict, not a JSON string"})
    assert wrong_type.code == 230001 and "content" in wrong_type.msg
    bad_msg_type = send(lark_client, "oc_team", '{"text":"x"}', msg_type="telegram")
    assert bad_msg_type.code == 230001 and "msg_type" in bad_msg_type.msg
    unknown_chat = send(lark_client, "oc_nowhere", '{"text":"x"}')
    assert unknown_chat.code == 230001 and "receive_id" in unknown_chat.msg
    unknown_user = send(lark_client, "ou_ghost", '{"text":"x"}', kind="open_id")
    assert unknown_user.code == 230013 and "ou_ghost" in unknown_user.msg
    too_long = send(lark_client, "oc_team", json.dumps(CARD | {"pad": "x" * 31000}), msg_type="interactive")
    assert too_long.code == 230025


def test_reply_patch_get_list(lark_client):
    root = send(lark_client, "oc_team", json.dumps({"text": "root"})).data
    reply = lark_client.im.v1.message.reply(ReplyMessageRequest.builder().message_id(root.message_id).request_body(
        ReplyMessageRequestBody.builder().msg_type("interactive").content(json.dumps(CARD)).build()).build())
    assert reply.success() and reply.data.parent_id == root.message_id and reply.data.root_id == root.message_id
    card_id = reply.data.message_id
    new_card = dict(CARD, body={"elements": [{"tag": "markdown", "content": "Booked ✅"}]})
    patched = lark_client.im.v1.message.patch(PatchMessageRequest.builder().message_id(card_id).request_body(
        PatchMessageRequestBody.builder().content(json.dumps(new_card)).build()).build())
    assert patched.success(), patched.msg
    got = lark_client.im.v1.message.get(GetMessageRequest.builder().message_id(card_id).build())
    assert got.success() and len(got.data.items) == 1
    item = got.data.items[0]
    assert json.loads(item.body.content) == new_card and item.updated is True
    text_patch = lark_client.im.v1.message.patch(PatchMessageRequest.builder().message_id(root.message_id).request_body(
        PatchMessageRequestBody.builder().content(json.dumps(CARD)).build()).build())
    assert text_patch.code == 230001 and "interactive" in text_patch.msg
    unknown = lark_client.im.v1.message.get(GetMessageRequest.builder().message_id("om_nope").build())
    assert unknown.code == 230001 and "message_id" in unknown.msg
    listed = lark_client.im.v1.message.list(ListMessageRequest.builder().container_id_type("chat")
                                            .container_id("oc_team").page_size(1).build())
    assert listed.success() and listed.data.has_more and len(listed.data.items) == 1
    page2 = lark_client.im.v1.message.list(ListMessageRequest.builder().container_id_type("chat").container_id("oc_team")
                                           .page_size(1).page_token(listed.data.page_token).build())
    assert [m.message_id for m in listed.data.items + page2.data.items] == [root.message_id, card_id]
    no_container = lark_client.im.v1.message.list(ListMessageRequest.builder().container_id_type("chat").build())
    assert no_container.code == 99992402 and "container_id" in no_container.msg


def test_patch_refuses_unshared_v1_card(lark_client):
    v1_card = {"config": {"wide_screen_mode": True}, "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": "x"}}]}
    m = send(lark_client, "oc_team", json.dumps(v1_card), msg_type="interactive").data
    resp = lark_client.im.v1.message.patch(PatchMessageRequest.builder().message_id(m.message_id).request_body(
        PatchMessageRequestBody.builder().content(json.dumps(v1_card)).build()).build())
    assert resp.code == 230001 and "update_multi" in resp.msg


def test_chat_members(lark_client):
    resp = lark_client.im.v1.chat_members.get(GetChatMembersRequest.builder().chat_id("oc_team").page_size(100).build())
    assert resp.success() and resp.data.member_total == 12 and not resp.data.has_more
    ids = [m.member_id for m in resp.data.items]
    assert "ou_alice" in ids and "ou_yue_bot" not in ids      # bots are not listed
    assert resp.data.items[0].member_id_type == "open_id"
    by_union = lark_client.im.v1.chat_members.get(GetChatMembersRequest.builder().chat_id("oc_p2p_bob")
                                                  .member_id_type("union_id").build())
    assert [m.member_id for m in by_union.data.items] == ["on_bob"]
    unknown = lark_client.im.v1.chat_members.get(GetChatMembersRequest.builder().chat_id("oc_nowhere").build())
    assert not unknown.success() and "oc_nowhere" in unknown.msg


def test_malformed_body_on_a_known_route_is_a_json_error(sandbox_server):
    token = requests.post(f"{sandbox_server.url}/open-apis/auth/v3/tenant_access_token/internal", timeout=5,
                          data=json.dumps({"app_id": "cli_sandbox_yue", "app_secret": "sandbox-secret"})).json()
    url = f"{sandbox_server.url}/open-apis/im/v1/messages?receive_id_type=chat_id"
    headers = {"Authorization": f"Bearer {token['tenant_access_token']}"}
    for raw in (b"[1, 2", b"[1, 2]", b'"text"'):
        resp = requests.post(url, data=raw, headers=headers, timeout=5)
        assert resp.status_code == 400 and resp.json()["code"] == 99992402, raw
        assert "body" in resp.json()["msg"]
    gateway_first = requests.post(url, data=b"[1, 2", headers={"Authorization": "Bearer t-bogus"}, timeout=5)
    assert gateway_first.json()["code"] == 99991663
