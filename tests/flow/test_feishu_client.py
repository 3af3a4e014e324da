"""bot.feishu: the pure parts (error kinds, backoff, rate limiter, retry policy) and
the whole client through the real lark-oapi SDK over HTTP — against a tiny local
stub for the retry/token cases and against the sandbox for everything else."""
from __future__ import annotations

import datetime as dt
import json
import time
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests
from flask import Flask, Response, request
from lark_oapi.core.exception import NoAuthorizationException
from lark_oapi.core.token import TokenManager

from bot.config import Settings
from bot.feishu import Feishu, FeishuError
from bot.feishu.core import CallPolicy, Caller, backoff_delay, header, idempotency_uuid, retry_after_seconds
from bot.feishu.errors import classify, redact
from bot.feishu.models import chunks, lang_of, parse_rfc3339, time_info
from bot.feishu.errors import RetryLater
from bot.feishu.limits import MemoryBackend, SharedLimiter, Window
from tests.support.live import LiveServer

SH = ZoneInfo("Asia/Shanghai")


# --- pure parts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("code,status,kind", [
    (193001, 404, "not_found"), (191000, 404, "not_found"), (192000, 404, "not_found"),
    (194000, 404, "not_found"), (195100, 404, "not_found"), (230011, 400, "not_found"),
    (191002, 403, "permission"), (193002, 403, "permission"), (194002, 403, "permission"),
    (99991672, 400, "permission"), (230002, 400, "permission"), (41050, 400, "permission"),
    (99991400, 429, "rate_limit"), (190004, 429, "rate_limit"), (190005, 429, "rate_limit"),
    (230020, 400, "rate_limit"),
    (99991661, 400, "auth"), (99991663, 400, "auth"), (99991668, 400, "auth"), (99991677, 400, "auth"),
    (10014, 200, "auth"),
    (190002, 400, "invalid"), (193103, 400, "invalid"), (99992402, 400, "invalid"), (230099, 400, "invalid"),
    (190003, 500, "unavailable"),
    (987654, 503, "unavailable"), (987654, 429, "rate_limit"), (987654, 404, "not_found"),
    (987654, 403, "permission"), (987654, 400, "invalid"), (987654, None, "other"),
])
def test_classify_maps_feishu_codes_to_kinds(code, status, kind):
    assert classify(code, status) == kind


def test_backoff_grows_with_jitter_and_is_capped():
    lo = [backoff_delay(a, rng=lambda: 0.0) for a in range(8)]
    hi = [backoff_delay(a, rng=lambda: 1.0) for a in range(8)]
    assert lo[0] == pytest.approx(0.05) and hi[0] == pytest.approx(0.1)
    assert lo == sorted(lo) and hi == sorted(hi)
    assert max(hi) == pytest.approx(1.0) and all(l_ >= h / 2 for l_, h in zip(lo, hi, strict=True))


def test_retry_after_header_is_read_case_insensitively():
    assert retry_after_seconds({"X-Ogw-Ratelimit-Reset": "2"}) == 2.0
    assert retry_after_seconds({"x-ogw-ratelimit-reset": "0.5"}) == 0.5
    assert retry_after_seconds({"Retry-After": "3"}) == 3.0
    assert retry_after_seconds({"x-ogw-ratelimit-reset": "soon"}) is None
    assert retry_after_seconds(None) is None
    assert header({"X-Tt-Logid": "abc"}, "x-tt-logid") == "abc"


def test_idempotency_uuid_is_stable_short_and_distinct():
    a, b = idempotency_uuid("draft:42"), idempotency_uuid("draft:42")
    assert a == b and len(a) == 36 and a != idempotency_uuid("draft:43")
    assert idempotency_uuid("draft:42", "event") != idempotency_uuid("draft:42", "message")


def test_redact_hides_tokens():
    text = redact("bad token t-g1044abcdefgh and Bearer u-xyz123456789 here")
    assert "g1044abcdefgh" not in text and "xyz123456789" not in text


class FakeClock:
    def __init__(self):
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.now += s


def test_a_full_window_is_waited_out_within_the_budget_else_retry_later():
    clock = FakeClock()
    lim = SharedLimiter(MemoryBackend(clock), (Window(2, 1.0),), sleep=clock.sleep)
    caller = Caller(lim, lambda: None, retry_budget=2.5, sleep=clock.sleep, clock=clock, key_prefix="cli_x:")
    fn, calls = scripted(FakeResp(), FakeResp(), FakeResp())
    for _ in range(3):
        caller.run("op", fn, CallPolicy(idempotent=True))
    assert len(calls) == 3 and clock.slept and clock.slept[0] == pytest.approx(1.001)  # the 3rd waited for the window
    # a window that will not free a place within the budget: nothing sent, typed RetryLater
    lim = SharedLimiter(MemoryBackend(clock), (Window(1, 60.0),), sleep=clock.sleep)
    caller = Caller(lim, lambda: None, retry_budget=2.5, sleep=clock.sleep, clock=clock)
    fn, calls = scripted(FakeResp(), FakeResp())
    caller.run("op", fn, CallPolicy(idempotent=True))
    with pytest.raises(RetryLater) as ei:
        caller.run("op", fn, CallPolicy(idempotent=True))
    assert len(calls) == 1 and ei.value.kind == "rate_limit" and ei.value.retry_after == pytest.approx(60.0)


def test_background_calls_leave_room_for_a_person():
    from bot.feishu.core import background
    clock = FakeClock()
    lim = SharedLimiter(MemoryBackend(clock), (Window(10, 60.0),), sleep=clock.sleep)
    caller = Caller(lim, lambda: None, sleep=clock.sleep, clock=clock)
    ok = lambda: FakeResp()  # noqa: E731
    with background():
        for _ in range(8):                          # background may fill 80 % of the window at once
            caller.run("op", ok, CallPolicy(idempotent=True))
    assert clock.now == 1000.0
    for _ in range(2):                              # a person's calls still go at once
        caller.run("op", ok, CallPolicy(idempotent=True))
    assert clock.now == 1000.0
    with background():                              # the next background call waits for the window
        caller.run("op", ok, CallPolicy(idempotent=True))
    assert clock.now - 1000.0 == pytest.approx(60.001)


class FakeResp:
    def __init__(self, code=0, msg="success", status=200, headers=None, data="DATA"):
        self.code, self.msg, self.data = code, msg, data
        self.raw = type("Raw", (), {"status_code": status, "headers": headers or {"X-Tt-Logid": "LOG1"}})()


def make_caller(budget=2.5):
    clock = FakeClock()
    resets = []
    caller = Caller(SharedLimiter(MemoryBackend(clock), (Window(1000, 1.0),), sleep=clock.sleep),
                    lambda: resets.append(1), retry_budget=budget,
                    sleep=clock.sleep, clock=clock, rng=lambda: 0.5)
    return caller, clock, resets


def scripted(*outcomes):
    it = iter(outcomes)
    calls = []

    def fn():
        calls.append(1)
        o = next(it)
        if isinstance(o, BaseException):
            raise o
        return o
    return fn, calls


def test_rate_limited_call_is_retried_after_the_reset_header():
    caller, clock, _ = make_caller()
    fn, calls = scripted(FakeResp(99991400, "frequency limit", 429, {"x-ogw-ratelimit-reset": "1"}), FakeResp())
    assert caller.run("op", fn, CallPolicy(idempotent=False)).data == "DATA"   # 429 = refused, safe to repeat
    assert len(calls) == 2 and clock.slept == [1.0]


def test_retries_stop_at_the_budget_with_the_last_error():
    caller, clock, _ = make_caller(budget=2.5)
    fn, calls = scripted(*[FakeResp(99991400, "limit", 429, {"x-ogw-ratelimit-reset": "1", "X-Tt-Logid": "LOG1"})] * 10)
    with pytest.raises(FeishuError) as ei:
        caller.run("op", fn, CallPolicy(idempotent=True))
    assert ei.value.kind == "rate_limit" and ei.value.retry_after == 1.0 and ei.value.log_id == "LOG1"
    assert sum(clock.slept) <= 2.5 and len(calls) == 3


def test_server_errors_retry_only_idempotent_calls():
    caller, _, _ = make_caller()
    fn, calls = scripted(FakeResp(190003, "internal", 500), FakeResp(190003, "internal", 500), FakeResp())
    assert caller.run("op", fn, CallPolicy(idempotent=True)).data == "DATA" and len(calls) == 3
    fn, calls = scripted(FakeResp(190003, "internal", 500), FakeResp())
    with pytest.raises(FeishuError) as ei:
        caller.run("op", fn, CallPolicy(idempotent=False))
    assert ei.value.kind == "unavailable" and len(calls) == 1


def test_network_errors_and_non_json_pages():
    caller, _, _ = make_caller()
    fn, calls = scripted(requests.ConnectionError("boom"), json.JSONDecodeError("x", "<html>502</html>", 0),
                         FakeResp())
    assert caller.run("op", fn, CallPolicy(idempotent=True)).data == "DATA" and len(calls) == 3
    fn, calls = scripted(json.JSONDecodeError("x", "404 page not found", 0), FakeResp())
    with pytest.raises(FeishuError) as ei:          # a wrong route never heals: no retry
        caller.run("op", fn, CallPolicy(idempotent=True))
    assert ei.value.kind == "unavailable" and len(calls) == 1


def test_rejected_tenant_token_is_dropped_and_retried_once():
    caller, _, resets = make_caller()
    fn, calls = scripted(FakeResp(99991663, "Invalid access token", 400), FakeResp())
    assert caller.run("op", fn, CallPolicy(idempotent=False)).data == "DATA"
    assert resets == [1] and len(calls) == 2
    fn, calls = scripted(*[FakeResp(99991663, "Invalid access token", 400)] * 3)
    with pytest.raises(FeishuError) as ei:
        caller.run("op", fn, CallPolicy(idempotent=True))
    assert ei.value.kind == "auth" and len(calls) == 2


def test_user_token_expiry_is_auth_without_touching_the_tenant_token():
    caller, _, resets = make_caller()
    for code in (99991668, 99991677):
        fn, calls = scripted(FakeResp(code, "user token invalid", 400), FakeResp())
        with pytest.raises(FeishuError) as ei:
            caller.run("op", fn, CallPolicy(idempotent=True, user_token=True))
        assert ei.value.kind == "auth" and ei.value.code == code and len(calls) == 1
    assert resets == []
    fn, _ = scripted(NoAuthorizationException("need enable set token"))
    with pytest.raises(FeishuError) as ei:
        caller.run("op", fn, CallPolicy(idempotent=True))
    assert ei.value.kind == "auth"


def test_time_conversions_are_aware():
    TI = type("TI", (), {})
    ti = TI()
    ti.timestamp, ti.timezone, ti.date = "1767225600", "Asia/Shanghai", None
    when, tz, all_day = time_info(ti)
    assert when == dt.datetime(2026, 1, 1, 8, 0, tzinfo=SH) and tz == "Asia/Shanghai" and not all_day
    ti2 = TI()
    ti2.timestamp, ti2.timezone, ti2.date = None, "UTC", "2026-01-02"
    when, tz, all_day = time_info(ti2)
    assert all_day and when == dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    assert parse_rfc3339("2026-01-01T09:00:00+08:00") == dt.datetime(2026, 1, 1, 1, tzinfo=dt.UTC)
    start = dt.datetime(2026, 1, 1, tzinfo=SH)
    parts = chunks(start, start + dt.timedelta(days=200), dt.timedelta(days=90))
    assert [p[1] - p[0] for p in parts] == [dt.timedelta(days=90)] * 2 + [dt.timedelta(days=20)]
    with pytest.raises(ValueError):
        chunks(dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 2), dt.timedelta(days=1))


def test_language_from_raw_contact_json():
    assert lang_of({"language": "en_US"}) == "en"
    assert lang_of({"locale": "zh-CN"}) == "zh"
    assert lang_of({"notification_option": {"language": "ja-JP"}}) == "ja"
    assert lang_of({}) is None


# --- through the SDK over HTTP: a local stub for retry and token cases ------------------------

class Stub:
    """A minimal Open Platform: a token endpoint and one contact route whose answers a
    test scripts. Each test uses its own app_id, because lark-oapi's token cache is
    process-wide and keyed by app_id."""

    def __init__(self, script: list[tuple[int, str, dict]]):
        self.script = list(script)
        self.calls: list[dict] = []
        self.tokens_issued = 0
        app = Flask("stub")

        @app.post("/open-apis/auth/v3/tenant_access_token/internal")
        def token():
            self.tokens_issued += 1
            return {"code": 0, "msg": "ok", "tenant_access_token": f"t-stub{self.tokens_issued}", "expire": 7200}

        @app.get("/open-apis/contact/v3/users/<uid>")
        def user(uid):
            self.calls.append({"t": time.monotonic(), "auth": request.headers.get("Authorization", "")})
            status, body, headers = self.script.pop(0) if self.script else (200, OK_USER, {})
            ctype = "application/json; charset=utf-8" if body.startswith("{") else "text/html"
            return Response(body, status, headers=headers, content_type=ctype)

        self.app = app


OK_USER = json.dumps({"code": 0, "msg": "success", "data": {"user": {
    "open_id": "ou_x", "name": "X", "en_name": "X", "email": "x@example.com", "time_zone": "Europe/Berlin",
    "language": "en_US"}}})


def stub_client(stub: Stub, app_id: str, **kw) -> tuple[Feishu, LiveServer]:
    srv = LiveServer(lambda port: stub.app)
    srv.__enter__()
    return Feishu(Settings().with_(app_id=app_id, app_secret="s"), domain=srv.url, **kw), srv


def test_429_with_reset_header_is_retried_through_the_sdk():
    busy = json.dumps({"code": 99991400, "msg": "request trigger frequency limit"})
    stub = Stub([(429, busy, {"x-ogw-ratelimit-reset": "0.4", "X-Tt-Logid": "L429"})])
    fs, srv = stub_client(stub, "cli_stub_429")
    try:
        p = fs.get_user("ou_x")
        assert p.tz == "Europe/Berlin" and p.lang == "en" and p.email == "x@example.com"
        assert len(stub.calls) == 2 and stub.calls[1]["t"] - stub.calls[0]["t"] >= 0.4
    finally:
        srv.stop()


def test_gateway_html_page_is_unavailable_and_retried_for_reads():
    stub = Stub([(502, "<html>Bad Gateway</html>", {}), (503, "<html>busy</html>", {})])
    fs, srv = stub_client(stub, "cli_stub_502", retry_budget=1.0)
    try:
        assert fs.get_user("ou_x").name == "X" and len(stub.calls) == 3
        stub.script = [(502, "<html>Bad Gateway</html>", {})] * 20
        with pytest.raises(FeishuError) as ei:
            fs.get_user("ou_y")
        assert ei.value.kind == "unavailable"
    finally:
        srv.stop()


def test_rejected_tenant_token_is_refetched_once_through_the_sdk():
    invalid = json.dumps({"code": 99991663, "msg": "Invalid access token for authorization."})
    stub = Stub([(400, invalid, {})])
    fs, srv = stub_client(stub, "cli_stub_token")
    try:
        assert fs.get_user("ou_x").name == "X"
        assert stub.tokens_issued == 2 and stub.calls[0]["auth"] == "Bearer t-stub1"
        assert stub.calls[1]["auth"] == "Bearer t-stub2"
        stub.script = [(400, invalid, {})] * 3          # still refused after one refetch: give up
        with pytest.raises(FeishuError) as ei:
            fs.get_user("ou_z")
        assert ei.value.kind == "auth" and ei.value.code == 99991663 and stub.tokens_issued == 3
    finally:
        srv.stop()


# --- through the SDK over HTTP: the sandbox ----------------------------------------------------

@pytest.fixture(scope="module")
def sb(tmp_path_factory):
    import sandbox
    tmp = tmp_path_factory.mktemp("feishu_sb")
    st = Settings(sandbox_database_url=f"sqlite:///{tmp}/sandbox.db", var_dir=str(tmp))
    srv = LiveServer(lambda port: sandbox.create_app(st.with_(port=port)))
    with srv:
        yield srv, st


@pytest.fixture(scope="module")
def fs(sb):
    srv, st = sb
    client = Feishu(st, domain=srv.url)
    yield client
    client.close()


def consent(fs: Feishu, open_id: str, redirect_uri: str = "http://127.0.0.1:9/cb") -> str:
    """Play the person on the sandbox's authorize page; returns the code Feishu would redirect with."""
    url = fs.authorize_url(redirect_uri, "st-1")
    page = requests.get(url, timeout=10)
    assert page.status_code == 200 and open_id in page.text
    q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    r = requests.post(url.split("?")[0], data={**q, "open_id": open_id, "decision": "allow"},
                      allow_redirects=False, timeout=10)
    assert r.status_code == 302, r.text
    back = parse_qs(urlsplit(r.headers["Location"]).query)
    assert back["state"] == ["st-1"]
    return back["code"][0]


@pytest.fixture(scope="module")
def bob_token(fs):
    return fs.exchange_code(consent(fs, "ou_bob"))


def day_at(days: int, hour: int, tz=SH) -> dt.datetime:
    d = dt.date.today() + dt.timedelta(days=days)
    return dt.datetime(d.year, d.month, d.day, hour, tzinfo=tz)


def test_people_and_rooms(fs):
    alice = fs.get_user("ou_alice")
    assert alice.open_id == "ou_alice" and alice.name and alice.tz == "Asia/Shanghai"
    many = fs.get_users(["ou_bob", "ou_carol", "ou_nobody"], fresh=True)
    assert set(many) == {"ou_bob", "ou_carol"} and many["ou_carol"].tz == "America/Los_Angeles"
    with pytest.raises(FeishuError) as ei:
        fs.get_user("ou_nobody")
    assert ei.value.kind == "permission" and ei.value.log_id
    rooms = {r.room_id: r for r in fs.list_rooms()}
    assert {"omm_everest", "omm_kunlun", "omm_taishan"} <= set(rooms)
    assert rooms["omm_everest"].capacity > 0 and rooms["omm_everest"].building and rooms["omm_everest"].floor
    assert [r.room_id for r in fs.search_rooms("everest")] == ["omm_everest"]
    members = {m.open_id for m in fs.chat_members("oc_team")}
    assert {"ou_alice", "ou_bob", "ou_carol", "ou_dave"} <= members


def test_event_lifecycle_freebusy_and_idempotency(fs):
    cal = fs.bot_calendar_id()
    assert cal == fs.bot_calendar_id() and "@" in cal
    start, end = day_at(40, 10), day_at(40, 11)
    ev = fs.create_event(cal, "Budget review", "Q3 numbers", start, end, "Asia/Shanghai",
                         idempotency_key="test:lifecycle", location="Everest")
    again = fs.create_event(cal, "Budget review", "Q3 numbers", start, end, "Asia/Shanghai",
                            idempotency_key="test:lifecycle", location="Everest")
    assert again.event_id == ev.event_id
    assert ev.start == start and ev.end == end and ev.start.tzinfo is not None and ev.app_link
    after = fs.add_attendees(cal, ev.event_id, users=["ou_alice", "ou_bob"], rooms=["omm_everest"],
                             room_operator="ou_alice")
    assert {a.open_id for a in after if a.type == "user"} >= {"ou_alice", "ou_bob"}
    assert any(a.room_id == "omm_everest" for a in after)
    busy = fs.freebusy(["ou_alice", "ou_bob"], ["omm_everest"], day_at(39, 0), day_at(42, 0))
    for who in ("ou_alice", "ou_bob", "omm_everest"):
        assert (start, end) in busy[who], who
    long = fs.freebusy(["ou_alice"], [], day_at(1, 0), day_at(141, 0))   # 140 days: two 90-day windows
    assert (start, end) in long["ou_alice"]
    got = fs.get_event(cal, ev.event_id, need_attendee=True)
    assert got.summary == "Budget review" and got.location == "Everest" and got.attendees
    moved = fs.patch_event(cal, ev.event_id, start=start + dt.timedelta(hours=2), end=end + dt.timedelta(hours=2),
                           tz="Asia/Shanghai", summary="Budget review (moved)")
    assert moved.start == start + dt.timedelta(hours=2) and moved.summary.endswith("(moved)")
    listed = fs.list_events(cal, day_at(40, 0), day_at(41, 0))
    assert ev.event_id in {e.event_id for e in listed}
    users_only = [a.attendee_id for a in fs.list_attendees(cal, ev.event_id) if a.open_id == "ou_bob"]
    fs.batch_delete_attendees(cal, ev.event_id, users_only)
    assert "ou_bob" not in {a.open_id for a in fs.list_attendees(cal, ev.event_id)}
    assert fs.delete_event(cal, ev.event_id) is True
    assert fs.delete_event(cal, ev.event_id) is False            # already gone: done, not an error
    with pytest.raises(FeishuError) as ei:
        fs.get_event(cal, "00000000-0000-0000-0000-000000000000_0")
    assert ei.value.kind == "not_found" and ei.value.code == 193001


def test_recurring_event_expands_in_instance_view(fs):
    cal = fs.bot_calendar_id()
    ev = fs.create_event(cal, "Weekly 1:1", "", day_at(50, 9), day_at(50, 10), "Asia/Shanghai",
                         recurrence="RRULE:FREQ=WEEKLY;COUNT=3", idempotency_key="test:weekly")
    assert ev.recurrence == "FREQ=WEEKLY;COUNT=3"
    occ = [e for e in fs.instance_view(cal, day_at(49, 0), day_at(49 + 45, 0)) if e.summary == "Weekly 1:1"]
    assert [e.start for e in occ] == [day_at(50 + 7 * i, 9) for i in range(3)]
    assert fs.delete_event(cal, ev.event_id)


def test_timeoff_create_and_delete(fs):
    tid = fs.create_timeoff("ou_dave", day_at(30, 9), day_at(30, 18), "Asia/Shanghai", "Dentist")
    assert tid
    assert fs.delete_timeoff(tid) is True and fs.delete_timeoff(tid) is False
    all_day = fs.create_timeoff("ou_dave", dt.date.today() + dt.timedelta(days=31),
                                dt.date.today() + dt.timedelta(days=32), "Asia/Shanghai", "Leave")
    assert fs.delete_timeoff(all_day)


def test_cards_send_reply_update(fs, sb):
    srv, _ = sb
    card = {"schema": "2.0", "config": {"update_multi": True},
            "body": {"elements": [{"tag": "markdown", "content": "proposal v1"}]}}
    mid = fs.send_card("oc_team", card, key="test:card")
    assert mid.startswith("om_") and fs.send_card("oc_team", card, key="test:card") == mid   # same uuid → one message
    reply = fs.reply_card(mid, card, key="test:reply")
    assert reply != mid and fs.reply_card(mid, card, key="test:reply") == reply
    fs.update_card(mid, {**card, "body": {"elements": [{"tag": "markdown", "content": "booked"}]}})
    text_id = fs.send_text("oc_team", "hello 你好", key="test:text")
    msgs = requests.get(f"{srv.url}/sandbox/api/chats/oc_team/messages", timeout=10).json()["messages"]
    by_id = {m["message_id"]: m for m in msgs}
    assert by_id[mid]["card"]["body"]["elements"][0]["content"] == "booked"
    assert by_id[reply]["parent_id"] == mid and by_id[text_id]["text"] == "hello 你好"
    assert sum(1 for m in msgs if m["message_id"] == mid) == 1
    with pytest.raises(FeishuError) as ei:
        fs.update_card("om_does_not_exist", card)
    assert ei.value.kind in ("not_found", "invalid")


def test_oauth_exchange_and_refresh(fs):
    tok = fs.exchange_code(consent(fs, "ou_alice"))
    assert tok.open_id == "ou_alice" and tok.access_token and tok.refresh_token
    assert tok.expires_at > dt.datetime.now(dt.UTC) and tok.expires_at.tzinfo is not None
    assert tok.access_token not in repr(tok) and tok.refresh_token not in repr(tok)
    new = fs.refresh_user_token(tok.refresh_token)
    assert new.open_id == "ou_alice" and new.access_token != tok.access_token
    with pytest.raises(FeishuError) as ei:                  # refresh tokens are single-use
        fs.refresh_user_token(tok.refresh_token)
    assert ei.value.kind == "auth"
    with pytest.raises(FeishuError) as ei:                  # and so are codes
        code = consent(fs, "ou_alice")
        fs.exchange_code(code)
        fs.exchange_code(code)
    assert ei.value.kind == "auth"


def test_user_token_calendar_acl_and_caldav(fs, bob_token):
    tok = bob_token.access_token
    cal = fs.user_primary_calendar(tok)
    assert cal and cal != fs.bot_calendar_id()
    acl = fs.create_acl(cal, "ou_carol", "reader", tok)
    assert acl and fs.create_acl(cal, "ou_carol", "reader", tok) == acl      # granting again: same ACL
    assert fs.delete_acl(cal, acl, tok) is True and fs.delete_acl(cal, acl, tok) is False
    conf = fs.caldav_conf(tok, "Yue test")
    assert conf.server and conf.username and conf.password and conf.password not in repr(conf)
    agenda = fs.instance_view(cal, day_at(0, 0), day_at(7, 0), user_token=tok)
    assert all(e.start.tzinfo is not None for e in agenda)
    fs.search_events(cal, "sync", tok)
    assert [r.room_id for r in fs.search_rooms("kunlun", user_token=tok)] == ["omm_kunlun"]


def test_identity_errors_map_to_auth(fs):
    with pytest.raises(FeishuError) as ei:                  # a user-only API without a user token
        fs.caldav_conf("")
    assert ei.value.kind == "auth"
    with pytest.raises(FeishuError) as ei:
        fs.user_primary_calendar("u-not-a-real-token")
    assert ei.value.kind == "auth" and ei.value.code == 99991668


def test_app_identity_cannot_search_a_persons_calendar(fs, bob_token):
    cal = fs.user_primary_calendar(bob_token.access_token)
    with pytest.raises(FeishuError) as ei:
        fs.search_events(cal, "sync")                       # tenant token: free/busy access at most
    assert ei.value.kind == "permission" and ei.value.code == 191002
    with pytest.raises(FeishuError) as ei:
        fs.create_acl(cal, "ou_carol", "reader", "")        # sharing needs the owner's own token
    assert ei.value.kind == "permission"
    with pytest.raises(ValueError):
        fs.create_event(fs.bot_calendar_id(), "x", "", dt.datetime(2030, 1, 1, 9), dt.datetime(2030, 1, 1, 10), "UTC")


def test_sandbox_rate_limit_is_waited_out(fs, sb):
    srv, _ = sb
    limiter = srv.app.extensions["sandbox"].limiter
    old = limiter.per_second
    limiter.per_second = 2
    limiter.reset()
    try:
        t0 = time.monotonic()
        got = [fs.get_user(p, fresh=True).open_id for p in ("ou_alice", "ou_bob", "ou_carol", "ou_dave")]
        assert got == ["ou_alice", "ou_bob", "ou_carol", "ou_dave"]
        assert time.monotonic() - t0 >= 0.9          # the third call waited for x-ogw-ratelimit-reset
    finally:
        limiter.per_second = old
        limiter.reset()


def test_stale_tenant_token_in_the_sdk_cache_is_replaced(fs):
    key = f"self_tenant_token:{fs.app_id}"
    TokenManager.cache.set(key, "t-stale-token-from-a-previous-life", int(time.time()) + 3600)
    assert fs.get_user("ou_dave", fresh=True).open_id == "ou_dave"
    assert TokenManager.cache.get(key) not in (None, "t-stale-token-from-a-previous-life")


def test_freebusy_goes_ten_people_per_batch_call_and_rooms_one_by_one(fs, sb):
    from lark_oapi.api.calendar.v4 import ListFreebusyRequest, ListFreebusyRequestBody

    from sandbox.seed import PEOPLE
    srv, _ = sb
    people = [f"ou_{p[0]}" for p in PEOPLE]
    assert len(people) > 10
    limiter = srv.app.extensions["sandbox"].limiter
    limiter.reset()
    start, end = day_at(1, 0), day_at(141, 0)                  # 140 days: two windows
    busy = fs.freebusy(people, ["omm_everest"], start, end)
    counted = {a["path"].rsplit("/", 1)[-1]: a["calls"] for a in limiter.view()["apis"] if "freebusy" in a["path"]}
    assert counted == {"batch": 2 * -(-len(people) // 10), "list": 2}, counted
    assert set(busy) == set(people) | {"omm_everest"}
    for who in people[:3] + people[-2:]:                       # the same as one freebusy.list per person
        spans = []
        for ws, we in ((start, start + dt.timedelta(days=90)), (start + dt.timedelta(days=90), end)):
            resp = fs._tenant.calendar.v4.freebusy.list(ListFreebusyRequest.builder().user_id_type("open_id")
                                                        .request_body(ListFreebusyRequestBody.builder()
                                                                      .time_min(ws.isoformat()).time_max(we.isoformat())
                                                                      .user_id(who).build()).build())
            assert resp.success(), resp.msg
            spans += [(parse_rfc3339(f.start_time), parse_rfc3339(f.end_time)) for f in resp.data.freebusy_list or []]
        assert busy[who] == sorted(set(spans)), who


def test_concurrent_freebusy_stays_within_the_sandbox_rate_limit(fs):
    people = ["ou_alice", "ou_bob", "ou_carol", "ou_dave"]
    busy = fs.freebusy(people, ["omm_everest", "omm_kunlun", "omm_taishan"], day_at(0, 0), day_at(200, 0))
    assert set(busy) == set(people) | {"omm_everest", "omm_kunlun", "omm_taishan"}
    for intervals in busy.values():
        assert intervals == sorted(intervals) and all(s < e and s.tzinfo for s, e in intervals)


def test_a_shared_limiter_that_is_away_falls_back_to_this_process():
    class Away:
        def try_acquire(self, key, limits):
            raise ConnectionError("redis down")

    clock = FakeClock()
    caller = Caller(SharedLimiter(Away(), (Window(2, 1.0),), sleep=clock.sleep), lambda: None,
                    sleep=clock.sleep, clock=clock)
    fn, calls = scripted(FakeResp(), FakeResp(), FakeResp())
    for _ in range(3):
        assert caller.run("op", fn, CallPolicy(idempotent=True)).data == "DATA"
    assert len(calls) == 3 and clock.slept == [pytest.approx(1.001)]   # the local windows still hold


def test_a_call_to_one_chat_keeps_that_chats_window_too():
    from bot.feishu.limits import PER_TARGET_SENT
    clock = FakeClock()
    caller = Caller(SharedLimiter(MemoryBackend(clock), (Window(1000, 1.0),), sleep=clock.sleep), lambda: None,
                    sleep=clock.sleep, clock=clock)
    ok = lambda: FakeResp()  # noqa: E731
    per_chat = PER_TARGET_SENT[0]
    for _ in range(per_chat.limit):
        caller.run("im.message.reply", ok, CallPolicy(idempotent=True), targets=["im.to:oc_a"])
    caller.run("im.message.create", ok, CallPolicy(idempotent=True), targets=["im.to:oc_b"])   # another chat
    assert clock.slept == []
    caller.run("im.message.create", ok, CallPolicy(idempotent=True), targets=["im.to:oc_a"])   # oc_a is full
    assert clock.slept == [pytest.approx(per_chat.seconds + 0.001)]


def test_a_failed_attempt_still_gives_its_place_back():
    clock = FakeClock()
    lim = SharedLimiter(MemoryBackend(clock), (Window(1, 1.0),), sleep=clock.sleep)
    caller = Caller(lim, lambda: None, retry_budget=0.0, sleep=clock.sleep, clock=clock)
    fn, _ = scripted(requests.ConnectionError("reset"))
    with pytest.raises(FeishuError):
        caller.run("op", fn, CallPolicy(idempotent=False))
    clock.now += 1.0                                   # a window after the failed attempt's answer
    assert lim.backend.try_acquire(caller.key_prefix + "op", [(1, 1.0)]) == 0.0
