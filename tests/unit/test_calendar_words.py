"""The words the subscribe and rsvp handlers read from a message themselves: the calendar's
name ("订阅「产品发布」日历") and the meeting left once the answer's own words are gone."""
from __future__ import annotations

import pytest

from bot.handlers.rsvp import _ANSWER_WORDS
from bot.handlers.subscribe import _LIST, _QUOTED, calendar_name


@pytest.mark.parametrize("text,name", [
    ("订阅「产品发布」日历", "产品发布"), ("订阅产品发布日历", "产品发布"), ("退订公司活动日历", "公司活动"),
    ("取消订阅产品发布的日历", "产品发布"), ("subscribe me to the Holidays calendar", "Holidays"),
    ("unsubscribe me from the Holidays US calendar", "Holidays US"), ("sub to “Team Offsites” please", "Team Offsites"),
    ("subscribe me", ""),
])
def test_calendar_name(text, name):
    assert calendar_name(text) == name


@pytest.mark.parametrize("text,listing", [
    ("我订阅了哪些日历", True), ("which calendars am I subscribed to", True), ("订阅「哪些」日历", False),
    ("subscribe me to the Holidays calendar", False),
])
def test_a_question_about_the_list_is_not_a_name(text, listing):
    assert (bool(_LIST.search(text)) and not _QUOTED.search(text)) is listing


@pytest.mark.parametrize("query,left", [
    ("I can't make the design sync", "design sync"), ("I won't make it to the sync", "sync"),
    ("I'll join the launch review", "launch review"), ("评审", "评审"),
])
def test_the_answer_words_leave_the_meeting(query, left):
    assert " ".join(_ANSWER_WORDS.sub(" ", query).split()) == left
