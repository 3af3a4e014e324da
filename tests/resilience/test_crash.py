"""Issue 7: a bot that dies mid-way loses nothing. The durable inbox and the drafts
live in the database, so a new process on the same database finishes the work;
the draft's idempotency key makes the retried booking create one event.

"Killing" is simulated in one Python process: the first app's workers are stopped
at the point of the crash, then a new app is built on the same databases."""
from __future__ import annotations

import datetime as dt

from app import create_app
from bot import drafts as actions
from tests.support.live import LiveServer
from tests.support.yue import Chatter, action, card_text, inbox_row, settings_for, wait_until


def bot_of(srv):
    return srv.app.extensions["yue_bot"]


def count_events(srv, title: str) -> int:
    from sandbox.calendar_models import CalEvent
    with srv.app.extensions["sandbox"].db.session() as s:
        return s.query(CalEvent).filter(CalEvent.summary == title, CalEvent.is_deleted.is_(False)).count()


def test_message_acknowledged_then_crash_is_answered_after_restart(tmp_path):
    s = settings_for(tmp_path, SANDBOX_EMPTY="1")
    with LiveServer(lambda port: create_app(s.with_(port=port))) as first:
        bot = bot_of(first)
        bot.inbox._stop.set()           # the workers die right after the acknowledgement...
        bot.kick = lambda: None
        chat = Chatter(first.url, timeout=3)
        sent = chat.say("oc_p2p_alice", "ou_alice", "帮助")
        # The acknowledgement stored it; the stopped workers never claim it (attempts stay 0).
        row = wait_until("the acknowledged message to be stored", lambda: inbox_row(bot.store, sent["message_id"]))
        assert (row.status, row.attempts) == ("new", 0)
        assert chat.replies_to(sent["message_id"], "oc_p2p_alice") == []
        port = first.port
    # ...and a new process starts on the same databases: its sweeper picks the message up.
    with LiveServer(lambda p: create_app(s.with_(port=p)), port=port) as second:
        chat = Chatter(second.url, timeout=20)
        replies = chat.wait_reply(sent["message_id"], "oc_p2p_alice")
        assert len(replies) == 1
        wait_until("the inbox to drain", lambda: bot_of(second).store.inbox_pending_count() == 0)
        row = inbox_row(bot_of(second).store, sent["message_id"])
        # claimed once, by the new process: the first never touched it
        assert (row.status, row.attempts, row.worker_id) == ("done", 1, bot_of(second).worker_id)


def _crash_during_booking(tmp_path, event_created: bool):
    s = settings_for(tmp_path, SANDBOX_EMPTY="1")
    title = "Crash Review" + (" B" if event_created else " A")
    with LiveServer(lambda port: create_app(s.with_(port=port))) as first:
        bot = bot_of(first)
        chat = Chatter(first.url)
        reply = chat.ask("oc_p2p_bob", "ou_bob", f"book {title} tomorrow at 11am for 30 min")
        draft_id = action(reply["card"], "confirm")["d"]
        # Confirm's first step (pending → booking) happened, then the process died...
        draft = bot.store.transition(draft_id, {"pending"}, "booking")
        assert draft is not None
        if event_created:   # ...after Feishu had already created the event, before we stored that.
            p = draft.payload
            bot.feishu.create_event(bot.feishu.bot_calendar_id(), p["title"], "", dt.datetime.fromisoformat(p["start"]),
                                    dt.datetime.fromisoformat(p["end"]), p["tz"],
                                    idempotency_key=bot.store.idempotency_key(draft))
        bot.inbox._stop.set()
        port = first.port
    with LiveServer(lambda p: create_app(s.with_(port=p)), port=port) as second:
        bot2 = bot_of(second)
        assert bot2.store.get_draft(draft_id).status == "booking", "the draft survives the crash"
        later = bot2.now() + actions.STUCK_BOOKING + dt.timedelta(seconds=5)
        bot2.now = lambda: later        # the sweeper's view: this booking has been stuck for a while
        actions.maintenance(bot2)
        done = bot2.store.get_draft(draft_id)
        assert done.status == "booked", done
        assert count_events(second, done.payload["title"]) == 1
        card = Chatter(second.url).bot_messages("oc_p2p_bob")[-1]["card"]
        assert action(card, "undo"), card_text(card)[:300]


def test_crash_before_the_event_was_created(tmp_path):
    _crash_during_booking(tmp_path, event_created=False)


def test_crash_after_the_event_was_created_books_it_once(tmp_path):
    _crash_during_booking(tmp_path, event_created=True)
