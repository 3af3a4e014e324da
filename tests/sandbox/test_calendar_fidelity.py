"""Contract (issue 18, sandbox fidelity): rooms answer later, per-person event fields, reader-only
event reads, user-only change subscriptions, events.list paging and page sizes, Exchange binding
statuses, time-off's required timezone, the 3-second change window, and card JSON 2.0 checks —
each through lark-oapi against the sandbox, with the sandbox's timeline stopped (no real waits)."""
from __future__ import annotations

import datetime as dt
import json

import requests
from lark_oapi.api.calendar.v4 import (AclScope, CalendarAcl, CalendarEvent, CreateCalendarAclRequest,
                                       CreateExchangeBindingRequest, CreateTimeoffEventRequest, ExchangeBinding,
                                       GetCalendarEventRequest, GetExchangeBindingRequest,
                                       InstanceViewCalendarEventRequest, InstancesCalendarEventRequest,
                                       ListCalendarEventAttendeeRequest, ListCalendarEventRequest, ListFreebusyRequest,
                                       ListFreebusyRequestBody, PatchCalendarEventRequest, Reminder,
                                       ReplyCalendarEventRequest, ReplyCalendarEventRequestBody,
                                       SubscriptionCalendarEventRequest, TimeoffEvent,
                                       UnsubscriptionCalendarEventRequest)
from lark_oapi.api.im.v1 import CreateMessageRequest, CreateMessageRequestBody

from tests.sandbox.test_calendar_helpers import add_attendees, make_event, opt, primary_id, ts

CN = dt.timezone(dt.timedelta(hours=8))
CHANGED = "calendar.calendar.event.changed_v4"


def pushes(state, event_id: str | None = None) -> list[dict]:
    state.delivery.wait_idle(5)
    return [r.envelope["event"] for r in state.delivery.records.values() if r.event_type == CHANGED
            and (event_id is None or r.envelope["event"]["calendar_event_id"] == event_id)]


def subscribe(client, cid: str, option) -> None:
    assert client.calendar.v4.calendar_event.subscription(
        SubscriptionCalendarEventRequest.builder().calendar_id(cid).build(), option).success()


def room_status(client, cid: str, eid: str, option=None) -> str:
    req = ListCalendarEventAttendeeRequest.builder().calendar_id(cid).event_id(eid).build()
    resp = client.calendar.v4.calendar_event_attendee.list(req, option) if option else \
        client.calendar.v4.calendar_event_attendee.list(req)
    assert resp.success(), resp.msg
    return next(a.rsvp_status for a in resp.data.items if a.type == "resource")


# 1 ------------------------------------------------------------------------------------------------

def test_a_room_starts_needs_action_and_answers_later_with_a_change_push(lark_user_client, user_token,
                                                                          sandbox_state, timeline):
    alice = opt(user_token("ou_alice"))
    cid = primary_id(lark_user_client, alice)
    subscribe(lark_user_client, cid, alice)
    first = make_event(lark_user_client, cid, ts(2031, 6, 2, 10), ts(2031, 6, 2, 11), "Room A", option=alice).data.event
    clash = make_event(lark_user_client, cid, ts(2031, 6, 2, 10, 30), ts(2031, 6, 2, 11, 30), "Room B",
                       option=alice).data.event
    timeline.delays.room = 5.0
    added = add_attendees(lark_user_client, cid, first.event_id, rooms=["omm_kunlun"], option=alice)
    assert next(a for a in added.data.attendees if a.type == "resource").rsvp_status == "needs_action"
    add_attendees(lark_user_client, cid, clash.event_id, rooms=["omm_kunlun"], option=alice)
    timeline.advance(3.5)       # the creates' change windows close; the rooms have not answered yet
    assert room_status(lark_user_client, cid, first.event_id, alice) == "needs_action"
    before = len(pushes(sandbox_state, first.event_id))
    timeline.advance(60)         # both rooms answer (in order of invitation) …
    assert pushes(sandbox_state, first.event_id)[before:] == []
    timeline.advance(3)          # … and their change windows close
    assert room_status(lark_user_client, cid, first.event_id, alice) == "accept"
    assert room_status(lark_user_client, cid, clash.event_id, alice) == "decline"     # busy at that time
    after = pushes(sandbox_state, first.event_id)[before:]
    assert [p["change_type"] for p in after] == ["update"] and after[0]["calendar_id"] == cid
    assert pushes(sandbox_state, clash.event_id)[-1]["change_type"] == "update"


def test_immediate_mode_answers_within_the_request(lark_client, sandbox_server):
    r = requests.post(f"{sandbox_server.url}/sandbox/api/timeline", json={"room_delay": None}, timeout=5)
    assert r.status_code == 200 and r.json()["room_delay"] is None
    cid = primary_id(lark_client)
    eid = make_event(lark_client, cid, ts(2031, 6, 3, 10), ts(2031, 6, 3, 11), "Now").data.event.event_id
    added = add_attendees(lark_client, cid, eid, rooms=["omm_everest"])
    assert next(a for a in added.data.attendees if a.type == "resource").rsvp_status == "accept"
    bad = requests.post(f"{sandbox_server.url}/sandbox/api/timeline", json={"room_delay": -1, "manual": True},
                        timeout=5)
    assert bad.status_code == 400 and "room_delay" in bad.json()["error"]
    assert requests.get(f"{sandbox_server.url}/sandbox/api/timeline", timeout=5).json()["manual"] is False


# 2 ------------------------------------------------------------------------------------------------

def _get(client, cid, eid, option):
    resp = client.calendar.v4.calendar_event.get(GetCalendarEventRequest.builder().calendar_id(cid).event_id(eid)
                                                 .build(), option)
    assert resp.success(), resp.msg
    return resp.data.event


def _busy(client, who: str, day: dt.date) -> list[str]:
    lo = dt.datetime(day.year, day.month, day.day, tzinfo=CN)
    resp = client.calendar.v4.freebusy.list(ListFreebusyRequest.builder().request_body(
        ListFreebusyRequestBody.builder().time_min(lo.isoformat()).time_max((lo + dt.timedelta(days=1)).isoformat())
        .user_id(who).build()).build())
    assert resp.success(), resp.msg
    return [i.start_time for i in resp.data.freebusy_list]


def test_personal_fields_change_only_for_the_caller(lark_client, lark_user_client, user_token):
    alice, bob = opt(user_token("ou_alice")), opt(user_token("ou_bob"))
    cid = primary_id(lark_user_client, alice)
    eid = make_event(lark_user_client, cid, ts(2031, 7, 1, 10), ts(2031, 7, 1, 11), "Plan", option=alice,
                     visibility="public").data.event.event_id
    add_attendees(lark_user_client, cid, eid, users=["ou_bob"], option=alice)
    patch = PatchCalendarEventRequest.builder().calendar_id(cid).event_id(eid).request_body(
        CalendarEvent.builder().visibility("private").free_busy_status("free").color(-1).summary("Plan v2")
        .reminders([Reminder.builder().minutes(30).build()]).build()).build()
    mine = lark_user_client.calendar.v4.calendar_event.patch(patch, alice)       # the organizer
    assert mine.success() and mine.data.event.visibility == "private" and mine.data.event.free_busy_status == "free"
    bob_cid = primary_id(lark_user_client, bob)
    seen_by_bob = _get(lark_user_client, bob_cid, eid, bob)
    assert seen_by_bob.summary == "Plan v2"                     # a global field: everyone sees it
    assert (seen_by_bob.visibility, seen_by_bob.free_busy_status, seen_by_bob.reminders) == ("public", "busy", [])
    assert _busy(lark_client, "ou_alice", dt.date(2031, 7, 1)) == []           # free for Alice only
    assert _busy(lark_client, "ou_bob", dt.date(2031, 7, 1)) == ["2031-07-01T10:00:00+08:00"]
    bob_patch = PatchCalendarEventRequest.builder().calendar_id(bob_cid).event_id(eid).request_body(
        CalendarEvent.builder().free_busy_status("free").build()).build()
    assert lark_user_client.calendar.v4.calendar_event.patch(bob_patch, bob).success()
    assert _busy(lark_client, "ou_bob", dt.date(2031, 7, 1)) == []
    alice_view = _get(lark_user_client, cid, eid, alice)
    assert (alice_view.visibility, alice_view.free_busy_status) == ("private", "free")
    assert [r.minutes for r in alice_view.reminders] == [30]


# 3 ------------------------------------------------------------------------------------------------

def test_event_reads_need_reader_but_free_busy_stays_open(lark_client, lark_user_client, user_token):
    alice, bob = opt(user_token("ou_alice")), opt(user_token("ou_bob"))
    cid = primary_id(lark_user_client, alice)       # show_only_free_busy: Bob is a free_busy_reader
    eid = make_event(lark_user_client, cid, ts(2031, 4, 1, 10), ts(2031, 4, 1, 11), "Secret plan",
                     recurrence="FREQ=DAILY;COUNT=3", option=alice).data.event.event_id
    ev = lark_user_client.calendar.v4.calendar_event
    lo, hi = str(ts(2031, 4, 1)), str(ts(2031, 4, 5))
    calls = {
        "get": lambda o: ev.get(GetCalendarEventRequest.builder().calendar_id(cid).event_id(eid).build(), o),
        "list": lambda o: ev.list(ListCalendarEventRequest.builder().calendar_id(cid).start_time(lo).end_time(hi)
                                  .build(), o),
        "instances": lambda o: ev.instances(InstancesCalendarEventRequest.builder().calendar_id(cid).event_id(eid)
                                            .start_time(lo).end_time(hi).build(), o),
        "instance_view": lambda o: ev.instance_view(InstanceViewCalendarEventRequest.builder().calendar_id(cid)
                                                    .start_time(lo).end_time(hi).build(), o),
    }
    for name, call in calls.items():
        refused = call(bob)
        assert (refused.code, refused.raw.status_code) == (191002, 403), (name, refused.code, refused.msg)
    assert _busy(lark_client, "ou_alice", dt.date(2031, 4, 2)) == ["2031-04-02T10:00:00+08:00"]
    grant = CreateCalendarAclRequest.builder().calendar_id(cid).request_body(
        CalendarAcl.builder().role("reader").scope(AclScope.builder().type("user").user_id("ou_bob").build())
        .build()).build()
    assert lark_user_client.calendar.v4.calendar_acl.create(grant, alice).success()
    for name, call in calls.items():
        assert call(bob).success(), name
    assert _get(lark_user_client, cid, eid, bob).summary == "Secret plan"


# 4 ------------------------------------------------------------------------------------------------

def test_event_change_subscription_accepts_only_a_user_token(lark_client, lark_user_client, user_token):
    alice = opt(user_token("ou_alice"))
    cid = primary_id(lark_user_client, alice)
    ev = lark_client.calendar.v4.calendar_event
    for call in (ev.subscription(SubscriptionCalendarEventRequest.builder().calendar_id(cid).build()),
                 ev.unsubscription(UnsubscriptionCalendarEventRequest.builder().calendar_id(cid).build())):
        assert call.code == 99991668 and call.raw.status_code == 400 and "user_access_token" in call.msg
    subscribe(lark_user_client, cid, alice)
    bob = opt(user_token("ou_bob"))                # a free_busy_reader may not subscribe (reader+ documented)
    assert lark_user_client.calendar.v4.calendar_event.subscription(
        SubscriptionCalendarEventRequest.builder().calendar_id(cid).build(), bob).code == 191002


# 5 ------------------------------------------------------------------------------------------------

def _list(client, cid, **q):
    b = ListCalendarEventRequest.builder().calendar_id(cid)
    for k, v in q.items():
        b = getattr(b, k)(v)
    return client.calendar.v4.calendar_event.list(b.build())


def test_events_list_pages_only_with_an_anchor_and_checks_page_size(lark_client, sandbox_state):
    sandbox_state.limiter.enabled = False      # 55 creates in a second; the gateway quota is tested elsewhere
    cid = primary_id(lark_client)
    for i in range(55):
        assert make_event(lark_client, cid, ts(2031, 8, 1, 8) + i * 900, ts(2031, 8, 1, 8) + i * 900 + 600,
                          f"E{i}").success()
    plain = _list(lark_client, cid, page_size=50)
    assert plain.success() and len(plain.data.items) == 50 and not plain.data.page_token
    anchored = _list(lark_client, cid, page_size=50, anchor_time=str(ts(2031, 1, 1)))
    assert len(anchored.data.items) == 50 and anchored.data.has_more and anchored.data.page_token
    rest = _list(lark_client, cid, page_size=50, page_token=anchored.data.page_token)
    assert len(rest.data.items) == 5 and not rest.data.has_more and not rest.data.page_token and rest.data.sync_token
    assert {e.summary for e in anchored.data.items + rest.data.items} == {f"E{i}" for i in range(55)}
    for size in (49, 1001):
        refused = _list(lark_client, cid, page_size=size)
        assert refused.code == 99992402 and "page_size" in refused.msg, size
    few = lark_client.calendar.v4.calendar_event.instances(InstancesCalendarEventRequest.builder().calendar_id(cid)
        .event_id(anchored.data.items[0].event_id).start_time(str(ts(2031, 8, 1))).end_time(str(ts(2031, 8, 2)))
        .page_size(9).build())
    assert few.code == 99992402
    # attendees.list documents "below 10 is treated as 10": clamped, not refused.
    eid = anchored.data.items[0].event_id
    add_attendees(lark_client, cid, eid, users=["ou_alice", "ou_bob"])
    small = lark_client.calendar.v4.calendar_event_attendee.list(
        ListCalendarEventAttendeeRequest.builder().calendar_id(cid).event_id(eid).page_size(1).build())
    assert small.success() and len(small.data.items) == 2
    big = lark_client.calendar.v4.calendar_event_attendee.list(
        ListCalendarEventAttendeeRequest.builder().calendar_id(cid).event_id(eid).page_size(101).build())
    assert big.code == 99992402


# 6 ------------------------------------------------------------------------------------------------

def _binding(client, account: str, option):
    b = ExchangeBinding.builder().admin_account("admin@corp.example").exchange_account(account).user_id("ou_alice")
    return client.calendar.v4.exchange_binding.create(CreateExchangeBindingRequest.builder().request_body(b.build())
                                                      .build(), option)


def _status(client, bid: str, option) -> str:
    got = client.calendar.v4.exchange_binding.get(GetExchangeBindingRequest.builder().exchange_binding_id(bid)
                                                  .build(), option)
    assert got.success(), got.msg
    return got.data.status


def test_exchange_binding_moves_through_its_statuses(lark_user_client, user_token, timeline):
    alice = opt(user_token("ou_alice"))
    made = _binding(lark_user_client, "alice@corp.example", alice)
    assert made.success() and made.data.status == "doing"
    bid = made.data.exchange_binding_id
    seen = [_status(lark_user_client, bid, alice)]
    for _ in range(4):
        timeline.advance(timeline.delays.exchange_step)
        seen.append(_status(lark_user_client, bid, alice))
    assert seen == ["doing", "cal_done", "timespan_done", "done", "done"]
    failing = _binding(lark_user_client, "alice@exchange.invalid", alice).data.exchange_binding_id
    timeline.advance(timeline.delays.exchange_step)
    assert _status(lark_user_client, failing, alice) == "err"
    timeline.advance(60)
    assert _status(lark_user_client, failing, alice) == "err"


# 7 ------------------------------------------------------------------------------------------------

def test_timeoff_needs_a_timezone(lark_client):
    body = TimeoffEvent.builder().user_id("ou_alice").start_time("2031-05-01").end_time("2031-05-01")
    missing = lark_client.calendar.v4.timeoff_event.create(CreateTimeoffEventRequest.builder()
                                                           .request_body(body.build()).build())
    assert missing.code == 190002 and "timezone is required" in missing.msg
    made = lark_client.calendar.v4.timeoff_event.create(CreateTimeoffEventRequest.builder()
                                                        .request_body(body.timezone("Europe/London").build()).build())
    assert made.success() and made.data.timezone == "Europe/London"


# 8 ------------------------------------------------------------------------------------------------

def test_changes_within_three_seconds_are_one_push(lark_user_client, user_token, sandbox_state, timeline):
    alice, bob, carol = (opt(user_token(u)) for u in ("ou_alice", "ou_bob", "ou_carol"))
    cid = primary_id(lark_user_client, alice)
    subscribe(lark_user_client, cid, alice)

    def patch(eid: str, summary: str) -> None:
        req = PatchCalendarEventRequest.builder().calendar_id(cid).event_id(eid).request_body(
            CalendarEvent.builder().summary(summary).build()).build()
        assert lark_user_client.calendar.v4.calendar_event.patch(req, alice).success()

    def reply(eid: str, who, status: str) -> None:
        req = ReplyCalendarEventRequest.builder().calendar_id(primary_id(lark_user_client, who)).event_id(eid) \
            .request_body(ReplyCalendarEventRequestBody.builder().rsvp_status(status).build()).build()
        assert lark_user_client.calendar.v4.calendar_event.reply(req, who).success()

    eid = make_event(lark_user_client, cid, ts(2031, 9, 1, 10), ts(2031, 9, 1, 11), "v1", option=alice) \
        .data.event.event_id
    patch(eid, "v2")
    patch(eid, "v3")
    assert pushes(sandbox_state, eid) == []            # the window is still open
    timeline.advance(3)
    assert [p["change_type"] for p in pushes(sandbox_state, eid)] == ["create"]       # create+update+update
    patch(eid, "v4")
    timeline.advance(2)
    patch(eid, "v5")                                    # 2 s after v4: same window
    timeline.advance(1)
    assert [p["change_type"] for p in pushes(sandbox_state, eid)] == ["create", "update"]
    patch(eid, "v6")
    timeline.advance(4)                                 # a new window of its own
    assert [p["change_type"] for p in pushes(sandbox_state, eid)] == ["create", "update", "update"]
    add_attendees(lark_user_client, cid, eid, users=["ou_bob", "ou_carol"], option=alice)
    timeline.advance(3)
    n = len(pushes(sandbox_state, eid))
    reply(eid, bob, "accept")
    reply(eid, carol, "tentative")
    reply(eid, bob, "decline")
    timeline.advance(3)
    rsvp = pushes(sandbox_state, eid)[n:]
    assert [p["change_type"] for p in rsvp] == ["rsvp"]
    by_person = {i["from_user_id"]["open_id"]: i["rsvp_status"] for i in rsvp[0]["rsvp_infos"]}
    assert by_person == {"ou_bob": "decline", "ou_carol": "tentative"}     # the last answer of each
    # The actor is named only in rsvp_infos: an organizer's edit carries no actor.
    assert all("rsvp_infos" not in p and "operator" not in p for p in pushes(sandbox_state, eid)[:n])
    gone = make_event(lark_user_client, cid, ts(2031, 9, 2, 10), ts(2031, 9, 2, 11), "oops", option=alice) \
        .data.event.event_id
    from lark_oapi.api.calendar.v4 import DeleteCalendarEventRequest
    assert lark_user_client.calendar.v4.calendar_event.delete(
        DeleteCalendarEventRequest.builder().calendar_id(cid).event_id(gone).build(), alice).success()
    timeline.advance(3)
    assert pushes(sandbox_state, gone) == []            # create+delete within 3 s: nothing


# 9 ------------------------------------------------------------------------------------------------

def test_cards_are_checked_as_card_json_2_at_send(lark_client):
    def send(card: dict):
        return lark_client.im.v1.message.create(CreateMessageRequest.builder().receive_id_type("chat_id").request_body(
            CreateMessageRequestBody.builder().receive_id("oc_team").msg_type("interactive")
            .content(json.dumps(card)).build()).build())

    good = {"schema": "2.0", "config": {"update_multi": True},
            "body": {"elements": [{"tag": "markdown", "content": "ok"},
                                  {"tag": "button", "text": {"tag": "plain_text", "content": "Go"},
                                   "behaviors": [{"type": "callback", "value": {"a": "go"}}]}]}}
    assert send(good).success()
    v1 = json.loads(json.dumps(good))
    v1["body"]["elements"].append({"tag": "action", "actions": []})
    refused = send(v1)
    assert refused.code == 230099 and "ErrCode: 200861" in refused.msg
    assert "ROOT -> body -> elements -> [2](tag: action)" in refused.msg
    no_value = json.loads(json.dumps(good))
    no_value["body"]["elements"][1]["behaviors"][0]["value"] = {}
    refused = send(no_value)
    assert refused.code == 230099 and "ErrCode: 200621" in refused.msg and "behaviors -> [0] -> value" in refused.msg
