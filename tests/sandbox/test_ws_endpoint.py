"""The sandbox's long connection (sandbox/ws): endpoint discovery, the handshake ticket, the
pbbp2 frames (ping/pong with the client config, data frames split by sum/seq), the ack and
re-delivery without one, one connection per event, cutting connections, and the unmodified
lark.ws.Client against it (pings at the configured interval, a wrong secret refused).

Raw protocol tests dial with `websockets` and speak frames themselves, so they can withhold
or fail an ack, which the SDK never does."""
from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import lark_oapi as lark
import pytest
import requests
from lark_oapi.ws.pb.pbbp2_pb2 import Frame
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from bot.transport.ws import LongConnection, wait_connected
from tests.flow.conftest import wait_for
from tests.sandbox.conftest import APP_ID, APP_SECRET

WAIT = 15.0


@pytest.fixture(autouse=True)
def _close_long_connections(sandbox_server):
    yield
    sandbox_server.app.extensions["sandbox_ws"].close()      # its server thread ends with the test


def discover(url: str, secret: str = APP_SECRET, app_id: str = APP_ID) -> dict:
    r = requests.post(f"{url}/callback/ws/endpoint", json={"AppID": app_id, "AppSecret": secret}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def dial(url: str) -> tuple[ClientConnection, int]:
    data = discover(url)["data"]
    service = int(parse_qs(urlsplit(data["URL"]).query)["service_id"][0])
    return connect(data["URL"], open_timeout=10), service


def frame(raw: bytes) -> tuple[Frame, dict]:
    f = Frame()
    f.ParseFromString(raw)
    return f, {h.key: h.value for h in f.headers}


def next_data(ws: ClientConnection) -> tuple[Frame, dict]:
    """The next data frame (pongs skipped)."""
    while True:
        f, h = frame(ws.recv(timeout=WAIT))
        if f.method == 1:
            return f, h


def ack(ws: ClientConnection, f: Frame, code: int = 200, result: dict | None = None) -> None:
    payload = {"code": code}
    if result is not None:
        payload["data"] = base64.b64encode(json.dumps(result).encode()).decode()
    f.payload = json.dumps(payload).encode()
    ws.send(f.SerializeToString())


def say(url: str, text: str = "帮助", chat: str = "oc_p2p_alice", sender: str = "ou_alice") -> dict:
    r = requests.post(f"{url}/sandbox/api/messages", json={"chat_id": chat, "sender_id": sender, "text": text},
                      timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def record(url: str, event_id: str) -> dict:
    recs = requests.get(f"{url}/sandbox/api/deliveries", timeout=10).json()["deliveries"]
    return next(r for r in recs if r["event_id"] == event_id)


def ws_view(url: str) -> dict:
    return requests.get(f"{url}/sandbox/api/ws", timeout=10).json()


# --- discovery and the handshake ----------------------------------------------------------------

def test_discovery_answers_url_and_client_config(sandbox_server):
    out = discover(sandbox_server.url)
    assert out["code"] == 0, out
    url = urlsplit(out["data"]["URL"])
    q = parse_qs(url.query)
    assert url.scheme == "ws" and url.hostname == "127.0.0.1" and q["device_id"][0] and q["service_id"][0]
    assert set(out["data"]["ClientConfig"]) == {"ReconnectCount", "ReconnectInterval", "ReconnectNonce",
                                                "PingInterval"}
    assert ws_view(sandbox_server.url)["apps_in_ws_mode"] == [APP_ID]


@pytest.mark.parametrize("body, code", [
    ({"AppID": APP_ID, "AppSecret": "wrong"}, 10014),
    ({"AppID": "cli_nobody", "AppSecret": APP_SECRET}, 10003),
    ({"AppID": APP_ID}, 10003),
])
def test_discovery_with_wrong_credentials_is_refused_and_changes_nothing(sandbox_server, body, code):
    r = requests.post(f"{sandbox_server.url}/callback/ws/endpoint", json=body, timeout=10)
    assert r.status_code == 200 and r.json()["code"] == code and "data" not in r.json()
    assert ws_view(sandbox_server.url)["apps_in_ws_mode"] == []       # still delivered over HTTP
    assert "sandbox-secret" not in r.text


def test_sdk_client_with_wrong_secret_gives_up_with_the_reason(sandbox_server):
    conn = LongConnection(APP_ID, "wrong-secret", lark.EventDispatcherHandler.builder("", "").build(),
                          sandbox_server.url, "ERROR")
    conn.start()
    try:
        st = wait_connected(conn, WAIT)
        assert st.state == "failed" and "10014" in st.error and "wrong-secret" not in st.error
    finally:
        conn.stop()
    assert ws_view(sandbox_server.url)["connections"] == []


def test_a_ticket_opens_one_connection_only(sandbox_server):
    url = discover(sandbox_server.url)["data"]["URL"]
    with connect(url, open_timeout=10):
        with pytest.raises(InvalidStatus) as refused:
            connect(url, open_timeout=10)
    headers = refused.value.response.headers
    assert headers["handshake-status"] == "514" and "ticket" in headers["handshake-msg"]


# --- frames ------------------------------------------------------------------------------------------

def test_ping_gets_a_pong_with_the_client_config(sandbox_server):
    ws, service = dial(sandbox_server.url)
    with ws:
        ping = Frame()
        h = ping.headers.add()
        h.key, h.value = "type", "ping"
        ping.SeqID, ping.LogID, ping.service, ping.method = 0, 0, service, 0
        ws.send(ping.SerializeToString())
        f, headers = frame(ws.recv(timeout=WAIT))
    assert f.method == 0 and headers["type"] == "pong" and f.service == service
    assert json.loads(f.payload) == ws_view(sandbox_server.url)["config"]


def test_event_frame_headers_and_redelivery_until_acked(sandbox_server):
    ws, service = dial(sandbox_server.url)
    with ws:
        sent = say(sandbox_server.url)
        first, h1 = next_data(ws)                         # not acked: re-delivered after the deadline
        assert h1["type"] == "event" and (h1["sum"], h1["seq"]) == ("1", "0") and h1["trace_id"]
        assert first.service == service
        env = json.loads(first.payload)
        assert env["header"]["event_type"] == "im.message.receive_v1" and "encrypt" not in env
        assert env["event"]["message"]["message_id"] == sent["message_id"]
        second, h2 = next_data(ws)
        assert json.loads(second.payload)["header"]["event_id"] == env["header"]["event_id"]
        ack(ws, second, 500)                               # the handler failed: re-delivered
        third, h3 = next_data(ws)
        assert json.loads(third.payload)["header"]["event_id"] == env["header"]["event_id"]
        ack(ws, third, 200)
        assert len({h1["message_id"], h2["message_id"], h3["message_id"]}) == 3
        rec = wait_for("the delivery to finish", lambda: (r := record(sandbox_server.url, sent["event_id"]))["done"] and r)
    assert rec["delivered"] and [a["status"] for a in rec["attempts"]] == [None, 500, 200]
    assert rec["url"] == "long connection"


def test_large_payload_is_split_by_sum_and_seq(sandbox_server):
    r = requests.put(f"{sandbox_server.url}/sandbox/api/ws/config", json={"frame_limit": 100}, timeout=10)
    assert r.status_code == 200, r.text
    ws, _ = dial(sandbox_server.url)
    with ws:
        sent = say(sandbox_server.url, "明天下午三点开会 " * 20)
        first, h = next_data(ws)
        parts = {int(h["seq"]): first.payload}
        total = int(h["sum"])
        while len(parts) < total:
            f, hh = next_data(ws)
            assert hh["message_id"] == h["message_id"] and hh["sum"] == h["sum"]
            parts[int(hh["seq"])] = f.payload
            last = f
        assert total > 5 and all(len(p) <= 100 for p in parts.values())
        env = json.loads(b"".join(parts[i] for i in range(total)))
        assert "明天下午三点开会" in json.loads(env["event"]["message"]["content"])["text"]
        ack(ws, last)
        wait_for("the delivery", lambda: record(sandbox_server.url, sent["event_id"])["delivered"])


def test_each_event_goes_to_one_connection_of_the_app(sandbox_server):
    (a, _), (b, _) = dial(sandbox_server.url), dial(sandbox_server.url)
    seen: dict[str, list[str]] = {}
    with a, b:
        sent = [say(sandbox_server.url, f"帮助 {i}")["event_id"] for i in range(6)]
        for name, ws in (("a", a), ("b", b)):
            for _ in range(3):                          # round robin: three each
                f, _ = next_data(ws)
                seen.setdefault(json.loads(f.payload)["header"]["event_id"], []).append(name)
                ack(ws, f)
        for eid in sent:
            wait_for("delivery", lambda eid=eid: record(sandbox_server.url, eid)["delivered"])
        with pytest.raises(TimeoutError):               # nothing more: no event went to both
            a.recv(timeout=0.3)
    assert sorted(seen) == sorted(sent) and all(len(v) == 1 for v in seen.values())


def test_cut_drops_connections_and_pushes_fail_over_to_a_retry(sandbox_server):
    ws, _ = dial(sandbox_server.url)
    with ws:
        r = requests.post(f"{sandbox_server.url}/sandbox/api/ws/cut", json={"hold_s": 30}, timeout=10)
        assert r.json() == {"cut": 1}
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=WAIT)
    assert discover(sandbox_server.url) == {"code": 1, "msg": "system busy"}      # held offline
    wait_for("the connection to be gone", lambda: ws_view(sandbox_server.url)["connections"] == [])
    sent = say(sandbox_server.url)                     # no connection: every attempt fails, then gives up
    rec = wait_for("retries to run out", lambda: (r := record(sandbox_server.url, sent["event_id"]))["done"] and r)
    assert not rec["delivered"] and all(a["status"] is None for a in rec["attempts"]) and len(rec["attempts"]) == 4


@pytest.mark.parametrize("bad", [{"hold_s": -1}, {"hold_s": "long"}, {"app_id": 7}])
def test_bad_cut_is_refused_and_cuts_nothing(sandbox_server, bad):
    ws, _ = dial(sandbox_server.url)
    with ws:
        r = requests.post(f"{sandbox_server.url}/sandbox/api/ws/cut", json=bad, timeout=10)
        assert r.status_code == 400 and r.json()["error"]
        assert len(ws_view(sandbox_server.url)["connections"]) == 1
        assert discover(sandbox_server.url)["code"] == 0


@pytest.mark.parametrize("bad", [{"PingInterval": 0}, {"frame_limit": "big"}, {"Nope": 1},
                                 {"ReconnectNonce": 5, "PingInterval": True}])
def test_bad_config_is_refused_and_changes_nothing(sandbox_server, bad):
    before = ws_view(sandbox_server.url)
    r = requests.put(f"{sandbox_server.url}/sandbox/api/ws/config", json=bad, timeout=10)
    assert r.status_code == 400 and r.json()["error"]
    assert ws_view(sandbox_server.url) == before


# --- the unmodified SDK client -----------------------------------------------------------------------

def test_sdk_client_pings_at_the_configured_interval_and_receives_events(sandbox_server):
    requests.put(f"{sandbox_server.url}/sandbox/api/ws/config", json={"PingInterval": 1}, timeout=10)
    got: list[str] = []
    handler = (lark.EventDispatcherHandler.builder("", "")
               .register_p2_im_message_receive_v1(lambda d: got.append(d.event.message.message_id)).build())
    conn = LongConnection(APP_ID, APP_SECRET, handler, sandbox_server.url, "ERROR")
    conn.start()
    try:
        assert wait_connected(conn, WAIT).state == "connected"
        # the default interval is 120 s: three pings mean the discovered config was applied
        wait_for("three pings", lambda: [c for c in ws_view(sandbox_server.url)["connections"] if c["pings"] >= 3])
        sent = say(sandbox_server.url)
        wait_for("the event", lambda: got)
        wait_for("the ack", lambda: record(sandbox_server.url, sent["event_id"])["delivered"])
        assert got == [sent["message_id"]]
    finally:
        conn.stop()
    assert conn.status().state == "stopped"
    wait_for("the socket to close", lambda: ws_view(sandbox_server.url)["connections"] == [])


def test_yue_with_a_refused_secret_reports_it_on_healthz(sandbox_server, tmp_path):
    from app import create_app
    from bot.config import Settings
    settings = Settings.from_env({"FEISHU_APP_ID": APP_ID, "FEISHU_APP_SECRET": "not-the-secret",
                                  "FEISHU_DOMAIN": sandbox_server.url, "YUE_TRANSPORT": "ws",
                                  "DATABASE_URL": f"sqlite:///{tmp_path}/yue.db", "YUE_VAR_DIR": str(tmp_path / "var"),
                                  "YUE_SECRET_KEY": "k", "LOG_LEVEL": "ERROR"})
    app = create_app(settings)
    bot = app.extensions["yue_bot"]
    try:
        assert wait_connected(app.extensions["yue_transport"], WAIT).state == "failed"
        r = app.test_client().get("/healthz")
        assert r.status_code == 503 and r.json["ok"] is False and r.json["transport"] == "ws"
        assert r.json["connection"]["state"] == "failed" and "app secret invalid" in r.json["connection"]["error"]
        assert "not-the-secret" not in r.get_data(as_text=True)
        assert app.test_client().post("/feishu/events", json={}).status_code == 404    # no HTTP door in ws mode
    finally:
        bot.stop()
        bot.store.close()


def test_sdk_client_stops_promptly_while_it_waits_to_reconnect(sandbox_server):
    import threading
    requests.post(f"{sandbox_server.url}/sandbox/api/ws/cut", json={"hold_s": 120}, timeout=10)   # discovery busy
    conn = LongConnection(APP_ID, APP_SECRET, lark.EventDispatcherHandler.builder("", "").build(),
                          sandbox_server.url, "ERROR")
    conn.start()
    wait_for("the SDK to back off and retry", lambda: conn.status().state == "reconnecting")
    conn.stop(timeout=5)                 # the SDK would sleep up to 30 s before its next attempt
    assert conn.status().state == "stopped"
    assert not [t for t in threading.enumerate() if t.name == "yue-ws"]
    assert ws_view(sandbox_server.url)["connections"] == []
