"""User text (titles, names, places, search words) on every card: a markdown link or a
bare URL in it is shown as typed, never made a link; bidi controls (U+202E …) are
removed everywhere, plain_text labels and headers included."""
from __future__ import annotations

import datetime as dt
import html
from zoneinfo import ZoneInfo

import pytest

from bot.cards import (Booked, Conflict, Event, Person, Proposal, Room, SlotChoice, SlotsView, agenda_card,
                       booked_card, cancelled_event_card, choose_event_card, invite_card, proposal_card,
                       rescheduled_card, scope_card, search_card, share_card, slots_card, status_card)

SH = "Asia/Shanghai"
START = dt.datetime(2026, 11, 26, 15, 0, tzinfo=ZoneInfo(SH))
END = START + dt.timedelta(hours=1)
NOW = START - dt.timedelta(days=1)
LINK = "[Click me](https://evil.example/x)"
BARE = "see https://evil.example/y"
BIDI = "\u202e\u2066\u200f"
HOSTILE = f"{BIDI[0]}Budget {LINK} {BARE}{BIDI[1:]}"
BIDI_ALL = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def hostile_cards(lang: str) -> dict[str, dict]:
    who = (Person(HOSTILE, "ou_x"), Person("Carol", "ou_c", "America/Los_Angeles"))
    ev = Event("ev1", HOSTILE, START, END, location=HOSTILE, app_link="https://applink.feishu.cn/e?id=1")
    return {
        "proposal": proposal_card(Proposal("d1", HOSTILE, START, END, SH, who, Room(HOSTILE, 8, HOSTILE),
                                           conflicts=(Conflict(HOSTILE, START, END, HOSTILE),)), lang),
        "slots": slots_card(SlotsView("d2", HOSTILE, SH, 30, (SlotChoice(START, END, (HOSTILE,)),),
                                      attendees=who, best_effort=True), lang),
        "booked": booked_card(Booked("d3", HOSTILE, START, END, SH, who, Room(HOSTILE), None,
                                     "https://applink.feishu.cn/x", NOW + dt.timedelta(minutes=5)), lang, NOW),
        "share": share_card("d4", Person(HOSTILE), "reader", lang, NOW),
        "invite": invite_card("d5", ev, [Person(HOSTILE)], SH, lang, NOW),
        "cancelled": cancelled_event_card("d6", ev, SH, lang, NOW),
        "rescheduled": rescheduled_card("d7", ev, START, END, SH, lang, NOW),
        "choose": choose_event_card("d8", [ev], SH, lang),
        "scope": scope_card("d9", ev, SH, lang),
        "status": status_card("cancelled", lang, HOSTILE),
        "agenda": agenda_card([ev], START.date(), START.date(), SH, lang),
        "search": search_card(HOSTILE, [ev], SH, lang),
    }


def nodes(x):
    yield x
    for v in (x.values() if isinstance(x, dict) else x if isinstance(x, list) else ()):
        yield from nodes(v)


def markdown_texts(card: dict) -> list[str]:
    return [n["content"] for n in nodes(card) if isinstance(n, dict) and n.get("tag") in ("markdown", "lark_md")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_links_in_user_text_stay_text(lang):
    for name, card in hostile_cards(lang).items():
        texts = markdown_texts(card)
        joined = "\n".join(texts)
        assert "](https://evil" not in joined and "[Click me]" not in joined, name
        assert "https://evil" not in joined, name          # a bare URL would be linked by Feishu
        # ... but the person still reads what was typed (Feishu shows entities as characters)
        everything = html.unescape(joined + "\n" + "\n".join(n for n in nodes(card) if isinstance(n, str)))
        assert LINK in everything, name


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bidi_controls_never_reach_a_card(lang):
    for name, card in hostile_cards(lang).items():
        strings = [n for n in nodes(card) if isinstance(n, str)]
        assert strings and not any(set(s) & set(BIDI_ALL) for s in strings), name
        assert any("Budget" in s for s in strings), name


def test_our_own_links_still_work():
    """The agenda links an event's title to its app link: that markdown link is ours."""
    ev = Event("ev1", "Sync", START, END, app_link="https://applink.feishu.cn/e?id=1")
    assert "[Sync](https://applink.feishu.cn/e?id=1)" in "\n".join(
        markdown_texts(agenda_card([ev], START.date(), START.date(), SH, "en")))
