"""The sandbox's CalDAV server through a real, independent client (the `caldav` package):
discovery, the calendar list, a week with a recurring series and its moved occurrence, create /
modify (ETag) / delete, 412 on a conflicting write, 401 on a wrong or replaced password, and
writes showing in free/busy and the sandbox agenda."""
from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import caldav
import icalendar
import pytest
import requests
from caldav.lib import error as dav_error

from tests.caldav.conftest import week_of

SH = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hh: int, mm: int = 0, tz=SH) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tz)


def vevent(uid: str, summary: str, start: dt.datetime, end: dt.datetime, rrule: str = "") -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", f"UID:{uid}",
             "DTSTAMP:20260101T000000Z", f"SUMMARY:{summary}",
             f"DTSTART;TZID=Asia/Shanghai:{start:%Y%m%dT%H%M%S}", f"DTEND;TZID=Asia/Shanghai:{end:%Y%m%dT%H%M%S}"]
    if rrule:
        lines.append(f"RRULE:{rrule}")
    return "\r\n".join(lines + ["END:VEVENT", "END:VCALENDAR", ""])


def primary(acc) -> caldav.Calendar:
    cals = acc.client().principal().calendars()
    assert cals, "no calendar listed"
    return cals[0]


def test_discovery_through_well_known_lists_the_primary_calendar(app, account):
    acc = account("ou_alice", "discover")
    assert acc.server == f"{app.url}/caldav/"
    hop = requests.request("PROPFIND", f"{app.url}/.well-known/caldav", allow_redirects=False, timeout=10)
    assert hop.status_code == 301 and hop.headers["Location"].endswith("/caldav/")
    principal = acc.client(url=f"{app.url}/.well-known/caldav").principal()
    cals = principal.calendars()
    assert [c.get_display_name() for c in cals] == ["王丽"]            # Alice's primary, named as in Feishu
    assert cals[0].get_supported_components() == ["VEVENT"]
    props = cals[0].get_properties([caldav.elements.dav.DisplayName(), caldav.elements.cdav.CalendarTimeZone()])
    tz = icalendar.Calendar.from_ical(props["{urn:ietf:params:xml:ns:caldav}calendar-timezone"])
    assert [str(t["TZID"]) for t in tz.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_a_week_with_the_recurring_standup_and_its_moved_occurrence(app, account):
    cal = primary(account("ou_alice", "week"))
    monday, sunday = week_of(dt.date.today())
    found = cal.search(start=at(monday, 0), end=at(sunday, 0), event=True)
    by_summary = {o.icalendar_component["SUMMARY"]: o for o in found}
    assert {"Daily stand-up 每日站会", "1:1 Alice / Bob", "Q3 planning 季度规划", "Design sync",
            "Doctor appointment"} <= set(by_summary)
    standup = icalendar.Calendar.from_ical(by_summary["Daily stand-up 每日站会"].data)
    events = standup.walk("VEVENT")
    master = next(e for e in events if "RECURRENCE-ID" not in e)
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    moved = [e for e in events if "RECURRENCE-ID" in e]
    assert len(moved) == 1 and moved[0]["RECURRENCE-ID"].dt == at(monday + dt.timedelta(days=2), 9, 30)
    assert moved[0].start == at(monday + dt.timedelta(days=2), 10, 0)
    assert [str(t["TZID"]) for t in standup.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    # Expanded by the client: Wednesday at 10:00, the other weekdays at 09:30.
    expanded = [o.icalendar_component for o in cal.search(start=at(monday, 0), end=at(sunday, 0), event=True,
                                                          expand=True)
                if o.icalendar_component["SUMMARY"] == "Daily stand-up 每日站会"]
    starts = sorted(c.start.astimezone(SH).time() for c in expanded)
    assert len(expanded) == 5 and starts.count(dt.time(10, 0)) == 1 and starts.count(dt.time(9, 30)) == 4


def test_time_range_expands_recurrence_and_drops_one_off_events(app, account):
    cal = primary(account("ou_alice", "range"))
    monday, _ = week_of(dt.date.today())
    later = monday + dt.timedelta(days=7 * 30)
    found = {o.icalendar_component["SUMMARY"] for o in cal.search(start=at(later, 0),
                                                                   end=at(later + dt.timedelta(days=7), 0), event=True)}
    assert "Daily stand-up 每日站会" in found and "1:1 Alice / Bob" in found
    assert "Q3 planning 季度规划" not in found and "Design sync" not in found


def test_create_modify_with_etag_and_delete(app, account):
    acc = account("ou_bob", "crud")
    cal = primary(acc)
    day = dt.date.today() + dt.timedelta(days=3)
    uid = str(uuid.uuid4())
    obj = cal.save_event(vevent(uid, "Budget review via CalDAV", at(day, 15), at(day, 16)))
    url = str(obj.url)
    http = requests.Session()
    http.auth = (acc.user, acc.password)
    got = http.get(url, timeout=10)
    assert got.status_code == 200 and "Budget review via CalDAV" in got.text
    etag = got.headers["ETag"]
    # A stale ETag: 412 and nothing changes.
    stale = http.put(url, data=vevent(uid, "Overwritten", at(day, 17), at(day, 18)),
                     headers={"If-Match": '"not-the-etag"', "Content-Type": "text/calendar"}, timeout=10)
    assert stale.status_code == 412
    assert "Budget review via CalDAV" in http.get(url, timeout=10).text
    # Creating over an existing object with If-None-Match: * is refused too.
    clash = http.put(url, data=vevent(uid, "Clash", at(day, 17), at(day, 18)),
                     headers={"If-None-Match": "*", "Content-Type": "text/calendar"}, timeout=10)
    assert clash.status_code == 412
    moved = http.put(url, data=vevent(uid, "Budget review (moved)", at(day, 17), at(day, 18)),
                     headers={"If-Match": etag, "Content-Type": "text/calendar"}, timeout=10)
    assert moved.status_code == 204 and "ETag" not in moved.headers     # stored transformed: no validator
    current = http.get(url, timeout=10)
    assert "Budget review (moved)" in current.text and current.headers["ETag"] != etag
    assert [(e["start"], e["summary"]) for e in app.events("ou_bob", "Budget review (moved)", day,
                                                          day + dt.timedelta(days=1))] == \
        [(at(day, 17).isoformat(), "Budget review (moved)")]
    # The old ETag no longer deletes; the current one does.
    assert http.delete(url, headers={"If-Match": etag}, timeout=10).status_code == 412
    assert http.delete(url, headers={"If-Match": current.headers["ETag"]}, timeout=10).status_code == 204
    assert http.get(url, timeout=10).status_code == 404
    assert not app.events("ou_bob", "Budget review (moved)", day, day + dt.timedelta(days=1))


def test_an_event_written_over_caldav_is_busy_in_freebusy(app, account):
    cal = primary(account("ou_henry", "fb"))
    day = dt.date.today() + dt.timedelta(days=5)
    before = app.bot.feishu.freebusy(["ou_henry"], [], at(day, 0), at(day + dt.timedelta(days=1), 0))["ou_henry"]
    cal.save_event(vevent(str(uuid.uuid4()), "Dentist", at(day, 19), at(day, 20)))
    after = app.bot.feishu.freebusy(["ou_henry"], [], at(day, 0), at(day + dt.timedelta(days=1), 0))["ou_henry"]
    assert (at(day, 19), at(day, 20)) not in before
    assert (at(day, 19), at(day, 20)) in [(a.astimezone(SH), b.astimezone(SH)) for a, b in after]


def test_client_uids_and_names_are_kept(app, account):
    """Apple and Google write UIDs and resource names that are not Feishu ids; they round-trip."""
    acc = account("ou_kevin", "names")
    cal = primary(acc)
    day = dt.date.today() + dt.timedelta(days=2)
    uid = "040000008200E00074C5B7101A82E008-Apple@example.com"
    cal.save_event(vevent(uid, "Apple-style", at(day, 8), at(day, 9), rrule="FREQ=DAILY;COUNT=3"))
    obj = cal.event_by_uid(uid)
    assert obj.icalendar_component["UID"] == uid and obj.icalendar_component["RRULE"].to_ical() == b"FREQ=DAILY;COUNT=3"
    assert len(app.events("ou_kevin", "Apple-style", day, day + dt.timedelta(days=5))) == 3


def test_wrong_or_replaced_password_is_401(app, account):
    acc = account("ou_lin", "phone")
    assert primary(acc)
    with pytest.raises(dav_error.AuthorizationError):
        acc.client(password=acc.password + "x").principal()
    r = requests.request("PROPFIND", acc.server, auth=(acc.user, "nope"), headers={"Depth": "0"}, timeout=10)
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Basic ")
    newer = account("ou_lin", "phone")            # the same device asks again: the old password is revoked
    assert requests.request("PROPFIND", acc.server, auth=(acc.user, acc.password), headers={"Depth": "0"},
                            timeout=10).status_code == 401
    assert primary(newer)
    assert requests.request("PROPFIND", acc.server, headers={"Depth": "0"}, timeout=10).status_code == 401


def test_sync_token_reports_exactly_what_changed(app, account):
    acc = account("ou_ivy", "sync")
    cal = primary(acc)
    first = cal.objects_by_sync_token(load_objects=False)
    token = first.sync_token
    assert len(list(first)) >= 1
    day = dt.date.today() + dt.timedelta(days=4)
    made = cal.save_event(vevent(str(uuid.uuid4()), "Sync me", at(day, 11), at(day, 12)))
    changed = cal.objects_by_sync_token(sync_token=token, load_objects=False)
    assert [unquote(str(o.url)) for o in changed] == [unquote(str(made.url))]
    made.delete()
    gone = cal.objects_by_sync_token(sync_token=changed.sync_token, load_objects=False)
    assert [unquote(str(o.url)) for o in gone] == [unquote(str(made.url))]
    assert cal.objects_by_sync_token(sync_token=gone.sync_token, load_objects=False).objects == []
    unknown = requests.request("REPORT", str(cal.url), auth=(acc.user, acc.password), timeout=10, data=(
        '<d:sync-collection xmlns:d="DAV:"><d:sync-token>http://yue.sandbox/sync/forgotten</d:sync-token>'
        '<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>'))
    assert unknown.status_code == 403 and "valid-sync-token" in unknown.text


def test_bad_input_is_refused_and_changes_nothing(app, account):
    acc = account("ou_alice", "bad")
    cal = primary(acc)
    http = requests.Session()
    http.auth = (acc.user, acc.password)
    url = f"{str(cal.url).rstrip('/')}/broken.ics"
    bad = http.put(url, data="just some text, not a calendar", headers={"Content-Type": "text/calendar"}, timeout=10)
    assert bad.status_code == 400 and "iCalendar" in bad.text
    todo = http.put(url, data="BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\n"
                              "END:VCALENDAR\r\n",
                    headers={"Content-Type": "text/calendar"}, timeout=10)
    assert todo.status_code == 400 and "VEVENT" in todo.text
    bomb = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            '<d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&b;</d:displayname></d:prop></d:propfind>')
    assert http.request("PROPFIND", str(cal.url), data=bomb, headers={"Depth": "0"}, timeout=10).status_code == 400
    assert http.get(url, timeout=10).status_code == 404
    rename = http.request("PROPPATCH", str(cal.url), timeout=10, data=(
        '<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>Mine</d:displayname></d:prop></d:set>'
        '</d:propertyupdate>'))
    assert rename.status_code == 207 and "403 Forbidden" in rename.text and "displayname" in rename.text
    assert cal.get_display_name() == "王丽"                              # names live in Feishu: not pretended
    assert http.request("MKCALENDAR", f"{str(cal.url).rstrip('/')}-2/", timeout=10).status_code == 403
    other = requests.request("PROPFIND", f"{app.url}/caldav/u_someone_else/", auth=(acc.user, acc.password),
                             timeout=10)
    assert other.status_code == 403


def test_a_calendar_shared_read_only_is_listed_but_not_writable(app, account):
    carol = account("ou_carol", "share")
    token = account.tokens["ou_carol"]
    primary_resp = requests.post(f"{app.url}/open-apis/calendar/v4/calendars/primary", timeout=10,
                                 headers={"Authorization": f"Bearer {token}"}).json()
    cal_id = primary_resp["data"]["calendars"][0]["calendar"]["calendar_id"]
    r = requests.post(f"{app.url}/open-apis/calendar/v4/calendars/{cal_id}/acls", timeout=10,
                      headers={"Authorization": f"Bearer {token}"},
                      json={"role": "reader", "scope": {"type": "user", "user_id": "ou_jonas"}})
    assert r.json()["code"] == 0, r.text
    assert carol
    jonas = account("ou_jonas", "share")
    cals = jonas.client().principal().calendars()
    assert len(cals) == 2 and cal_id in unquote(str(cals[1].url))        # his primary first, then Carol's
    shared = cals[1]
    day = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(dav_error.AuthorizationError) as refused:
        shared.save_event(vevent(str(uuid.uuid4()), "Not allowed", at(day, 9), at(day, 10)))
    assert refused.value.status == 403
    assert "Design sync" in {o.icalendar_component["SUMMARY"] for o in shared.events()}


def test_alarms_round_trip_as_feishu_reminders(app, account):
    acc = account("ou_grace", "alarm")
    cal = primary(acc)
    day = dt.date.today() + dt.timedelta(days=6)
    body = vevent(str(uuid.uuid4()), "With an alert", at(day, 9), at(day, 10)).replace(
        "END:VEVENT", "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT")
    obj = cal.save_event(body)
    back = icalendar.Calendar.from_ical(requests.get(str(obj.url), auth=(acc.user, acc.password), timeout=10).content)
    assert [a["TRIGGER"].dt for a in back.walk("VALARM")] == [dt.timedelta(minutes=-15)]
    token = account.tokens["ou_grace"]
    cal_id = unquote(str(cal.url)).rstrip("/").rsplit("/", 1)[-1]
    start = int(at(day, 0).timestamp())
    items = requests.get(f"{app.url}/open-apis/calendar/v4/calendars/{cal_id}/events",
                         params={"start_time": start, "end_time": start + 86400},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10).json()["data"]["items"]
    assert [e["reminders"] for e in items if e["summary"] == "With an alert"] == [[{"minutes": 15}]]


def test_an_attendee_reads_but_cannot_rewrite_the_organizers_event(app, account):
    acc = account("ou_henry", "attendee")
    cal = primary(acc)
    monday, sunday = week_of(dt.date.today())
    standup = next(o for o in cal.search(start=at(monday, 0), end=at(sunday, 0), event=True)
                   if o.icalendar_component["SUMMARY"] == "Daily stand-up 每日站会")
    http = requests.Session()
    http.auth = (acc.user, acc.password)
    privs = http.request("PROPFIND", str(standup.url), headers={"Depth": "0"}, timeout=10, data=(
        '<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-privilege-set/></d:prop></d:propfind>'))
    assert privs.status_code == 207 and "<d:read />" in privs.text and "write" not in privs.text
    before = http.get(str(standup.url), timeout=10)
    refused = http.put(str(standup.url), data=before.text.replace("Daily stand-up", "Hijacked"),
                       headers={"If-Match": before.headers["ETag"], "Content-Type": "text/calendar"}, timeout=10)
    assert refused.status_code == 403
    assert http.delete(str(standup.url), timeout=10).status_code == 403
    assert http.get(str(standup.url), timeout=10).text == before.text
