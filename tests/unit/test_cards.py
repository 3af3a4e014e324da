"""bot.cards: button values, zh/en strings, zones, other-zone clocks, assumptions, size, no None."""
import datetime as dt
import json
import re
import string
from zoneinfo import ZoneInfo

import pytest

from bot.cards import (Booked, Conflict, Event, Person, Proposal, Room, SlotChoice, SlotsView, agenda_card,
                       booked_card, caldav_card, cancelled_event_card, choose_event_card, connect_card,
                       describe_rrule, error_card, help_card, invite_card, leave_card, proposal_card,
                       rescheduled_card, scope_card, search_card, share_card, slots_card, status_card, toast,
                       unknown_card)
from bot.cards.base import MAX_BYTES, size
from bot.cards.caldav import CaldavSettings
from bot.cards.i18n import STRINGS

SH = "Asia/Shanghai"
Z = ZoneInfo(SH)
START = dt.datetime(2026, 11, 26, 15, 0, tzinfo=Z)      # Thursday
END = START + dt.timedelta(hours=1)
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=Z)
PEOPLE = (Person("张三", "ou_z"), Person("Carol", "ou_c", "America/Los_Angeles"),
          Person("Dan", "ou_d", "Europe/London"), Person("Li", "ou_l", SH))
PROPOSAL = Proposal("dr1", "设计评审", START, END, SH, PEOPLE, Room("Everest", 12, "3", taken=True),
                    conflicts=(Conflict("张三", START, END, "1:1"),),
                    assumptions=("pm_assumed", "rolled_to_tomorrow", "no_such_code"),
                    recurrence="FREQ=WEEKLY;BYDAY=MO")
SLOTS = SlotsView("dr2", "Sync", SH, 30, (SlotChoice(START, START + dt.timedelta(minutes=30)),
                                           SlotChoice(END, END + dt.timedelta(minutes=30))), attendees=PEOPLE)
BEST = SlotsView("dr3", "Sync", SH, 30, (SlotChoice(START, END, ("Carol",)), SlotChoice(END, END + END.resolution,
                                                                                         ("Dan", "Li"))),
                 best_effort=True, assumptions=("default_window",))
EVENTS = [Event("ev1", "周会", START, END, recurring=True, recurrence="FREQ=WEEKLY;BYDAY=MO",
                app_link="https://applink.feishu.cn/client/calendar/event?id=1"),
          Event("ev2", "All hands", dt.date(2026, 11, 27), dt.date(2026, 11, 27), all_day=True, location="Hall")]
BOOKED = Booked("dr4", "Sync", START, END, SH, PEOPLE, Room("Everest", 12, "3"), "FREQ=DAILY;COUNT=3",
                "https://applink.feishu.cn/x", NOW + dt.timedelta(minutes=10))


def all_cards(lang):
    return {
        "proposal": proposal_card(PROPOSAL, lang),
        "slots": slots_card(SLOTS, lang),
        "best": slots_card(BEST, lang),
        "none": slots_card(SlotsView("dr5", "", SH, 60), lang),
        "booked": booked_card(BOOKED, lang, NOW),
        "leave": leave_card("dr6", dt.date(2026, 12, 1), dt.date(2026, 12, 3), SH, lang, NOW,
                            undo_until=NOW + dt.timedelta(minutes=10)),
        "share": share_card("dr7", Person("Dave"), "reader", lang, NOW, undo_until=NOW + dt.timedelta(minutes=10)),
        "invite": invite_card("dr8", EVENTS[0], [Person("Carol")], SH, lang, NOW),
        "cancelled_event": cancelled_event_card("dr9", EVENTS[0], SH, lang, NOW, series=True),
        "rescheduled": rescheduled_card("dr10", EVENTS[0], START + dt.timedelta(days=1), END + dt.timedelta(days=1),
                                        SH, lang, NOW, undo_until=NOW + dt.timedelta(minutes=10)),
        "choose": choose_event_card("dr11", EVENTS, SH, lang, "reschedule"),
        "scope": scope_card("dr12", EVENTS[0], SH, lang),
        **{f"state_{k}": status_card(k, lang, "Sync") for k in ("cancelled", "expired", "undone", "already_booked")},
        **{f"err_{k}": error_card(k, lang, "dr13", "code 99991672")
           for k in ("permission", "rate_limit", "not_found", "other")},
        "connect": connect_card("https://open.feishu.cn/authen?state=abc", lang, "agenda"),
        "agenda": agenda_card(EVENTS, dt.date(2026, 11, 23), dt.date(2026, 11, 29), SH, lang),
        "agenda_empty": agenda_card([], dt.date(2026, 11, 26), dt.date(2026, 11, 26), SH, lang),
        "search": search_card("周会", EVENTS, SH, lang),
        "search_none": search_card("x", [], SH, lang),
        "caldav": caldav_card("iphone", lang, CaldavSettings("https://caldav.feishu.cn", "u_1", "p*ss_w<rd>")),
        "help": help_card(lang),
        "unknown": unknown_card(lang),
    }


def walk(node):
    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def buttons(card):
    return [n for n in walk(card) if isinstance(n, dict) and n.get("tag") == "button"]


def callbacks(card):
    return [b["behaviors"][0]["value"] for b in buttons(card) if b["behaviors"][0]["type"] == "callback"]


def texts(card):
    return [n for n in walk(card) if isinstance(n, str)]


def alltext(card):
    return "\n".join(texts(card))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_card_is_valid_schema_2(lang):
    for name, c in all_cards(lang).items():
        json.loads(json.dumps(c))
        assert c["schema"] == "2.0" and c["config"]["update_multi"] is True, name
        assert c["header"]["title"]["tag"] == "plain_text" and c["header"]["title"]["content"], name
        assert c["header"]["template"], name
        assert c["body"]["elements"], name
        assert all(n is not None for n in walk(c)), name
        assert size(c) < MAX_BYTES, name
        for b in buttons(c):
            assert b["text"]["content"] and len(b["behaviors"]) == 1, name


def test_proposal_buttons():
    assert callbacks(proposal_card(PROPOSAL, "en")) == [{"a": "confirm", "d": "dr1"}, {"a": "other", "d": "dr1"},
                                                       {"a": "cancel", "d": "dr1"}]
    assert buttons(proposal_card(PROPOSAL, "en"))[0]["type"] == "primary_filled"


def test_slot_buttons_carry_their_index():
    vals = callbacks(slots_card(SLOTS, "zh"))
    assert vals == [{"a": "pick", "d": "dr2", "i": 0}, {"a": "pick", "d": "dr2", "i": 1}, {"a": "cancel", "d": "dr2"}]
    assert callbacks(slots_card(SlotsView("dr5", "", SH, 60), "en")) == [{"a": "cancel", "d": "dr5"}]


def test_best_effort_names_who_cannot_make_it():
    en, zh = alltext(slots_card(BEST, "en")), alltext(slots_card(BEST, "zh"))
    assert "Nobody is free" in en and "Carol can't make it" in en and "Dan, Li can't make it" in en
    assert "Carol 无法参加" in zh and "Dan、Li 无法参加" in zh
    assert "No time given" in en


def test_undo_shown_only_until_deadline():
    assert {"a": "undo", "d": "dr4"} in callbacks(booked_card(BOOKED, "en", NOW))
    late = booked_card(BOOKED, "en", NOW + dt.timedelta(minutes=11))
    assert callbacks(late) == []
    link = [b for b in buttons(late) if b["behaviors"][0]["type"] == "open_url"]
    assert link and link[0]["behaviors"][0]["default_url"] == "https://applink.feishu.cn/x"
    assert callbacks(all_cards("en")["leave"]) == [{"a": "undo", "d": "dr6"}]
    assert callbacks(all_cards("en")["invite"]) == []          # no undo_until: no Undo
    assert callbacks(all_cards("en")["rescheduled"]) == [{"a": "undo", "d": "dr10"}]


def test_choose_scope_retry_connect_buttons():
    cards = all_cards("en")
    assert callbacks(cards["choose"]) == [{"a": "choose", "d": "dr11", "e": "ev1"},
                                          {"a": "choose", "d": "dr11", "e": "ev2"}, {"a": "cancel", "d": "dr11"}]
    assert callbacks(cards["scope"]) == [{"a": "scope", "d": "dr12", "s": "one"},
                                         {"a": "scope", "d": "dr12", "s": "series"}, {"a": "cancel", "d": "dr12"}]
    for k in ("permission", "rate_limit", "not_found", "other"):
        assert callbacks(cards[f"err_{k}"]) == [{"a": "retry", "d": "dr13"}]
    assert callbacks(error_card("other", "en")) == []
    (b,) = buttons(cards["connect"])
    assert b["behaviors"] == [{"type": "open_url", "default_url": "https://open.feishu.cn/authen?state=abc"}]


def test_zh_and_en_differ_and_nothing_untranslated():
    zh, en = all_cards("zh"), all_cards("en")
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for name in zh:
        assert zh[name] != en[name], name
        assert cjk.search(zh[name]["header"]["title"]["content"]), name
        assert not cjk.search(en[name]["header"]["title"]["content"]), name
        for s in texts(zh[name]) + texts(en[name]):
            assert s not in STRINGS, (name, s)                  # a raw key never shows
            assert not re.search(r"\{[a-z_]+\}", s), (name, s)  # no unfilled placeholder


def test_i18n_table_complete_and_consistent():
    def fields(s):
        return sorted(f for _, f, _, _ in string.Formatter().parse(s) if f)
    for key, (zh, en) in STRINGS.items():
        assert zh and en and zh != en, key
        assert fields(zh) == fields(en), key


def test_times_show_their_zone():
    assert "周四 11月26日 15:00–16:00 (GMT+8)" in alltext(proposal_card(PROPOSAL, "zh"))
    assert "Thu Nov 26 15:00–16:00 (GMT+8)" in alltext(proposal_card(PROPOSAL, "en"))
    assert "(GMT+8)" in alltext(slots_card(SLOTS, "en"))
    assert "(GMT+8)" in alltext(booked_card(BOOKED, "en", NOW))
    assert "(GMT+8)" in alltext(all_cards("en")["agenda"])
    london = Proposal("d", "x", START, END, "Europe/London")
    assert "Thu Nov 26 07:00–08:00 (GMT)" in alltext(proposal_card(london, "en"))
    summer = dt.datetime(2026, 7, 1, 10, tzinfo=ZoneInfo("Europe/London"))
    assert "(BST)" in alltext(proposal_card(Proposal("d", "x", summer, summer + END.resolution * 60e6,
                                                     "Europe/London"), "en"))


def test_other_zone_attendees_see_their_local_time():
    en, zh = alltext(proposal_card(PROPOSAL, "en")), alltext(proposal_card(PROPOSAL, "zh"))
    assert "Carol: Wed 23:00–00:00 PST" in en and "Dan: Thu 07:00–08:00 GMT" in en
    assert "Carol: 周三 23:00–00:00 PST" in zh
    assert "Li:" not in en and "张三:" not in en.split("Conflicts")[0].split("Local times")[-1]
    assert "Carol: Wed 23:00 PST" in alltext(booked_card(BOOKED, "en", NOW))


def test_conflicts_room_assumptions_recurrence():
    en, zh = alltext(proposal_card(PROPOSAL, "en")), alltext(proposal_card(PROPOSAL, "zh"))
    assert "张三: Thu Nov 26 15:00–16:00 (GMT+8) · 1:1" in en
    assert "Everest · 12 seats · floor 3 — already taken" in en and "该时间已被占用" in zh
    assert "Taken as afternoon: 15:00" in en and "按下午理解：15:00" in zh
    assert "That time has passed today" in en and "已改为明天" in zh
    assert "no_such_code" not in en
    assert "every Monday" in en and "每周一" in zh
    free = Proposal("d", "x", START, END, SH, room_wanted="Moon", assumptions=("am_assumed", "date_in_past"))
    t = alltext(proposal_card(free, "en"))
    assert "Everyone is free" in t and "Moon" in t and "Taken as morning: 15:00" in t and "in the past" in t


def test_describe_rrule():
    cases = {"FREQ=WEEKLY;BYDAY=MO": ("每周一", "every Monday"),
             "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR": ("每个工作日", "every weekday"),
             "FREQ=DAILY;COUNT=5": ("每天，共5次", "every day, 5 times"),
             "RRULE:FREQ=MONTHLY;BYDAY=-1FR": ("每月最后一个周五", "every month on the last Friday"),
             "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH": ("每2周的周二、周四", "every 2 weeks on Tuesday, Thursday")}
    for rule, (zh, en) in cases.items():
        assert describe_rrule(rule, "zh") == zh and describe_rrule(rule, "en") == en
    assert describe_rrule("garbage", "en") == "garbage"
    assert describe_rrule("FREQ=WEEKLY;BYDAY=XX", "zh") == "FREQ=WEEKLY;BYDAY=XX"


def test_agenda_groups_by_day():
    en = alltext(all_cards("en")["agenda"])
    assert "Thu Nov 26" in en and "15:00–16:00" in en and "Fri Nov 27" in en and "all day All hands" in en
    assert en.index("Thu Nov 26") < en.index("Fri Nov 27")
    assert "Nothing scheduled." in alltext(all_cards("en")["agenda_empty"])
    assert "没有安排" in alltext(all_cards("zh")["agenda_empty"])


def test_long_lists_are_cut_and_stay_under_the_limit():
    many = [Event(f"ev{i}", "很长的标题" * 80, START + dt.timedelta(hours=i), END + dt.timedelta(hours=i),
                  app_link=f"https://applink.feishu.cn/e/{i}") for i in range(500)]
    ag = agenda_card(many, dt.date(2026, 11, 26), dt.date(2026, 12, 31), SH, "en")
    assert size(ag) < MAX_BYTES and "…and 460 more" in alltext(ag)
    ch = choose_event_card("d", many, SH, "zh")
    assert size(ch) < MAX_BYTES and len(callbacks(ch)) == 11 and "…还有 490 项" in alltext(ch)
    sr = search_card("x" * 5000, many, SH, "en")
    assert size(sr) < MAX_BYTES and "…and 485 more" in alltext(sr)
    crowd = tuple(Person(f"P{i}" * 30, f"ou{i}", "America/Los_Angeles") for i in range(300))
    big = proposal_card(Proposal("d", "t" * 10000, START, END, SH, crowd,
                                 conflicts=tuple(Conflict(p.name, START, END, "x" * 500) for p in crowd)), "en")
    assert size(big) < MAX_BYTES and callbacks(big)[0] == {"a": "confirm", "d": "d"}


def test_caldav_password_shown_exactly_with_warning():
    for lang in ("zh", "en"):
        t = alltext(all_cards(lang)["caldav"])
        assert "p*ss_w<rd>" in t and "u_1" in t and "https://caldav.feishu.cn" in t
    assert "don't forward" in alltext(all_cards("en")["caldav"])


def test_user_text_cannot_inject_markup():
    p = Proposal("d", "<at id=all></at> hi", START, END, SH, (Person("<font>x</font>"),))
    t = alltext(proposal_card(p, "en"))
    assert "<at" not in t and "<font>" not in t


def test_help_and_unknown():
    assert "/meet" in alltext(help_card("zh")) and "明天下午3点" in alltext(help_card("zh"))
    assert "/meet" in alltext(help_card("en")) and "tomorrow at 3pm" in alltext(help_card("en"))
    assert alltext(unknown_card("en")).count("\n- ") == 3


def test_toasts():
    for lang in ("zh", "en", "zh_cn", "en_us"):
        assert toast("not_yours", lang)["type"] == "error"
        assert toast("booked", lang)["type"] == "success"
        assert toast("expired", lang)["type"] == "warning"
    assert toast("not_yours", "zh")["content"] != toast("not_yours", "en")["content"]
    assert toast("no-such-kind", "en")["type"] == "error"


def test_widened_slots_say_so_and_show_other_zones_clocks():
    london = Person("Dave", "ou_dave", "Europe/London")
    v = SlotsView("dr9", "Sync", "America/Los_Angeles", 30,
                  (SlotChoice(dt.datetime(2026, 11, 27, 9, 0, tzinfo=ZoneInfo("America/Los_Angeles")),
                              dt.datetime(2026, 11, 27, 9, 30, tzinfo=ZoneInfo("America/Los_Angeles"))),),
                  attendees=(london,), widened=True)
    for lang, phrase in (("en", "nearest times that suit everyone"), ("zh", "最近的、所有人都方便的时间")):
        text = json.dumps(slots_card(v, lang), ensure_ascii=False)
        assert phrase in text
        assert "Dave 17:00" in text          # 09:00 in Los Angeles is 17:00 in London
    assert "nearest" not in json.dumps(slots_card(SLOTS, "en"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_day_agenda_names_its_day_once_and_a_week_heads_each_day(lang):
    day = dt.date(2026, 11, 26)
    ev = Event("e1", "Sync", dt.datetime(2026, 11, 26, 9, 30, tzinfo=ZoneInfo(SH)),
               dt.datetime(2026, 11, 26, 10, tzinfo=ZoneInfo(SH)))
    text = json.dumps(agenda_card([ev], day, day, SH, lang), ensure_ascii=False)
    label = "11月26日" if lang == "zh" else "Nov 26"
    assert text.count(label) == 1, text
    week = json.dumps(agenda_card([ev], dt.date(2026, 11, 23), dt.date(2026, 11, 29), SH, lang), ensure_ascii=False)
    assert week.count(label) == 1 and ("09:30" in week)
