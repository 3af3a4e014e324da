"""Contract: calendar v4 calendars and ACLs through lark-oapi (success paths, Feishu codes,
the subscription limit, the token split, a restart on the same database)."""
from __future__ import annotations

import lark_oapi as lark
import pytest
from lark_oapi.api.calendar.v4 import (AclScope, Calendar, CalendarAcl, CreateCalendarAclRequest,
                                       CreateCalendarRequest, DeleteCalendarAclRequest, DeleteCalendarRequest,
                                       GetCalendarRequest, ListCalendarAclRequest, ListCalendarRequest,
                                       MgetCalendarRequest, MgetCalendarRequestBody, PatchCalendarRequest,
                                       PrimarysCalendarRequest, PrimarysCalendarRequestBody, SearchCalendarRequest,
                                       SearchCalendarRequestBody, SubscribeCalendarRequest,
                                       SubscriptionCalendarAclRequest, SubscriptionCalendarRequest,
                                       UnsubscribeCalendarRequest, UnsubscriptionCalendarAclRequest,
                                       UnsubscriptionCalendarRequest)

import sandbox
import sandbox.calendar_core as calendar_core
from tests.sandbox.test_calendar_helpers import opt, primary_id
from tests.support.live import LiveServer


def _create(client, summary, perms="public", option=None):
    req = CreateCalendarRequest.builder().request_body(
        Calendar.builder().summary(summary).description("team cal").permissions(perms).build()).build()
    return client.calendar.v4.calendar.create(req, option) if option else client.calendar.v4.calendar.create(req)


def test_primary_tenant_is_the_bots_and_user_is_their_own(lark_client, lark_user_client, user_token):
    from lark_oapi.api.calendar.v4 import PrimaryCalendarRequest
    resp = lark_client.calendar.v4.calendar.primary(PrimaryCalendarRequest.builder().build())
    assert resp.success() and resp.msg == "success"
    uc = resp.data.calendars[0]
    assert uc.user_id == "ou_yue_bot" and uc.calendar.type == "primary" and uc.calendar.role == "owner"
    assert uc.calendar.calendar_id.startswith("feishu.cn_") and uc.calendar.calendar_id.endswith("@group.calendar.feishu.cn")
    tok = user_token("ou_alice")
    mine = lark_user_client.calendar.v4.calendar.primary(PrimaryCalendarRequest.builder().user_id_type("union_id").build(), opt(tok))
    assert mine.success() and mine.data.calendars[0].user_id == "on_alice"
    bad = lark_client.calendar.v4.calendar.primary(PrimaryCalendarRequest.builder().user_id_type("user_id").build())
    assert bad.code == 190002 and "user_id_type" in bad.msg


def test_primarys_and_mget(lark_client):
    resp = lark_client.calendar.v4.calendar.primarys(PrimarysCalendarRequest.builder().request_body(
        PrimarysCalendarRequestBody.builder().user_ids(["ou_alice", "ou_bob"]).build()).build())
    assert resp.success() and [c.user_id for c in resp.data.calendars] == ["ou_alice", "ou_bob"]
    assert resp.data.calendars[0].calendar.role == "free_busy_reader"
    ids = [c.calendar.calendar_id for c in resp.data.calendars]
    got = lark_client.calendar.v4.calendar.mget(MgetCalendarRequest.builder().request_body(
        MgetCalendarRequestBody.builder().calendar_ids(ids).build()).build())
    assert got.success() and [c.calendar_id for c in got.data.calendars] == ids
    ghost = lark_client.calendar.v4.calendar.primarys(PrimarysCalendarRequest.builder().request_body(
        PrimarysCalendarRequestBody.builder().user_ids(["ou_ghost"]).build()).build())
    assert ghost.code == 195100


def test_create_get_patch_list_delete(lark_client):
    created = _create(lark_client, "Launch 发布")
    assert created.success()
    cal = created.data.calendar
    assert (cal.type, cal.role, cal.permissions, cal.color) == ("shared", "owner", "public", -14513409)
    got = lark_client.calendar.v4.calendar.get(GetCalendarRequest.builder().calendar_id(cal.calendar_id).build())
    assert got.success() and got.data.summary == "Launch 发布" and got.data.role == "owner"   # flat data
    patched = lark_client.calendar.v4.calendar.patch(PatchCalendarRequest.builder().calendar_id(cal.calendar_id)
                                                     .request_body(Calendar.builder().description("new").build()).build())
    assert patched.success() and patched.data.calendar.description == "new" and patched.data.calendar.summary == "Launch 发布"
    listed = lark_client.calendar.v4.calendar.list(ListCalendarRequest.builder().page_size(50).build())
    assert listed.success() and listed.data.has_more is False and listed.data.sync_token
    assert cal.calendar_id in [c.calendar_id for c in listed.data.calendar_list]
    assert isinstance(listed.data.calendar_list, list)
    deleted = lark_client.calendar.v4.calendar.delete(DeleteCalendarRequest.builder().calendar_id(cal.calendar_id).build())
    assert deleted.success()
    again = lark_client.calendar.v4.calendar.get(GetCalendarRequest.builder().calendar_id(cal.calendar_id).build())
    assert again.code == 191003 and again.raw.status_code == 403
    synced = lark_client.calendar.v4.calendar.list(ListCalendarRequest.builder().sync_token(listed.data.sync_token).build())
    assert synced.success() and any(c.calendar_id == cal.calendar_id and c.is_deleted for c in synced.data.calendar_list)


def test_calendar_errors(lark_client, lark_user_client, user_token):
    unknown = lark_client.calendar.v4.calendar.get(
        GetCalendarRequest.builder().calendar_id("feishu.cn_nope@group.calendar.feishu.cn").build())
    assert unknown.code == 191000 and unknown.raw.status_code == 404
    malformed = lark_client.calendar.v4.calendar.get(GetCalendarRequest.builder().calendar_id("not-a-calendar").build())
    assert malformed.code == 191001
    bad_perm = _create(lark_client, "x", perms="everyone")
    assert bad_perm.code == 190002 and "permissions" in bad_perm.msg
    primary = primary_id(lark_client)
    cannot = lark_client.calendar.v4.calendar.delete(DeleteCalendarRequest.builder().calendar_id(primary).build())
    assert cannot.code == 191004
    shared = _create(lark_client, "Bot only", perms="private").data.calendar.calendar_id
    bob = opt(user_token("ou_bob"))
    hidden = lark_user_client.calendar.v4.calendar.get(GetCalendarRequest.builder().calendar_id(shared).build(), bob)
    assert hidden.code == 191002 and hidden.raw.status_code == 403
    sub = lark_user_client.calendar.v4.calendar.subscribe(SubscribeCalendarRequest.builder().calendar_id(shared).build(), bob)
    assert sub.code == 191006


def test_search_subscribe_unsubscribe(lark_client, lark_user_client, user_token):
    cid = _create(lark_client, "Company holidays 公司假期").data.calendar.calendar_id
    found = lark_client.calendar.v4.calendar.search(SearchCalendarRequest.builder().request_body(
        SearchCalendarRequestBody.builder().query("holidays").build()).build())
    assert found.success() and [c.calendar_id for c in found.data.items] == [cid]
    empty = lark_client.calendar.v4.calendar.search(SearchCalendarRequest.builder().request_body(
        SearchCalendarRequestBody.builder().query("").build()).build())
    assert empty.code == 190002 and "query" in empty.msg
    carol = opt(user_token("ou_carol"))
    sub = lark_user_client.calendar.v4.calendar.subscribe(SubscribeCalendarRequest.builder().calendar_id(cid).build(), carol)
    assert sub.success() and sub.data.calendar.role == "reader"
    listed = lark_user_client.calendar.v4.calendar.list(ListCalendarRequest.builder().build(), carol)
    assert cid in [c.calendar_id for c in listed.data.calendar_list]
    unsub = lark_user_client.calendar.v4.calendar.unsubscribe(UnsubscribeCalendarRequest.builder().calendar_id(cid).build(), carol)
    assert unsub.success()
    twice = lark_user_client.calendar.v4.calendar.unsubscribe(UnsubscribeCalendarRequest.builder().calendar_id(cid).build(), carol)
    assert twice.code == 190002


def test_subscription_limit(lark_client, lark_user_client, user_token, monkeypatch):
    """The real cap is 1000 calendars; the constant is lowered to 3 here so the test stays fast."""
    cals = [_create(lark_client, f"Public {i}").data.calendar.calendar_id for i in range(3)]
    monkeypatch.setattr(calendar_core, "MAX_SUBSCRIPTIONS", 3)
    erin = opt(user_token("ou_erin"))
    primary_id(lark_user_client, erin)    # her primary calendar is in her list: 1 of 3
    results = [lark_user_client.calendar.v4.calendar.subscribe(
        SubscribeCalendarRequest.builder().calendar_id(c).build(), erin) for c in cals]
    assert [r.code for r in results] == [0, 0, 191005]
    assert "limit" in results[2].msg


def test_event_push_subscriptions_are_user_only(lark_client, lark_user_client, user_token, sandbox_state):
    with pytest.raises(Exception):  # noqa: B017 - the SDK's own error type is not public
        lark_client.calendar.v4.calendar.subscription(SubscriptionCalendarRequest.builder().build())
    tenant = lark_client.calendar.v4.calendar.list(ListCalendarRequest.builder().build())
    assert tenant.success()
    tok = user_token("ou_alice")
    ok = lark_user_client.calendar.v4.calendar.subscription(SubscriptionCalendarRequest.builder().build(), opt(tok))
    assert ok.success()
    created = _create(lark_user_client, "Alice's projects", option=opt(tok))
    assert created.success()
    sandbox_state.delivery.wait_idle(5)
    assert any(r.event_type == "calendar.calendar.changed_v4" for r in sandbox_state.delivery.records.values())
    off = lark_user_client.calendar.v4.calendar.unsubscription(UnsubscriptionCalendarRequest.builder().build(), opt(tok))
    assert off.success()
    from lark_oapi.api.calendar.v4 import PrimaryCalendarRequest
    bot_token = lark_client.calendar.v4.calendar.primary(PrimaryCalendarRequest.builder().build()).raw
    assert bot_token.status_code == 200
    tenant_tok = sandbox_tenant_token(lark_client)
    wrong = lark_user_client.calendar.v4.calendar.subscription(SubscriptionCalendarRequest.builder().build(),
                                                               lark.RequestOption.builder().user_access_token(tenant_tok).build())
    assert wrong.code == 99991668


def sandbox_tenant_token(client: lark.Client) -> str:
    from lark_oapi.core.token.manager import TokenManager
    return TokenManager.get_self_tenant_token(client._config)


def test_acls(lark_client, lark_user_client, user_token, sandbox_state):
    alice = opt(user_token("ou_alice"))
    cid = primary_id(lark_user_client, alice)
    sub = lark_user_client.calendar.v4.calendar_acl.subscription(
        SubscriptionCalendarAclRequest.builder().calendar_id(cid).build(), alice)
    assert sub.success()
    req = CreateCalendarAclRequest.builder().calendar_id(cid).request_body(
        CalendarAcl.builder().role("writer").scope(AclScope.builder().type("user").user_id("ou_bob").build()).build()).build()
    acl = lark_user_client.calendar.v4.calendar_acl.create(req, alice)
    assert acl.success() and acl.data.role == "writer" and acl.data.scope.user_id == "ou_bob"   # flat ACL
    again = lark_user_client.calendar.v4.calendar_acl.create(req, alice)
    assert again.data.acl_id == acl.data.acl_id
    listed = lark_user_client.calendar.v4.calendar_acl.list(ListCalendarAclRequest.builder().calendar_id(cid).build(), alice)
    assert listed.success() and [a.acl_id for a in listed.data.acls] == [acl.data.acl_id]
    bob = opt(user_token("ou_bob"))
    not_owner = lark_user_client.calendar.v4.calendar_acl.list(ListCalendarAclRequest.builder().calendar_id(cid).build(), bob)
    assert not_owner.code == 191002
    bad_role = lark_user_client.calendar.v4.calendar_acl.create(CreateCalendarAclRequest.builder().calendar_id(cid).request_body(
        CalendarAcl.builder().role("unknown").scope(AclScope.builder().type("user").user_id("ou_bob").build()).build()).build(), alice)
    assert bad_role.code == 190002 and "role" in bad_role.msg
    gone = lark_user_client.calendar.v4.calendar_acl.delete(
        DeleteCalendarAclRequest.builder().calendar_id(cid).acl_id(acl.data.acl_id).build(), alice)
    assert gone.success()
    missing = lark_user_client.calendar.v4.calendar_acl.delete(
        DeleteCalendarAclRequest.builder().calendar_id(cid).acl_id(acl.data.acl_id).build(), alice)
    assert missing.code == 192000 and missing.raw.status_code == 404
    sandbox_state.delivery.wait_idle(5)
    kinds = [r.event_type for r in sandbox_state.delivery.records.values()]
    assert "calendar.calendar.acl.created_v4" in kinds and "calendar.calendar.acl.deleted_v4" in kinds
    pushed = next(r for r in sandbox_state.delivery.records.values() if r.event_type == "calendar.calendar.acl.created_v4")
    assert pushed.envelope["event"]["scope"]["user_id"]["open_id"] == "ou_bob"
    off = lark_user_client.calendar.v4.calendar_acl.unsubscription(
        UnsubscriptionCalendarAclRequest.builder().calendar_id(cid).build(), alice)
    assert off.success()


def test_restart_keeps_calendars_and_events(sandbox_settings, sandbox_today):
    from tests.sandbox.conftest import _client
    from tests.sandbox.test_calendar_helpers import make_event, ts
    with LiveServer(lambda port: sandbox.create_app(sandbox_settings.with_(port=port), sandbox_today)) as srv:
        client = _client(srv.url, False)
        cid = _create(client, "Survives").data.calendar.calendar_id
        eid = make_event(client, cid, ts(2030, 1, 7, 10), ts(2030, 1, 7, 11), "Kept").data.event.event_id
    with LiveServer(lambda port: sandbox.create_app(sandbox_settings.with_(port=port), sandbox_today)) as srv:
        client = _client(srv.url, False)
        from lark_oapi.api.calendar.v4 import GetCalendarEventRequest
        assert client.calendar.v4.calendar.get(GetCalendarRequest.builder().calendar_id(cid).build()).data.summary == "Survives"
        ev = client.calendar.v4.calendar_event.get(GetCalendarEventRequest.builder().calendar_id(cid).event_id(eid).build())
        assert ev.success() and ev.data.event.summary == "Kept"
