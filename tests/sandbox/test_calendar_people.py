"""Contract: attendees, chat members, free/busy (list and batch), time-off, CalDAV and Exchange
through lark-oapi; the attendee and free/busy limits; the tenant/user token split; the seeded
week and the agenda back door."""
from __future__ import annotations

import datetime as dt

import pytest
import requests
from lark_oapi.api.calendar.v4 import (BatchDeleteCalendarEventAttendeeRequest,
                                       BatchDeleteCalendarEventAttendeeRequestBody, BatchFreebusyRequest,
                                       BatchFreebusyRequestBody, CreateExchangeBindingRequest,
                                       CreateTimeoffEventRequest, DeleteExchangeBindingRequest,
                                       DeleteTimeoffEventRequest, ExchangeBinding, GenerateCaldavConfSettingRequest,
                                       GenerateCaldavConfSettingRequestBody, GetExchangeBindingRequest,
                                       ListCalendarEventAttendeeChatMemberRequest, ListCalendarEventAttendeeRequest,
                                       ListFreebusyRequest, ListFreebusyRequestBody, TimeoffEvent)

import sandbox
import sandbox.calendar_core as calendar_core
from tests.support.live import LiveServer
from tests.sandbox.test_calendar_calendars import sandbox_tenant_token
from tests.sandbox.test_calendar_helpers import add_attendees, make_event, opt, primary_id, tenant_as_user_option, ts

CN = dt.timezone(dt.timedelta(hours=8))


def fb(client, who: str, lo: dt.datetime, hi: dt.datetime, room: bool = False, option=None):
    b = ListFreebusyRequestBody.builder().time_min(lo.isoformat()).time_max(hi.isoformat())
    b = b.room_id(who) if room else b.user_id(who)
    req = ListFreebusyRequest.builder().request_body(b.build()).build()
    return client.calendar.v4.freebusy.list(req, option) if option else client.calendar.v4.freebusy.list(req)


def test_attendees_create_list_delete_and_chat_members(lark_client, timeline):
    cid = primary_id(lark_client)
    eid = make_event(lark_client, cid, ts(2031, 1, 6, 10), ts(2031, 1, 6, 11), "Team").data.event.event_id
    added = add_attendees(lark_client, cid, eid, users=["ou_alice"], rooms=["omm_everest"], chats=["oc_team"])
    assert added.success()
    kinds = {a.type: a for a in added.data.attendees}
    assert kinds["user"].attendee_id.startswith("user_") and kinds["resource"].rsvp_status == "needs_action"
    timeline.advance(60)       # the room answers asynchronously
    again = add_attendees(lark_client, cid, eid, users=["ou_alice", "ou_bob"])
    assert sorted(a.user_id for a in again.data.attendees if a.type == "user") == ["ou_alice", "ou_bob"]   # all attendees
    listed = lark_client.calendar.v4.calendar_event_attendee.list(ListCalendarEventAttendeeRequest.builder().calendar_id(cid).event_id(eid).build())
    assert listed.success() and len(listed.data.items) == 4 and listed.data.has_more is False
    members = lark_client.calendar.v4.calendar_event_attendee_chat_member.list(
        ListCalendarEventAttendeeChatMemberRequest.builder().calendar_id(cid).event_id(eid)
        .attendee_id(kinds["chat"].attendee_id).page_size(100).build())
    assert members.success() and "ou_carol" in [m.open_id for m in members.data.items]
    not_chat = lark_client.calendar.v4.calendar_event_attendee_chat_member.list(
        ListCalendarEventAttendeeChatMemberRequest.builder().calendar_id(cid).event_id(eid).attendee_id(kinds["user"].attendee_id).build())
    assert not_chat.code == 194000
    gone = lark_client.calendar.v4.calendar_event_attendee.batch_delete(BatchDeleteCalendarEventAttendeeRequest.builder()
        .calendar_id(cid).event_id(eid).request_body(BatchDeleteCalendarEventAttendeeRequestBody.builder()
                                                     .attendee_ids([kinds["user"].attendee_id]).build()).build())
    assert gone.success()
    missing = lark_client.calendar.v4.calendar_event_attendee.batch_delete(BatchDeleteCalendarEventAttendeeRequest.builder()
        .calendar_id(cid).event_id(eid).request_body(BatchDeleteCalendarEventAttendeeRequestBody.builder()
                                                     .attendee_ids([kinds["user"].attendee_id]).build()).build())
    assert missing.code == 194000
    from lark_oapi.api.calendar.v4 import CalendarEventAttendee, CreateCalendarEventAttendeeRequest, CreateCalendarEventAttendeeRequestBody
    weird = lark_client.calendar.v4.calendar_event_attendee.create(CreateCalendarEventAttendeeRequest.builder().calendar_id(cid).event_id(eid)
        .request_body(CreateCalendarEventAttendeeRequestBody.builder().attendees([CalendarEventAttendee.builder().type("robot").build()]).build()).build())
    assert weird.code == 194004
    ghost = add_attendees(lark_client, cid, eid, users=["ou_ghost"])
    assert ghost.code == 195100


def test_attendee_limits(lark_client, monkeypatch):
    """3000 per event and 1000 per request are Feishu's; the per-event cap is lowered to 5 here
    (the tenant has 12 people), the per-request cap is checked at its real value."""
    cid = primary_id(lark_client)
    eid = make_event(lark_client, cid, ts(2031, 1, 7, 10), ts(2031, 1, 7, 11)).data.event.event_id
    too_many = add_attendees(lark_client, cid, eid, users=[f"ou_{i}" for i in range(1001)])
    assert too_many.code == 190002 and "1000" in too_many.msg
    rooms = add_attendees(lark_client, cid, eid, rooms=["omm_everest"] * 101)
    assert rooms.code == 190002 and "rooms" in rooms.msg
    monkeypatch.setattr(calendar_core, "MAX_ATTENDEES", 5)
    people = ["ou_alice", "ou_bob", "ou_carol", "ou_dave", "ou_erin", "ou_frank"]
    over = add_attendees(lark_client, cid, eid, users=people)
    assert over.code == 190002 and "at most 5 attendees" in over.msg
    assert add_attendees(lark_client, cid, eid, users=people[:5]).success()


def test_attendee_permissions(lark_client, lark_user_client, user_token):
    cid = primary_id(lark_client)
    eid = make_event(lark_client, cid, ts(2031, 1, 8, 10), ts(2031, 1, 8, 11)).data.event.event_id
    add_attendees(lark_client, cid, eid, users=["ou_bob"])
    bob = opt(user_token("ou_bob"))
    bob_cal = primary_id(lark_user_client, bob)
    invite = add_attendees(lark_user_client, bob_cal, eid, users=["ou_carol"], option=bob)
    assert invite.code == 194002 and invite.raw.status_code == 403
    listing = lark_user_client.calendar.v4.calendar_event_attendee.list(
        ListCalendarEventAttendeeRequest.builder().calendar_id(bob_cal).event_id(eid).build(), bob)
    assert listing.code == 194001
    remove = lark_user_client.calendar.v4.calendar_event_attendee.batch_delete(BatchDeleteCalendarEventAttendeeRequest.builder()
        .calendar_id(bob_cal).event_id(eid).request_body(BatchDeleteCalendarEventAttendeeRequestBody.builder()
                                                         .attendee_ids(["user_x"]).build()).build(), bob)
    assert remove.code == 194003


def test_freebusy_counts_attended_recurring_rooms_and_leave(lark_client, timeline):
    """Grace is in no seeded meeting, so her week holds only what this test books."""
    cid = primary_id(lark_client)
    series = make_event(lark_client, cid, ts(2031, 2, 3, 9, 30), ts(2031, 2, 3, 9, 45), "Daily",
                        recurrence="FREQ=DAILY;COUNT=5").data.event
    add_attendees(lark_client, cid, series.event_id, users=["ou_grace"], rooms=["omm_kunlun"])
    timeline.advance(60)
    free = make_event(lark_client, cid, ts(2031, 2, 4, 13), ts(2031, 2, 4, 14), "Optional", free_busy="free").data.event
    add_attendees(lark_client, cid, free.event_id, users=["ou_grace"])
    uid = series.event_id[:-2]
    from lark_oapi.api.calendar.v4 import DeleteCalendarEventRequest
    lark_client.calendar.v4.calendar_event.delete(DeleteCalendarEventRequest.builder().calendar_id(cid)
                                                  .event_id(f"{uid}_{ts(2031, 2, 5, 9, 30)}").build())
    timeoff = lark_client.calendar.v4.timeoff_event.create(CreateTimeoffEventRequest.builder().request_body(
        TimeoffEvent.builder().user_id("ou_grace").timezone("Asia/Shanghai").start_time("2031-02-07")
        .end_time("2031-02-07").title("Leave").build()).build())
    assert timeoff.success() and timeoff.data.timeoff_event_id.startswith("timeoff:")
    lo, hi = dt.datetime(2031, 2, 3, tzinfo=CN), dt.datetime(2031, 2, 10, tzinfo=CN)
    resp = fb(lark_client, "ou_grace", lo, hi)
    assert resp.success()
    got = [(i.start_time, i.end_time) for i in resp.data.freebusy_list]
    assert got == [("2031-02-03T09:30:00+08:00", "2031-02-03T09:45:00+08:00"),
                   ("2031-02-04T09:30:00+08:00", "2031-02-04T09:45:00+08:00"),
                   ("2031-02-06T09:30:00+08:00", "2031-02-06T09:45:00+08:00"),
                   ("2031-02-07T00:00:00+08:00", "2031-02-08T00:00:00+08:00"),     # leave
                   ("2031-02-07T09:30:00+08:00", "2031-02-07T09:45:00+08:00")]
    with_free = lark_client.calendar.v4.freebusy.list(ListFreebusyRequest.builder().request_body(
        ListFreebusyRequestBody.builder().time_min(lo.isoformat()).time_max(hi.isoformat()).user_id("ou_grace")
        .only_busy(False).need_rsvp_status(True).build()).build())
    assert len(with_free.data.freebusy_list) == 6 and with_free.data.freebusy_list[0].rsvp_status == "needs_action"
    room = fb(lark_client, "omm_kunlun", lo, hi, room=True)
    assert room.success() and "2031-02-03T09:30:00+08:00" in [i.start_time for i in room.data.freebusy_list]
    clash = make_event(lark_client, cid, ts(2031, 2, 3, 9), ts(2031, 2, 3, 10), "Clash").data.event
    booked = add_attendees(lark_client, cid, clash.event_id, rooms=["omm_kunlun"])
    assert next(a for a in booked.data.attendees if a.type == "resource").rsvp_status == "needs_action"
    timeline.advance(60)
    listed = lark_client.calendar.v4.calendar_event_attendee.list(
        ListCalendarEventAttendeeRequest.builder().calendar_id(cid).event_id(clash.event_id).build())
    assert next(a for a in listed.data.items if a.type == "resource").rsvp_status == "decline"
    gone = lark_client.calendar.v4.timeoff_event.delete(DeleteTimeoffEventRequest.builder()
                                                        .timeoff_event_id(timeoff.data.timeoff_event_id).build())
    assert gone.success()
    again = lark_client.calendar.v4.timeoff_event.delete(DeleteTimeoffEventRequest.builder()
                                                         .timeoff_event_id(timeoff.data.timeoff_event_id).build())
    assert again.code == 193001


def test_freebusy_across_zones_and_limits(lark_client):
    cid = primary_id(lark_client)
    la = "America/Los_Angeles"
    eid = make_event(lark_client, cid, ts(2031, 3, 3, 17, tz=la), ts(2031, 3, 3, 18, tz=la), tz=la).data.event.event_id
    add_attendees(lark_client, cid, eid, users=["ou_carol"])
    lo = dt.datetime(2031, 3, 4, tzinfo=CN)
    resp = fb(lark_client, "ou_carol", lo, lo + dt.timedelta(days=1))
    assert [i.start_time for i in resp.data.freebusy_list] == ["2031-03-04T09:00:00+08:00"]
    wide = fb(lark_client, "ou_carol", lo, lo + dt.timedelta(days=91))
    assert wide.code == 190002 and "90 days" in wide.msg
    backwards = fb(lark_client, "ou_carol", lo, lo - dt.timedelta(hours=1))
    assert backwards.code == 190002 and "time_max" in backwards.msg
    nobody = lark_client.calendar.v4.freebusy.list(ListFreebusyRequest.builder().request_body(
        ListFreebusyRequestBody.builder().time_min(lo.isoformat()).time_max((lo + dt.timedelta(days=1)).isoformat()).build()).build())
    assert nobody.code == 190002 and "user_id" in nobody.msg
    batch = lark_client.calendar.v4.freebusy.batch(BatchFreebusyRequest.builder().request_body(
        BatchFreebusyRequestBody.builder().time_min(lo.isoformat()).time_max((lo + dt.timedelta(days=1)).isoformat())
        .user_ids(["ou_carol", "ou_bob"]).build()).build())
    assert batch.success() and [u.user_id for u in batch.data.freebusy_lists] == ["ou_carol", "ou_bob"]
    assert len(batch.data.freebusy_lists[0].freebusy_items) == 1 and isinstance(batch.data.freebusy_lists[1].freebusy_items, list)
    eleven = lark_client.calendar.v4.freebusy.batch(BatchFreebusyRequest.builder().request_body(
        BatchFreebusyRequestBody.builder().time_min(lo.isoformat()).time_max((lo + dt.timedelta(days=1)).isoformat())
        .user_ids(["ou_bob"] * 11).build()).build())
    assert eleven.code == 190002 and "user_ids" in eleven.msg


def test_token_split_timeoff_caldav_exchange(lark_client, lark_user_client, user_token):
    alice_tok = user_token("ou_alice")
    # A user token where only a tenant token is accepted.
    refused = lark_user_client.calendar.v4.timeoff_event.create(CreateTimeoffEventRequest.builder().request_body(
        TimeoffEvent.builder().user_id("ou_alice").start_time("2031-05-01").end_time("2031-05-01").build()).build(),
        tenant_as_user_option(alice_tok))
    assert refused.code == 99991663 and refused.raw.status_code == 400
    bad = lark_client.calendar.v4.timeoff_event.create(CreateTimeoffEventRequest.builder().request_body(
        TimeoffEvent.builder().user_id("ou_alice").timezone("Asia/Shanghai").start_time("2031-05-01")
        .end_time("1999999999").build()).build())
    assert bad.code == 190002 and "start_time" in bad.msg
    tenant_tok = sandbox_tenant_token(lark_client)
    as_tenant = opt(tenant_tok)
    caldav_refused = lark_user_client.calendar.v4.setting.generate_caldav_conf(GenerateCaldavConfSettingRequest.builder()
        .request_body(GenerateCaldavConfSettingRequestBody.builder().device_name("iPhone").build()).build(), as_tenant)
    assert caldav_refused.code == 99991668
    with pytest.raises(Exception):  # noqa: B017 - the default (tenant) client cannot even send a user-only call
        lark_client.calendar.v4.setting.generate_caldav_conf(GenerateCaldavConfSettingRequest.builder()
            .request_body(GenerateCaldavConfSettingRequestBody.builder().build()).build())
    conf = lark_user_client.calendar.v4.setting.generate_caldav_conf(GenerateCaldavConfSettingRequest.builder()
        .request_body(GenerateCaldavConfSettingRequestBody.builder().device_name("iPhone").build()).build(), opt(alice_tok))
    assert conf.success() and conf.data.device_name == "iPhone" and conf.data.server_address and conf.data.password
    binding = ExchangeBinding.builder().admin_account("admin@corp.example").exchange_account("alice@corp.example").user_id("ou_alice").build()
    ex_refused = lark_user_client.calendar.v4.exchange_binding.create(CreateExchangeBindingRequest.builder().request_body(binding).build(), as_tenant)
    assert ex_refused.code == 99991668
    made = lark_user_client.calendar.v4.exchange_binding.create(CreateExchangeBindingRequest.builder().request_body(binding).build(), opt(alice_tok))
    assert made.success() and made.data.status and made.data.user_id == "ou_alice"
    bid = made.data.exchange_binding_id
    got = lark_user_client.calendar.v4.exchange_binding.get(GetExchangeBindingRequest.builder().exchange_binding_id(bid).build(), opt(alice_tok))
    assert got.success() and got.data.exchange_account == "alice@corp.example"
    assert lark_user_client.calendar.v4.exchange_binding.delete(DeleteExchangeBindingRequest.builder().exchange_binding_id(bid).build(), opt(alice_tok)).success()
    missing = lark_user_client.calendar.v4.exchange_binding.get(GetExchangeBindingRequest.builder().exchange_binding_id(bid).build(), opt(alice_tok))
    assert missing.code == 190002 and "exchange_binding_id" in missing.msg


def test_seeded_week_and_agenda(sandbox_settings, sandbox_today):
    """The demo week (sandbox_empty off): stand-ups with Wednesday's moved, the 1:1, Dave's
    leave, Everest booked every afternoon — read through the agenda and free/busy."""
    from tests.sandbox.conftest import _client
    with LiveServer(lambda port: sandbox.create_app(sandbox_settings.with_(port=port, sandbox_empty=False),
                                                    sandbox_today)) as srv:
        _check_seeded_week(srv, sandbox_today, _client(srv.url, False))


def _check_seeded_week(sandbox_server, sandbox_today, lark_client):
    monday = dt.datetime.combine(sandbox_today - dt.timedelta(days=sandbox_today.weekday()), dt.time(), CN)
    q = {"from": monday.isoformat(), "to": (monday + dt.timedelta(days=7)).isoformat()}
    alice = requests.get(f"{sandbox_server.url}/sandbox/api/people/ou_alice/agenda", params=q, timeout=10)
    assert alice.status_code == 200
    items = alice.json()
    standups = [i for i in items if i["summary"].startswith("Daily stand-up")]
    assert len(standups) == 5 and all(i["recurring"] for i in standups)
    assert "10:00:00" in standups[2]["start"]                     # Wednesday's moved occurrence
    one_on_one = [i for i in items if i["summary"].startswith("1:1")]
    assert len(one_on_one) == 1 and "16:00:00+08:00" in one_on_one[0]["start"] and one_on_one[0]["rooms"] == ["Taishan 泰山"]
    dave = requests.get(f"{sandbox_server.url}/sandbox/api/people/ou_dave/agenda", params=q, timeout=10).json()
    assert any(i["kind"] == "timeoff" for i in dave)
    everest = fb(lark_client, "omm_everest", monday, monday + dt.timedelta(days=7), room=True)
    afternoons = [i.start_time for i in everest.data.freebusy_list if "T14:00:00" in i.start_time]
    assert len(afternoons) == 7
    assert requests.get(f"{sandbox_server.url}/sandbox/api/people/ou_ghost/agenda", params=q, timeout=10).status_code == 404
    bad = requests.get(f"{sandbox_server.url}/sandbox/api/people/ou_alice/agenda", params={"from": "monday", "to": "x"}, timeout=10)
    assert bad.status_code == 400 and "from" in bad.json()["error"]
