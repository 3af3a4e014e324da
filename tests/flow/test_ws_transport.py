"""Issue 15: Yue in long-connection mode (YUE_TRANSPORT=ws), end to end through the unmodified
lark.ws.Client and the sandbox's long connection: message → card → click → booked meeting
(also with payloads split over several frames), a connection dropped mid-load loses and
doubles nothing, and two instances on one database answer every message once."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.transport.ws import wait_connected
from tests.flow.conftest import REPLY_TIMEOUT, Yue, card_text, p2p, start_yue, stop_yue, today_in, wait_for
from tests.support.live import free_port

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = ["ou_alice", "ou_bob", "ou_henry", "ou_ivy", "ou_kevin", "ou_lin"]
ENV = {"YUE_TRANSPORT": "ws", "SANDBOX_RETRY_DELAY": "1", "YUE_SECRET_KEY": "ws-test-secret"}


@pytest.fixture(scope="module")
def ws_yue(yue_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Yue]:
    srv, settings = start_yue(yue_db, tmp_path_factory.mktemp("yue-ws"), **ENV)
    try:
        assert wait_connected(srv.app.extensions["yue_transport"], REPLY_TIMEOUT).state == "connected"
        yield Yue(srv, settings)
    finally:
        stop_yue(srv)
        srv.app.extensions["sandbox_ws"].close()


def ws_view(yue: Yue) -> dict:
    return yue.http.get(f"{yue.url}/sandbox/api/ws", timeout=10).json()


def settle(yue: Yue) -> None:
    """Every delivery finished (acked or given up) and the inbox drained."""
    assert yue.app.extensions["sandbox"].delivery.wait_idle(60)
    wait_for("the inbox to drain", lambda: yue.store.inbox_pending_count() == 0)


def send_all(yue: Yue, texts: list[tuple[str, str]]) -> list[dict]:
    return [yue.post(p2p(who), who, text) for who, text in texts]


def assert_each_answered_once(yue: Yue, sent: list[dict]) -> None:
    for m in sent:
        wait_for(f"a reply to {m['message_id']}", lambda m=m: yue.replies(m["message_id"], m["chat_id"]))
    settle(yue)
    counts = {m["message_id"]: len(yue.replies(m["message_id"], m["chat_id"])) for m in sent}
    assert set(counts.values()) == {1}, counts


def test_message_card_click_books_a_meeting_over_the_long_connection(ws_yue):
    health = ws_yue.http.get(f"{ws_yue.url}/healthz", timeout=10).json()
    assert health["transport"] == "ws" and health["connection"]["state"] == "connected"
    # no HTTP callback in ws mode: nothing can be slipped in without the long connection
    assert ws_yue.http.post(f"{ws_yue.url}/feishu/events", json={}, timeout=10).status_code == 404

    day = today_in("ou_alice") + dt.timedelta(days=1)
    reply = ws_yue.say(p2p("ou_alice"), "ou_alice", "明天下午3点和 @Bob 开会 讨论长连接")
    assert "确认会议" in card_text(reply["card"]) and "讨论长连接" in card_text(reply["card"])
    out = ws_yue.click(reply, "ou_alice", ws_yue.button(reply, "confirm"))     # answered in the ack frame
    assert out["toast"]["content"] == "已预订" and "会议已预订" in card_text(out["card"])
    for person in ("ou_alice", "ou_bob"):
        assert len(ws_yue.events(person, "讨论长连接", day, day + dt.timedelta(days=1))) == 1
    recs = ws_yue.http.get(f"{ws_yue.url}/sandbox/api/deliveries", timeout=10).json()["deliveries"]
    ours = [r for r in recs if r["event_id"] == reply["request"]["event_id"]]
    assert ours and ours[0]["url"] == "long connection" and ours[0]["delivered"]
    assert any(r["event_type"] == "card.action.trigger" and r["url"] == "long connection" for r in recs)


def test_payloads_split_over_several_frames_still_book(ws_yue):
    r = ws_yue.http.put(f"{ws_yue.url}/sandbox/api/ws/config", json={"frame_limit": 200}, timeout=10)
    assert r.status_code == 200, r.text
    try:
        day = today_in("ou_henry") + dt.timedelta(days=1)
        reply = ws_yue.say(p2p("ou_henry"), "ou_henry", "book Split Frames Review with @Ivy tomorrow at 4pm for 30 min")
        out = ws_yue.click(reply, "ou_henry", ws_yue.button(reply, "confirm"))
        assert out["toast"]["type"] == "success", out
        assert len(ws_yue.events("ou_ivy", "Split Frames Review", day, day + dt.timedelta(days=1))) == 1
    finally:
        ws_yue.http.put(f"{ws_yue.url}/sandbox/api/ws/config", json={"frame_limit": 64 * 1024}, timeout=10)


def test_slow_booking_is_answered_in_the_ack_within_the_deadline_then_patched(ws_yue):
    day = today_in("ou_kevin") + dt.timedelta(days=1)
    reply = ws_yue.say(p2p("ou_kevin"), "ou_kevin", "book Slow Calendar Sync with @Lin tomorrow at 5pm for 30 min")
    ws_yue.http.post(f"{ws_yue.url}/sandbox/api/faults",
                     json={"latency_ms": 2100, "path_prefix": "/open-apis/calendar/"}, timeout=10).raise_for_status()
    try:
        # each calendar call alone outlasts the 2 s click budget: the ack says "working" within 3 s
        out = ws_yue.click(reply, "ou_kevin", ws_yue.button(reply, "confirm"))
        assert out["toast"]["type"] == "info" and "Meeting booked" not in card_text(out["card"]), out
        wait_for("the card to be patched to booked",
                 lambda: "Meeting booked" in card_text(ws_yue.current(reply)["card"]))
    finally:
        ws_yue.http.delete(f"{ws_yue.url}/sandbox/api/faults", timeout=10)
    assert len(ws_yue.events("ou_lin", "Slow Calendar Sync", day, day + dt.timedelta(days=1))) == 1


def test_dropped_connection_mid_load_answers_every_message_once(ws_yue):
    conn = ws_yue.app.extensions["yue_transport"]
    before = conn.status().reconnects
    texts = [(PEOPLE[i % len(PEOPLE)], "帮助" if i % 2 else "help") for i in range(30)]
    sent = send_all(ws_yue, texts[:15])
    # dropped, and no reconnect for 1.5 s: what is sent meanwhile must wait for re-delivery
    cut = ws_yue.http.post(f"{ws_yue.url}/sandbox/api/ws/cut", json={"hold_s": 1.5}, timeout=10).json()
    assert cut["cut"] == 1
    later = send_all(ws_yue, texts[15:])
    assert_each_answered_once(ws_yue, sent + later)
    assert conn.status().state == "connected" and conn.status().reconnects > before
    recs = {r["event_id"]: r for r in ws_yue.http.get(f"{ws_yue.url}/sandbox/api/deliveries", timeout=10)
            .json()["deliveries"]}
    assert all(recs[m["event_id"]]["delivered"] for m in sent + later)
    assert len(recs[later[0]["event_id"]]["attempts"]) > 1       # it did ride out the outage


@pytest.fixture
def instance_b(ws_yue: Yue, yue_db: str, tmp_path: Path) -> Iterator[str]:
    """A second Yue process in ws mode on the same database, pointed at A's sandbox as its Feishu."""
    port = free_port()
    env = {**os.environ, **ENV, "YUE_MODE": "feishu", "FEISHU_APP_ID": ws_yue.settings.app_id,
           "FEISHU_APP_SECRET": ws_yue.settings.app_secret, "FEISHU_DOMAIN": ws_yue.url,
           "DATABASE_URL": yue_db, "PORT": str(port), "YUE_VAR_DIR": str(tmp_path / "var-b"),
           "YUE_WORKERS": "4", "LOG_LEVEL": "WARNING"}
    log = open(tmp_path / "b.log", "w")
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def b_connected() -> bool:
        assert proc.poll() is None, (tmp_path / "b.log").read_text()[-2000:]
        try:
            h = requests.get(f"{url}/healthz", timeout=2).json()
        except requests.RequestException:
            return False
        return h.get("connection", {}).get("state") == "connected"

    try:
        wait_for("instance B's long connection", b_connected, 60)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def test_two_instances_on_one_database_answer_every_message_once(ws_yue, instance_b):
    wait_for("two connections", lambda: len(ws_view(ws_yue)["connections"]) == 2)
    pushed = {c["conn_id"]: c["pushed"] for c in ws_view(ws_yue)["connections"]}
    sent = send_all(ws_yue, [(PEOPLE[i % len(PEOPLE)], "帮助") for i in range(20)])
    assert_each_answered_once(ws_yue, sent)
    after = {c["conn_id"]: c["pushed"] - pushed.get(c["conn_id"], 0) for c in ws_view(ws_yue)["connections"]}
    assert len(after) == 2 and all(n > 0 for n in after.values()), after      # both instances took events
