"""bot.planning.own_time: free stretches are working hours less busy blocks."""
from __future__ import annotations

import datetime as dt

from bot.planning.own_time import _minus

Z = dt.UTC


def at(h: int, m: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, 9, h, m, tzinfo=Z)


def test_busy_blocks_cut_the_working_day_and_slivers_are_dropped():
    work = [(at(9), at(18))]
    busy = [(at(8), at(9, 45)), (at(9, 50), at(10, 10)), (at(12), at(13)), (at(17, 50), at(19))]
    assert _minus(work, busy) == [(at(10, 10), at(12)), (at(13), at(17, 50))]    # 09:45–09:50: too short


def test_no_busy_leaves_the_day_whole():
    assert _minus([(at(9), at(18))], []) == [(at(9), at(18))]
