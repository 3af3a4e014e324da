"""The long connection: one `lark.ws.Client` per process dials Feishu (or the sandbox) and
receives `im.message.receive_v1` and `card.action.trigger` over a WebSocket, so Yue needs no
public URL.

The SDK client does its own endpoint discovery, pings, server-pushed config and reconnects;
we give it the same dispatcher registrations as the HTTP path (`http.event_handler`), so a
message is stored in the durable inbox before its ack and a click is answered in the ack
frame. A dropped connection loses nothing: Feishu re-delivers what was not acked and the
inbox drops what it has already stored.

Why one per process, in a daemon thread: the SDK runs every client on one module-level event
loop (`lark_oapi.ws.client.loop`) and `start()` blocks, so a process can run one client, in a
thread of its own. Each start gets a fresh loop, which is what lets a stopped client be
replaced (tests, restarts) without the old one's tasks waking up. The processes that
acknowledge (role `all` or `web`) each hold one connection: under gunicorn that is one per
worker, and Feishu hands each event to one connection of the app, so the workers share the
load like they share HTTP requests; `bot.worker` processes only drain the inbox. Do not use
gunicorn's `--preload` in ws mode: the connection's thread would start in the master, and
threads do not survive the fork into the workers.

Handlers run on the SDK's loop thread, one frame at a time per process: the message handler
only stores (milliseconds); a card click runs its action there, within Feishu's 3 s.
"""
from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

import lark_oapi as lark
import lark_oapi.ws.client as sdk_ws

log = logging.getLogger("yue.transport.ws")

LEVELS = {"DEBUG": lark.LogLevel.DEBUG, "INFO": lark.LogLevel.INFO, "WARNING": lark.LogLevel.WARNING,
          "ERROR": lark.LogLevel.ERROR}


@dataclass(frozen=True)
class Status:
    state: str                  # starting | connected | reconnecting | failed | stopped
    reconnects: int             # connections re-established after a drop
    error: str | None = None    # why it gave up (e.g. Feishu refused the app secret)

    def as_dict(self) -> dict:
        return asdict(self)


class LongConnection:
    """`start()` runs the client in a daemon thread; `stop()` ends it (and its socket)."""

    _one_per_process = threading.Lock()

    def __init__(self, app_id: str, app_secret: str, handler: lark.EventDispatcherHandler, domain: str,
                 log_level: str = "INFO", wait_for_local: bool = False):
        self._app_id, self._secret = app_id, app_secret
        self._handler = handler
        self._domain = domain.rstrip("/")
        self._level = LEVELS.get(log_level, lark.LogLevel.INFO)
        self._wait_for_local = wait_for_local      # sandbox mode: the domain is this very app
        self._client: lark.ws.Client | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sdk_loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._reconnects = 0
        self._reconnecting = False
        self._error: str | None = None

    def start(self) -> None:
        if not LongConnection._one_per_process.acquire(blocking=False):
            raise RuntimeError("a long connection is already running in this process "
                               "(lark-oapi's ws client runs on one module-wide event loop)")
        self._loop = asyncio.new_event_loop()
        self._sdk_loop = sdk_ws.loop
        sdk_ws.loop = self._loop        # the SDK schedules everything on this module global
        self._thread = threading.Thread(target=self._run, name="yue-ws", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._thread is None:
            return
        if self._thread.is_alive() and self._loop is not None:
            try:
                self._loop.call_soon_threadsafe(self._cancel_all)
            except RuntimeError:        # the loop is already closed: the thread is ending
                pass
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("the long connection did not stop within %ss", timeout)

    def status(self) -> Status:
        alive = self._thread is not None and self._thread.is_alive()
        if self._error is not None:
            return Status("failed", self._reconnects, self._error)
        if self._stopping.is_set() or (self._thread is not None and not alive):
            return Status("stopped", self._reconnects)
        if self._client is not None and getattr(self._client, "_conn", None) is not None:
            return Status("connected", self._reconnects)   # the SDK has no public "connected" flag
        return Status("reconnecting" if self._reconnecting else "starting", self._reconnects)

    # --- the thread ---------------------------------------------------------------------------

    def _run(self) -> None:
        loop = self._loop
        assert loop is not None, "start() makes the loop before the thread runs"
        asyncio.set_event_loop(loop)    # the client's expiring cache schedules its cron here
        try:
            if self._wait_for_local and not self._local_server_up():
                return
            self._client = lark.ws.Client(self._app_id, self._secret, log_level=self._level,
                                          event_handler=self._handler, domain=self._domain, auto_reconnect=True)
            self._client.on_reconnecting = self._on_reconnecting
            self._client.on_reconnected = self._on_reconnected
            self._client.start()
        except BaseException as e:      # CancelledError (our stop) is a BaseException
            if not self._stopping.is_set():
                self._error = f"{type(e).__name__}: {e}"[:300]
                log.error("long connection to %s ended: %s", self._domain, self._error)
        finally:
            self._finish(loop)
            LongConnection._one_per_process.release()

    def _local_server_up(self) -> bool:
        """Wait until this app's own HTTP server listens (the SDK would otherwise back off for
        up to ReconnectNonce seconds before its first retry)."""
        u = urlsplit(self._domain)
        addr = (u.hostname or "127.0.0.1", u.port or (443 if u.scheme == "https" else 80))
        while not self._stopping.is_set():
            try:
                socket.create_connection(addr, timeout=1).close()
                return True
            except OSError:
                self._stopping.wait(0.05)
        return False

    def _cancel_all(self) -> None:
        for task in asyncio.all_tasks(self._loop):
            task.cancel()

    def _finish(self, loop: asyncio.AbstractEventLoop) -> None:
        """Cancel what the client left running, close its socket, close the loop."""
        try:
            for _ in range(5):          # the SDK's ping loop sleeps again in a `finally`: cancel twice
                pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
                if not pending:
                    break
                for t in pending:
                    t.cancel()
                loop.run_until_complete(asyncio.wait(pending, timeout=1))
            conn = getattr(self._client, "_conn", None)
            if conn is not None:
                loop.run_until_complete(asyncio.wait_for(conn.close(), 2))
        except Exception as e:
            log.debug("long connection cleanup: %s", e)
        finally:
            loop.close()
            sdk_ws.loop = self._sdk_loop    # what the SDK made at import, for whoever comes next

    def _on_reconnecting(self) -> None:
        self._reconnecting = True
        log.warning("long connection lost; reconnecting")

    def _on_reconnected(self) -> None:
        self._reconnecting = False
        self._reconnects += 1
        log.info("long connection re-established (%d so far)", self._reconnects)


def wait_connected(conn: LongConnection, timeout: float) -> Status:
    """Block until the connection is up (or failed); for start-up checks and tests."""
    end = time.monotonic() + timeout
    while True:
        st = conn.status()
        if st.state in ("connected", "failed", "stopped") or time.monotonic() > end:
            return st
        time.sleep(0.02)
