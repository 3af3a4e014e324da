"""First requests that race: the sandbox must not make two primary calendars (the bot would
then book the same draft twice, once on each) nor fail on its change counter."""
from __future__ import annotations

import concurrent.futures as cf

import lark_oapi as lark
from lark_oapi.api.calendar.v4 import PrimaryCalendarRequest

from tests.sandbox.conftest import APP_ID, APP_SECRET


def test_concurrent_first_primary_calls_get_one_calendar(sandbox_server):
    clients = [lark.Client.builder().app_id(APP_ID).app_secret(APP_SECRET).domain(sandbox_server.url).build()
               for _ in range(6)]

    def primary(client) -> str:
        resp = client.calendar.v4.calendar.primary(PrimaryCalendarRequest.builder().build())
        assert resp.success(), (resp.code, resp.msg)
        return resp.data.calendars[0].calendar.calendar_id

    for _ in range(3):
        with cf.ThreadPoolExecutor(6) as pool:
            ids = set(pool.map(primary, clients))
        assert len(ids) == 1, ids
