"""A real HTTP server on a free loopback port, in a thread, for tests that go
through lark-oapi (which only speaks HTTP) to the sandbox and the bot."""
from __future__ import annotations

import itertools
import os
import socket
import threading
from collections.abc import Callable

from flask import Flask
from werkzeug.serving import make_server


# Under pytest-xdist each worker ("gw0", "gw1", …) takes ports from a range of its own, below
# Linux's ephemeral range (32768+) where the kernel picks client ports and bind(0)'s ports: two
# workers can then never both pick a port between checking that it is free and binding it.
_WORKER_PORTS = 1500
_next_port = itertools.count()


def free_port() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    base = 20000 + int(worker[2:]) % 8 * _WORKER_PORTS
    for _ in range(_WORKER_PORTS):
        port = base + next(_next_port) % _WORKER_PORTS
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:      # taken by another program, or still in TIME_WAIT
                continue
            return port
    raise RuntimeError(f"no free port in {base}..{base + _WORKER_PORTS - 1} for xdist worker {worker}")


class LiveServer:
    """`with LiveServer(lambda port: create_app(settings.with_(port=port))) as srv: srv.url`"""

    def __init__(self, factory: Callable[[int], Flask], port: int | None = None):
        self.port = port or free_port()
        self.app = factory(self.port)
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"live-{self.port}", daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        bot = self.app.extensions.get("yue_bot")
        if bot is not None:      # its threads must not outlive the test's databases
            bot.stop()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
