"""Explicit narrowing for values whose type a rule fixes by construction (a "dt" value's start
is a datetime, a group the pattern always fills is there). Each check fails loudly, as the bug
it would be, instead of letting a wrong type travel on."""
from __future__ import annotations

import datetime as dt
from typing import TypeVar

T = TypeVar("T")


class ShapeError(RuntimeError):
    """A value is not of the shape its rule guarantees: a bug in the rules, not bad input."""


def present(x: T | None, what: str) -> T:
    if x is None:
        raise ShapeError(f"{what}: missing")
    return x


def moment(x: object, what: str) -> dt.datetime:
    if not isinstance(x, dt.datetime):
        raise ShapeError(f"{what}: a datetime expected, got {type(x).__name__}")
    return x


def day(x: object, what: str) -> dt.date:
    """A date (a datetime is one too, as the comparisons and arithmetic of the rules allow)."""
    if not isinstance(x, dt.date):
        raise ShapeError(f"{what}: a date expected, got {type(x).__name__}")
    return x


def moment_or_none(x: object, what: str) -> dt.datetime | None:
    return None if x is None else moment(x, what)
