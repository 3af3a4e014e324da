"""The plumbing under `bot.feishu`: the error type and its kinds, the retry
schedule, the request-rate limiter and the one wrapper every lark-oapi call goes
through. Pure (no lark client state) so it can be unit-tested on its own.

Why a wrapper at all: lark-oapi 1.7.5 never retries, never drops a tenant token
Feishu has rejected, reports HTTP errors only through `code`, and raises bare
`JSONDecodeError`/`requests` exceptions for gateway pages and network faults
(see docs/lark-oapi-notes.md §6). Callers of `bot.feishu` only ever see
`FeishuError`.
"""
from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, TypeVar

import requests
from lark_oapi.core.exception import (AccessTokenException, NoAuthorizationException,
                                      ObtainAccessTokenException, UnmarshalException)

log = logging.getLogger("yue.feishu")

KINDS = ("permission", "rate_limit", "not_found", "auth", "invalid", "unavailable", "other")

# Codes from feishu-calendar-contract.md §2.3, §9 and §10. A code not listed falls
# back to the HTTP status (see `classify`).
TENANT_TOKEN_INVALID = frozenset({99991661, 99991663})
USER_TOKEN_INVALID = frozenset({99991668, 99991677})
_AUTH = TENANT_TOKEN_INVALID | USER_TOKEN_INVALID | {
    99991664, 99991665,  # app token invalid / missing (gateway)
    10003, 10014,        # token endpoint: bad app id / app secret
    20002,               # OAuth: client (app) credentials rejected
    20003, 20004, 20005, 20024, 20026, 20037, 20064, 20074,  # OAuth: code/refresh token invalid/expired/used
}
_PERMISSION = frozenset({
    99991672, 99991679,              # app / user lacks the scope
    190006, 190007, 190011, 190012,  # tenant unit, no bot capability, tenant key deleted
    191002, 191006,                  # calendar role too low, subscription not allowed
    193002,                          # not allowed to operate the event
    194001, 194002, 194003,          # attendee list / add / delete not allowed
    230002, 230006, 230013, 230027, 230028,  # IM: bot not in chat, bot off, user out of scope, external, DLP
    41050,                           # contact: user outside the app's visibility
})
_RATE_LIMIT = frozenset({99991400, 190004, 190005, 190010, 230020, 11232, 11233})
_NOT_FOUND = frozenset({
    191000, 191003, 192000, 193001, 193003, 194000, 195100,
    230011, 230110, 232009,  # IM: message recalled / deleted, chat dissolved
    41001, 41012,            # contact: user not found
    121004,                  # vc: room / room level does not exist
})
_INVALID = frozenset({
    190001, 190002, 190008, 190009, 190013, 190014, 191001, 191004, 191005,
    193000, 193103, 193104, 194004,
    230001, 230025, 230031, 230099,
    99991401, 99992402,  # gateway: request invalid / field validation failed
    121003,              # vc: parameter error
    20001,               # OAuth: malformed request
})
_UNAVAILABLE = frozenset({190003})


class FeishuError(Exception):
    """A failed Open Platform call.

    `kind` is what a handler acts on: "permission" (ask an admin / the person),
    "rate_limit" (try again later; `retry_after` seconds when Feishu said),
    "not_found", "auth" (token rejected: refresh the user token or fix app
    credentials), "invalid" (our request was wrong), "unavailable" (network,
    5xx, non-JSON gateway page), "other". `code` is Feishu's code, or -1 when the
    failure happened before Feishu answered.
    """

    def __init__(self, code: int, msg: str, log_id: str | None = None, kind: str = "other",
                 *, http_status: int | None = None, retry_after: float | None = None, op: str = ""):
        super().__init__(f"{op or 'feishu'}: [{kind}] code={code} msg={msg} log_id={log_id}")
        self.code = code
        self.msg = msg
        self.log_id = log_id
        self.kind = kind if kind in KINDS else "other"
        self.http_status = http_status
        self.retry_after = retry_after
        self.op = op


def classify(code: int | None, http_status: int | None = None, *, user_token: bool = False) -> str:
    """Map a Feishu business code (and, for codes we don't know, the HTTP status) to a kind."""
    if code in _AUTH:
        return "auth"
    if code in _PERMISSION:
        return "permission"
    if code in _RATE_LIMIT:
        return "rate_limit"
    if code in _NOT_FOUND:
        return "not_found"
    if code in _INVALID:
        return "invalid"
    if code in _UNAVAILABLE:
        return "unavailable"
    if http_status is not None:
        if http_status == 429:
            return "rate_limit"
        if http_status >= 500:
            return "unavailable"
        if http_status == 404:
            return "not_found"
        if http_status in (401,):
            return "auth"
        if http_status == 403:
            return "permission"
        if http_status == 400:
            return "invalid"
    return "other"


_BEARER = re.compile(r"(?i)(bearer\s+|\b[tu]-)[A-Za-z0-9._\-]{6,}")


def redact(text: str) -> str:
    """Server messages are logged and shown; make sure no token rides along."""
    return _BEARER.sub(lambda m: m.group(1) + "***", text or "")


def header(headers: Mapping[str, str] | None, name: str) -> str | None:
    """Case-insensitive header lookup: lark-oapi keeps `dict(requests.headers)`,
    whose keys are spelled however the server spelled them."""
    if not headers:
        return None
    low = name.lower()
    for k, v in headers.items():
        if k.lower() == low:
            return v
    return None


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """Feishu's gateway sends `x-ogw-ratelimit-reset` (seconds until the window
    resets); standard `Retry-After` is honoured too."""
    for name in ("x-ogw-ratelimit-reset", "retry-after"):
        raw = header(headers, name)
        if raw is None:
            continue
        try:
            value = float(raw)
        except ValueError:
            continue
        if value >= 0:
            return value
    return None


def backoff_delay(attempt: int, *, base: float = 0.1, cap: float = 1.0,
                  rng: Callable[[], float] = random.random) -> float:
    """Exponential backoff with "equal jitter": half of the step is fixed, half
    random, so concurrent callers spread out but none retries instantly."""
    step = min(cap, base * (2 ** attempt))
    return step / 2 + rng() * step / 2


def idempotency_uuid(key: str, namespace: str = "yue") -> str:
    """A stable UUID from a caller's key: Feishu's message `uuid` is capped at 50
    characters and its event `idempotency_key` wants a UUID-like value, while our
    keys (draft ids, "draft:42:confirm") are free text."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{namespace}:{key}"))


class RateLimiter:
    """Blocking multi-window token bucket, one set of buckets per key (Feishu
    counts per API × app: 50 req/s and 1000 req/min for calendar and IM).

    `acquire(key)` waits until every window has a token. Shared by all threads
    of one `Feishu` instance; several instances (gunicorn workers) each keep
    their own, which is why 429 handling exists too.
    """

    def __init__(self, windows: Iterable[tuple[int, float]] = ((50, 1.0), (1000, 60.0)), *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.windows = [(int(n), float(per)) for n, per in windows if n > 0]
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._state: dict[str, list[list[float]]] = {}  # key -> per window [tokens, last_refill]

    def _wait_needed(self, key: str) -> float:
        now = self._clock()
        buckets = self._state.setdefault(key, [[float(n), now] for n, _ in self.windows])
        wait = 0.0
        for (n, per), b in zip(self.windows, buckets):
            b[0] = min(float(n), b[0] + (now - b[1]) * n / per)
            b[1] = now
            if b[0] < 1.0 - 1e-9:  # tolerance: float refill after an exact sleep lands at 0.999…
                wait = max(wait, (1.0 - b[0]) * per / n)
        if wait == 0.0:
            for b in buckets:
                b[0] = max(0.0, b[0] - 1.0)
        return wait

    def acquire(self, key: str = "") -> float:
        """Take one token for `key`; returns the seconds spent waiting."""
        waited = 0.0
        while True:
            with self._lock:
                wait = self._wait_needed(key)
            if wait <= 0:
                return waited
            self._sleep(wait)
            waited += wait


T = TypeVar("T")


@dataclass
class CallPolicy:
    """How `Caller.run` treats one call.

    idempotent: repeating it can't duplicate anything (reads, patches, deletes,
      creates carrying an idempotency key / uuid) → 5xx, network errors and
      non-JSON pages are retried. Rate-limit rejections are retried for every
      call, because Feishu refused them before doing anything.
    user_token: the call carries a user token, so an invalid-token answer means
      "refresh the user's token" (kind auth), not "drop our tenant token".
    """
    idempotent: bool
    user_token: bool = False


class Caller:
    """Runs one lark-oapi call with the retry, backoff and token policy.

    `attempt_fn()` performs one complete SDK call and returns the SDK response
    object (with `.code`, `.msg`, `.raw`); it is called again for each attempt so
    each attempt gets a fresh `RequestOption` (the SDK writes the tenant token
    into the option, and a stale one must not be reused after invalidation).
    """

    def __init__(self, limiter: RateLimiter, invalidate_tenant_token: Callable[[], None], *,
                 retry_budget: float = 2.5, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, rng: Callable[[], float] = random.random):
        self.limiter = limiter
        self.invalidate_tenant_token = invalidate_tenant_token
        self.retry_budget = retry_budget
        self._sleep = sleep
        self._clock = clock
        self._rng = rng

    def run(self, op: str, attempt_fn: Callable[[], T], policy: CallPolicy,
            retry_budget: float | None = None) -> T:
        budget = self.retry_budget if retry_budget is None else retry_budget
        deadline = self._clock() + budget
        attempt = 0
        token_reset = False
        while True:
            self.limiter.acquire(op)
            err, retryable = self._one(op, attempt_fn, policy)
            if err is None:
                return retryable  # type: ignore[return-value]  # the response, see _one
            if (err.code in TENANT_TOKEN_INVALID and not policy.user_token and not token_reset):
                # The SDK caches the tenant token process-wide and never drops a
                # rejected one; drop it and try once more (the gateway refused
                # the request, so nothing happened and any call may be repeated).
                token_reset = True
                log.warning("feishu %s: tenant token rejected (code=%s log_id=%s); refetching once",
                            op, err.code, err.log_id)
                self.invalidate_tenant_token()
                continue
            if retryable:
                delay = backoff_delay(attempt, rng=self._rng)
                if err.retry_after is not None:
                    delay = max(delay, err.retry_after)
                if self._clock() + delay <= deadline:
                    log.info("feishu %s: %s (code=%s log_id=%s), retry %d in %.2fs",
                             op, err.kind, err.code, err.log_id, attempt + 1, delay)
                    self._sleep(delay)
                    attempt += 1
                    continue
            log.warning("feishu %s failed: kind=%s code=%s http=%s msg=%s log_id=%s",
                        op, err.kind, err.code, err.http_status, err.msg, err.log_id)
            raise err

    def _one(self, op: str, attempt_fn: Callable[[], T], policy: CallPolicy):
        """One attempt → (None, response) on success, else (FeishuError, retryable)."""
        try:
            resp = attempt_fn()
        except NoAuthorizationException as e:
            # Raised by the SDK before any request: a user-only API without a user token.
            return FeishuError(-1, redact(e.msg), None, "auth", op=op), False
        except ObtainAccessTokenException as e:
            return FeishuError(int(e.code or -1), redact(f"tenant token: {e.msg}"), None, "auth", op=op), False
        except AccessTokenException as e:
            kind = "unavailable" if (e.status_code or 0) >= 500 else "auth"
            return (FeishuError(int(e.code or -1), redact(e.error_description or e.error or "oauth failed"),
                                None, kind, http_status=e.status_code, op=op),
                    policy.idempotent and kind == "unavailable")
        except json.JSONDecodeError as e:
            # A gateway HTML page (502/503) or the bare-text 404 of an unknown route.
            snippet = redact((e.doc or "")[:120].strip())
            wrong_route = snippet.startswith("404")
            return (FeishuError(-1, f"non-JSON response: {snippet!r}", None, "unavailable", op=op),
                    policy.idempotent and not wrong_route)
        except (requests.ConnectionError, requests.Timeout) as e:
            return FeishuError(-1, f"network: {type(e).__name__}", None, "unavailable", op=op), policy.idempotent
        except UnmarshalException as e:
            return FeishuError(-1, redact(f"unexpected response shape: {e}"), None, "other", op=op), False
        code = getattr(resp, "code", None)
        if code == 0:
            return None, resp
        raw = getattr(resp, "raw", None)
        status = getattr(raw, "status_code", None)
        headers = getattr(raw, "headers", None)
        err_obj = getattr(resp, "error", None)
        log_id = header(headers, "X-Tt-Logid")
        if not log_id and isinstance(err_obj, dict):
            log_id = err_obj.get("log_id")
        kind = classify(code, status, user_token=policy.user_token)
        if code in TENANT_TOKEN_INVALID and policy.user_token:
            kind = "auth"
        err = FeishuError(int(code if code is not None else -1), redact(str(getattr(resp, "msg", "") or "")),
                          log_id, kind, http_status=status, retry_after=retry_after_seconds(headers), op=op)
        if kind == "rate_limit":
            return err, True
        server_fault = kind == "unavailable" or (status is not None and status >= 500)
        return err, policy.idempotent and server_fault
