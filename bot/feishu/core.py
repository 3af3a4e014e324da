"""The plumbing under `bot.feishu`: the retry schedule, the one wrapper every
lark-oapi call goes through (`Caller`, pure so it can be unit-tested on its own)
and `FeishuClient`, the two lark clients (tenant and user token) every concern
module calls through, with tenant-token refresh.

Why a wrapper at all: lark-oapi 1.7.5 never retries, never drops a tenant token
Feishu has rejected, reports HTTP errors only through `code`, and raises bare
`JSONDecodeError`/`requests` exceptions for gateway pages and network faults
(see docs/lark-oapi-notes.md §6). Callers of `bot.feishu` only ever see
`FeishuError`.
"""
from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import lark_oapi as lark
import requests
from lark_oapi.core.exception import (AccessTokenException, NoAuthorizationException,
                                      ObtainAccessTokenException, UnmarshalException)
from lark_oapi.core.token import TokenManager

from bot.feishu.errors import TENANT_TOKEN_INVALID, FeishuError, RetryLater, classify, redact
from bot.feishu.limits import (FEISHU_API_SENT, PER_TARGET_SENT, Hold, MemoryBackend, Priority, SharedLimiter,
                               Window, WindowFull)

log = logging.getLogger("yue.feishu")

MAX_PAGES = 50                               # a runaway page_token loop stops here
BACKGROUND_MAX_WAIT = 65.0                   # background work may wait out a whole minute window

# Whose call this is: a person waiting (card click, reply) or background work (digests,
# sync, housekeeping). Set around the work, read by `Caller` for the shared limiter.
_PRIORITY: contextvars.ContextVar[Priority] = contextvars.ContextVar("yue_feishu_priority",
                                                                     default=Priority.INTERACTIVE)


def current_priority() -> Priority:
    return _PRIORITY.get()


@contextlib.contextmanager
def background() -> Iterator[None]:
    """Feishu calls made inside go after a person's: digests, sync, housekeeping."""
    token = _PRIORITY.set(Priority.BACKGROUND)
    try:
        yield
    finally:
        _PRIORITY.reset(token)


def with_priority(priority: Priority, fn: Callable[[], T]) -> T:
    """Run `fn` with `priority` (for a pool thread, which does not inherit the caller's)."""
    token = _PRIORITY.set(priority)
    try:
        return fn()
    finally:
        _PRIORITY.reset(token)


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

    def __init__(self, limiter: SharedLimiter, invalidate_tenant_token: Callable[[], None], *,
                 retry_budget: float = 2.5, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, rng: Callable[[], float] = random.random,
                 key_prefix: str = ""):
        self.limiter = limiter
        self.key_prefix = key_prefix
        # When the shared store (Redis, PostgreSQL) is away, this process keeps the windows
        # alone rather than stop calling Feishu: over-sending then is bounded by the 429 path.
        self._local = SharedLimiter(MemoryBackend(clock), limiter.windows, sleep=sleep)
        self.invalidate_tenant_token = invalidate_tenant_token
        self.retry_budget = retry_budget
        self._sleep = sleep
        self._clock = clock
        self._rng = rng

    def run(self, op: str, attempt_fn: Callable[[], T], policy: CallPolicy,
            retry_budget: float | None = None, targets: Sequence[str] = ()) -> T:
        """targets: keys of the narrower windows the call also fills (IM: the user or chat it
        goes to, the message it patches; `PER_TARGET_SENT` each)."""
        budget = self.retry_budget if retry_budget is None else retry_budget
        deadline = self._clock() + budget
        attempt = 0
        token_reset = False
        priority = current_priority()
        while True:
            holds = self._hold(op, targets, priority, deadline)
            try:
                err, retryable = self._one(op, attempt_fn, policy)
            finally:
                self._release(op, holds)   # the answer is back: Feishu has counted the request
            if err is None:
                return retryable  # the response, see _one
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
            raise RetryLater.from_error(err) if err.kind == "rate_limit" else err

    def _hold(self, op: str, targets: Sequence[str], priority: Priority,
              deadline: float) -> list[tuple[SharedLimiter, Hold]]:
        """A place in each of Feishu's windows the call fills (per API × app, then per target),
        shared by every process and held until the answer is back; a person's call waits at
        most what is left of its retry budget. The narrower windows are taken first, so a
        call waiting for its chat holds no place in the API's window meanwhile."""
        wanted: list[tuple[str, Sequence[Window]]] = [(self.key_prefix + t, PER_TARGET_SENT) for t in targets]
        wanted.append((self.key_prefix + op, self.limiter.windows))
        holds: list[tuple[SharedLimiter, Hold]] = []
        try:
            for key, windows in wanted:
                max_wait = (max(0.0, deadline - self._clock()) if priority is Priority.INTERACTIVE
                            else BACKGROUND_MAX_WAIT)
                holds.append(self._hold_one(op, key, windows, priority, max_wait))
        except WindowFull as full:
            self._release(op, holds, used=False)
            log.warning("feishu %s: rate window full for %.2fs more; retry later", op, full.wait)
            raise RetryLater(99991400, "rate window full (client-side)", None, retry_after=full.wait,
                             op=op) from None
        return holds

    def _hold_one(self, op: str, key: str, windows: Sequence[Window], priority: Priority,
                  max_wait: float) -> tuple[SharedLimiter, Hold]:
        try:
            return self.limiter, self.limiter.hold(key, priority, windows, max_wait=max_wait)[1]
        except WindowFull:
            raise
        except Exception as e:
            log.warning("feishu %s: shared rate limiter unavailable (%s); counting in this process",
                        op, type(e).__name__)
            return self._local, self._local.hold(key, priority, windows, max_wait=max_wait)[1]

    def _release(self, op: str, holds: list[tuple[SharedLimiter, Hold]], used: bool = True) -> None:
        for limiter, hold in holds:
            try:
                limiter.release(hold, used)
            except Exception as e:   # the place stays in flight until limits.IN_FLIGHT_S: safe, only slower
                log.warning("feishu %s: could not release a rate window place (%s)", op, type(e).__name__)

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


class FeishuClient:
    """The two lark clients (tenant token; user token with `enable_set_token`) and
    the call wrapper every concern module uses. Thread-safe.

    settings: bot.config.Settings (app_id, app_secret, feishu_domain).
    domain: where the Open Platform answers; None → settings.feishu_domain. In
      sandbox mode the caller passes settings.base_url.
    retry_budget: the most seconds one call spends waiting between retries.
    max_workers: threads for concurrent free/busy queries.
    limiter: the rate limiter every call passes (bot.feishu.limits); one over a shared
      backend (Redis, PostgreSQL) keeps Feishu's windows for all instances together.
      None → one for this process only.
    """

    def __init__(self, settings: Any, domain: str | None = None, *, timeout: float = 10.0,
                 retry_budget: float = 2.5, max_workers: int = 8,
                 limiter: SharedLimiter | None = None) -> None:
        self.app_id: str = settings.app_id
        self.domain: str = (domain or settings.feishu_domain).rstrip("/")
        self.default_tz: str = getattr(settings, "default_tz", "Asia/Shanghai")
        builder = lambda: (lark.Client.builder().app_id(settings.app_id)  # noqa: E731
                           .app_secret(settings.app_secret).domain(self.domain).timeout(timeout))
        # OAuth token calls go to accounts.feishu.cn for the real domains; the SDK
        # refuses to guess for any other domain, and the sandbox serves OAuth itself.
        self._oauth_base = None if self.domain in (lark.FEISHU_DOMAIN, lark.LARK_DOMAIN) else self.domain
        tb, ub = builder(), builder().enable_set_token(True)
        if self._oauth_base:
            tb, ub = tb.oauth_base_url(self._oauth_base), ub.oauth_base_url(self._oauth_base)
        self._tenant: lark.Client = tb.build()
        self._user: lark.Client = ub.build()
        self.limiter = limiter or SharedLimiter(MemoryBackend(), FEISHU_API_SENT)
        self._caller = Caller(self.limiter, self.invalidate_tenant_token, retry_budget=retry_budget,
                              key_prefix=f"{settings.app_id}:")
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="feishu")
        self._lock = threading.Lock()
        self._bot_calendar: str | None = None

    def invalidate_tenant_token(self) -> None:
        """Drop the cached tenant token so the next call fetches a new one. lark-oapi
        keeps it in the class-level `TokenManager.cache` under `self_tenant_token:{app_id}`
        and has no delete; an already-expired empty entry reads back as missing."""
        TokenManager.cache.set(f"self_tenant_token:{self.app_id}", "", 0)
        # The app token (authen v1 calls) lives beside it and goes stale the same way.
        TokenManager.cache.set(f"self_app_token:{self.app_id}", "", 0)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _call(self, op: str, fn: Callable[[lark.Client, lark.RequestOption], Any], *, idempotent: bool,
              user_token: str | None = None, retry_budget: float | None = None, targets: Sequence[str] = ()) -> Any:
        """Run `fn(client, option)` — one SDK call — under the retry/token policy and
        return the response's `data`. `fn` is re-run per attempt with a fresh option."""
        resp = self._call_raw(op, fn, idempotent=idempotent, user_token=user_token, retry_budget=retry_budget,
                              targets=targets)
        # Responses of calls without a payload (deletes) have no `data` attribute at all.
        return getattr(resp, "data", None)

    def _call_raw(self, op: str, fn: Callable[[lark.Client, lark.RequestOption], Any], *, idempotent: bool,
                  user_token: str | None = None, retry_budget: float | None = None,
                  targets: Sequence[str] = ()) -> Any:
        """Like `_call` but returns the whole SDK response (its raw body carries
        fields the SDK models drop)."""
        client = self._user if user_token else self._tenant

        def attempt():
            option = (lark.RequestOption.builder().user_access_token(user_token).build()
                      if user_token else lark.RequestOption())
            return fn(client, option)

        return self._caller.run(op, attempt, CallPolicy(idempotent=idempotent, user_token=bool(user_token)),
                                retry_budget, targets)

    def _delete(self, op: str, fn: Callable[[lark.Client, lark.RequestOption], Any],
                user_token: str | None = None) -> bool:
        """A delete made idempotent: True if this call removed it, False if it was already gone."""
        try:
            self._call(op, fn, idempotent=True, user_token=user_token)
        except FeishuError as e:
            if e.kind == "not_found":
                return False
            raise
        return True

    @staticmethod
    def _pages(fetch: Callable[[str | None], tuple[list, str | None, bool]]) -> list:
        """Collect every page: `fetch(page_token)` → (items, next_token, has_more).
        Feishu's search answers carry no has_more, so an empty token also ends it."""
        out: list = []
        token: str | None = None
        for _ in range(MAX_PAGES):
            items, token, more = fetch(token)
            out.extend(items or [])
            if not token or not more:
                break
        return out


def _raw_body(resp: Any) -> dict:
    try:
        body = json.loads(resp.raw.content)
    except (AttributeError, ValueError, TypeError):
        return {}
    return body if isinstance(body, dict) else {}


def _raw_data(resp: Any) -> dict:
    """The `data` object of the raw JSON body, for fields the SDK models drop."""
    data = _raw_body(resp).get("data")
    return data if isinstance(data, dict) else {}


def _checked(resp: Any) -> Any:
    """`client.request` (raw calls) reads a non-JSON answer as success when its status
    is 2xx and as code None otherwise; make the latter look like the generated
    methods' failure (a JSON decode error) so the retry policy treats both alike."""
    if getattr(resp, "code", None) is None:
        content = getattr(getattr(resp, "raw", None), "content", b"") or b""
        raise json.JSONDecodeError("non-JSON response", content.decode("utf-8", "replace"), 0)
    return resp
