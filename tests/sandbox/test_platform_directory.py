"""Contract: contact v3 users and vc v1 meeting rooms, through lark-oapi's typed clients."""
from __future__ import annotations

from lark_oapi.api.contact.v3 import BatchUserRequest, GetUserRequest
from lark_oapi.api.vc.v1 import (GetRoomLevelRequest, GetRoomRequest, ListRoomLevelRequest, ListRoomRequest,
                                 MgetRoomRequest, MgetRoomRequestBody, SearchRoomRequest, SearchRoomRequestBody)

from tests.sandbox.conftest import user_option


def test_user_get_has_the_fields_the_bot_needs(lark_client):
    resp = lark_client.contact.v3.user.get(GetUserRequest.builder().user_id("ou_carol").build())
    assert resp.success() and resp.msg == "success"
    u = resp.data.user
    assert (u.open_id, u.union_id, u.name, u.en_name) == ("ou_carol", "on_carol", "Carol Chen", "Carol Chen")
    assert u.time_zone == "America/Los_Angeles" and u.email == "carol@example.com"
    assert u.status.is_resigned is False and isinstance(u.department_ids, list)
    alice = lark_client.contact.v3.user.get(GetUserRequest.builder().user_id("ou_alice").build()).data.user
    assert (alice.name, alice.en_name, alice.time_zone) == ("王丽", "Alice Wang", "Asia/Shanghai")


def test_user_get_by_union_id_and_unknown_user(lark_client):
    by_union = lark_client.contact.v3.user.get(GetUserRequest.builder().user_id("on_bob").user_id_type("union_id").build())
    assert by_union.success() and by_union.data.user.open_id == "ou_bob"
    unknown = lark_client.contact.v3.user.get(GetUserRequest.builder().user_id("ou_ghost").build())
    assert unknown.code == 41050 and "ou_ghost" in unknown.msg and unknown.raw.status_code == 400
    bad_type = lark_client.contact.v3.user.get(GetUserRequest.builder().user_id("ou_bob").user_id_type("nick").build())
    assert bad_type.code == 99992402 and "user_id_type" in bad_type.msg
    bot = lark_client.contact.v3.user.get(GetUserRequest.builder().user_id("ou_yue_bot").build())
    assert bot.code == 41050      # the bot is not a contact


def test_user_batch(lark_client):
    resp = lark_client.contact.v3.user.batch(BatchUserRequest.builder().user_ids(["ou_alice", "ou_dave", "ou_ghost"]).build())
    assert resp.success()
    assert [u.open_id for u in resp.data.items] == ["ou_alice", "ou_dave"]
    assert resp.data.items[1].time_zone == "Europe/London"
    empty = lark_client.contact.v3.user.batch(BatchUserRequest.builder().build())
    assert empty.code == 99992402 and "user_ids" in empty.msg
    too_many = lark_client.contact.v3.user.batch(BatchUserRequest.builder().user_ids([f"ou_{i}" for i in range(51)]).build())
    assert too_many.code == 99992402


def test_rooms_list_paginates_and_carries_capacity_and_levels(lark_client):
    seen, token = [], None
    while True:
        b = ListRoomRequest.builder().page_size(4)
        if token:
            b = b.page_token(token)
        resp = lark_client.vc.v1.room.list(b.build())
        assert resp.success()
        seen += resp.data.rooms
        if not resp.data.has_more:
            break
        token = resp.data.page_token
    by_id = {r.room_id: r for r in seen}
    assert {"omm_everest", "omm_kunlun", "omm_taishan"} <= set(by_id) and len(seen) == len(by_id) == 6
    everest = by_id["omm_everest"]
    assert everest.capacity == 12 and "Everest" in everest.name and "珠峰" in everest.name
    assert everest.path == ["rl_hq", "rl_hq_3f"] and everest.room_level_id == "rl_hq_3f"
    floor5 = lark_client.vc.v1.room.list(ListRoomRequest.builder().room_level_id("rl_hq_5f").build())
    assert {r.room_id for r in floor5.data.rooms} == {"omm_taishan", "omm_huangshan", "omm_emei"}
    levels = lark_client.vc.v1.room_level.list(ListRoomLevelRequest.builder().room_level_id("rl_hq").build())
    assert [lv.name for lv in levels.data.items] == ["3F", "5F", "6F"]
    assert lark_client.vc.v1.room_level.get(GetRoomLevelRequest.builder().room_level_id("rl_hq").build()).data.room_level.has_child


def test_room_get_mget_and_unknown(lark_client):
    got = lark_client.vc.v1.room.get(GetRoomRequest.builder().room_id("omm_taishan").build())
    assert got.success() and got.data.room.capacity == 4
    unknown = lark_client.vc.v1.room.get(GetRoomRequest.builder().room_id("omm_nowhere").build())
    assert unknown.code == 121004 and "omm_nowhere" in unknown.msg
    many = lark_client.vc.v1.room.mget(MgetRoomRequest.builder().request_body(
        MgetRoomRequestBody.builder().room_ids(["omm_kunlun", "omm_nowhere"]).build()).build())
    assert [r.room_id for r in many.data.items] == ["omm_kunlun"]
    bad = lark_client.vc.v1.room.mget(MgetRoomRequest.builder().request_body(MgetRoomRequestBody.builder().build()).build())
    assert bad.code == 121003 and "room_ids" in bad.msg


def test_room_search_by_keyword(lark_user_client, user_token):
    opt = user_option(user_token("ou_alice"))
    def search(keyword):
        return lark_user_client.vc.v1.room.search(SearchRoomRequest.builder().request_body(
            SearchRoomRequestBody.builder().keyword(keyword).build()).build(), opt)
    assert [r.room_id for r in search(keyword="kun").data.rooms] == ["omm_kunlun"]
    assert [r.room_id for r in search(keyword="泰山").data.rooms] == ["omm_taishan"]
    assert search(keyword="nothing-like-this").data.rooms == []
    missing = lark_user_client.vc.v1.room.search(SearchRoomRequest.builder().request_body(
        SearchRoomRequestBody.builder().build()).build(), opt)
    assert missing.code == 121003 and "keyword" in missing.msg
