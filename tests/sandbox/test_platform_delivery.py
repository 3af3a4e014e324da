"""Delivery: what a person does through /sandbox/api reaches a receiver built on lark-oapi's
EventDispatcherHandler (which verifies the signature and decrypts), Feishu-style, with retries."""
from __future__ import annotations

import json
import threading
import time

import lark_oapi as lark
import pytest
import requests
from flask import Flask
from lark_oapi.adapter.flask import parse_req, parse_resp
from lark_oapi.api.im.v1 import CreateMessageRequest, CreateMessageRequestBody

from bot.config import SANDBOX_ENCRYPT_KEY, SANDBOX_VERIFICATION_TOKEN
from tests.support.live import LiveServer

CARD = {"schema": "2.0", "config": {"update_multi": True},
        "body": {"elements": [{"tag": "button", "text": {"tag": "plain_text", "content": "Book"},
                               "behaviors": [{"type": "callback", "value": {"op": "book"}}]}]}}


class Receiver:
    """A bot stand-in: the real SDK dispatcher behind Flask; `fail_first` answers 500 that many times."""

    def __init__(self, fail_first: int = 0):
        self.messages: list = []
        self.actions: list = []
        self.hits = 0
        self.fail_first = fail_first
        self.got = threading.Event()
        handler = (lark.EventDispatcherHandler.builder(SANDBOX_ENCRYPT_KEY, SANDBOX_VERIFICATION_TOKEN)
                   .register_p2_im_message_receive_v1(self._on_message)
                   .register_p2_card_action_trigger(self._on_action).build())
        app = Flask("receiver")

        @app.post("/feishu/events")
        def events():
            self.hits += 1
            if self.hits <= self.fail_first:
                return "busy", 500
            return parse_resp(handler.do(parse_req()))

        @app.post("/feishu/cards")
        def cards():
            return parse_resp(handler.do(parse_req()))

        self.app = app

    def _on_message(self, data) -> None:
        self.messages.append(data)
        self.got.set()

    def _on_action(self, data):
        self.actions.append(data)
        done = dict(CARD, body={"elements": [{"tag": "markdown", "content": "Booked"}]})
        return {"toast": {"type": "success", "content": "Booked"}, "card": {"type": "raw", "data": done}}


@pytest.fixture
def receiver(request, sandbox_server):
    rec = Receiver(getattr(request, "param", 0))
    with LiveServer(lambda port: rec.app) as srv:
        resp = requests.put(f"{sandbox_server.url}/sandbox/api/app", timeout=5,
                            json={"event_url": f"{srv.url}/feishu/events", "card_url": f"{srv.url}/feishu/cards"})
        assert resp.status_code == 200
        yield rec


def post(sandbox_server, path, payload):
    return requests.post(f"{sandbox_server.url}/sandbox/api/{path}", json=payload, timeout=10)


def test_p2p_message_arrives_signed_and_encrypted(sandbox_server, receiver):
    resp = post(sandbox_server, "messages", {"chat_id": "oc_p2p_alice", "sender_id": "ou_alice",
                                             "text": "明天下午3点和 @Bob 开会"})
    assert resp.status_code == 200, resp.text
    stored = resp.json()
    assert receiver.got.wait(5)
    data = receiver.messages[0]
    assert data.header.event_type == "im.message.receive_v1" and data.header.event_id == stored["event_id"]
    assert data.header.app_id == "cli_sandbox_yue" and data.header.token == SANDBOX_VERIFICATION_TOKEN
    msg = data.event.message
    assert msg.message_id == stored["message_id"] and msg.chat_type == "p2p" and msg.message_type == "text"
    assert json.loads(msg.content) == {"text": "明天下午3点和 @_user_1 开会"}
    assert msg.mentions[0].key == "@_user_1" and msg.mentions[0].id.open_id == "ou_bob"
    assert msg.mentions[0].id.union_id == "on_bob" and msg.mentions[0].name == "李博"
    assert data.event.sender.sender_id.open_id == "ou_alice" and data.event.sender.sender_type == "user"
    assert stored["text"] == "明天下午3点和 @李博 开会"


def test_group_message_reaches_the_bot_only_when_it_is_mentioned(sandbox_server, receiver):
    quiet = post(sandbox_server, "messages", {"chat_id": "oc_team", "sender_id": "ou_carol", "text": "lunch?"})
    assert quiet.status_code == 200 and quiet.json()["event_id"] is None
    loud = post(sandbox_server, "messages", {"chat_id": "oc_team", "sender_id": "ou_carol",
                                             "text": "@Yue /free @王丽 @Dave Zhou tomorrow"})
    assert receiver.got.wait(5)
    msg = receiver.messages[0].event.message
    assert msg.chat_type == "group" and json.loads(msg.content)["text"] == "@_user_1 /free @_user_2 @_user_3 tomorrow"
    assert [(m.id.open_id, m.mentioned_type) for m in msg.mentions] == [
        ("ou_yue_bot", "bot"), ("ou_alice", "user"), ("ou_dave", "user")]
    assert loud.json()["event_id"] == receiver.messages[0].header.event_id


@pytest.mark.parametrize("receiver", [2], indirect=True)
def test_a_failing_receiver_gets_the_same_event_again(sandbox_server, sandbox_state, receiver):
    resp = post(sandbox_server, "messages", {"chat_id": "oc_p2p_bob", "sender_id": "ou_bob", "text": "hi"})
    event_id = resp.json()["event_id"]
    assert receiver.got.wait(5), "the retry never arrived"
    assert receiver.hits == 3 and receiver.messages[0].header.event_id == event_id
    assert sandbox_state.delivery.wait_idle(5)
    record = requests.get(f"{sandbox_server.url}/sandbox/api/deliveries", timeout=5).json()["deliveries"][-1]
    assert record["event_id"] == event_id and [a["status"] for a in record["attempts"]] == [500, 500, 200]


def test_card_click_round_trip(sandbox_server, lark_client, receiver):
    sent = lark_client.im.v1.message.create(CreateMessageRequest.builder().receive_id_type("chat_id").request_body(
        CreateMessageRequestBody.builder().receive_id("oc_team").msg_type("interactive").content(json.dumps(CARD))
        .build()).build())
    assert sent.success()
    resp = post(sandbox_server, "card_actions", {"message_id": sent.data.message_id, "operator_id": "ou_dave",
                                                 "value": {"op": "book"}, "form_value": {"title": "Sync"}})
    assert resp.status_code == 200, resp.text
    answer = resp.json()
    assert answer["toast"]["content"] == "Booked" and answer["card"]["body"]["elements"][0]["content"] == "Booked"
    ev = receiver.actions[0].event
    assert ev.operator.open_id == "ou_dave" and ev.action.value == {"op": "book"} and ev.action.tag == "button"
    assert ev.action.form_value == {"title": "Sync"}
    assert ev.context.open_message_id == sent.data.message_id and ev.context.open_chat_id == "oc_team"
    listed = requests.get(f"{sandbox_server.url}/sandbox/api/chats/oc_team/messages", timeout=5).json()
    card = next(m for m in listed["messages"] if m["message_id"] == sent.data.message_id)
    assert card["card"]["body"]["elements"][0]["content"] == "Booked" and card["updated"] is True


def test_card_click_with_no_bot_listening_is_a_clear_502(sandbox_server, lark_client):
    requests.put(f"{sandbox_server.url}/sandbox/api/app", json={"card_url": "http://127.0.0.1:9/feishu/cards"}, timeout=5)
    sent = lark_client.im.v1.message.create(CreateMessageRequest.builder().receive_id_type("chat_id").request_body(
        CreateMessageRequestBody.builder().receive_id("oc_team").msg_type("interactive").content(json.dumps(CARD))
        .build()).build())
    resp = post(sandbox_server, "card_actions", {"message_id": sent.data.message_id, "operator_id": "ou_dave",
                                                 "value": {"op": "book"}})
    assert resp.status_code == 502 and "not delivered" in resp.json()["error"]


def test_polling_sees_new_and_updated_messages(sandbox_server):
    first = requests.get(f"{sandbox_server.url}/sandbox/api/chats/oc_team/messages", timeout=5).json()
    assert first["messages"] == []
    post(sandbox_server, "messages", {"chat_id": "oc_team", "sender_id": "ou_alice", "text": "hello"})
    time.sleep(0.01)
    later = requests.get(f"{sandbox_server.url}/sandbox/api/chats/oc_team/messages",
                         params={"since": first["cursor"]}, timeout=5).json()
    assert [m["text"] for m in later["messages"]] == ["hello"]
    assert later["messages"][0]["sender_name"] == "Alice Wang"
