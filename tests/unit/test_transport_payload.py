"""The acknowledgement turns lark-oapi's typed event back into plain data without lark-oapi's
JSON round trip (issue 17: a third of an ack's CPU); the stored payload must not change."""
from __future__ import annotations

import json

import lark_oapi as lark
from lark_oapi.api.im.v1 import P2ImMessageReceiveV1
from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTrigger

from bot.transport.http import _as_dict

MESSAGE = {
    "schema": "2.0",
    "header": {"event_id": "ev_1", "event_type": "im.message.receive_v1", "create_time": "1700000000000",
               "token": "tok", "app_id": "cli_x", "tenant_key": "tk"},
    "event": {"sender": {"sender_id": {"open_id": "ou_alice", "union_id": "on_a", "user_id": None},
                         "sender_type": "user", "tenant_key": "tk"},
              "message": {"message_id": "om_1", "root_id": None, "chat_id": "oc_1", "chat_type": "group",
                          "message_type": "text", "content": json.dumps({"text": "@_user_1 明天下午3点 开会"}),
                          "create_time": "1700000000000",
                          "mentions": [{"key": "@_user_1", "id": {"open_id": "ou_yue_bot"}, "name": "Yue",
                                        "tenant_key": "tk"},
                                       {"key": "@_user_2", "id": {"open_id": "ou_bob", "union_id": "on_b"},
                                        "name": "李博"}]}},
}
CARD = {
    "schema": "2.0",
    "header": {"event_id": "ev_2", "event_type": "card.action.trigger", "create_time": "1700000000001"},
    "event": {"operator": {"open_id": "ou_alice", "tenant_key": "tk"}, "token": "c-tok",
              "action": {"value": {"a": "confirm", "d": "42", "n": [1, 2.5, True]}, "tag": "button",
                         "form_value": {"when": "2030-01-01"}},
              "context": {"open_message_id": "om_2", "open_chat_id": "oc_1"}},
}


def test_plain_payload_is_what_lark_json_gives():
    for cls, raw in ((P2ImMessageReceiveV1, MESSAGE), (P2CardActionTrigger, CARD)):
        typed = cls(raw)
        assert _as_dict(typed) == json.loads(lark.JSON.marshal(typed)), cls.__name__
    got = _as_dict(P2ImMessageReceiveV1(MESSAGE))
    assert got["event"]["message"]["mentions"][1]["name"] == "李博"
    assert "root_id" not in got["event"]["message"] and "user_id" not in got["event"]["sender"]["sender_id"]
