"""Free/busy of people (calendar v4 freebusy.batch, 10 people per call) and rooms
(freebusy.list, one room per call), the calls run concurrently."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from lark_oapi.api.calendar.v4 import (BatchFreebusyRequest, BatchFreebusyRequestBody, ListFreebusyRequest,
                                       ListFreebusyRequestBody)

from bot.feishu.core import FeishuClient, current_priority, with_priority
from bot.feishu.errors import FeishuError
from bot.feishu.models import Interval, chunks, parse_rfc3339, require_aware, rfc3339

FREEBUSY_SPAN = dt.timedelta(days=90)        # contract §4.5: time_max − time_min ≤ 90 days
BATCH_USERS = 10                             # contract §4.5: freebusy.batch takes 1–10 user_ids


def _intervals(items: Iterable[Any] | None) -> list[Interval]:
    return [(parse_rfc3339(f.start_time), parse_rfc3339(f.end_time))
            for f in (items or []) if f.start_time and f.end_time]


class FreebusyMixin(FeishuClient):
    """Busy intervals of people and rooms."""

    def freebusy(self, open_ids: Iterable[str], room_ids: Iterable[str], start: dt.datetime,
                 end: dt.datetime) -> dict[str, list[Interval]]:
        """Busy intervals per person (open_id) and room (room_id) in [start, end).

        People go ten at a time through `freebusy.batch` (20 people over 5 days: 2
        calls, where one `freebusy.list` per person was 20), rooms one by one through
        `freebusy.list` (batch takes no rooms); one call per ≤90-day window. The calls
        run concurrently on the instance's pool, paced by the shared rate limiter.
        Intervals are aware datetimes, sorted, exact duplicates (an event seen from two
        windows) removed, overlaps kept (one per busy event, so conflicts can be named).
        Any failure raises the first `FeishuError`.
        """
        require_aware(start, end)
        people, rooms = list(dict.fromkeys(open_ids)), list(dict.fromkeys(room_ids))
        windows = chunks(start, end, FREEBUSY_SPAN)
        jobs: list[Callable[[], dict[str, list[Interval]]]] = []
        for ws, we in windows:
            for n in range(0, len(people), BATCH_USERS):
                group = people[n:n + BATCH_USERS]
                jobs.append(lambda g=group, a=ws, b=we: self._freebusy_batch(g, a, b))
            for r in rooms:
                jobs.append(lambda r=r, a=ws, b=we: {r: self._freebusy_room(r, a, b)})
        priority = current_priority()   # the pool's threads do not inherit the caller's context
        futures = [self._pool.submit(with_priority, priority, job) for job in jobs]
        result: dict[str, list[Interval]] = {i: [] for i in people + rooms}
        first_error: FeishuError | None = None
        for fut in futures:
            try:
                for ident, found in fut.result().items():
                    if ident in result:
                        result[ident].extend(found)
            except FeishuError as e:
                first_error = first_error or e
        if first_error is not None:
            raise first_error
        return {k: sorted(set(v)) for k, v in result.items()}

    def _freebusy_batch(self, open_ids: list[str], start: dt.datetime, end: dt.datetime) -> dict[str, list[Interval]]:
        body = (BatchFreebusyRequestBody.builder().time_min(rfc3339(start)).time_max(rfc3339(end))
                .user_ids(open_ids).only_busy(True))
        req = lambda: BatchFreebusyRequest.builder().user_id_type("open_id").request_body(body.build()).build()  # noqa: E731
        data = self._call("calendar.freebusy.batch", lambda c, o: c.calendar.v4.freebusy.batch(req(), o),
                          idempotent=True)
        return {u.user_id: _intervals(u.freebusy_items)
                for u in (getattr(data, "freebusy_lists", None) or []) if u.user_id}

    def _freebusy_room(self, room_id: str, start: dt.datetime, end: dt.datetime) -> list[Interval]:
        body = (ListFreebusyRequestBody.builder().time_min(rfc3339(start)).time_max(rfc3339(end))
                .only_busy(True).room_id(room_id))
        req = lambda: ListFreebusyRequest.builder().user_id_type("open_id").request_body(body.build()).build()  # noqa: E731
        data = self._call("calendar.freebusy.list", lambda c, o: c.calendar.v4.freebusy.list(req(), o),
                          idempotent=True)
        return _intervals(getattr(data, "freebusy_list", None))
