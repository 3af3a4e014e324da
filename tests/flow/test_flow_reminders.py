"""Reminders and digests end to end through the sandbox (issue 14), on a fake clock.

The bot's clock is injected (`create_app(settings, clock=…)`): a test moves it and lets
the scheduler look (`run_due`, the same pass its threads make), then waits for the
messages to appear in the sandbox's chat log. Nothing sleeps for real minutes.

Messages are written as people write them (the parser reads remind and digest); some use
the slash commands (`/remind …`, `/digest …`), which pick the intent outright.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from app import create_app
from bot.config import Settings
from tests.flow.conftest import Yue, buttons, card_text, p2p, stop_yue, today_in, wait_for
from tests.support.live import LiveServer

UTC = dt.UTC
SH = ZoneInfo("Asia/Shanghai")


class FakeClock:
    """The bot's `now`: set and moved by the test, read by every bot thread."""

    def __init__(self, start: dt.datetime):
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            return self._now

    def set(self, when: dt.datetime) -> None:
        with self._lock:
            self._now = when.astimezone(UTC)


def monday_06() -> dt.datetime:
    """This week's Monday 06:00 in Shanghai: the seeded demo week is around it."""
    d = today_in("ou_alice")
    return dt.datetime.combine(d - dt.timedelta(days=d.weekday()), dt.time(6), SH)


@pytest.fixture
def ryue(tmp_path) -> Iterator[Yue]:
    clock = FakeClock(monday_06().astimezone(UTC))
    settings = Settings.from_env({"YUE_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/yue.db",
                                  "SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path}/sandbox.db",
                                  "SANDBOX_RETRY_DELAY": "0.2", "YUE_WORKERS": "4", "LOG_LEVEL": "WARNING"})
    srv = LiveServer(lambda port: create_app(settings.with_(port=port), clock=clock)).__enter__()
    y = Yue(srv, settings.with_(port=srv.port))
    y.clock = clock
    try:
        yield y
    finally:
        stop_yue(srv)


def idle(y: Yue) -> bool:
    """Nothing due is left and no job is half-run (by the test's pass or a scheduler thread)."""
    ran = y.bot.scheduler.run_due()
    return ran == 0 and not y.store.jobs_of(statuses=("running",))


def at(y: Yue, when: dt.datetime) -> None:
    """Move the clock to `when` and wait until the scheduler has done what was due."""
    y.clock.set(when)
    wait_for(f"the scheduler to finish what is due at {when}", lambda: idle(y))


def pushed(y: Yue, chat: str, words: str) -> list[dict]:
    """Messages Yue sent on its own (not replies) in `chat` that mention `words`."""
    return [m for m in y.bot_messages(chat) if not m.get("parent_id") and words in card_text(m.get("card"))]


def action(message: dict, name: str, **match) -> dict:
    for _, v in buttons(message.get("card")):
        if v.get("a") == name and all(v.get(k) == x for k, x in match.items()):
            return v
    raise AssertionError(f"no {name} button on:\n{card_text(message.get('card'))}")


def tomorrow(hh: int, mm: int = 0) -> dt.datetime:
    return monday_06().replace(hour=hh, minute=mm) + dt.timedelta(days=1)


def test_reminder_fires_once_at_its_time(ryue: Yue) -> None:
    y, chat = ryue, p2p("ou_alice")
    reply = y.say(chat, "ou_alice", "提醒我明天下午3点交周报")
    text = card_text(reply["card"])
    assert "提醒已设置" in text and "交周报" in text and "15:00" in text, text
    assert action(reply, "rem_cancel")
    at(y, tomorrow(14, 59))
    assert pushed(y, chat, "交周报") == []
    at(y, tomorrow(15, 0))
    got = wait_for("the reminder", lambda: pushed(y, chat, "交周报"))
    assert len(got) == 1 and "提醒" in card_text(got[0]["card"]) and "迟到" not in card_text(got[0]["card"])
    assert {v["a"] for _, v in buttons(got[0]["card"])} == {"rem_done", "rem_snooze"}
    at(y, tomorrow(18, 0))                  # later passes send nothing more
    assert len(pushed(y, chat, "交周报")) == 1
    (job,) = y.store.jobs_of(owner="ou_alice", statuses=("done",))
    assert job.fired == 1


def test_snooze_then_done(ryue: Yue) -> None:
    y, chat = ryue, p2p("ou_bob")
    y.say(chat, "ou_bob", "/remind 明天上午10点 call the bank")
    at(y, tomorrow(10))
    (first,) = wait_for("the reminder", lambda: pushed(y, chat, "call the bank"))
    snooze = action(first, "rem_snooze", m=10)
    out = y.click(first, "ou_bob", snooze)
    assert "10:10" in card_text(out["card"]), out
    y.click(first, "ou_bob", snooze)                                           # a double click: one snooze
    assert len(y.store.jobs_of(owner="ou_bob")) == 1
    at(y, tomorrow(10, 9))
    assert len(pushed(y, chat, "call the bank")) == 1
    at(y, tomorrow(10, 10))
    wait_for("the snoozed reminder", lambda: len(pushed(y, chat, "call the bank")) == 2)
    second = pushed(y, chat, "call the bank")[-1]
    tomorrow_9 = y.click(second, "ou_bob", action(second, "rem_snooze", m="tomorrow"))
    assert "09:00" in card_text(tomorrow_9["card"])
    (again,) = y.store.jobs_of(owner="ou_bob")
    assert again.occurs_at == tomorrow(9) + dt.timedelta(days=1)
    done = y.click(second, "ou_bob", action(second, "rem_done"))
    assert "已标记为完成" in card_text(done["card"])


def _book(y: Yue, who: str, text: str) -> dict:
    reply = y.say(p2p(who), who, text)
    out = y.click(reply, who, y.button(reply, "confirm"))
    assert out["toast"]["type"] == "success", out
    (d,) = y.store.find_drafts(owner=who, kind="schedule", statuses={"booked"}, limit=1)
    return d.result


def test_event_tied_reminder_follows_a_move_and_goes_with_a_cancel(ryue: Yue) -> None:
    y, chat = ryue, p2p("ou_henry")
    review = _book(y, "ou_henry", "/meet 明天上午10点 架构评审")
    reply = y.say(chat, "ou_henry", "明天的架构评审提前15分钟提醒我")
    assert "架构评审" in card_text(reply["card"]) and "15" in card_text(reply["card"]), card_text(reply["card"])
    (job,) = y.store.jobs_of(owner="ou_henry")
    assert job.occurs_at == tomorrow(9, 45)
    # Someone moves the meeting to 11:00 in Feishu.
    y.bot.feishu.patch_event(review["calendar_id"], review["event_id"], start=tomorrow(11), end=tomorrow(11, 30),
                             tz="Asia/Shanghai")
    at(y, tomorrow(9, 45))
    assert pushed(y, chat, "架构评审") == []
    assert y.store.job_get(job.id).occurs_at == tomorrow(10, 45)
    at(y, tomorrow(10, 45))
    (sent,) = wait_for("the moved reminder", lambda: pushed(y, chat, "架构评审"))
    assert "11:00" in card_text(sent["card"])
    # A second meeting with a reminder, then cancelled: the reminder goes with it, silently.
    sync = _book(y, "ou_henry", "/meet 今天下午4点 预算同步")          # "today" is now Tuesday
    y.say(chat, "ou_henry", "/remind 今天的预算同步提前10分钟提醒我")
    (job2,) = y.store.jobs_of(owner="ou_henry")
    y.bot.feishu.delete_event(sync["calendar_id"], sync["event_id"])
    at(y, tomorrow(15, 50))
    assert pushed(y, chat, "预算同步") == []
    assert y.store.job_get(job2.id).status == "dropped", y.store.job_get(job2.id)
    listing = y.say(chat, "ou_henry", "/remind 我有哪些提醒")
    assert "预算同步" not in card_text(listing["card"])


@pytest.mark.parametrize("who,zone,said_at,fires", [
    # London: BST starts Sunday 28 March 2027; 18:00 is 18:00 UTC before, 17:00 UTC after.
    ("ou_dave", "Europe/London", dt.datetime(2027, 3, 26, 12, 0),
     [dt.datetime(2027, 3, d, h, 0, tzinfo=UTC) for d, h in ((26, 18), (27, 18), (28, 17), (29, 17))]),
    # Los Angeles: PDT ends Sunday 7 November 2027; 18:00 is 01:00 UTC next day before, 02:00 after.
    ("ou_carol", "America/Los_Angeles", dt.datetime(2027, 11, 5, 12, 0),
     [dt.datetime(2027, 11, d, h, 0, tzinfo=UTC) for d, h in ((6, 1), (7, 1), (8, 2), (9, 2))]),
])
def test_recurring_reminder_keeps_its_local_time_across_a_dst_change(ryue: Yue, who: str, zone: str,
                                                                     said_at: dt.datetime,
                                                                     fires: list[dt.datetime]) -> None:
    y, chat, z = ryue, p2p(who), ZoneInfo(zone)
    y.clock.set(said_at.replace(tzinfo=z))
    reply = y.say(chat, who, "/remind every day at 6pm write the daily report")
    assert "Reminder set" in card_text(reply["card"]), card_text(reply["card"])
    for i, when in enumerate(fires):
        at(y, when - dt.timedelta(minutes=1))
        assert len(pushed(y, chat, "daily report")) == i, f"early before {when}"
        at(y, when)
        wait_for(f"the reminder at {when}", lambda i=i: len(pushed(y, chat, "daily report")) == i + 1)
        assert when.astimezone(z).hour == 18
    (job,) = y.store.jobs_of(owner=who)
    assert job.fired == 4 and job.occurs_at.astimezone(z).time() == dt.time(18, 0)


def test_missed_reminders_are_sent_late_up_to_the_cutoff_then_dropped(ryue: Yue) -> None:
    y, chat = ryue, p2p("ou_kevin")
    y.say(chat, "ou_kevin", "/remind 明天上午10点 交报销单")
    y.say(chat, "ou_kevin", "/remind 明天上午11点 订机票")
    at(y, tomorrow(17, 30))               # the bot was down all day: 7.5 h and 6.5 h late
    assert pushed(y, chat, "交报销单") == [] and pushed(y, chat, "订机票") == []
    y2 = y.store.jobs_of(owner="ou_kevin", statuses=("dropped",))
    assert len(y2) == 2
    y.say(chat, "ou_kevin", "/remind 后天上午10点 交报销单")
    at(y, tomorrow(12) + dt.timedelta(days=2))           # "后天" said on Tuesday: Thursday 10:00, 2 h late
    (late,) = wait_for("the late reminder", lambda: pushed(y, chat, "交报销单"))
    assert "迟到" in card_text(late["card"])


def test_digest_per_person_needs_the_calendar_then_arrives_each_workday(ryue: Yue) -> None:
    y, chat = ryue, p2p("ou_alice")
    first = y.say(chat, "ou_alice", "每个工作日早上9点把我的日程发给我")
    assert "/authen/" in str(first["card"]), "no token yet: the connect card"
    assert y.store.jobs_of(owner="ou_alice") == []
    assert y.connect("ou_alice").status_code == 200
    wait_for("the digest to be set after consent", lambda: y.store.jobs_of(owner="ou_alice", kind="digest"))
    set_card = wait_for("the digest-set card", lambda: [m for m in y.replies(first["request"]["message_id"], chat)
                                                        if "日程推送已设置" in card_text(m["card"])])
    assert "09:00" in card_text(set_card[0]["card"])
    monday_9 = monday_06().replace(hour=9)
    at(y, monday_9)
    (digest,) = wait_for("Monday's digest", lambda: pushed(y, chat, "今日日程"))
    text = card_text(digest["card"])
    day_events = {e["summary"] for e in y.agenda("ou_alice", monday_9.date(), monday_9.date() + dt.timedelta(days=1))
                  if e["kind"] == "event"}
    assert day_events and all(s in text for s in day_events), (day_events, text)
    assert "空闲时段" in text
    for day in range(1, 7):              # Tuesday … Sunday: one each workday, none on the weekend
        at(y, monday_9 + dt.timedelta(days=day))
    assert len(pushed(y, chat, "今日日程")) == 5
    listing = y.say(chat, "ou_alice", "my digests")
    assert "09:00" in card_text(listing["card"])
    stopped = y.say(chat, "ou_alice", "不用每天发了")
    assert "已停止 1" in card_text(stopped["card"]), card_text(stopped["card"])
    at(y, monday_9 + dt.timedelta(days=7))
    assert len(pushed(y, chat, "今日日程")) == 5


def test_group_digest_posts_the_weeks_team_meetings_in_that_group_only(ryue: Yue) -> None:
    y = ryue
    sent = y.post("oc_team", "ou_alice", "@Yue 每周一早上把本周团队会议发到群里")
    wait_for("the connect card, privately",
             lambda: [m for m in y.bot_messages(p2p("ou_alice")) if "/authen/" in str(m.get("card"))])
    assert y.connect("ou_alice").status_code == 200
    wait_for("the digest-set card in the group",
             lambda: [m for m in y.replies(sent["message_id"], "oc_team") if "日程推送已设置" in card_text(m["card"])])
    (job,) = y.store.jobs_of(chat_id="oc_team", kind="digest")
    assert job.payload["scope"] == "week"
    at(y, job.occurs_at)
    (digest,) = wait_for("the group digest", lambda: pushed(y, "oc_team", "本周日程"))
    text = card_text(digest["card"])
    assert "1:1 Alice / Bob" in text and "Q3 planning" in text, text
    assert "Doctor appointment" not in text, "a private appointment never goes to a group"
    assert pushed(y, p2p("ou_alice"), "本周日程") == []
    stopped = y.say("oc_team", "ou_bob", "@Yue stop the digests")
    assert "1" in card_text(stopped["card"])
    assert y.store.jobs_of(chat_id="oc_team") == []


def test_list_and_cancel_by_words(ryue: Yue) -> None:
    y, chat = ryue, p2p("ou_ivy")
    y.say(chat, "ou_ivy", "remind me to call the bank tomorrow at 5pm")
    y.say(chat, "ou_ivy", "/remind 明天下午6点 买牛奶")
    listing = y.say(chat, "ou_ivy", "我有哪些提醒")
    text = card_text(listing["card"])
    assert "call the bank" in text and "买牛奶" in text
    assert len([v for _, v in buttons(listing["card"]) if v["a"] == "rem_cancel"]) == 2
    cancelled = y.say(chat, "ou_ivy", "cancel the bank reminder")
    assert "call the bank" in card_text(cancelled["card"]) and "cancelled" in card_text(cancelled["card"])
    (left,) = y.store.jobs_of(owner="ou_ivy")
    assert left.payload["title"] == "买牛奶"
    at(y, tomorrow(17, 0))
    assert pushed(y, chat, "call the bank") == []


def test_a_crash_between_sending_and_marking_sends_nothing_twice(ryue: Yue) -> None:
    y, chat = ryue, p2p("ou_lin")
    y.say(chat, "ou_lin", "/remind 明天上午10点 pay the rent")
    real = y.store.job_fired
    died: list[str] = []

    def die_before_marking(job, *a, **kw):       # the process dies right after the send
        if not died:
            died.append(job.id)
            return False
        return real(job, *a, **kw)

    y.store.job_fired = die_before_marking
    try:
        y.clock.set(tomorrow(10))
        wait_for("the send", lambda: pushed(y, chat, "pay the rent") and died)
        assert y.store.job_get(died[0]).status == "running"        # leased, never marked
        at(y, tomorrow(10) + dt.timedelta(seconds=y.bot.scheduler.lease_s + 1))
    finally:
        y.store.job_fired = real
    job = y.store.job_get(died[0])
    assert (job.status, job.attempts, job.fired) == ("done", 2, 1)   # run again by the next lease…
    assert len(pushed(y, chat, "pay the rent")) == 1                # …with the same uuid: one message


def test_event_tied_reminder_is_also_a_calendar_alert_when_yue_may_act_for_the_person(ryue: Yue) -> None:
    y, chat = ryue, p2p("ou_bob")
    review = _book(y, "ou_bob", "/meet 明天下午2点 产品评审")
    y.say(chat, "ou_bob", "/agenda")
    assert y.connect("ou_bob").status_code == 200
    reply = y.say(chat, "ou_bob", "/remind 明天的产品评审提前20分钟提醒我")
    assert "手机日历也会提醒" in card_text(reply["card"]), card_text(reply["card"])
    cal = y.bot.feishu.user_primary_calendar(y.store.get_user_token("ou_bob").access_token)
    token = y.store.get_user_token("ou_bob").access_token
    assert 20 in y.bot.feishu.get_event(cal, review["event_id"], user_token=token).reminders
    cancelled = y.click(reply, "ou_bob", action(reply, "rem_cancel"))
    assert "不会再提醒" in card_text(cancelled["card"])
    assert 20 not in y.bot.feishu.get_event(cal, review["event_id"], user_token=token).reminders
    # Without a token (Henry never connected) the card claims nothing about the calendar.
    _book(y, "ou_henry", "/meet tomorrow 3pm design review")
    plain = y.say(p2p("ou_henry"), "ou_henry", "remind me 5 min before the design review")
    text = card_text(plain["card"])
    assert "5 min before" in text and "design review" in text and "calendar" not in text, text
    (job,) = y.store.jobs_of(owner="ou_henry")
    assert job.occurs_at == tomorrow(14, 55)


def test_a_send_whose_answer_is_lost_is_retried_later_and_arrives_once(ryue: Yue) -> None:
    y, chat = ryue, p2p("ou_alice")
    y.say(chat, "ou_alice", "/remind 明天上午10点 renew the passport")
    # Feishu does the send but the connection drops before its answer, every time.
    r = y.http.post(f"{y.url}/sandbox/api/faults", json={"drop_rate": 1.0, "path_prefix": "/open-apis/im/"})
    assert r.status_code == 200, r.text
    try:
        y.clock.set(tomorrow(10))
        wait_for("the failed attempt", lambda: [j for j in y.store.jobs_of(owner="ou_alice") if j.last_error])
    finally:
        y.http.delete(f"{y.url}/sandbox/api/faults").raise_for_status()
    (job,) = y.store.jobs_of(owner="ou_alice")
    assert job.status == "scheduled" and job.due_at > tomorrow(10)          # retried later, same occurrence
    assert len(pushed(y, chat, "renew the passport")) == 1                 # the write happened once
    at(y, job.due_at)
    done = y.store.job_get(job.id)
    assert (done.status, done.fired) == ("done", 1)
    assert len(pushed(y, chat, "renew the passport")) == 1                 # the retry reused the uuid


def test_a_digest_whose_calendar_was_disconnected_sends_the_connect_card_privately(ryue: Yue) -> None:
    y, chat = ryue, p2p("ou_bob")
    y.say(chat, "ou_bob", "/agenda")
    assert y.connect("ou_bob").status_code == 200
    y.say(chat, "ou_bob", "/digest 每天早上8点把我的日程发给我")
    (job,) = y.store.jobs_of(owner="ou_bob", kind="digest")
    assert y.store.delete_user_token("ou_bob")
    connects = len([m for m in y.bot_messages(chat) if "/authen/" in str(m.get("card"))])
    at(y, job.occurs_at)
    wait_for("the connect card", lambda: len([m for m in y.bot_messages(chat)
                                              if "/authen/" in str(m.get("card"))]) == connects + 1)
    assert pushed(y, chat, "今日日程") == []
    assert y.store.job_get(job.id).status == "scheduled"          # tomorrow it tries again


def test_a_reminder_without_a_time_or_in_the_past_is_refused_and_sets_nothing(ryue: Yue) -> None:
    y, chat = ryue, p2p("ou_kevin")
    no_time = y.say(chat, "ou_kevin", "/remind 交周报")
    assert "什么时候提醒你" in card_text(no_time["card"]), card_text(no_time["card"])
    past = y.say(chat, "ou_kevin", "提醒我昨天下午3点交周报")
    assert "已经过去" in card_text(past["card"]), card_text(past["card"])
    nothing = y.say(chat, "ou_kevin", "明天的不存在的会议提前10分钟提醒我")
    assert "/authen/" in str(nothing["card"]), "not among Yue's bookings: the person's calendar is asked for"
    assert y.connect("ou_kevin").status_code == 200
    wait_for("the answer after consent", lambda: [m for m in y.replies(nothing["request"]["message_id"], chat)
                                                  if "没有找到这个会议" in card_text(m["card"])])
    assert y.store.jobs_of(owner="ou_kevin", statuses=("scheduled", "running", "done", "cancelled")) == []
