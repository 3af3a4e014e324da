"""Reschedule, cancel and invite find the meeting by loose words ("预算会" is "讨论预算", "the Q3
one"), go straight on when one meeting clearly matches (never "which meeting? 1 meetings match"),
offer everyone's free slots for a vague new time ("下午", "afternoon"), and tell an attendee
who is not the organizer who is, with a button that asks them. Each test has its own people."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.flow.conftest import ZONES, card_text, p2p, wait_for
from tests.flow.days import en_day, week_day, zh_day


def t(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s)


def book(yue, who: str, text: str) -> dict:
    reply = yue.say(p2p(who), who, text)
    out = yue.click(reply, who, yue.button(reply, "confirm"))
    assert out["toast"]["type"] == "success", out
    return reply


def one_event(yue, who: str, title: str, day: dt.date, days: int = 1) -> dict:
    evs = yue.events(who, title, day - dt.timedelta(days=1), day + dt.timedelta(days=days + 1))
    assert len(evs) == 1, evs
    return evs[0]


def no_picker(card: dict) -> None:
    text = card_text(card)
    assert "个会议符合" not in text and "meetings match" not in text, text


def test_zh_invite_finds_the_meeting_by_shared_words_without_a_picker(yue):
    day = week_day("ou_henry", 2, 1)
    book(yue, "ou_henry", f"{zh_day(day)}下午3点和 @李博 开会 讨论预算")
    done = yue.say(p2p("ou_henry"), "ou_henry", f"把 @Carol 也拉进{zh_day(day)}的预算会")
    no_picker(done["card"])
    assert "已邀请" in card_text(done["card"]) and "讨论预算" in card_text(done["card"])
    assert "Carol Chen" in one_event(yue, "ou_carol", "讨论预算", day)["attendees"]


def test_zh_vague_new_time_offers_everyones_free_afternoon_slots_then_moves(yue):
    day, new_day = week_day("ou_ivy", 2, 0), week_day("ou_ivy", 2, 4)
    book(yue, "ou_ivy", f"{zh_day(day)}上午10点和 @黄凯 开会 讨论预算")
    reply = yue.say(p2p("ou_ivy"), "ou_ivy", f"把{zh_day(day)}的预算会挪到{zh_day(new_day)}下午")
    no_picker(reply["card"])
    text = card_text(reply["card"])
    assert "给「讨论预算」选个新时间" in text, text
    picks = [v for _, v in yue.buttons(reply) if v["a"] == "pick"]
    assert picks, text
    slots = yue.store.get_draft(picks[0]["d"]).payload["slots"]
    sh = ZoneInfo(ZONES["ou_ivy"])
    for s, e in slots:
        a, b = t(s).astimezone(sh), t(e).astimezone(sh)
        assert a.date() == new_day and dt.time(14) <= a.time() and b.time() <= dt.time(18), (a, b)
    done = yue.click(reply, "ou_ivy", picks[0])
    assert "会议已改期" in card_text(done["card"]), card_text(done["card"])
    ev = one_event(yue, "ou_kevin", "讨论预算", day, days=7)
    assert t(ev["start"]) == t(slots[0][0]) and t(ev["end"]) - t(ev["start"]) == dt.timedelta(minutes=30)


def test_en_the_q3_one_to_an_afternoon_offers_slots_for_both(yue):
    day, new_day = week_day("ou_dave", 3, 1), week_day("ou_dave", 3, 3)
    book(yue, "ou_dave", f"meet @Jonas on {en_day(day)} at 10am about Q3 planning")
    reply = yue.say(p2p("ou_dave"), "ou_dave", f"move the Q3 one to {en_day(new_day)} afternoon")
    no_picker(reply["card"])
    assert "Pick a new time for “Q3 planning”" in card_text(reply["card"]), card_text(reply["card"])
    picks = [v for _, v in yue.buttons(reply) if v["a"] == "pick"]
    slots = yue.store.get_draft(picks[0]["d"]).payload["slots"]
    for s, e in slots:
        london = t(s).astimezone(ZoneInfo("Europe/London"))
        assert london.date() == new_day and dt.time(14) <= london.time(), london
        berlin_end = t(e).astimezone(ZoneInfo("Europe/Berlin"))
        assert berlin_end.time() <= dt.time(18), berlin_end     # inside Jonas's working day too
    done = yue.click(reply, "ou_dave", picks[-1])
    assert "Meeting moved" in card_text(done["card"])
    assert t(one_event(yue, "ou_jonas", "Q3 planning", day, days=3)["start"]) == t(slots[-1][0])


def test_zh_attendee_is_told_the_organizer_and_can_ask_them(yue):
    day, new_day = week_day("ou_lin", 3, 2), week_day("ou_lin", 3, 3)
    book(yue, "ou_lin", f"{zh_day(day)}下午2点和 @刘静 开会 季度预算评审")
    reply = yue.say(p2p("ou_ivy"), "ou_ivy", f"把{zh_day(day)}的预算评审改到{zh_day(new_day)}下午4点")
    text = card_text(reply["card"])
    assert "赵琳" in text and "只有发起人可以改期" in text and "管理员" not in text, text
    before = one_event(yue, "ou_ivy", "季度预算评审", day)
    asked = yue.click(reply, "ou_ivy", yue.button(reply, "ask"))
    assert asked["toast"]["type"] == "success" and "赵琳" in card_text(asked["card"])
    to_lin = [m for m in yue.bot_messages(p2p("ou_lin")) if "刘静 想把「季度预算评审」" in card_text(m.get("card"))]
    assert len(to_lin) == 1, [card_text(m.get("card")) for m in yue.bot_messages(p2p("ou_lin"))][-2:]
    assert "16:00" in card_text(to_lin[0]["card"])
    assert one_event(yue, "ou_ivy", "季度预算评审", day)["start"] == before["start"]     # nothing moved
    again = yue.click(reply, "ou_ivy", yue.button(reply, "ask"))
    assert again["toast"]["type"] != "success"                                         # asked once
    assert len([m for m in yue.bot_messages(p2p("ou_lin")) if "刘静 想把" in card_text(m.get("card"))]) == 1


def test_en_attendee_is_told_the_organizer(yue):
    day = week_day("ou_frank", 3, 1)
    book(yue, "ou_frank", f"meet @Grace on {en_day(day)} at 9am about vendor pricing")
    reply = yue.say(p2p("ou_grace"), "ou_grace", f"move the vendor pricing meeting to {en_day(day)} at 3pm")
    text = card_text(reply["card"])
    assert "Frank Miller organizes “vendor pricing”" in text and "Ask Frank Miller" in text, text


def test_en_cancel_one_clear_match_asks_to_confirm_then_cancels(yue):
    day = week_day("ou_erin", 3, 2)
    book(yue, "ou_erin", f"meet @Grace on {en_day(day)} at 4pm about hiring plan")
    book(yue, "ou_erin", f"meet @Grace on {en_day(day)} at 5pm about budget")
    reply = yue.say(p2p("ou_erin"), "ou_erin", "cancel the hiring one")
    no_picker(reply["card"])
    text = card_text(reply["card"])
    assert "Cancel this meeting?" in text and "hiring plan" in text, text
    assert one_event(yue, "ou_grace", "hiring plan", day)
    done = yue.click(reply, "ou_erin", yue.button(reply, "choose"))
    assert done["toast"]["type"] == "success", done
    assert yue.events("ou_grace", "hiring plan", day, day + dt.timedelta(days=1)) == []
    assert one_event(yue, "ou_grace", "budget", day)                         # the other one stays


def test_zh_two_matching_meetings_still_ask_which(yue):
    day = week_day("ou_kevin", 4, 1)
    book(yue, "ou_kevin", f"{zh_day(day)}上午10点和 @李博 开会 预算初审")
    book(yue, "ou_kevin", f"{zh_day(day)}下午3点和 @李博 开会 预算终审")
    reply = yue.say(p2p("ou_kevin"), "ou_kevin", f"取消{zh_day(day)}的预算会")
    choices = [v for _, v in yue.buttons(reply) if v["a"] == "choose"]
    assert len(choices) == 2 and "有 2 个会议符合" in card_text(reply["card"]), card_text(reply["card"])
    # A time picks one of them: no picker.
    one = yue.say(p2p("ou_kevin"), "ou_kevin", f"取消{zh_day(day)}下午3点的预算会")
    no_picker(one["card"])
    assert "预算终审" in card_text(one["card"]) and "预算初审" not in card_text(one["card"])


def test_en_attendee_of_an_event_on_their_own_calendar_is_told_its_organizer(yue):
    # The seeded daily stand-up is Bob's; Alice attends. Her own calendar needs her consent first.
    first = yue.say(p2p("ou_alice"), "ou_alice", "move the stand-up to tomorrow at 4pm")
    assert "Connect" in card_text(first["card"]) or "连接" in card_text(first["card"])
    assert yue.connect("ou_alice").status_code == 200

    def answered():
        return [m for m in yue.bot_messages(p2p("ou_alice"))
                if "organizes" in card_text(m.get("card")) and "Bob Li" in card_text(m.get("card"))]
    got = wait_for("the organizer card after consent", answered)
    assert "Ask Bob Li" in card_text(got[-1]["card"]), card_text(got[-1]["card"])


def test_zh_a_weekly_meeting_named_by_its_day_asks_this_one_or_the_series(yue):
    book(yue, "ou_bob", "每周三上午11点和 @张浩 开周会 架构周会")
    reply = yue.say(p2p("ou_bob"), "ou_bob", "把周三的架构周会改到周四上午11点")
    no_picker(reply["card"])
    text = card_text(reply["card"])
    assert "架构周会" in text and "只改这一次，还是整个系列" in text, text


def test_zh_an_evening_names_a_late_meeting_too(yue):
    """"晚上的上线复盘" is the 23:00 one, although the parser's evening window ends at 21:00."""
    day = week_day("ou_erin", 2, 2)
    book(yue, "ou_erin", f"{zh_day(day)}晚上11点和 @李博 开会 上线复盘")
    reply = yue.say(p2p("ou_erin"), "ou_erin", f"取消{zh_day(day)}晚上的上线复盘")
    text = card_text(reply["card"])
    assert "没有找到" not in text and "上线复盘" in text, text
    no_picker(reply["card"])
