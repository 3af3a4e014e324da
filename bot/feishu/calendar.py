"""Calendar v4: the bot's and people's calendars, events and their attendees,
time-off, sharing (ACLs) and CalDAV settings."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from lark_oapi.api.calendar.v4 import (
    AclScope, BatchDeleteCalendarEventAttendeeRequest, BatchDeleteCalendarEventAttendeeRequestBody,
    CalendarAcl, CalendarEvent, CalendarEventAttendee, CreateCalendarAclRequest,
    CreateCalendarEventAttendeeRequest, CreateCalendarEventAttendeeRequestBody, CreateCalendarEventRequest,
    CreateTimeoffEventRequest, DeleteCalendarAclRequest, DeleteCalendarEventRequest, DeleteTimeoffEventRequest,
    EventLocation, EventSearchFilter, GenerateCaldavConfSettingRequest, GenerateCaldavConfSettingRequestBody,
    GetCalendarEventRequest, InstanceViewCalendarEventRequest, ListCalendarEventAttendeeRequest,
    ListCalendarEventRequest, PatchCalendarEventRequest, PrimaryCalendarRequest, PrimarysCalendarRequest,
    PrimarysCalendarRequestBody, Reminder, SearchCalendarEventRequest, SearchCalendarEventRequestBody, TimeInfo,
    TimeoffEvent,
)

from bot.feishu.core import FeishuClient, idempotency_uuid
from bot.feishu.errors import FeishuError
from bot.feishu.models import (Attendee, CaldavConf, Event, attendee_from, chunks, event_from, require_aware,
                               unix_s)

INSTANCE_VIEW_SPAN = dt.timedelta(days=30)   # §4.3: instance_view window < 40 days
ATTENDEE_CHUNK = 100                         # §4.4: ≤100 rooms and ≤1000 attendees per request
BATCH_DELETE_CHUNK = 500


class CalendarMixin(FeishuClient):
    """Calendars, events, attendees, time-off, ACLs and CalDAV (calendar v4)."""

    # --- calendars --------------------------------------------------------------------------

    def bot_calendar_id(self) -> str:
        """The app's own primary calendar (tenant token ⇒ the bot identity), where
        Yue creates the meetings it books. Cached for the life of the instance."""
        with self._lock:
            if self._bot_calendar:
                return self._bot_calendar
        data = self._call("calendar.primary", lambda c, o: c.calendar.v4.calendar.primary(
            PrimaryCalendarRequest.builder().user_id_type("open_id").build(), o), idempotent=True)
        cal = _first_calendar_id(data)
        with self._lock:
            self._bot_calendar = cal
        return cal

    def user_primary_calendar(self, user_token: str) -> str:
        """The person's own primary calendar id, acting as them."""
        data = self._call("calendar.primary", lambda c, o: c.calendar.v4.calendar.primary(
            PrimaryCalendarRequest.builder().user_id_type("open_id").build(), o),
            idempotent=True, user_token=user_token)
        return _first_calendar_id(data)

    def primary_calendar_ids(self, open_ids: Sequence[str]) -> dict[str, str]:
        """open_id → primary calendar id via `calendars/primarys` (tenant token).
        Knowing the id does not grant reading it: with the app identity the events
        stay hidden unless the person shared the calendar; use `freebusy` for
        availability and the person's user token for their agenda."""
        out: dict[str, str] = {}
        ids = list(dict.fromkeys(open_ids))
        for i in range(0, len(ids), 50):
            part = ids[i:i + 50]
            data = self._call("calendar.primarys", lambda c, o, part=part: c.calendar.v4.calendar.primarys(
                PrimarysCalendarRequest.builder().user_id_type("open_id").request_body(
                    PrimarysCalendarRequestBody.builder().user_ids(part).build()).build(), o), idempotent=True)
            for uc in (getattr(data, "calendars", None) or []):
                if uc.calendar is not None and uc.user_id:
                    out[uc.user_id] = uc.calendar.calendar_id
        return out

    # --- events -----------------------------------------------------------------------------

    def create_event(self, calendar_id: str, summary: str, description: str, start: dt.datetime,
                     end: dt.datetime, tz: str, recurrence: str | None = None,
                     idempotency_key: str | None = None, location: str | None = None, *,
                     attendee_ability: str = "can_see_others", reminders: Sequence[int] = (),
                     user_token: str | None = None) -> Event:
        """Create an event on `calendar_id` (the bot's, unless acting with `user_token`).

        idempotency_key: any stable text (e.g. the draft id); it becomes Feishu's
          `idempotency_key` (a UUID derived from it), so a retry or a second click
          returns the first event instead of a duplicate — and makes the call safe
          to retry on 5xx/network errors. Without it the call is not retried.
        recurrence: RRULE body ("FREQ=WEEKLY;COUNT=4"); a leading "RRULE:" is dropped.
        attendee_ability: defaults to "can_see_others" (Feishu's default "none" hides
          the guest list from guests, which surprises everyone).
        Attendees are a separate step: `add_attendees`.
        """
        require_aware(start, end)
        ev = (CalendarEvent.builder().summary(summary).description(description or "")
              .start_time(_ti(start, tz)).end_time(_ti(end, tz)).attendee_ability(attendee_ability))
        if recurrence:
            ev = ev.recurrence(recurrence[6:] if recurrence.upper().startswith("RRULE:") else recurrence)
        if location:
            ev = ev.location(EventLocation.builder().name(location).build())
        if reminders:
            ev = ev.reminders([Reminder.builder().minutes(m).build() for m in reminders])
        key = idempotency_uuid(idempotency_key, "event") if idempotency_key else None

        def req():
            b = CreateCalendarEventRequest.builder().calendar_id(calendar_id).user_id_type("open_id")
            if key:
                b = b.idempotency_key(key)
            return b.request_body(ev.build()).build()

        data = self._call("calendar.event.create", lambda c, o: c.calendar.v4.calendar_event.create(req(), o),
                          idempotent=key is not None, user_token=user_token)
        return event_from(data.event, calendar_id)

    def add_attendees(self, calendar_id: str, event_id: str, users: Sequence[str] = (),
                      rooms: Sequence[str] = (), chats: Sequence[str] = (), emails: Sequence[str] = (),
                      need_notification: bool = True, *, room_operator: str | None = None,
                      user_token: str | None = None) -> list[Attendee]:
        """Invite people (open_ids), rooms (room_ids), group chats (chat_ids) and
        external emails; returns all attendees of the event afterwards.

        room_operator: the open_id booked rooms are "contacted" for — Feishu wants an
          `operate_id` when the app identity books a room (pass the requester).
        Re-inviting an attendee is a no-op on Feishu, so the call is retried safely.
        """
        items: list[CalendarEventAttendee] = []
        items += [CalendarEventAttendee.builder().type("user").user_id(u).build() for u in dict.fromkeys(users)]
        for r in dict.fromkeys(rooms):
            b = CalendarEventAttendee.builder().type("resource").room_id(r)
            items.append((b.operate_id(room_operator) if room_operator else b).build())
        items += [CalendarEventAttendee.builder().type("chat").chat_id(c).build() for c in dict.fromkeys(chats)]
        items += [CalendarEventAttendee.builder().type("third_party").third_party_email(e).build()
                  for e in dict.fromkeys(emails)]
        result: list[Attendee] = []
        for i in range(0, len(items), ATTENDEE_CHUNK):
            part = items[i:i + ATTENDEE_CHUNK]
            req = lambda part=part: (CreateCalendarEventAttendeeRequest.builder().calendar_id(calendar_id)  # noqa: E731
                                     .event_id(event_id).user_id_type("open_id").request_body(
                                         CreateCalendarEventAttendeeRequestBody.builder().attendees(part)
                                         .need_notification(need_notification).build()).build())
            data = self._call("calendar.attendee.create",
                              lambda c, o, req=req: c.calendar.v4.calendar_event_attendee.create(req(), o),
                              idempotent=True, user_token=user_token)
            result = [attendee_from(a) for a in (getattr(data, "attendees", None) or [])]
        return result

    def get_event(self, calendar_id: str, event_id: str, *, need_attendee: bool = False,
                  user_token: str | None = None) -> Event:
        """One event (with up to 100 attendees when `need_attendee`)."""
        def req():
            b = GetCalendarEventRequest.builder().calendar_id(calendar_id).event_id(event_id).user_id_type("open_id")
            return (b.need_attendee(True).max_attendee_num(100) if need_attendee else b).build()
        data = self._call("calendar.event.get", lambda c, o: c.calendar.v4.calendar_event.get(req(), o),
                          idempotent=True, user_token=user_token)
        return event_from(data.event, calendar_id)

    def patch_event(self, calendar_id: str, event_id: str, *, summary: str | None = None,
                    description: str | None = None, start: dt.datetime | None = None,
                    end: dt.datetime | None = None, tz: str | None = None, location: str | None = None,
                    recurrence: str | None = None, reminders: Sequence[int] | None = None,
                    user_token: str | None = None) -> Event:
        """Change only the given fields. Feishu applies a new time only when both
        `start` and `end` are sent, so giving one without the other is refused here.
        Patching an occurrence id (`<uuid>_<ts>`) detaches that occurrence.
        reminders: the reading identity's own alerts (minutes before), replacing its list."""
        if (start is None) != (end is None):
            raise ValueError("patch_event needs both start and end to move an event")
        ev = CalendarEvent.builder()
        if summary is not None:
            ev = ev.summary(summary)
        if description is not None:
            ev = ev.description(description)
        if start is not None and end is not None:
            require_aware(start, end)
            zone_name = tz or self.default_tz
            ev = ev.start_time(_ti(start, zone_name)).end_time(_ti(end, zone_name))
        if location is not None:
            ev = ev.location(EventLocation.builder().name(location).build())
        if recurrence is not None:
            ev = ev.recurrence(recurrence[6:] if recurrence.upper().startswith("RRULE:") else recurrence)
        if reminders is not None:
            ev = ev.reminders([Reminder.builder().minutes(m).build() for m in reminders])
        req = lambda: (PatchCalendarEventRequest.builder().calendar_id(calendar_id).event_id(event_id)  # noqa: E731
                       .user_id_type("open_id").request_body(ev.build()).build())
        # Setting fields to given values can be repeated without changing the outcome.
        data = self._call("calendar.event.patch", lambda c, o: c.calendar.v4.calendar_event.patch(req(), o),
                          idempotent=True, user_token=user_token)
        return event_from(data.event, calendar_id)

    def delete_event(self, calendar_id: str, event_id: str, need_notification: bool = True, *,
                     user_token: str | None = None) -> bool:
        """Delete (a series when given its master id, one occurrence for `<uuid>_<ts>`).
        Idempotent: an event that is already gone counts as done. Returns True when
        this call deleted it, False when it was already gone."""
        req = lambda: (DeleteCalendarEventRequest.builder().calendar_id(calendar_id).event_id(event_id)  # noqa: E731
                       .need_notification("true" if need_notification else "false").build())
        return self._delete("calendar.event.delete", lambda c, o: c.calendar.v4.calendar_event.delete(req(), o),
                            user_token)

    def list_events(self, calendar_id: str, start: dt.datetime, end: dt.datetime, *,
                    user_token: str | None = None) -> list[Event]:
        """Events in a window as `events.list` gives them: recurring series once (as
        the master, `recurrence` set) plus modified occurrences; not expanded — use
        `instance_view` to see each occurrence. Feishu truncates this mode at 1000."""
        require_aware(start, end)
        req = lambda: (ListCalendarEventRequest.builder().calendar_id(calendar_id).start_time(unix_s(start))  # noqa: E731
                       .end_time(unix_s(end)).page_size(1000).user_id_type("open_id").build())
        data = self._call("calendar.event.list", lambda c, o: c.calendar.v4.calendar_event.list(req(), o),
                          idempotent=True, user_token=user_token)
        return [event_from(e, calendar_id) for e in (getattr(data, "items", None) or [])]

    def instance_view(self, calendar_id: str, start: dt.datetime, end: dt.datetime, *,
                      user_token: str | None = None) -> list[Event]:
        """Every occurrence in [start, end), recurring events expanded, sorted by start.
        Windows longer than Feishu's 40-day limit are split."""
        seen: dict[tuple[str, dt.datetime], Event] = {}
        for ws, we in chunks(start, end, INSTANCE_VIEW_SPAN):
            req = lambda ws=ws, we=we: (InstanceViewCalendarEventRequest.builder().calendar_id(calendar_id)  # noqa: E731
                                        .start_time(unix_s(ws)).end_time(unix_s(we)).user_id_type("open_id").build())
            data = self._call("calendar.event.instance_view",
                              lambda c, o, req=req: c.calendar.v4.calendar_event.instance_view(req(), o),
                              idempotent=True, user_token=user_token)
            for item in (getattr(data, "items", None) or []):
                ev = event_from(item, calendar_id)
                seen.setdefault((ev.event_id, ev.start), ev)
        return sorted(seen.values(), key=lambda e: (e.start, e.event_id))

    def search_events(self, calendar_id: str, query: str, user_token: str | None = None, *,
                      start: dt.datetime | None = None, end: dt.datetime | None = None) -> list[Event]:
        """Fuzzy title search. Without start/end Feishu searches about the past month."""
        flt = None
        if start is not None or end is not None:
            fb = EventSearchFilter.builder()
            if start is not None:
                fb = fb.start_time(TimeInfo.builder().timestamp(unix_s(start)).build())
            if end is not None:
                fb = fb.end_time(TimeInfo.builder().timestamp(unix_s(end)).build())
            flt = fb.build()

        def fetch(token):
            def req():
                b = SearchCalendarEventRequest.builder().calendar_id(calendar_id).user_id_type("open_id").page_size(100)
                if token:
                    b = b.page_token(token)
                body = SearchCalendarEventRequestBody.builder().query(query or "")
                return b.request_body((body.filter(flt) if flt else body).build()).build()
            data = self._call("calendar.event.search", lambda c, o: c.calendar.v4.calendar_event.search(req(), o),
                              idempotent=True, user_token=user_token)
            nxt = getattr(data, "page_token", None)
            return getattr(data, "items", None) or [], nxt, bool(nxt)

        return [event_from(e, calendar_id) for e in self._pages(fetch)]

    def list_attendees(self, calendar_id: str, event_id: str, *, user_token: str | None = None) -> list[Attendee]:
        def fetch(token):
            def req():
                b = (ListCalendarEventAttendeeRequest.builder().calendar_id(calendar_id).event_id(event_id)
                     .user_id_type("open_id").page_size(100))
                return (b.page_token(token) if token else b).build()
            data = self._call("calendar.attendee.list",
                              lambda c, o: c.calendar.v4.calendar_event_attendee.list(req(), o),
                              idempotent=True, user_token=user_token)
            return getattr(data, "items", None) or [], getattr(data, "page_token", None), bool(data.has_more)

        return [attendee_from(a) for a in self._pages(fetch)]

    def batch_delete_attendees(self, calendar_id: str, event_id: str, attendee_ids: Sequence[str],
                               need_notification: bool = True, *, user_token: str | None = None) -> None:
        """Remove attendees by `attendee_id` (from `list_attendees`/`add_attendees`)."""
        ids = list(dict.fromkeys(attendee_ids))
        for i in range(0, len(ids), BATCH_DELETE_CHUNK):
            part = ids[i:i + BATCH_DELETE_CHUNK]
            req = lambda part=part: (BatchDeleteCalendarEventAttendeeRequest.builder().calendar_id(calendar_id)  # noqa: E731
                                     .event_id(event_id).user_id_type("open_id").request_body(
                                         BatchDeleteCalendarEventAttendeeRequestBody.builder().attendee_ids(part)
                                         .need_notification(need_notification).build()).build())
            self._call("calendar.attendee.batch_delete",
                       lambda c, o, req=req: c.calendar.v4.calendar_event_attendee.batch_delete(req(), o),
                       idempotent=True, user_token=user_token)

    # --- time-off (tenant token only) -------------------------------------------------------

    def create_timeoff(self, open_id: str, start: dt.datetime | dt.date, end: dt.datetime | dt.date,
                       tz: str, title: str | None = None, description: str | None = None) -> str:
        """A leave marker on the person's profile and calendar. Timed with datetimes,
        all-day with dates (both the same kind). Returns the timeoff_event_id.
        Feishu has no idempotency key here, so only rate-limit refusals are retried."""
        if isinstance(start, dt.datetime) != isinstance(end, dt.datetime):
            raise ValueError("create_timeoff needs two datetimes or two dates")
        if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
            s, e = unix_s(start), unix_s(end)
        else:
            s, e = start.isoformat(), end.isoformat()
        t = TimeoffEvent.builder().user_id(open_id).timezone(tz).start_time(s).end_time(e)
        if title:
            t = t.title(title)
        if description:
            t = t.description(description)
        req = lambda: CreateTimeoffEventRequest.builder().user_id_type("open_id").request_body(t.build()).build()  # noqa: E731
        data = self._call("calendar.timeoff.create", lambda c, o: c.calendar.v4.timeoff_event.create(req(), o),
                          idempotent=False)
        return data.timeoff_event_id

    def delete_timeoff(self, timeoff_event_id: str) -> bool:
        """Idempotent like `delete_event`: True if deleted now, False if already gone."""
        req = lambda: DeleteTimeoffEventRequest.builder().timeoff_event_id(timeoff_event_id).build()  # noqa: E731
        return self._delete("calendar.timeoff.delete", lambda c, o: c.calendar.v4.timeoff_event.delete(req(), o))

    # --- sharing and CalDAV (user token) ----------------------------------------------------

    def create_acl(self, calendar_id: str, open_id: str, role: str, user_token: str) -> str:
        """Share `calendar_id` (the person's own, via their token) with `open_id` at
        `role` (free_busy_reader | reader | writer | owner); returns the acl_id.
        Granting again updates the role in place, so retrying is safe."""
        acl = CalendarAcl.builder().role(role).scope(AclScope.builder().type("user").user_id(open_id).build())
        req = lambda: (CreateCalendarAclRequest.builder().calendar_id(calendar_id).user_id_type("open_id")  # noqa: E731
                       .request_body(acl.build()).build())
        data = self._call("calendar.acl.create", lambda c, o: c.calendar.v4.calendar_acl.create(req(), o),
                          idempotent=True, user_token=user_token)
        return data.acl_id

    def delete_acl(self, calendar_id: str, acl_id: str, user_token: str) -> bool:
        """Idempotent: True if removed now, False if it was already gone."""
        req = lambda: DeleteCalendarAclRequest.builder().calendar_id(calendar_id).acl_id(acl_id).build()  # noqa: E731
        return self._delete("calendar.acl.delete", lambda c, o: c.calendar.v4.calendar_acl.delete(req(), o),
                            user_token)

    def caldav_conf(self, user_token: str, device_name: str = "Yue") -> CaldavConf:
        """CalDAV settings for the person (user token only). Each call mints a new
        password, so it is never retried blindly; show it only in a private chat."""
        req = lambda: GenerateCaldavConfSettingRequest.builder().request_body(  # noqa: E731
            GenerateCaldavConfSettingRequestBody.builder().device_name(device_name).build()).build()
        data = self._call("calendar.setting.caldav", lambda c, o: c.calendar.v4.setting.generate_caldav_conf(req(), o),
                          idempotent=False, user_token=user_token)
        return CaldavConf(server=data.server_address or "", username=data.user_name or "",
                          password=data.password or "", device_name=data.device_name or device_name)


def _ti(value: dt.datetime, tz: str) -> TimeInfo:
    return TimeInfo.builder().timestamp(unix_s(value)).timezone(tz).build()


def _first_calendar_id(data: Any) -> str:
    for uc in (getattr(data, "calendars", None) or []):
        if uc.calendar is not None and uc.calendar.calendar_id:
            return uc.calendar.calendar_id
    raise FeishuError(-1, "no primary calendar in the answer", None, "not_found", op="calendar.primary")
