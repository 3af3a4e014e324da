"""bot.feishu: the pure parts (error kinds, backoff, rate limiter, retry policy) and
the whole client through the real lark-oapi SDK over HTTP — against a tiny local
stub for the retry/token cases and against the sandbox for everything else."""
from __future__ import annotations

import datetime as dt
import json
import re
import threading
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
from bot.feishu_core import (CallPolicy, Caller, RateLimiter, backoff_delay, classify, header, idempotency_uuid,
                             redact, retry_after_seconds)
from bot.feishu_models import chunks, lang_of, parse_rfc3339, time_info
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
    assert max(hi) == pytest.approx(1.0) and all(l_ >= h / 2 for l_, h in zip(lo, hi))


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


def test_rate_limiter_allows_a_burst_then_paces():
    clock = FakeClock()
    lim = RateLimiter(((5, 1.0), (8, 60.0)), clock=clock, sleep=clock.sleep)
    waited = [lim.acquire("api") for _ in range(5)]
    assert waited == [0.0] * 5 and clock.slept == []
    assert lim.acquire("api") == pytest.approx(0.2)          # 1 token refills in 1/5 s
    assert lim.acquire("other") == 0.0                       # separate bucket per API
    for _ in range(2):
        lim.acquire("api")
    # The minute window (8) is now empty: the next one waits for it, not the second window.
    assert 6.0 < lim.acquire("api") <= 60 / 8


class FakeResp:
    def __init__(self, code=0, msg="success", status=200, headers=None, data="DATA"):
        self.code, self.msg, self.data = code, msg, data
        self.raw = type("Raw", (), {"status_code": status, "headers": headers or {"X-Tt-Logid": "LOG1"}})()


def make_caller(budget=2.5):
    clock = FakeClock()
    resets = []
    caller = Caller(RateLimiter(((1000, 1.0),)), lambda: resets.append(1), retry_budget=budget,
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
    ti = TI(); ti.timestamp, ti.timezone, ti.date = "1767225600", "Asia/Shanghai", None
    when, tz, all_day = time_info(ti)
    assert when == dt.datetime(2026, 1, 1, 8, 0, tzinfo=SH) and tz == "Asia/Shanghai" and not all_day
    ti2 = TI(); ti2.timestamp, ti2.timezone, ti2.date = None, "UTC", "2026-01-02"
    when, tz, all_day = time_info(ti2)
    assert all_day and when == dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)
    assert parse_rfc3339("2026-01-01T09:00:00+08:00") == dt.datetime(2026, 1, 1, 1, tzinfo=dt.timezone.utc)
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
