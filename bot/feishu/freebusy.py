"""Free/busy of people and rooms (calendar v4 freebusy.list), queried concurrently."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from lark_oapi.api.calendar.v4 import ListFreebusyRequest, ListFreebusyRequestBody

from bot.feishu.core import FeishuClient
from bot.feishu.errors import FeishuError
from bot.feishu.models import Interval, chunks, parse_rfc3339, require_aware, rfc3339

FREEBUSY_SPAN = dt.timedelta(days=90)        # contract §4.5: time_max − time_min ≤ 90 days


class FreebusyMixin(FeishuClient):
    """Busy intervals of people and rooms."""

    def freebusy(self, open_ids: Iterable[str], room_ids: Iterable[str], start: dt.datetime,
                 end: dt.datetime) -> dict[str, list[Interval]]:
        """Busy intervals per person (open_id) and room (room_id) in [start, end).

        One `freebusy.list` per id and ≤90-day window, run concurrently on the
        instance's pool, paced by the shared rate limiter. Intervals are aware
        datetimes, sorted, exact duplicates (an event seen from two windows)
        removed, overlaps kept (one per busy event, so conflicts can be named).
        Any failure raises the first `FeishuError`.
        """
        require_aware(start, end)
        people, rooms = list(dict.fromkeys(open_ids)), list(dict.fromkeys(room_ids))
        windows = chunks(start, end, FREEBUSY_SPAN)
        jobs = [(i, False, w) for i in people for w in windows] + [(r, True, w) for r in rooms for w in windows]
        futures = [(i, self._pool.submit(self._freebusy_one, i, is_room, ws, we)) for i, is_room, (ws, we) in jobs]
        result: dict[str, list[Interval]] = {i: [] for i in people + rooms}
        first_error: FeishuError | None = None
        for ident, fut in futures:
            try:
                result[ident].extend(fut.result())
            except FeishuError as e:
                first_error = first_error or e
        if first_error is not None:
            raise first_error
        return {k: sorted(set(v)) for k, v in result.items()}

    def _freebusy_one(self, ident: str, is_room: bool, start: dt.datetime, end: dt.datetime) -> list[Interval]:
        body = ListFreebusyRequestBody.builder().time_min(rfc3339(start)).time_max(rfc3339(end)).only_busy(True)
        body = body.room_id(ident) if is_room else body.user_id(ident)
        req = lambda: ListFreebusyRequest.builder().user_id_type("open_id").request_body(body.build()).build()  # noqa: E731
        data = self._call("calendar.freebusy.list", lambda c, o: c.calendar.v4.freebusy.list(req(), o),
                          idempotent=True)
        return [(parse_rfc3339(f.start_time), parse_rfc3339(f.end_time))
                for f in (getattr(data, "freebusy_list", None) or []) if f.start_time and f.end_time]
