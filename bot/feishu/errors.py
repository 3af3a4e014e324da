"""Feishu's failures as one exception: `FeishuError` with a `kind` a handler can act
on, the code tables behind `classify`, and `redact` for anything logged or shown."""
from __future__ import annotations

import re

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


class RetryLater(FeishuError):
    """Feishu's request windows stayed full past the retry budget (our shared limiter's
    or Feishu's 429). Nothing was done, so the whole piece of work can be repeated: the
    inbox keeps the message and runs it again after `retry_after` seconds, instead of
    the person getting a "too many requests" card. A `FeishuError` of kind
    "rate_limit", so code that catches those still does."""

    def __init__(self, code: int, msg: str, log_id: str | None = None, kind: str = "rate_limit",
                 *, http_status: int | None = None, retry_after: float | None = None, op: str = ""):
        super().__init__(code, msg, log_id, "rate_limit", http_status=http_status, retry_after=retry_after, op=op)

    @classmethod
    def from_error(cls, e: FeishuError) -> RetryLater:
        return cls(e.code, e.msg, e.log_id, http_status=e.http_status, retry_after=e.retry_after, op=e.op)
