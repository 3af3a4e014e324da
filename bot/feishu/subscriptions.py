"""Calendar v4 as the person: the calendars they can find and subscribe to, their calendar
list, who can see their calendar (ACL list), answering an invitation (event reply), the
change pushes Yue asks Feishu for on their behalf (user token only), and Exchange bindings."""
from __future__ import annotations

from dataclasses import dataclass

from lark_oapi.api.calendar.v4 import (
    CreateExchangeBindingRequest, DeleteExchangeBindingRequest, ExchangeBinding, GetExchangeBindingRequest,
    ListCalendarAclRequest, ListCalendarRequest, ReplyCalendarEventRequest, ReplyCalendarEventRequestBody,
    SearchCalendarRequest, SearchCalendarRequestBody, SubscribeCalendarRequest, SubscriptionCalendarAclRequest,
    SubscriptionCalendarEventRequest, SubscriptionCalendarRequest, UnsubscribeCalendarRequest,
)

from bot.feishu.core import FeishuClient
from bot.feishu.models import Acl

RSVP_STATUSES = ("accept", "tentative", "decline")


@dataclass(frozen=True)
class CalendarInfo:
    calendar_id: str
    summary: str
    description: str = ""
    type: str = ""              # primary | shared | google | resource | exchange
    role: str = ""              # the caller's role on it
    permissions: str = ""


@dataclass(frozen=True)
class Binding:
    binding_id: str
    account: str
    status: str                 # doing | cal_done | timespan_done | done | err


def _calendar(c) -> CalendarInfo:
    return CalendarInfo(calendar_id=c.calendar_id or "", summary=c.summary_alias or c.summary or "",
                        description=c.description or "", type=c.type or "", role=c.role or "",
                        permissions=c.permissions or "")


class SubscriptionsMixin(FeishuClient):
    """What a person does with their calendar besides events: find, subscribe, share, reply, link."""

    def search_calendars(self, query: str, user_token: str, limit: int = 50) -> list[CalendarInfo]:
        """Public calendars (and primaries) whose name or description holds `query`."""
        def fetch(token):
            def req():
                b = SearchCalendarRequest.builder().page_size(50)
                b = b.page_token(token) if token else b
                return b.request_body(SearchCalendarRequestBody.builder().query(query[:200]).build()).build()
            data = self._call("calendar.search", lambda c, o: c.calendar.v4.calendar.search(req(), o),
                              idempotent=True, user_token=user_token)
            nxt = getattr(data, "page_token", None)
            return getattr(data, "items", None) or [], nxt, bool(nxt)
        return [_calendar(c) for c in self._pages(fetch)[:limit]]

    def subscribe_calendar(self, calendar_id: str, user_token: str) -> CalendarInfo:
        """Add the calendar to the person's list; subscribing again is a no-op on Feishu."""
        data = self._call("calendar.subscribe", lambda c, o: c.calendar.v4.calendar.subscribe(
            SubscribeCalendarRequest.builder().calendar_id(calendar_id).build(), o),
            idempotent=True, user_token=user_token)
        return _calendar(data.calendar)

    def unsubscribe_calendar(self, calendar_id: str, user_token: str) -> None:
        self._call("calendar.unsubscribe", lambda c, o: c.calendar.v4.calendar.unsubscribe(
            UnsubscribeCalendarRequest.builder().calendar_id(calendar_id).build(), o),
            idempotent=True, user_token=user_token)

    def my_calendars(self, user_token: str) -> list[CalendarInfo]:
        """The person's calendar list (their own and the ones they subscribed to)."""
        def fetch(token):
            def req():
                b = ListCalendarRequest.builder().page_size(500)
                return (b.page_token(token) if token else b).build()
            data = self._call("calendar.list", lambda c, o: c.calendar.v4.calendar.list(req(), o),
                              idempotent=True, user_token=user_token)
            return getattr(data, "calendar_list", None) or [], getattr(data, "page_token", None), \
                bool(getattr(data, "has_more", False))
        return [_calendar(c) for c in self._pages(fetch) if not c.is_deleted]

    def list_acls(self, calendar_id: str, user_token: str) -> list[Acl]:
        """Who the calendar is shared with, and how (user scopes only)."""
        def fetch(token):
            def req():
                b = ListCalendarAclRequest.builder().calendar_id(calendar_id).user_id_type("open_id").page_size(50)
                return (b.page_token(token) if token else b).build()
            data = self._call("calendar.acl.list", lambda c, o: c.calendar.v4.calendar_acl.list(req(), o),
                              idempotent=True, user_token=user_token)
            return getattr(data, "acls", None) or [], getattr(data, "page_token", None), \
                bool(getattr(data, "has_more", False))
        out = []
        for a in self._pages(fetch):
            uid = getattr(a.scope, "user_id", None) if a.scope else None
            if uid:
                out.append(Acl(acl_id=a.acl_id, role=a.role, open_id=uid))
        return out

    def reply_event(self, calendar_id: str, event_id: str, status: str, user_token: str) -> None:
        """Answer an invitation as the attendee (accept | tentative | decline); repeating it is harmless."""
        if status not in RSVP_STATUSES:
            raise ValueError(f"rsvp status must be one of {RSVP_STATUSES}")
        self._call("calendar.event.reply", lambda c, o: c.calendar.v4.calendar_event.reply(
            ReplyCalendarEventRequest.builder().calendar_id(calendar_id).event_id(event_id).request_body(
                ReplyCalendarEventRequestBody.builder().rsvp_status(status).build()).build(), o),
            idempotent=True, user_token=user_token)

    def watch_calendar(self, calendar_id: str, user_token: str) -> None:
        """Ask for the person's event, ACL and calendar-list change pushes (user token only)."""
        self._call("calendar.event.subscription", lambda c, o: c.calendar.v4.calendar_event.subscription(
            SubscriptionCalendarEventRequest.builder().calendar_id(calendar_id).user_id_type("open_id").build(), o),
            idempotent=True, user_token=user_token)
        self._call("calendar.acl.subscription", lambda c, o: c.calendar.v4.calendar_acl.subscription(
            SubscriptionCalendarAclRequest.builder().calendar_id(calendar_id).build(), o),
            idempotent=True, user_token=user_token)
        self._call("calendar.subscription", lambda c, o: c.calendar.v4.calendar.subscription(
            SubscriptionCalendarRequest.builder().build(), o), idempotent=True, user_token=user_token)

    # --- Exchange ---------------------------------------------------------------------------

    def bind_exchange(self, open_id: str, account: str, user_token: str) -> Binding:
        """Link the person's Exchange account; Feishu answers `doing` and carries on alone.
        Binding the same account again returns the same binding, so retries are safe."""
        body = ExchangeBinding.builder().admin_account(account).exchange_account(account).user_id(open_id).build()
        data = self._call("calendar.exchange.create", lambda c, o: c.calendar.v4.exchange_binding.create(
            CreateExchangeBindingRequest.builder().user_id_type("open_id").request_body(body).build(), o),
            idempotent=True, user_token=user_token)
        return Binding(data.exchange_binding_id or "", data.exchange_account or account, data.status or "doing")

    def exchange_binding(self, binding_id: str, user_token: str) -> Binding:
        data = self._call("calendar.exchange.get", lambda c, o: c.calendar.v4.exchange_binding.get(
            GetExchangeBindingRequest.builder().exchange_binding_id(binding_id).user_id_type("open_id").build(), o),
            idempotent=True, user_token=user_token)
        return Binding(data.exchange_binding_id or binding_id, data.exchange_account or "", data.status or "")

    def unbind_exchange(self, binding_id: str, user_token: str) -> bool:
        """True when removed now, False when it was already gone."""
        return self._delete("calendar.exchange.delete", lambda c, o: c.calendar.v4.exchange_binding.delete(
            DeleteExchangeBindingRequest.builder().exchange_binding_id(binding_id).build(), o), user_token)
