"""YUE_ROLE=web acknowledges and stores; a separate worker (`python -m bot.worker`) answers.
This is how the ack path stays fast under load (bench/ack_load.py)."""
from __future__ import annotations

import threading

from app import create_app
from bot.inbox import worker
from tests.support.live import LiveServer
from tests.support.yue import Chatter, inbox_row, settings_for, wait_until


def test_web_role_acknowledges_and_a_worker_process_answers(tmp_path):
    s = settings_for(tmp_path, SANDBOX_EMPTY="1", YUE_ROLE="web", YUE_WORKER_NICE="0", YUE_WORKERS="2")
    with LiveServer(lambda port: create_app(s.with_(port=port))) as srv:
        chat = Chatter(srv.url, timeout=20)
        sent = chat.say("oc_p2p_alice", "ou_alice", "帮助")
        web = srv.app.extensions["yue_bot"]
        row = wait_until("the web role to store the message", lambda: inbox_row(web.store, sent["message_id"]))
        assert (row.status, row.attempts) == ("new", 0), "the web role must not claim it"
        assert web.inbox._sweeper is None                 # and has nothing that would claim it later
        assert chat.replies_to(sent["message_id"], "oc_p2p_alice") == []
        stop = threading.Event()
        t = threading.Thread(target=worker.run, args=(s.with_(port=srv.port), stop), daemon=True)
        t.start()
        try:
            replies = chat.wait_reply(sent["message_id"], "oc_p2p_alice")
            assert len(replies) == 1
        finally:
            stop.set()
            t.join(timeout=30)
        wait_until("the inbox to drain", lambda: web.store.inbox_pending_count() == 0)
        row = inbox_row(web.store, sent["message_id"])
        # claimed once, and not by the web process: the worker answered it
        assert row.status == "done" and row.attempts == 1 and row.worker_id != web.worker_id
