"""What newcomers tripped over in the console: an @name nobody has, a request to an unknown
person, a question about one's own free time, proposed slots out of order, titles and windows
the parser lost, an impossible date. Each test uses its own people; the module shares one app."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from zoneinfo import ZoneInfo

from tests.flow.conftest import card_text, p2p, today_in, wait_for
from tests.flow.days import en_day, week_day, zh_day


def second_reply(yue, reply: dict) -> dict:
    """The next answer to the same message (after a click ran it again)."""
    mid, chat = reply["request"]["message_id"], reply["chat_id"]
    return wait_for("the answer after the click",
                    lambda: [m for m in yue.replies(mid, chat) if m["message_id"] != reply["message_id"]])[0]


def _booked_today_onwards(yue, who: str) -> list[dict]:
    start = today_in(who)
    return [e for e in yue.agenda(who, start, start + dt.timedelta(days=3)) if e["kind"] == "event"]


# --- a. "@Nobody": an @name that is nobody ---------------------------------------------------------

@pytest.mark.parametrize("who, text, unknown, go_on", [
    ("ou_grace", "明天下午3点和 @Nobody 开会", "我不认识「Nobody」", "不带上他们，继续"),
    ("ou_henry", "meet @Nobody tomorrow at 3pm", "I don't know “Nobody”", "Continue without them"),
])
def test_an_unknown_at_name_is_told_and_nothing_is_booked_until_going_on_without(yue, who, text, unknown, go_on):
    before = _booked_today_onwards(yue, who)
    reply = yue.say(p2p(who), who, text)
    said = card_text(reply["card"])
    assert unknown in said
    assert [label for label, _ in yue.buttons(reply)] == [go_on]       # no Confirm: nothing to book yet
    assert _booked_today_onwards(yue, who) == before

    out = yue.click(reply, who, yue.button(reply, "without"))
    assert out["toast"]["type"] == "success", out
    again = second_reply(yue, reply)
    draft = yue.store.get_draft(yue.button(again, "confirm")["d"])
    assert "Nobody" not in card_text(again["card"])
    assert "Nobody" not in (draft.payload.get("title") or "")
    assert draft.payload.get("attendees") in ([], None)


# --- b. "let @Eve edit my calendar" when there is no Eve ---------------------------------------------

@pytest.mark.parametrize("who, text, unknown", [
    ("ou_ivy", "让 @Eve 编辑我的日历", "我不认识「Eve」"),
    ("ou_ivy", "let @Eve edit my calendar", "I don't know “Eve”"),
])
def test_sharing_with_an_unknown_name_says_who_is_unknown_not_the_help(yue, who, text, unknown):
    reply = yue.say(p2p(who), who, text)
    said = card_text(reply["card"])
    assert unknown in said
    assert "/help" not in said and "/meet" not in said
    assert yue.buttons(reply) == []           # nothing to share with: no button to go on


# --- f. proposed slots in time order -----------------------------------------------------------------

@pytest.mark.parametrize("text", ["@Yue find 30 min with @Carol @Dave @Erin @Frank on {en} between 12am and 2am",
                                  "@Yue {zh}凌晨0点到2点之间和 @Carol @Dave @Erin @Frank 找30分钟"])
def test_slots_nobody_shares_are_still_offered_in_time_order(yue, text):
    # Four zones from Los Angeles to Tokyo: no time suits all, so the times most can make are
    # offered, ranked by who can come (01:00 and 01:30 suit more than 00:00 or 00:30, when it is
    # 08:00 for Carol) — and must still read in time order.
    day = week_day("ou_alice", 1, 2)
    reply = yue.say("oc_team", "ou_alice", text.format(en=en_day(day), zh=zh_day(day)))
    picks = [v for _, v in yue.buttons(reply) if v.get("a") == "pick"]
    assert len(picks) == 3, card_text(reply["card"])
    starts = [dt.datetime.fromisoformat(s) for s, _ in yue.store.get_draft(picks[0]["d"]).payload["slots"]]
    assert starts == sorted(starts), card_text(reply["card"])


# --- g. "after lunch" is kept, and "grab" is no title -------------------------------------------------

def test_grab_time_after_lunch_keeps_the_window_and_a_neutral_title(yue):
    who = "ou_jonas"         # Berlin: a Berlin afternoon suits Dave in London
    reply = yue.say(p2p(who), who, "grab 30 min with @Dave tommorow after lunch")
    picks = [v for _, v in yue.buttons(reply) if v.get("a") == "pick"]
    assert picks, card_text(reply["card"])
    p = yue.store.get_draft(picks[0]["d"]).payload
    assert p["title"] == "Meeting"
    tomorrow = today_in(who) + dt.timedelta(days=1)
    ws, we = (dt.datetime.fromisoformat(x) for x in p["window"])
    zone = ws.tzinfo
    assert (ws.date(), ws.hour, we.hour) == (tomorrow, 13, 18), p["window"]
    for s, e in p["slots"]:
        s_, e_ = dt.datetime.fromisoformat(s).astimezone(zone), dt.datetime.fromisoformat(e).astimezone(zone)
        assert s_.date() == tomorrow and 13 <= s_.hour and e_ <= we, p["slots"]
    assert "grab" not in card_text(reply["card"])


# --- h. the topic after 开会 is the title -------------------------------------------------------------

def test_topic_after_the_meeting_word_is_the_title_zh(yue):
    who = "ou_kevin"
    reply = yue.say(p2p(who), who, "明天下午4点和 @Frank 开会 对齐")
    p = yue.store.get_draft(yue.button(reply, "confirm")["d"]).payload
    assert p["title"] == "对齐"
    assert "**对齐**" in card_text(reply["card"])


# --- i. a date that does not exist is told, not replaced ----------------------------------------------

@pytest.mark.parametrize("who, text, told", [
    ("ou_lin", "2月30日下午3点和 @Bob 开会", "没有「2月30日」这一天"),
    ("ou_lin", "meet @Bob on Feb 30 at 3pm", "There is no Feb 30"),
    ("ou_lin", "明天25点和 @Bob 开会", "没有「25点」这个时间"),
    ("ou_lin", "sync with @Bob tomorrow at 26:00", "There is no 26:00"),
])
def test_an_impossible_date_is_told_and_nothing_is_proposed(yue, who, text, told):
    reply = yue.say(p2p(who), who, text)
    assert told in card_text(reply["card"])
    assert yue.buttons(reply) == []       # no proposal, no slots on some other day


# --- e. "am I free tomorrow?" is answered, not booked -------------------------------------------------

def _ranges(line: str) -> list[tuple[str, str]]:
    return re.findall(r"(\d\d:\d\d)–(\d\d:\d\d)", line)


@pytest.mark.parametrize("text, title, free, busy", [
    ("我明天有空吗", "你的空闲时间", "✅ 空闲", "⛔ 忙碌"),
    ("am I free tomorrow?", "Your free time", "✅ Free", "⛔ Busy"),
])
def test_am_i_free_answers_with_free_times_and_busy_blocks(yue, text, title, free, busy):
    who = "ou_bob"
    tomorrow = today_in(who) + dt.timedelta(days=1)
    reply = yue.say(p2p(who), who, text)
    said = card_text(reply["card"])
    assert title in said
    assert yue.buttons(reply) == []           # a question: no slot picker, no did-you-mean
    free_line = next(x for x in said.splitlines() if x.startswith(free))
    busy_line = next(x for x in said.splitlines() if x.startswith(busy))
    busy_spans, free_spans = _ranges(busy_line), _ranges(free_line)
    events = [e for e in yue.agenda(who, tomorrow, tomorrow + dt.timedelta(days=1))
              if not e["all_day"] and e["free_busy_status"] != "free" and e["rsvp_status"] != "decline"]
    for e in events:
        s, end = e["start"][11:16], e["end"][11:16]
        assert any(a <= s and end <= b for a, b in busy_spans), (e["summary"], s, end, said)
        assert not any(a < end and s < b for a, b in free_spans), (e["summary"], s, end, said)
    assert free_spans or busy_spans or "not a working day" in said or "非工作日" in said


# --- c. "Ask the organiser": the asked time travels, and the organiser can accept or decline -----------

def _book(yue, who: str, text: str) -> None:
    reply = yue.say(p2p(who), who, text)
    out = yue.click(reply, who, yue.button(reply, "confirm"))
    assert out["toast"]["type"] == "success", out


def _card_to(yue, who: str, words: str) -> dict:
    return wait_for(f"a card to {who} saying {words!r}",
                    lambda: [m for m in yue.bot_messages(p2p(who)) if words in card_text(m.get("card"))])[-1]


def _start_of(yue, who: str, title: str, day: dt.date) -> dt.datetime:
    evs = yue.events(who, title, day - dt.timedelta(days=1), day + dt.timedelta(days=8))
    assert len(evs) == 1, evs
    return dt.datetime.fromisoformat(evs[0]["start"])


def test_en_the_organizer_accepts_the_asked_time_and_the_asker_is_told(yue):
    day, new_day = week_day("ou_grace", 3, 1), week_day("ou_grace", 3, 3)
    _book(yue, "ou_grace", f"meet @Erin on {en_day(day)} at 10am about Tokyo pricing")
    reply = yue.say(p2p("ou_erin"), "ou_erin", f"move the Tokyo pricing meeting to {en_day(new_day)} at 4pm")
    asked = yue.click(reply, "ou_erin", yue.button(reply, "ask"))
    assert asked["toast"]["type"] == "success", asked
    request = _card_to(yue, "ou_grace", "asks to move “Tokyo pricing”")
    assert "15:00" in card_text(request["card"])           # 4pm in Tokyo is 15:00 on Grace's Singapore clock
    done = yue.click(request, "ou_grace", yue.button(request, "choose"))
    assert done["toast"]["type"] == "success", done
    tokyo_4pm = dt.datetime.combine(new_day, dt.time(16), ZoneInfo("Asia/Tokyo"))
    assert _start_of(yue, "ou_erin", "Tokyo pricing", day) == tokyo_4pm
    told = _card_to(yue, "ou_erin", "Grace Tan accepted")
    assert "Tokyo pricing" in card_text(told["card"]) and "16:00" in card_text(told["card"])


def test_zh_a_vague_asked_time_is_carried_and_accepting_offers_its_slots(yue):
    day, new_day = week_day("ou_kevin", 3, 0), week_day("ou_kevin", 3, 2)
    _book(yue, "ou_kevin", f"{zh_day(day)}上午10点和 @张浩 开会 前端联调")
    reply = yue.say(p2p("ou_henry"), "ou_henry", f"把{zh_day(day)}的前端联调挪到{zh_day(new_day)}下午")
    yue.click(reply, "ou_henry", yue.button(reply, "ask"))
    request = _card_to(yue, "ou_kevin", "张浩 想把「前端联调」")
    text = card_text(request["card"])
    assert zh_day(new_day) in text and "14:00–18:00" in text, text      # the asked afternoon, not "some time"
    slots = yue.click(request, "ou_kevin", yue.button(request, "choose"))
    picks = [v for _, v in yue.buttons(slots["card"]) if v.get("a") == "pick"]
    assert picks, card_text(slots["card"])
    moved = yue.click(request, "ou_kevin", picks[0])
    assert moved["toast"]["type"] == "success", moved
    start = _start_of(yue, "ou_henry", "前端联调", day).astimezone(ZoneInfo("Asia/Shanghai"))
    assert start.date() == new_day and 14 <= start.hour < 18
    assert "黄凯 同意了" in card_text(_card_to(yue, "ou_henry", "黄凯 同意了")["card"])


def test_zh_the_organizer_declines_nothing_moves_and_the_asker_is_told(yue):
    day, new_day = week_day("ou_lin", 4, 1), week_day("ou_lin", 4, 3)
    _book(yue, "ou_lin", f"{zh_day(day)}下午2点和 @刘静 开会 报销复盘")
    before = _start_of(yue, "ou_ivy", "报销复盘", day)
    reply = yue.say(p2p("ou_ivy"), "ou_ivy", f"把{zh_day(day)}的报销复盘改到{zh_day(new_day)}下午4点")
    yue.click(reply, "ou_ivy", yue.button(reply, "ask"))
    request = _card_to(yue, "ou_lin", "刘静 想把「报销复盘」")
    out = yue.click(request, "ou_lin", yue.button(request, "cancel"))
    assert yue.buttons(out["card"]) == [], out            # answered: nothing left to press
    assert _start_of(yue, "ou_ivy", "报销复盘", day) == before
    assert "报销复盘" in card_text(_card_to(yue, "ou_ivy", "赵琳 没有同意改期")["card"])


# --- d. "cancel all my meetings": list them, confirm once, a true Undo ---------------------------------

@pytest.mark.parametrize("who, guest, lang", [("ou_henry", "@黄凯", "zh"), ("ou_jonas", "@Dave", "en")])
def test_cancel_all_lists_the_days_meetings_cancels_them_and_undo_restores_them(yue, who, guest, lang):
    day, empty_day = week_day(who, 4, 3), week_day(who, 4, 4)
    titles = ["批量一", "批量二"] if lang == "zh" else ["pricing review", "hiring plan"]
    if lang == "zh":
        _book(yue, who, f"{zh_day(day)}上午10点和 {guest} 开会 {titles[0]}")
        _book(yue, who, f"{zh_day(day)}下午3点和 {guest} 开会 {titles[1]}")
        ask_all, ask_none = f"取消我{zh_day(day)}所有的会", f"取消我{zh_day(empty_day)}所有的会"
    else:
        _book(yue, who, f"meet {guest} on {en_day(day)} at 10am about {titles[0]}")
        _book(yue, who, f"meet {guest} on {en_day(day)} at 3pm about {titles[1]}")
        ask_all, ask_none = f"cancel all my meetings on {en_day(day)}", f"cancel all my meetings on {en_day(empty_day)}"
    guest_id = "ou_kevin" if lang == "zh" else "ou_dave"

    def on_calendar() -> list[str]:
        return sorted(e["summary"] for e in yue.agenda(guest_id, day - dt.timedelta(days=1), day + dt.timedelta(days=2))
                      if e["kind"] == "event" and e["summary"] in titles)

    assert on_calendar() == sorted(titles)
    reply = yue.say(p2p(who), who, ask_all)
    said = card_text(reply["card"])
    assert all(t in said for t in titles), said
    done = yue.click(reply, who, yue.button(reply, "confirm"))
    assert done["toast"]["type"] == "success", done
    assert on_calendar() == []
    back = yue.click(reply, who, yue.button(done["card"], "undo"))
    assert back["toast"]["type"] == "success", back
    assert on_calendar() == sorted(titles)

    none = yue.say(p2p(who), who, ask_none)
    assert yue.buttons(none) == []
    assert ("没有可取消的会议" if lang == "zh" else "No meetings to cancel") in card_text(none["card"])
    # Not connected: only Yue's bookings were looked at, and the card says so.
    assert ("连接日历后" if lang == "zh" else "connect your calendar") in card_text(none["card"])
