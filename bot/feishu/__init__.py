"""The only package of the bot that calls lark-oapi, one module per concern:
`calendar` (calendars, events, time-off, sharing, CalDAV), `freebusy`,
`messages` (IM), `contacts` (people, chats), `rooms`, `oauth` (user tokens);
`core` (the clients, retries, tenant-token refresh), `errors`, `limits` (the rate
limiter shared by all instances),
`models` (the typed results). It answers the same against open.feishu.cn and
against the sandbox (`domain=http://127.0.0.1:PORT`).

    fs = Feishu(settings, domain=settings.base_url)      # sandbox mode
    fs = Feishu(settings)                                 # settings.feishu_domain
    busy = fs.freebusy(["ou_alice"], ["omm_everest"], start, end)
    ev = fs.create_event(fs.bot_calendar_id(), "Sync", "", start, end, "Asia/Shanghai",
                         idempotency_key=f"draft:{draft_id}")

Every method returns plain dataclasses (`bot.feishu.models`) with aware datetimes
and raises only `FeishuError` (`.kind` tells the caller what to do). Identity:
the app's tenant token by default; methods taking `user_token` act as that person
(their own calendar, ACLs, CalDAV), through a second client built with
`enable_set_token(True)` — without it lark-oapi silently sends the tenant token.
"""
from __future__ import annotations

from typing import Any

from bot.feishu.calendar import CalendarMixin
from bot.feishu.contacts import ContactsMixin
from bot.feishu.core import CallPolicy, Caller, background, backoff_delay, idempotency_uuid, retry_after_seconds
from bot.feishu.errors import FeishuError, RetryLater, classify
from bot.feishu.freebusy import FreebusyMixin
from bot.feishu.messages import MessagesMixin
from bot.feishu.models import (Acl, Attendee, CaldavConf, ChatMember, Event, Interval, Person, Room,
                               TokenGrant)
from bot.feishu.oauth import OAuthMixin
from bot.feishu.limits import SharedLimiter
from bot.feishu.rooms import RoomsMixin
from bot.feishu.subscriptions import SubscriptionsMixin

__all__ = ["Feishu", "FeishuError", "Person", "Room", "ChatMember", "Event", "Attendee", "TokenGrant",
           "CaldavConf", "Acl", "Interval", "SharedLimiter", "RetryLater", "background", "CallPolicy", "Caller",
           "classify", "backoff_delay",
           "idempotency_uuid", "retry_after_seconds"]


class Feishu(CalendarMixin, FreebusyMixin, MessagesMixin, ContactsMixin, RoomsMixin, OAuthMixin,
             SubscriptionsMixin):
    """A Feishu Open Platform client for one app. Thread-safe; make one per process.

    settings: bot.config.Settings (app_id, app_secret, feishu_domain).
    domain: where the Open Platform answers; None → settings.feishu_domain. In
      sandbox mode the caller passes settings.base_url.
    user_cache_ttl: seconds a person's profile is cached.
    options: timeout, retry_budget, max_workers, limiter (see `FeishuClient`).
    """

    def __init__(self, settings: Any, domain: str | None = None, *, user_cache_ttl: float = 600.0,
                 **options: Any) -> None:
        super().__init__(settings, domain, **options)
        self._init_contacts(user_cache_ttl)
        self._init_rooms()
