"""Every card the bot can send, in both languages and every state the builders reach, passes
Feishu's card JSON 2.0 validation as the sandbox runs it at IM send (sandbox/cards_schema.py) —
checked directly and through the sandbox's IM send route with a real tenant token."""
from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import pkgutil

import pytest

from bot.cards import (Booked, Event, Person, Proposal, Room, SlotChoice, SlotsView, agenda_card, booked_card,
                       cancelled_event_card, choose_event_card, error_card, invite_card, leave_card, proposal_card,
                       rescheduled_card, scope_card, search_card, share_card, slots_card, status_card)
from bot.cards.did_you_mean import did_you_mean_card
from bot.cards.no_such_date import no_such_date_card
from bot.cards.own_time import own_time_card
from bot.cards.cancel_all import cancel_all_card, cancel_all_none_card, cancelled_all_card
from bot.planning.own_time import OwnDay
from bot.cards.unknown_people import unknown_people_card
from bot.cards.status import nothing_to_undo_card, undone_card
import bot.cards
from bot.cards.base import MAX_TEXT
from bot.cards import reminders as rc
from bot.cards.caldav import (DEVICES, CaldavSettings, caldav_card, caldav_revoke_failed_card,
                              caldav_revoked_card)
from bot.cards.coming_soon import FEATURES, coming_soon_card
from bot.cards.status import ERRORS, STATES
from sandbox import cards_schema
from tests.unit.test_cards import BOOKED, END, EVENTS, NOW, PEOPLE, SH, START, all_cards

LANGS = ("zh", "en")
LATER = NOW + dt.timedelta(minutes=10)
PAST = NOW - dt.timedelta(minutes=1)
LONG = "很长的会议标题 <at id=all></at> " * 40


def every_card(lang: str) -> dict[str, dict]:
    """all_cards plus the states the first set does not reach: every status and error kind, undo
    open/closed, no room / free room / unknown room, widened and empty slots, long and hostile text,
    a crowded agenda that has to give way to the size limit."""
    cards = dict(all_cards(lang))
    cards.update({f"state_{k}": status_card(k, lang, "Sync") for k in STATES})
    cards.update({f"state_{k}_untitled": status_card(k, lang) for k in STATES})
    cards.update({f"err_{k}_bare": error_card(k, lang) for k in ERRORS})
    cards["proposal_plain"] = proposal_card(Proposal("p1", "Sync", START, END, SH), lang)
    cards["proposal_room_free"] = proposal_card(Proposal("p2", LONG, START, END, SH, PEOPLE, Room("泰山", 4, "5"),
                                                         organizer=PEOPLE[0]), lang)
    cards["proposal_room_unknown"] = proposal_card(Proposal("p3", "Sync", START, END, SH, PEOPLE,
                                                            room_wanted="Atlantis"), lang)
    cards["slots_widened"] = slots_card(SlotsView("s1", "Sync", SH, 45, (SlotChoice(START, END),), widened=True,
                                                  attendees=PEOPLE), lang)
    cards["slots_many"] = slots_card(SlotsView("s2", LONG, SH, 30, tuple(
        SlotChoice(START + dt.timedelta(hours=i), END + dt.timedelta(hours=i)) for i in range(12))), lang)
    for name, until in (("open", LATER), ("closed", PAST), ("none", None)):
        cards[f"booked_undo_{name}"] = booked_card(Booked("b1", "Sync", START, END, SH, PEOPLE,
                                                          Room("珠峰", 12, "3", taken=True), None, None, until),
                                                   lang, NOW)
        cards[f"leave_{name}"] = leave_card("l1", START, END, SH, lang, NOW, undo_until=until)
        cards[f"share_{name}"] = share_card("sh1", Person("Eve"), "writer", lang, NOW, undo_until=until)
        cards[f"invite_{name}"] = invite_card("i1", EVENTS[1], PEOPLE, SH, lang, NOW, undo_until=until)
        cards[f"cancelled_{name}"] = cancelled_event_card("c1", EVENTS[1], SH, lang, NOW, undo_until=until)
        cards[f"rescheduled_{name}"] = rescheduled_card("r1", EVENTS[1], START, END, SH, lang, NOW, undo_until=until)
    cards["booked_minimal"] = booked_card(Booked("b2", "x", START, END, SH), lang, NOW)
    cards["scope_reschedule"] = scope_card("sc1", EVENTS[0], SH, lang, "reschedule")
    cards["choose_cancel"] = choose_event_card("ch1", EVENTS * 30, SH, lang, "cancel")
    crowded = [Event(f"e{i}", LONG[: MAX_TEXT], START + dt.timedelta(hours=i), END + dt.timedelta(hours=i),
                     app_link=f"https://applink.feishu.cn/e{i}", location="Hall " * 20) for i in range(300)]
    cards["agenda_crowded"] = agenda_card(crowded, START.date(), START.date() + dt.timedelta(days=13), SH, lang)
    cards["search_crowded"] = search_card(LONG, crowded, SH, lang)
    cards.update({f"coming_soon_{k}": coming_soon_card(k, lang) for k in (*FEATURES, "no_such_intent")})
    cards.update(room_and_organizer_cards(lang))
    conf = CaldavSettings("http://127.0.0.1:8000/caldav/", "u_1", "p*ss <w>rd", shown_before=True)
    for device in DEVICES:
        cards[f"caldav_{device}"] = caldav_card(device, lang, conf)
        cards[f"caldav_{device}_advice"] = caldav_card(device, lang)
        cards[f"caldav_{device}_revoked"] = caldav_revoked_card(device, lang)
        cards[f"caldav_{device}_revoked_none"] = caldav_revoked_card(device, lang, had_settings=False)
        for connect in (True, False):
            cards[f"caldav_{device}_revoke_failed_{connect}"] = caldav_revoke_failed_card(device, lang, connect)
    cards["undone"] = undone_card("cancelling “Sync”", lang)
    cards["undone_restored"] = undone_card(LONG, lang, restored=True)
    cards["nothing_to_undo"] = nothing_to_undo_card(lang)
    cards["nothing_to_undo_last"] = nothing_to_undo_card(lang, "booking “Sync”")
    cards["did_you_mean"] = did_you_mean_card("dm1", ["schedule", "find_time", "no_such_intent"], lang)
    cards["unknown_people"] = unknown_people_card(["Nobody", "张三"], lang, "up1")
    cards["unknown_people_no_button"] = unknown_people_card(["Eve"], lang)
    cards["no_such_date"] = no_such_date_card("Feb 30", lang)
    day = NOW.date() + dt.timedelta(days=1)
    at9 = dt.datetime.combine(day, dt.time(9), dt.timezone(dt.timedelta(hours=8)))
    spans = tuple((at9 + dt.timedelta(hours=2 * i), at9 + dt.timedelta(hours=2 * i + 1)) for i in range(4))
    cards["own_time"] = own_time_card([OwnDay(day, True, spans, spans), OwnDay(day, False, (), ())], "Asia/Shanghai",
                                      lang, NOW)
    cards["own_time_passed"] = own_time_card([], "Asia/Shanghai", lang, NOW)
    cards["cancel_all"] = cancel_all_card("ca1", EVENTS, SH, lang)
    cards["cancel_all_none"] = cancel_all_none_card(LONG, lang, only_yue=True)
    cards["cancel_all_only_yue"] = cancel_all_card("ca2", EVENTS, SH, lang, only_yue=True)
    cards["cancelled_all"] = cancelled_all_card("ca1", EVENTS, 2, SH, lang, undo=True)
    cards["cancelled_all_closed"] = cancelled_all_card("ca1", EVENTS[:1], 0, SH, lang, undo=False)
    cards.update(reminder_cards(lang, crowded))
    cards.update(calendar_cards(lang))
    return cards


def reminder_cards(lang: str, crowded: list[Event]) -> dict[str, dict]:
    """Reminders and digests: set, fired (late, tied to an event), after each click, lists
    (long, empty), the digest's day (crowded, conflicts, gaps) and week."""
    one = rc.Reminder("j1", "交周报", START, SH)
    tied = rc.Reminder("j2", LONG, START, SH, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", event_title=LONG, before_minutes=15)
    dig = rc.Reminder("d1", "Today", START, SH, "FREQ=WEEKLY;BYDAY=MO", kind="digest", scope="week", group=True)
    out = {"reminder_set": rc.reminder_set_card(one, lang), "reminder_set_tied": rc.reminder_set_card(tied, lang, True),
           "reminder": rc.reminder_card(one, "j1:1", lang),
           "reminder_late_tied": rc.reminder_card(tied, "j2:1", lang, late=True, event_start=START),
           "reminders_many": rc.reminders_list_card([one, tied] * 40, lang),
           "reminders_none": rc.reminders_list_card([], lang), "digests": rc.reminders_list_card([dig], lang, "digest"),
           "choose_reminder": rc.choose_reminder_card([one, tied], lang), "digest_set": rc.digest_set_card(dig, lang),
           "digest_stopped": rc.digest_stopped_card(2, lang), "digest_stopped_none": rc.digest_stopped_card(0, lang),
           "note": rc.note_card("rem_need_time", lang),
           "digest_day": rc.digest_card(crowded, START.date(), START.date(), SH, lang,
                                        conflicts=[rc.Conflict(LONG, LONG, START, END)] * 20, gaps=[(START, END)] * 20),
           "digest_week_late": rc.digest_card(EVENTS, START.date(), START.date() + dt.timedelta(days=6), SH, lang,
                                              scope="week", late=True)}
    out.update({f"reminder_{k}": rc.reminder_state_card(k, LONG, lang, until=START, tz=SH)
                for k in ("done", "snoozed", "cancelled")})
    return out


def room_and_organizer_cards(lang: str) -> dict[str, dict]:
    """Rooms as they answer (pending, declined with free rooms to add), the rooms list, off-hours
    marks, and the organizer's cards."""
    from bot.cards import (OffHours, ask_organizer_card, confirm_cancel_card, not_organizer_card,
                           rooms_card)
    free = (Room("昆仑", 6, "3F", room_id="r1"), Room("黄山", 8, "5F", room_id="r2"))
    carol = (OffHours("Carol", "America/Los_Angeles"),)
    out = {f"booked_room_{s}": booked_card(Booked("b3", "Sync", START, END, SH, PEOPLE,
                                                  Room("珠峰", 12, "3F", room_id="r0", status=s),
                                                  room_options=free if s in ("decline", "taken") else ()), lang, NOW)
           for s in ("accept", "pending", "decline", "taken")}
    out["proposal_room_options"] = proposal_card(Proposal("p4", "Sync", START, END, SH, PEOPLE,
                                                          Room("珠峰", 12, taken=True), room_options=free,
                                                          off_hours=carol), lang)
    out["proposal_no_room_free"] = proposal_card(Proposal("p5", "Sync", START, END, SH, room_asked=True), lang)
    out["slots_off_hours"] = slots_card(SlotsView("s3", "Sync", SH, 30, (SlotChoice(START, END, off_hours=carol),),
                                                  best_effort=True, attendees=PEOPLE, intro=LONG), lang)
    out["rooms_at"] = rooms_card([(r, i == 0) for i, r in enumerate(free)], lang, at=START, tz=SH, seats=6)
    out["rooms_list"] = rooms_card([(r, None) for r in free], lang)
    out["rooms_none"] = rooms_card([], lang, seats=99)
    out["not_organizer"] = not_organizer_card("n1", LONG, "王丽", "reschedule", lang)
    out["ask_organizer"] = ask_organizer_card(LONG, lang)
    out["ask_organizer_buttons"] = ask_organizer_card(LONG, lang, "d9", "ev_1", title=LONG)
    out["confirm_cancel"] = confirm_cancel_card("cc1", EVENTS[0], SH, lang)
    return out


def calendar_cards(lang: str) -> dict[str, dict]:
    """Issue 18: invitations in every answer state, RSVP, notices, sharing, subscriptions, Exchange."""
    from bot.cards import calendars as cc
    from bot.cards import invitation as ic
    inv = ic.Invitation("ev1", LONG, START, END, "王丽 <b>", agenda=LONG, draft_id="d1")
    out = {f"invite_{a}": ic.invitation_card(inv, "Europe/London", lang, answered=a) for a in (None, *ic.STATUSES)}
    out["invite_connect"] = ic.invitation_card(inv, SH, lang, connect_url="https://example.com/authen?x=<y>")
    out["rsvp_pick"] = ic.rsvp_pick_card([inv] * 12, "decline", SH, lang)
    out.update({f"rsvp_done_{a}": ic.rsvp_done_card(inv, a, SH, lang) for a in ic.STATUSES})
    for what in ("decline", "tentative", "moved", "deleted"):
        out[f"notice_{what}"] = ic.notice_card(LONG, START, END, what, SH, lang, who="Bob <at>",
                                               moved_to=(START, END) if what == "moved" else None)
    shared = [cc.Shared(f"Person {i}", r) for i, r in enumerate((*cc.ROLES, "odd_role") * 3)]
    out["acl_list"], out["acl_none"] = cc.acl_list_card(shared, lang), cc.acl_list_card([], lang)
    out["unshare_ask"] = cc.unshare_ask_card("d2", shared[:3], lang)
    for name, until in (("open", LATER), ("closed", PAST), ("none", None)):
        out[f"unshared_{name}"] = cc.unshared_card("d2", ["Bob", LONG], lang, NOW, SH, until)
    cals = [cc.Cal(f"c{i}", f"Holidays {i} {LONG}", LONG) for i in range(8)]
    out["subs"], out["subs_none"] = cc.subscriptions_card(cals, lang), cc.subscriptions_card([], lang)
    out["sub_pick"] = cc.sub_pick_card("d3", LONG, cals, lang)
    for title, key in (("title_sub_none", "sub_none"), ("title_sub_limit", "sub_limit"),
                       ("title_sub_refused", "sub_refused"), ("title_subscribed", "subscribed"),
                       ("title_unsubscribed", "unsubscribed"), ("title_sub_none", "sub_not_yours"),
                       ("title_sub_none", "sub_need_name"), ("title_unshared", "not_shared"),
                       ("title_exchange", "ex_none"), ("title_exchange", "ex_need_account"),
                       ("title_exchange", "ex_unbound")):
        out[f"note_{key}"] = cc.note_card(title, key, lang, name=LONG, account="x@corp.com")
    for status in ("doing", "cal_done", "timespan_done", "done", "err", "unheard_of"):
        out[f"exchange_{status}"] = cc.exchange_card("x<y>@corp.com", status, lang)
    return out


# Every builder the tests above call; a new one in bot/cards must be added to every_card.
COVERED = {"agenda_card", "search_card", "booked_card", "leave_card", "share_card", "invite_card",
           "cancelled_event_card", "rescheduled_card", "coming_soon_card", "connect_card", "choose_event_card",
           "scope_card", "help_card", "unknown_card", "caldav_card", "caldav_revoked_card", "caldav_revoke_failed_card",
           "proposal_card", "slots_card", "status_card", "error_card", "undone_card", "nothing_to_undo_card",
           "did_you_mean_card", "reminder_set_card", "reminder_card", "reminder_state_card", "reminders_list_card",
           "choose_reminder_card", "digest_set_card", "digest_stopped_card", "digest_card", "note_card",
           "invitation_card", "rsvp_pick_card", "rsvp_done_card", "notice_card", "acl_list_card", "unshare_ask_card",
           "unshared_card", "subscriptions_card", "sub_pick_card", "exchange_card",
           "rooms_card", "unknown_people_card", "no_such_date_card", "own_time_card",
           "cancel_all_card", "cancel_all_none_card", "cancelled_all_card",
           "not_organizer_card", "ask_organizer_card", "confirm_cancel_card"}


def test_every_card_builder_is_covered():
    found = set()
    for info in pkgutil.iter_modules(bot.cards.__path__):
        module = importlib.import_module(f"bot.cards.{info.name}")
        found |= {n for n, f in inspect.getmembers(module, inspect.isfunction)
                  if n.endswith("_card") and not n.startswith("_") and f.__module__ == module.__name__}
    assert found == COVERED, f"builders not exercised here: {sorted(found - COVERED)}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_card_passes_feishu_card_validation(lang):
    cards = every_card(lang)
    assert len(cards) > 60
    for name, card in cards.items():
        content = json.dumps(card, ensure_ascii=False)
        try:
            cards_schema.validate_content(content)
        except cards_schema.CardInvalid as e:
            pytest.fail(f"{lang} {name}: {e.message()}")


def test_the_validation_refuses_what_feishu_refuses():
    """The check is not a pass-through: each kind of fault in an otherwise good bot card is found,
    with Feishu's sub-code and the component's path."""
    good = BOOKED and booked_card(BOOKED, "en", NOW)
    cardinal = json.dumps(good)

    def broken(mutate) -> cards_schema.CardInvalid:
        card = json.loads(cardinal)
        mutate(card)
        with pytest.raises(cards_schema.CardInvalid) as info:
            cards_schema.validate_content(json.dumps(card))
        return info.value

    cards_schema.validate_content(cardinal)
    e = broken(lambda c: c["body"]["elements"][0].update(colour="red"))
    assert e.sub_code == 200621 and e.path == "ROOT -> body -> elements -> [0](tag: markdown) -> colour"
    e = broken(lambda c: c["body"]["elements"].append({"tag": "note", "elements": []}))
    assert e.sub_code == 200861 and "(tag: note)" in e.path and "unsupported tag note" in e.message()
    e = broken(lambda c: c.update(i18n_elements={"en_us": []}))
    assert e.sub_code == 200861 and e.path == "ROOT -> i18n_elements"
    e = broken(lambda c: c["config"].update(update_multi=False))
    assert e.path == "ROOT -> config -> update_multi"
    buttons = next(i for i, el in enumerate(json.loads(cardinal)["body"]["elements"]) if el["tag"] == "column_set")
    e = broken(lambda c: c["body"]["elements"][buttons]["columns"][0]["elements"][0].pop("text"))
    assert e.path.endswith("-> [0](tag: button) -> text") and "text is required" in e.message()
    e = broken(lambda c: c["body"]["elements"][buttons]["columns"][-1]["elements"][0]["behaviors"][0].pop("value"))
    assert e.path.endswith("behaviors -> [0] -> value")
    e = broken(lambda c: c["body"]["elements"][buttons]["columns"].append({"tag": "markdown", "content": "x"}))
    assert "only column may be placed here" in e.message()
    e = broken(lambda c: c["body"]["elements"].append({"tag": "markdown", "content": "x" * 31 * 1024}))
    assert e.code == 230025


@pytest.fixture(scope="module")
def sandbox_im(tmp_path_factory):
    """The sandbox app in process and a tenant token: cards are posted through its IM route."""
    import sandbox
    from bot.config import Settings
    tmp = tmp_path_factory.mktemp("cards")
    app = sandbox.create_app(Settings(sandbox_database_url=f"sqlite:///{tmp}/sb.db", sandbox_empty=True,
                                      var_dir=str(tmp)))
    app.extensions["sandbox"].limiter.enabled = False     # ~150 sends in a second: not what is tested here
    client = app.test_client()
    token = client.post("/open-apis/auth/v3/tenant_access_token/internal",
                        json={"app_id": "cli_sandbox_yue", "app_secret": "sandbox-secret"}).get_json()
    return client, {"Authorization": f"Bearer {token['tenant_access_token']}"}


@pytest.mark.parametrize("lang", LANGS)
def test_every_card_is_accepted_by_the_sandbox_im_send(sandbox_im, lang):
    client, auth = sandbox_im
    for name, card in every_card(lang).items():
        resp = client.post("/open-apis/im/v1/messages?receive_id_type=open_id", headers=auth, json={
            "receive_id": "ou_alice", "msg_type": "interactive", "content": json.dumps(card, ensure_ascii=False)})
        assert resp.get_json()["code"] == 0, (lang, name, resp.get_json())
    bad = dict(every_card(lang)["help"], fallback={"tag": "fallback_text"})
    refused = client.post("/open-apis/im/v1/messages?receive_id_type=open_id", headers=auth, json={
        "receive_id": "ou_alice", "msg_type": "interactive", "content": json.dumps(bad)}).get_json()
    assert refused["code"] == 230099 and "ErrCode: 200861" in refused["msg"] and "ROOT -> fallback" in refused["msg"]
