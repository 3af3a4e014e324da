"""intents.narrow: the explicit checks that stand where a rule's construction fixes a type."""
import datetime as dt

import pytest

from intents.en.resolve import Val
from intents.narrow import ShapeError, day, moment, moment_or_none, present

_DAY = dt.date(2026, 12, 8)
_AT = dt.datetime(2026, 12, 8, 9, 30, tzinfo=dt.UTC)


def test_values_of_the_promised_shape_pass_through_unchanged():
    assert present(0, "zero") == 0
    assert moment(_AT, "t") is _AT
    assert day(_DAY, "d") is _DAY and day(_AT, "d") is _AT  # a datetime is a date
    assert moment_or_none(None, "t") is None


def test_a_broken_promise_fails_loudly_and_names_what_broke():
    with pytest.raises(ShapeError, match="the zone: missing"):
        present(None, "the zone")
    with pytest.raises(ShapeError, match="a datetime expected, got date"):
        moment(_DAY, "start")
    with pytest.raises(ShapeError, match="a date expected, got NoneType"):
        day(None, "start")
    with pytest.raises(ShapeError):
        moment_or_none(_DAY, "end")


def test_a_resolved_side_reads_its_bounds_by_kind():
    win = Val("win", _AT, _AT + dt.timedelta(hours=1))
    assert win.start_dt() is _AT and win.end_dt() == _AT + dt.timedelta(hours=1)
    date = Val("date", _DAY)
    assert date.start_day() is _DAY
    with pytest.raises(ShapeError, match="start of a date value"):
        date.start_dt()


def test_a_token_value_is_read_by_its_kind():
    from intents.en.lex import Tok
    span = Tok("span", 0, 4, (_DAY, _DAY + dt.timedelta(days=1)))
    assert span.days() == (_DAY, _DAY + dt.timedelta(days=1))
    assert Tok("num", 0, 1, 7).number() == 7 and Tok("conn", 0, 2, "to").word() == "to"
    assert Tok("dur", 0, 6, {"minutes": 30.0}).amounts() == {"minutes": 30.0}
    with pytest.raises(ShapeError, match="a span token read as a day"):
        span.day()
    with pytest.raises(ShapeError, match="a num token read as a word"):
        Tok("num", 0, 1, 7).word()
