"""Issue 13 part A through the sandbox and the real SDK: Undo defined per action (a cancel
is restored with its attendees and room), `/undo` only ever takes back the latest action,
a second click and a late Undo are told why (in the reader's language and zone), error
cards carry a Retry that runs the message again, a message handled twice makes one draft,
a reply whose answer was lost is found again by its uuid, and the did-you-mean card.

Each test uses its own people, so the module shares one app."""
from __future__ import annotations

import contextlib
import datetime as dt

import pytest

import intents
from bot import drafts, router
from tests.flow.conftest import at, buttons, card_text, next_weekday, p2p, today_in, wait_for, zh_day

SLOW = 60.0      # an inbox retry waits for its back-off and the sweeper (15 s): generous, never asserted


def book(yue, who: str, text: str) -> tuple[dict, dict]:
    reply = yue.say(p2p(who), who, text)
    out = yue.click(reply, who, yue.button(reply, "confirm"))
    assert out["toast"]["type"] == "success", out
    return reply, out["card"]


def day_span(day: dt.date, who: str) -> tuple[dt.datetime, dt.datetime]:
    start = at(day, 0, 0, who)
    return start, start + dt.timedelta(days=1)


def has_button(card: dict | None, action: str) -> bool:
    return any(v.get("a") == action for _, v in buttons(card))


@contextlib.contextmanager
def faults(yue, **settings):
    """Feishu misbehaves (the sandbox's fault injection) inside the block, and is fixed after it."""
    yue.http.post(f"{yue.url}/sandbox/api/faults", json=settings, timeout=10).raise_for_status()
    try:
        yield
    finally:
        yue.http.delete(f"{yue.url}/sandbox/api/faults", timeout=10).raise_for_status()


def drafts_of(yue, owner: str, kind: str) -> list:
    return yue.store.find_drafts(owner=owner, kind=kind, limit=200)


# --- Undo per action ------------------------------------------------------------------------------

def test_cancel_offers_undo_that_restores_the_meeting_with_attendees_and_room_zh(yue):
    day = next_weekday("ou_lin", 2)
    reply, booked = book(yue, "ou_lin", f"{zh_day(day)}下午5点和 @李博 在峨眉会议室开会 预算对齐")
    evs = yue.events("ou_bob", "预算对齐", *day_span(day, "ou_lin"))
    assert len(evs) == 1 and "峨眉" in " ".join(evs[0]["rooms"]), evs
    ask = yue.say(p2p("ou_lin"), "ou_lin", "取消预算对齐")
    done = yue.click(ask, "ou_lin", yue.button(ask, "choose"))
    assert "会议已取消" in card_text(done["card"]) and has_button(done["card"], "undo")
    assert yue.events("ou_bob", "预算对齐", *day_span(day, "ou_lin")) == []
    # The meeting's old booked card ends: no Undo there any more.
    old = yue.current(reply)["card"]
    assert not has_button(old, "undo") and "已取消" in card_text(old)
    undone = yue.click(ask, "ou_lin", yue.button(done["card"], "undo"))
    assert undone["toast"]["content"] == "已撤销"
    assert "取消「预算对齐」" in card_text(undone["card"]) and not has_button(undone["card"], "undo")
    back = yue.events("ou_bob", "预算对齐", *day_span(day, "ou_lin"))
    assert len(back) == 1, back
    assert {"李博", "赵琳"} <= set(back[0]["attendees"]) and "峨眉" in " ".join(back[0]["rooms"]), back
    assert back[0]["start"] == evs[0]["start"] and back[0]["end"] == evs[0]["end"]
    # The restored meeting is Yue's booking again: it can be found and cancelled once more.
    again = yue.say(p2p("ou_lin"), "ou_lin", "取消预算对齐")
    assert len([v for _, v in yue.buttons(again) if v["a"] == "choose"]) == 1, card_text(again["card"])


def test_slash_undo_after_cancel_restores_and_names_it_en(yue):
    day = next_weekday("ou_frank", 3)
    book(yue, "ou_frank", f"meet @Dave on {day:%B} {day.day} at 10am about churn review")
    title = "churn review"
    span = (at(day, 0, 0, "ou_frank"), at(day, 0, 0, "ou_frank") + dt.timedelta(days=2))
    assert len(yue.events("ou_dave", title, *span)) == 1
    ask = yue.say(p2p("ou_frank"), "ou_frank", f"cancel the {title}")
    yue.click(ask, "ou_frank", yue.button(ask, "choose"))
    assert yue.events("ou_dave", title, *span) == []
    undo = yue.say(p2p("ou_frank"), "ou_frank", "/undo")
    text = card_text(undo["card"])
    assert "Undone: cancelling “churn review”" in text, text
    restored = yue.events("ou_dave", title, *span)
    assert len(restored) == 1 and {"Frank Miller", "周大伟"} <= set(restored[0]["attendees"]), restored
    # The cancel card shows it was undone (patched), and /undo now has nothing left to undo.
    assert not has_button(yue.current(ask)["card"], "undo")
    nothing = yue.say(p2p("ou_frank"), "ou_frank", "/undo")
    assert "Nothing to undo" in card_text(nothing["card"])
    assert len(yue.events("ou_dave", title, *span)) == 1          # the older booking was not touched


def test_slash_undo_takes_back_only_the_latest_action(yue):
    day = next_weekday("ou_kevin", 1)
    book(yue, "ou_kevin", f"{zh_day(day)}上午10点和 @王丽 开会 甲方案")
    book(yue, "ou_kevin", f"{zh_day(day)}上午11点和 @王丽 开会 乙方案")
    undo = yue.say(p2p("ou_kevin"), "ou_kevin", "/undo")
    assert "预订「乙方案」" in card_text(undo["card"]), card_text(undo["card"])
    assert yue.events("ou_alice", "乙方案", *day_span(day, "ou_kevin")) == []
    assert len(yue.events("ou_alice", "甲方案", *day_span(day, "ou_kevin"))) == 1
    # The latest action is undone: /undo does not reach back to the earlier, still undoable one.
    again = yue.say(p2p("ou_kevin"), "ou_kevin", "/undo")
    assert "没有可撤销" in card_text(again["card"])
    assert len(yue.events("ou_alice", "甲方案", *day_span(day, "ou_kevin"))) == 1


def test_undo_with_nothing_to_undo_both_languages(yue):
    yue.say(p2p("ou_ivy"), "ou_ivy", "帮助")                  # "/undo" has no words: her last message's language
    zh = yue.say(p2p("ou_ivy"), "ou_ivy", "/undo")
    assert "没有可撤销的操作" in card_text(zh["card"])
    yue.say(p2p("ou_grace"), "ou_grace", "help")
    en = yue.say(p2p("ou_grace"), "ou_grace", "/undo")
    assert "Nothing to undo" in card_text(en["card"])


def test_undo_of_a_booking_deleted_meanwhile_is_not_reported_undone(yue):
    day = next_weekday("ou_henry", 4)
    reply, booked = book(yue, "ou_henry", f"{zh_day(day)}下午4点和 @李博 开会 已删会议")
    d = yue.store.get_draft(yue.button(booked, "undo")["d"])
    assert yue.bot.feishu.delete_event(d.result["calendar_id"], d.result["event_id"])   # someone deleted it
    out = yue.click(reply, "ou_henry", yue.button(booked, "undo"))
    assert out["toast"]["type"] == "warning" and "已不在日历上" in out["toast"]["content"], out
    text = card_text(out["card"])
    assert "已撤销" not in text and "没有撤销任何东西" in text, text
    assert yue.store.get_draft(d.id).status == "gone"


# --- clicks that can no longer act ------------------------------------------------------------------

def test_second_click_and_other_persons_click_get_clear_toasts(yue):
    day = next_weekday("ou_erin", 1)
    reply = yue.say(p2p("ou_erin"), "ou_erin", f"meet @Frank on {day:%B} {day.day} at 9am about pricing sheet")
    confirm = yue.button(reply, "confirm")
    first = yue.click(reply, "ou_erin", confirm)
    assert first["toast"]["type"] == "success"
    second = yue.click(reply, "ou_erin", confirm)
    assert second["toast"]["content"] == "Already booked" and has_button(second["card"], "undo")
    undo = yue.button(second["card"], "undo")
    assert yue.click(reply, "ou_erin", undo)["toast"]["content"] == "Undone"
    twice = yue.click(reply, "ou_erin", undo)
    assert twice["toast"]["content"] == "Already done" and not has_button(twice["card"], "undo")


def test_not_yours_toast_is_in_the_clickers_language(yue):
    day = next_weekday("ou_alice", 2)
    reply = yue.say("oc_team", "ou_alice", f"@Yue {zh_day(day)}下午3点和 @Carol 开会 组内同步")
    confirm = yue.button(reply, "confirm")
    yue.say(p2p("ou_carol"), "ou_carol", "what can you do")   # Carol writes English
    carol = yue.click(reply, "ou_carol", confirm)
    assert carol["toast"]["content"] == "Only the person who asked can use these buttons", carol
    bob = yue.click(reply, "ou_bob", confirm)            # Bob reads Chinese
    assert bob["toast"]["content"] == "只有发起人可以操作这张卡片", bob
    assert yue.store.get_draft(confirm["d"]).status == "pending"


def test_a_button_value_replayed_on_another_card_does_nothing(yue):
    day = next_weekday("ou_dave", 4)
    a = yue.say(p2p("ou_dave"), "ou_dave", f"meet @Frank on {day:%B} {day.day} at 11am about card one")
    b = yue.say(p2p("ou_dave"), "ou_dave", f"meet @Frank on {day:%B} {day.day} at 1pm about card two")
    out = yue.click(b, "ou_dave", yue.button(a, "confirm"))      # card A's value, sent from card B
    assert out["toast"]["content"] == "This card is out of date" and out.get("card") is None
    assert yue.store.get_draft(yue.button(a, "confirm")["d"]).status == "pending"
    assert yue.events("ou_frank", "card one", *day_span(day, "ou_dave")) == []


def test_undo_past_its_deadline_loses_its_button_on_click_and_by_the_sweep(yue):
    day = next_weekday("ou_jonas", 2)
    reply1, booked1 = book(yue, "ou_jonas", f"meet @Erin on {day:%B} {day.day} at 8am about late undo one")
    reply2, booked2 = book(yue, "ou_jonas", f"meet @Erin on {day:%B} {day.day} at 9am about late undo two")
    # The deadline is in the reader's zone, named (Berlin).
    assert "You can undo until" in card_text(booked1) and ("(CET)" in card_text(booked1)
                                                           or "(CEST)" in card_text(booked1)), card_text(booked1)
    real_now = yue.bot.now()
    yue.bot.now = lambda: real_now + drafts.UNDO_WINDOW + dt.timedelta(minutes=1)
    try:
        late = yue.click(reply1, "ou_jonas", yue.button(booked1, "undo"))
        assert late["toast"]["content"] == "Too late to undo" and not has_button(late["card"], "undo")
        assert not has_button(yue.current(reply1)["card"], "undo")
        drafts.maintenance(yue.bot)              # the sweeper's pass
        card2 = yue.current(reply2)["card"]
        assert not has_button(card2, "undo") and "Meeting booked" in card_text(card2)
    finally:
        del yue.bot.now
    kept = [e["summary"] for e in yue.agenda("ou_erin", *day_span(day, "ou_jonas")) if "late undo" in e["summary"]]
    assert len(kept) == 2, kept        # a late Undo changed nothing


def test_share_card_deadline_is_in_the_readers_zone(yue):
    reply = yue.say(p2p("ou_carol"), "ou_carol", "share my calendar with @Frank")
    yue.connect("ou_carol", reply["card"])
    mid = reply["request"]["message_id"]
    shared = wait_for("the share card", lambda: [m for m in yue.replies(mid, reply["chat_id"])
                                                 if m["message_id"] != reply["message_id"]])[0]
    text = card_text(shared["card"])
    assert "You can undo until" in text and ("(PST)" in text or "(PDT)" in text), text


# --- errors: Retry, rate limits, lost answers, re-delivery ----------------------------------------

def test_error_card_retry_runs_the_message_again(yue):
    chat = p2p("ou_dave")
    day = next_weekday("ou_dave", 2)
    with faults(yue, error_rate=1.0, path_prefix="/open-apis/calendar/v4/freebusy"):
        failed = yue.say(chat, "ou_dave", f"meet @Carol on {day:%B} {day.day} at 4pm about retry check")
    assert "Something went wrong" in card_text(failed["card"])
    retry = yue.button(failed, "retry")
    out = yue.click(failed, "ou_dave", retry)
    assert out["toast"]["content"] == "Trying again…" and not has_button(out["card"], "retry")
    mid = failed["request"]["message_id"]
    answer = wait_for("the answer after Retry", lambda: [m for m in yue.replies(mid, chat)
                                                         if has_button(m.get("card"), "confirm")])[0]
    assert "retry check" in card_text(answer["card"])
    assert yue.click(failed, "ou_dave", retry)["toast"]["content"] == "Already done"   # a second Retry
    assert len(yue.replies(mid, chat)) == 2


def test_rate_limit_goes_back_to_the_inbox_and_says_working_once(yue):
    chat = p2p("ou_grace")
    day = next_weekday("ou_grace", 3)
    with faults(yue, rate_limit_burst=8, rate_limit_reset_s=1, path_prefix="/open-apis/calendar/v4/freebusy"):
        sent = yue.post(chat, "ou_grace", f"meet @Bob on {day:%B} {day.day} at 3pm about quota review")
        busy = wait_for("the working-on-it note", lambda: yue.replies(sent["message_id"], chat))[0]
        assert "Working on it" in card_text(busy["card"]) and not yue.buttons(busy)
        answer = wait_for("the answer after the limit", lambda: [m for m in yue.replies(sent["message_id"], chat)
                                                                 if has_button(m.get("card"), "confirm")], SLOW)[0]
    assert "quota review" in card_text(answer["card"])
    assert len(yue.replies(sent["message_id"], chat)) == 2      # "working on it" once, then the answer


def test_a_message_handled_twice_makes_one_draft_and_one_card(yue):
    chat = p2p("ou_bob")
    day = next_weekday("ou_bob", 4)
    reply = yue.say(chat, "ou_bob", f"{zh_day(day)}下午2点和 @王丽 开会 重复投递")
    before = [d for d in drafts_of(yue, "ou_bob", "schedule") if d.payload.get("title") == "重复投递"]
    assert len(before) == 1
    event = yue.message_event(reply["request"], "ou_bob", "p2p")
    router.handle_message(yue.bot, {"header": {"event_id": "redelivered"}, "event": event})
    router.handle_message(yue.bot, {"header": {"event_id": "redelivered-2"}, "event": event})
    after = [d for d in drafts_of(yue, "ou_bob", "schedule") if d.payload.get("title") == "重复投递"]
    assert [d.id for d in after] == [before[0].id]
    assert len(yue.replies(reply["request"]["message_id"], chat)) == 1


def test_a_reply_whose_answer_was_lost_yields_one_card(yue):
    chat = p2p("ou_henry")
    day = next_weekday("ou_henry", 1)
    with faults(yue, drop_rate=1.0, path_prefix="/open-apis/im/v1/messages/"):
        sent = yue.post(chat, "ou_henry", f"{zh_day(day)}下午3点和 @李博 开会 丢失应答")
        # Feishu made the reply; only its answer never reached Yue.
        wait_for("the reply Feishu made", lambda: yue.replies(sent["message_id"], chat))
    wait_for("the inbox retry to finish", lambda: yue.store.inbox_pending_count() == 0, SLOW)
    replies = yue.replies(sent["message_id"], chat)
    assert len(replies) == 1 and has_button(replies[0]["card"], "confirm"), [card_text(m["card"]) for m in replies]
    mine = [d for d in drafts_of(yue, "ou_henry", "schedule") if d.payload.get("title") == "丢失应答"]
    assert len(mine) == 1 and mine[0].card_message_id == replies[0]["message_id"]


# --- did you mean ----------------------------------------------------------------------------------

@pytest.fixture
def unsure_parser(monkeypatch):
    """The parser on this branch has no `confidence` yet: make it unsure of messages that
    carry a marker word (a real reading otherwise), as the v2 parser reports it."""
    real = intents.parse

    def parse(text, *args, **kwargs):
        it = real(text, *args, **kwargs)
        if "对一下" in text or "sync up on" in text:
            return intents.Intent.of(**{**it.__dict__, "intent": "schedule", "confidence": 0.55,
                                        "alternatives": ({"intent": "find_time", "confidence": 0.3},
                                                         {"intent": "unknown", "confidence": 0.15})})
        return it
    monkeypatch.setattr(router.intents, "parse", parse)


def test_did_you_mean_zh_click_continues_as_schedule(yue, unsure_parser):
    day = next_weekday("ou_alice", 3)
    ask = yue.say(p2p("ou_alice"), "ou_alice", f"{zh_day(day)}下午4点 @李博 对一下排期")
    text = card_text(ask["card"])
    assert "你是想" in text and "约会议" in text, text
    labels = [label for label, v in yue.buttons(ask) if v["a"] == "mean"]
    assert labels == ["约会议", "找共同空闲时间"]
    out = yue.click(ask, "ou_alice", yue.button(ask, "mean", i=0))
    assert out["toast"]["type"] == "success" and not yue.buttons(out["card"])
    mid = ask["request"]["message_id"]
    proposal = wait_for("the proposal", lambda: [m for m in yue.replies(mid, ask["chat_id"])
                                                 if has_button(m.get("card"), "confirm")])[0]
    booked = yue.click(proposal, "ou_alice", yue.button(proposal, "confirm"))
    assert booked["toast"]["type"] == "success"
    assert len(yue.events("ou_bob", "排期", *day_span(day, "ou_alice"))) == 1 or \
        any("排期" in e["summary"] for e in yue.agenda("ou_bob", *day_span(day, "ou_alice")))
    again = yue.click(ask, "ou_alice", yue.button(ask, "mean", i=1))
    assert again["toast"]["content"] == "已经处理过了"


def test_did_you_mean_en_alternative_runs_find_time(yue, unsure_parser):
    day = next_weekday("ou_carol", 2)
    ask = yue.say(p2p("ou_carol"), "ou_carol", f"sync up on the mocks with @Frank {day:%B} {day.day}")
    assert "Did you mean" in card_text(ask["card"])
    out = yue.click(ask, "ou_carol", yue.button(ask, "mean", i=1))
    assert out["toast"]["type"] == "success" and "Find a free time" in card_text(out["card"])
    mid = ask["request"]["message_id"]
    slots = wait_for("the free times", lambda: [m for m in yue.replies(mid, ask["chat_id"])
                                                if m["message_id"] != ask["message_id"]])[0]
    assert has_button(slots["card"], "pick") or "Free times" in card_text(slots["card"]), card_text(slots["card"])


def test_a_sure_parser_acts_without_asking(yue):
    day = next_weekday("ou_lin", 4)
    reply = yue.say(p2p("ou_lin"), "ou_lin", f"{zh_day(day)}上午10点和 @王丽 开会 直接确认")
    assert has_button(reply["card"], "confirm") and not has_button(reply["card"], "mean")


def test_slash_undo_after_leave_names_it_and_the_card_loses_undo_zh(yue):
    day = today_in("ou_ivy") + dt.timedelta(days=3)
    reply = yue.say(p2p("ou_ivy"), "ou_ivy", f"{zh_day(day)}请假")
    assert "请假已登记" in card_text(reply["card"]) and has_button(reply["card"], "undo")
    undo = yue.say(p2p("ou_ivy"), "ou_ivy", "/undo")
    assert "已撤销：请假" in card_text(undo["card"]), card_text(undo["card"])
    assert [e for e in yue.agenda("ou_ivy", day, day + dt.timedelta(days=1)) if e["kind"] == "timeoff"] == []
    assert not has_button(yue.current(reply)["card"], "undo")


def test_slash_undo_that_fails_gets_a_retry_that_undoes_en(yue):
    day = next_weekday("ou_kevin", 3)
    book(yue, "ou_kevin", f"meet @Frank on {day:%B} {day.day} at 5pm about undo retry")
    chat = p2p("ou_kevin")
    with faults(yue, error_rate=1.0, path_prefix="/open-apis/calendar/v4/calendars/"):
        failed = yue.say(chat, "ou_kevin", "/undo")
    assert "Something went wrong" in card_text(failed["card"]) or "出错了" in card_text(failed["card"])
    assert len(yue.events("ou_frank", "undo retry", *day_span(day, "ou_kevin"))) == 1     # nothing was undone
    out = yue.click(failed, "ou_kevin", yue.button(failed, "retry"))
    assert out["toast"]["type"] == "info"
    mid = failed["request"]["message_id"]
    undone = wait_for("the undo after Retry", lambda: [m for m in yue.replies(mid, chat)
                                                       if m["message_id"] != failed["message_id"]])[0]
    assert "undo retry" in card_text(undone["card"]) and ("Undone" in card_text(undone["card"])
                                                         or "已撤销" in card_text(undone["card"]))
    assert yue.events("ou_frank", "undo retry", *day_span(day, "ou_kevin")) == []
