"""Contract: calendar v4 events through lark-oapi — create with idempotency_key, get, patch,
delete, list, search, instances, instance_view, subscriptions; recurrence with an exception and
a cancelled occurrence; a series across the November DST switch in Los Angeles."""
from __future__ import annotations

import time

from lark_oapi.api.calendar.v4 import (CalendarEvent, DeleteCalendarEventRequest, EventSearchFilter,
                                       GetCalendarEventRequest, InstancesCalendarEventRequest,
                                       InstanceViewCalendarEventRequest, ListCalendarEventRequest,
                                       PatchCalendarEventRequest, SearchCalendarEventRequest,
                                       SearchCalendarEventRequestBody, SubscriptionCalendarEventRequest,
                                       UnsubscriptionCalendarEventRequest)

from tests.sandbox.test_calendar_helpers import add_attendees, make_event, opt, primary_id, tinfo, ts


def test_create_get_and_idempotency(lark_client):
    cid = primary_id(lark_client)
    first = make_event(lark_client, cid, ts(2030, 3, 4, 15), ts(2030, 3, 4, 16), "Kickoff", key="book-1")
    assert first.success() and first.msg == "success"
    ev = first.data.event
    assert ev.event_id.endswith("_0") and ev.organizer_calendar_id == cid
    assert ev.start_time.timestamp == str(ts(2030, 3, 4, 15)) and ev.start_time.timezone == "Asia/Shanghai"
    assert (ev.status, ev.visibility, ev.free_busy_status, ev.attendee_ability) == ("confirmed", "default", "busy", "none")
    assert isinstance(ev.create_time, str) and ev.event_organizer.user_id == "ou_yue_bot"
    again = make_event(lark_client, cid, ts(2030, 3, 4, 15), ts(2030, 3, 4, 16), "Kickoff", key="book-1")
    assert again.success() and again.data.event.event_id == ev.event_id       # same key → same event
    got = lark_client.calendar.v4.calendar_event.get(GetCalendarEventRequest.builder().calendar_id(cid)
                                                     .event_id(ev.event_id).need_attendee(True).build())
    assert got.success() and got.data.event.summary == "Kickoff" and got.data.event.attendees == []


def test_create_rejects_bad_input_naming_the_field(lark_client):
    cid = primary_id(lark_client)
    backwards = make_event(lark_client, cid, ts(2030, 3, 4, 16), ts(2030, 3, 4, 15))
    assert backwards.code == 190002 and "end_time" in backwards.msg and backwards.raw.status_code == 400
    rrule = make_event(lark_client, cid, ts(2030, 3, 4, 15), ts(2030, 3, 4, 16), recurrence="FREQ=SOMETIMES")
    assert rrule.code == 190002 and "recurrence" in rrule.msg
    both = make_event(lark_client, cid, ts(2030, 3, 4, 15), ts(2030, 3, 4, 16), recurrence="FREQ=DAILY;COUNT=2;UNTIL=20300401")
    assert both.code == 190002 and "recurrence" in both.msg
    from lark_oapi.api.calendar.v4 import CreateCalendarEventRequest
    missing = lark_client.calendar.v4.calendar_event.create(CreateCalendarEventRequest.builder().calendar_id(cid)
                                                            .request_body(CalendarEvent.builder().summary("x").build()).build())
    assert missing.code == 190002 and "start_time" in missing.msg
    unknown = lark_client.calendar.v4.calendar_event.get(GetCalendarEventRequest.builder().calendar_id(cid)
                                                         .event_id("0a1b2c3d-0000-4000-8000-000000000000_0").build())
    assert unknown.code == 193001 and unknown.raw.status_code == 404
    malformed = lark_client.calendar.v4.calendar_event.get(GetCalendarEventRequest.builder().calendar_id(cid).event_id("nope").build())
    assert malformed.code == 193000


def test_patch_delete_and_permissions(lark_client, lark_user_client, user_token):
    cid = primary_id(lark_client)
    eid = make_event(lark_client, cid, ts(2030, 3, 5, 10), ts(2030, 3, 5, 11), "Review").data.event.event_id
    patched = lark_client.calendar.v4.calendar_event.patch(PatchCalendarEventRequest.builder().calendar_id(cid).event_id(eid)
                                                           .request_body(CalendarEvent.builder().description("agenda").build()).build())
    assert patched.success() and patched.data.event.summary == "Review" and patched.data.event.description == "agenda"
    only_start = lark_client.calendar.v4.calendar_event.patch(PatchCalendarEventRequest.builder().calendar_id(cid).event_id(eid)
                                                              .request_body(CalendarEvent.builder().start_time(tinfo(ts(2030, 3, 5, 9))).build()).build())
    assert only_start.data.event.start_time.timestamp == str(ts(2030, 3, 5, 10))    # both or nothing
    add_attendees(lark_client, cid, eid, users=["ou_bob"])
    bob = opt(user_token("ou_bob"))
    bob_cal = primary_id(lark_user_client, bob)
    rename = lark_user_client.calendar.v4.calendar_event.patch(PatchCalendarEventRequest.builder().calendar_id(bob_cal).event_id(eid)
                                                               .request_body(CalendarEvent.builder().summary("Mine").build()).build(), bob)
    assert rename.code == 193002 and rename.raw.status_code == 403
    own_color = lark_user_client.calendar.v4.calendar_event.patch(PatchCalendarEventRequest.builder().calendar_id(bob_cal).event_id(eid)
                                                                  .request_body(CalendarEvent.builder().color(-1234).build()).build(), bob)
    assert own_color.success() and own_color.data.event.color == -1234
    assert lark_client.calendar.v4.calendar_event.get(GetCalendarEventRequest.builder().calendar_id(cid).event_id(eid).build()).data.event.color == -1
    refused = lark_user_client.calendar.v4.calendar_event.delete(DeleteCalendarEventRequest.builder().calendar_id(bob_cal).event_id(eid).build(), bob)
    assert refused.code == 193002
    gone = lark_client.calendar.v4.calendar_event.delete(DeleteCalendarEventRequest.builder().calendar_id(cid).event_id(eid)
                                                         .need_notification("false").build())
    assert gone.success()
    after = lark_client.calendar.v4.calendar_event.get(GetCalendarEventRequest.builder().calendar_id(cid).event_id(eid).build())
    assert after.code == 193003


def test_private_event_is_busy_to_others(lark_client, lark_user_client, user_token):
    from tests.sandbox.test_calendar_calendars import _create
    alice = opt(user_token("ou_alice"))
    cid = _create(lark_user_client, "Alice public", option=alice).data.calendar.calendar_id
    eid = make_event(lark_user_client, cid, ts(2030, 4, 1, 12), ts(2030, 4, 1, 13), "Doctor", visibility="private",
                     option=alice).data.event.event_id
    bob = opt(user_token("ou_bob"))
    seen = lark_user_client.calendar.v4.calendar_event.get(GetCalendarEventRequest.builder().calendar_id(cid).event_id(eid).build(), bob)
    assert seen.success() and seen.data.event.summary == "" and seen.data.event.start_time.timestamp == str(ts(2030, 4, 1, 12))
    own = lark_user_client.calendar.v4.calendar_event.get(GetCalendarEventRequest.builder().calendar_id(cid).event_id(eid).build(), alice)
    assert own.data.event.summary == "Doctor"


def test_list_modes_and_sync(lark_client):
    cid = primary_id(lark_client)
    ids = [make_event(lark_client, cid, ts(2030, 5, d, 10), ts(2030, 5, d, 11), f"E{d}").data.event.event_id for d in (1, 2, 3)]
    window = lark_client.calendar.v4.calendar_event.list(ListCalendarEventRequest.builder().calendar_id(cid)
                                                        .start_time(str(ts(2030, 5, 2))).end_time(str(ts(2030, 5, 4))).build())
    assert window.success() and [e.event_id for e in window.data.items] == ids[1:] and not window.data.page_token
    full = lark_client.calendar.v4.calendar_event.list(ListCalendarEventRequest.builder().calendar_id(cid).build())
    assert full.success() and full.data.sync_token and set(ids) <= {e.event_id for e in full.data.items}
    lark_client.calendar.v4.calendar_event.delete(DeleteCalendarEventRequest.builder().calendar_id(cid).event_id(ids[0]).build())
    delta = lark_client.calendar.v4.calendar_event.list(ListCalendarEventRequest.builder().calendar_id(cid)
                                                       .sync_token(full.data.sync_token).build())
    assert [(e.event_id, e.status) for e in delta.data.items] == [(ids[0], "cancelled")]
    conflict = lark_client.calendar.v4.calendar_event.list(ListCalendarEventRequest.builder().calendar_id(cid)
                                                          .sync_token(full.data.sync_token).start_time("1").end_time("2").build())
    assert conflict.code == 190009
    stale = lark_client.calendar.v4.calendar_event.list(ListCalendarEventRequest.builder().calendar_id(cid).sync_token("junk").build())
    assert stale.code == 190008


def test_recurrence_exception_cancelled_and_instance_view(lark_client):
    cid = primary_id(lark_client)
    series = make_event(lark_client, cid, ts(2030, 6, 3, 9, 30), ts(2030, 6, 3, 9, 45), "Stand-up",
                        recurrence="FREQ=DAILY;COUNT=5").data.event
    uid = series.event_id[:-2]
    moved = f"{uid}_{ts(2030, 6, 4, 9, 30)}"
    p = lark_client.calendar.v4.calendar_event.patch(PatchCalendarEventRequest.builder().calendar_id(cid).event_id(moved)
                                                     .request_body(CalendarEvent.builder().start_time(tinfo(ts(2030, 6, 4, 11)))
                                                                   .end_time(tinfo(ts(2030, 6, 4, 11, 15))).build()).build())
    assert p.success() and p.data.event.is_exception and p.data.event.recurring_event_id == series.event_id
    cancelled = f"{uid}_{ts(2030, 6, 5, 9, 30)}"
    assert lark_client.calendar.v4.calendar_event.delete(DeleteCalendarEventRequest.builder().calendar_id(cid).event_id(cancelled).build()).success()
    view = lark_client.calendar.v4.calendar_event.instance_view(InstanceViewCalendarEventRequest.builder().calendar_id(cid)
                                                               .start_time(str(ts(2030, 6, 1))).end_time(str(ts(2030, 6, 10))).build())
    assert view.success()
    starts = [int(i.start_time.timestamp) for i in view.data.items if i.summary == "Stand-up"]
    assert starts == [ts(2030, 6, 3, 9, 30), ts(2030, 6, 4, 11), ts(2030, 6, 6, 9, 30), ts(2030, 6, 7, 9, 30)]
    inst = lark_client.calendar.v4.calendar_event.instances(InstancesCalendarEventRequest.builder().calendar_id(cid)
                                                           .event_id(series.event_id).start_time(str(ts(2030, 6, 1)))
                                                           .end_time(str(ts(2030, 6, 10))).build())
    assert inst.success() and len(inst.data.items) == 4 and inst.data.has_more is False
    assert inst.data.items[0].event_id == f"{uid}_{ts(2030, 6, 3, 9, 30)}"
    listed = lark_client.calendar.v4.calendar_event.list(ListCalendarEventRequest.builder().calendar_id(cid).build())
    mine = [e for e in listed.data.items if e.event_id.startswith(uid)]
    assert {e.event_id for e in mine} == {series.event_id, moved, cancelled}          # master + exceptions, not expanded
    assert next(e for e in mine if e.event_id == cancelled).status == "cancelled"
    too_long = lark_client.calendar.v4.calendar_event.instance_view(InstanceViewCalendarEventRequest.builder().calendar_id(cid)
                                                                   .start_time(str(ts(2030, 6, 1))).end_time(str(ts(2030, 7, 15))).build())
    assert too_long.code == 193103


def test_dst_series_in_los_angeles(lark_client):
    cid = primary_id(lark_client)
    la = "America/Los_Angeles"
    make_event(lark_client, cid, ts(2030, 10, 30, 9, tz=la), ts(2030, 10, 30, 10, tz=la), "LA sync", tz=la,
               recurrence="FREQ=DAILY;COUNT=8")
    view = lark_client.calendar.v4.calendar_event.instance_view(InstanceViewCalendarEventRequest.builder().calendar_id(cid)
                                                               .start_time(str(ts(2030, 10, 29))).end_time(str(ts(2030, 11, 10))).build())
    starts = [int(i.start_time.timestamp) for i in view.data.items if i.summary == "LA sync"]
    assert starts == [ts(2030, 10, d, 9, tz=la) for d in (30, 31)] + [ts(2030, 11, d, 9, tz=la) for d in range(1, 7)]
    assert starts[4] - starts[3] == 25 * 3600         # 3 Nov 2030: clocks fall back, 09:00 stays 09:00


def test_search_and_event_subscription(lark_client, lark_user_client, user_token, sandbox_state, timeline):
    alice = opt(user_token("ou_alice"))
    cid = primary_id(lark_user_client, alice)
    sub = SubscriptionCalendarEventRequest.builder().calendar_id(cid).build()
    assert lark_user_client.calendar.v4.calendar_event.subscription(sub, alice).success()
    now = int(time.time())
    make_event(lark_user_client, cid, now + 3600, now + 7200, "Budget review 预算", option=alice)
    timeline.advance(3)
    cid_bot = primary_id(lark_client)
    found = lark_user_client.calendar.v4.calendar_event.search(SearchCalendarEventRequest.builder().calendar_id(cid).request_body(
        SearchCalendarEventRequestBody.builder().query("budget").build()).build(), alice)
    assert found.success() and [e.summary for e in found.data.items] == ["Budget review 预算"]
    filtered = lark_user_client.calendar.v4.calendar_event.search(SearchCalendarEventRequest.builder().calendar_id(cid).request_body(
        SearchCalendarEventRequestBody.builder().query("budget").filter(
            EventSearchFilter.builder().user_ids(["ou_bob"]).build()).build()).build(), alice)
    assert filtered.success() and filtered.data.items == []
    sandbox_state.delivery.wait_idle(5)
    pushed = [r.envelope["event"] for r in sandbox_state.delivery.records.values()
              if r.event_type == "calendar.calendar.event.changed_v4"]
    assert pushed and pushed[-1]["calendar_id"] == cid and pushed[-1]["change_type"] == "create"
    unsub = UnsubscriptionCalendarEventRequest.builder().calendar_id(cid).build()
    assert lark_user_client.calendar.v4.calendar_event.unsubscription(unsub, alice).success()
    bad = lark_user_client.calendar.v4.calendar_event.subscription(SubscriptionCalendarEventRequest.builder()
                                                                   .calendar_id("feishu.cn_x@group.calendar.feishu.cn").build(), alice)
    assert bad.code == 191000
    # Documented as user_access_token only: the app's own calendar with the tenant token is refused.
    as_app = lark_client.calendar.v4.calendar_event.subscription(
        SubscriptionCalendarEventRequest.builder().calendar_id(cid_bot).build())
    assert as_app.code == 99991668 and "user_access_token" in as_app.msg
