"""The long connections of the sandbox's app: tickets from endpoint discovery, the WebSocket
server (a thread of `websockets`' sync server on a loopback port the OS picks, handed out by
discovery), pings, and pushing one event or callback to ONE connection and waiting for its ack.

`push` raises `requests.ConnectionError` (no connection, or it closed before the ack) and
`requests.Timeout` (no ack within the deadline), the same exceptions an HTTP delivery raises,
so sandbox/delivery.py re-delivers over either transport with one loop.
"""
from __future__ import annotations

import itertools
import json
import logging
import secrets
import socket
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from sandbox.ws import frames

log = logging.getLogger("sandbox.ws")

TICKET_TTL_S = 60            # a discovered URL must be dialled within a minute (and once)
MAX_CONNECTIONS = 50         # Feishu's limit per app; the 51st is refused with EXCEED_CONN_LIMIT
EXCEED_CONN_LIMIT = 1000040350
BAD_TICKET = 1000040347      # the SDK treats it as a server error: it rediscovers and retries
FRAME_LIMIT = 64 * 1024      # payload bytes per data frame; larger payloads go in sum/seq parts


@dataclass
class ClientConfig:
    """What discovery (and every pong) tells the SDK. Feishu's are 120 s pings and a reconnect
    after 0-30 s then every 120 s; the sandbox reconnects within a second or two."""
    ReconnectCount: int = -1         # -1: forever
    ReconnectInterval: int = 1
    ReconnectNonce: int = 1          # the first reconnect waits random() * this many seconds
    PingInterval: int = 120


CONFIG_LIMITS = {"ReconnectCount": (-1, 1000), "ReconnectInterval": (0, 3600), "ReconnectNonce": (0, 3600),
                 "PingInterval": (1, 3600), "frame_limit": (16, 512 * 1024)}


@dataclass(frozen=True)
class Ticket:
    app_id: str
    device_id: str
    service_id: int
    expires: float


@dataclass
class Conn:
    device_id: str
    app_id: str
    service_id: int
    ws: ServerConnection = field(repr=False)
    opened: float = field(default_factory=time.time)
    pings: int = 0
    pushed: int = 0
    acked: int = 0
    send_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def view(self) -> dict:
        return {"conn_id": self.device_id, "app_id": self.app_id, "opened": self.opened, "pings": self.pings,
                "pushed": self.pushed, "acked": self.acked}


@dataclass
class _Waiter:
    conn: Conn
    done: threading.Event = field(default_factory=threading.Event)
    ack: frames.Inbound | None = None


@dataclass
class Answer:
    """The client's ack, shaped like the `requests.Response` an HTTP delivery gets."""
    status_code: int
    content: bytes = b""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)


class LongConnections:
    def __init__(self, bind_host: str = "127.0.0.1"):
        self.bind_host = "127.0.0.1" if bind_host in ("", "localhost") else bind_host
        self.config = ClientConfig()
        self.frame_limit = FRAME_LIMIT
        self._lock = threading.Lock()
        self._tickets: dict[str, Ticket] = {}
        self._accepted: dict[int, Ticket] = {}          # id(handshaking connection) → its ticket
        self._conns: dict[str, Conn] = {}
        self._pending: dict[str, _Waiter] = {}
        self._ws_apps: set[str] = set()
        self._rr = itertools.count()
        self._seq = itertools.count(1)
        self._offline_until = 0.0                       # cut(hold_s=…): discovery answers "busy"
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    # --- the server -------------------------------------------------------------------------------

    def ensure_started(self) -> int:
        with self._lock:
            if self._server is None:
                self._server = serve(self._serve, self.bind_host, 0, process_request=self._handshake,
                                     compression=None, server_header="sandbox-ws")
                self.port = self._server.socket.getsockname()[1]
                self._thread = threading.Thread(target=self._server.serve_forever, name="sandbox-ws", daemon=True)
                self._thread.start()
                log.info("long-connection server on %s:%d", self.bind_host, self.port)
            return self.port

    def close(self) -> None:
        self.cut()
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            if self._thread is not None:
                self._thread.join(timeout=5)

    # --- discovery and the handshake -------------------------------------------------------------

    def offline(self) -> bool:
        return time.time() < self._offline_until

    def discover(self, app_id: str, public_host: str) -> dict:
        """The `data` of a successful `/callback/ws/endpoint` answer. The app is in long-connection
        mode from now on: its events and callbacks go over the socket, not to its HTTP URLs."""
        port = self.ensure_started()
        ticket, device_id = secrets.token_urlsafe(18), uuid.uuid4().hex
        t = Ticket(app_id, device_id, next(self._seq), time.time() + TICKET_TTL_S)
        with self._lock:
            now = time.time()
            self._tickets = {k: v for k, v in self._tickets.items() if v.expires > now}
            self._tickets[ticket] = t
            self._ws_apps.add(app_id)
        host = f"[{public_host}]" if ":" in public_host else public_host
        url = f"ws://{host}:{port}/ws/v2?device_id={device_id}&service_id={t.service_id}&ticket={ticket}"
        return {"URL": url, "ClientConfig": asdict(self.config)}

    def _handshake(self, connection: ServerConnection, request) -> Any:
        q = {k: v[0] for k, v in parse_qs(urlsplit(request.path).query).items()}
        with self._lock:
            t = self._tickets.pop(q.get("ticket", ""), None)
            if t is None or t.expires < time.time() or q.get("device_id") != t.device_id:
                return self._refuse(connection, BAD_TICKET, "invalid or expired ticket: discover the endpoint again")
            if sum(1 for c in self._conns.values() if c.app_id == t.app_id) >= MAX_CONNECTIONS:
                return self._refuse(connection, EXCEED_CONN_LIMIT, f"more than {MAX_CONNECTIONS} connections")
            self._accepted[id(connection)] = t
        return None

    @staticmethod
    def _refuse(connection: ServerConnection, auth_code: int, msg: str):
        resp = connection.respond(403, msg + "\n")
        # The SDK reads these headers: 514 + EXCEED_CONN_LIMIT stops it, anything else is retried.
        resp.headers["handshake-status"] = "514"
        resp.headers["handshake-msg"] = msg
        resp.headers["handshake-autherrcode"] = str(auth_code)
        return resp

    def _serve(self, ws: ServerConnection) -> None:
        with self._lock:
            t = self._accepted.pop(id(ws), None)
            if t is None:
                return
            conn = Conn(t.device_id, t.app_id, t.service_id, ws)
            self._conns[conn.device_id] = conn
        log.info("app %s connected (%s)", conn.app_id, conn.device_id)
        try:
            for raw in ws:
                self._receive(conn, raw)
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                self._conns.pop(conn.device_id, None)
                orphans = [w for w in self._pending.values() if w.conn is conn]
            for w in orphans:      # their pushes fail now and are re-delivered, not after the deadline
                w.done.set()
            log.info("app %s disconnected (%s)", conn.app_id, conn.device_id)

    def _receive(self, conn: Conn, raw: bytes | str) -> None:
        try:
            fr = frames.parse(raw)
        except frames.BadFrame as e:
            log.warning("bad frame from %s: %s", conn.device_id, e)
            return
        if fr.method == frames.CONTROL:
            if fr.type == "ping":
                conn.pings += 1
                self._send(conn, [frames.pong(conn.service_id, asdict(self.config))])
            return
        with self._lock:
            w = self._pending.get(fr.message_id)
        if w is not None and w.conn is conn:
            conn.acked += 1
            w.ack = fr
            w.done.set()

    @staticmethod
    def _send(conn: Conn, data: list[bytes]) -> None:
        with conn.send_lock:                  # split parts of one message stay together
            for d in data:
                conn.ws.send(d)

    # --- pushing ------------------------------------------------------------------------------------

    def wants(self, app_id: str) -> bool:
        """The app chose the long connection (it discovered the endpoint since the sandbox started)."""
        return app_id in self._ws_apps

    def _pick(self, app_id: str) -> Conn | None:
        with self._lock:
            mine = sorted((c for c in self._conns.values() if c.app_id == app_id), key=lambda c: c.opened)
            return mine[next(self._rr) % len(mine)] if mine else None

    def push(self, app_id: str, payload: dict, timeout: float) -> Answer:
        """Send `payload` to one connection of the app and wait for its ack."""
        conn = self._pick(app_id)
        if conn is None:
            raise requests.ConnectionError(f"app {app_id} has no open long connection")
        message_id, trace_id = uuid.uuid4().hex, uuid.uuid4().hex
        body = json.dumps(payload, ensure_ascii=False).encode()
        w = _Waiter(conn)
        with self._lock:
            self._pending[message_id] = w
        try:
            conn.pushed += 1
            self._send(conn, frames.data_frames(conn.service_id, "event", message_id, trace_id, body,
                                                self.frame_limit, next(self._seq)))
            if not w.done.wait(timeout):
                raise requests.Timeout(f"no ack within {timeout:g} s on {conn.device_id}")
            if w.ack is None:
                raise requests.ConnectionError(f"connection {conn.device_id} closed before the ack")
            return Answer(w.ack.code or 0, w.ack.result or b"")
        except ConnectionClosed:
            raise requests.ConnectionError(f"connection {conn.device_id} is closed") from None
        finally:
            with self._lock:
                self._pending.pop(message_id, None)

    # --- tests and the console ------------------------------------------------------------------------

    def cut(self, app_id: str | None = None, hold_s: float = 0.0) -> int:
        """Drop the app's connections (all apps' without `app_id`) as a network failure would: no
        closing handshake. Returns how many were cut; the SDK reconnects by itself, after
        `hold_s` seconds in which discovery answers "system busy" (an outage to ride out)."""
        with self._lock:
            self._offline_until = time.time() + hold_s
            victims = [c for c in self._conns.values() if app_id in (None, c.app_id)]
        for c in victims:
            try:
                c.ws.socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        return len(victims)

    def configure(self, values: dict) -> None:
        """Change the client config (sent with the next discovery and every pong) and the frame
        limit. Everything is checked before anything changes."""
        clean: dict[str, int] = {}
        for k, v in values.items():
            if k not in CONFIG_LIMITS:
                raise ValueError(f"unknown setting {k!r}; known: {', '.join(CONFIG_LIMITS)}")
            lo, hi = CONFIG_LIMITS[k]
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise ValueError(f"{k} must be a whole number between {lo} and {hi}")
            clean[k] = v
        with self._lock:
            for k, v in clean.items():
                if k == "frame_limit":
                    self.frame_limit = v
                else:
                    setattr(self.config, k, v)

    def view(self) -> dict:
        with self._lock:
            return {"apps_in_ws_mode": sorted(self._ws_apps), "port": self.port,
                    "connections": [c.view() for c in self._conns.values()],
                    "config": asdict(self.config), "frame_limit": self.frame_limit}
