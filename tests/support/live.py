"""A real HTTP server on a free loopback port, in a thread, for tests that go
through lark-oapi (which only speaks HTTP) to the sandbox and the bot."""
from __future__ import annotations

import socket
import threading
from collections.abc import Callable

from flask import Flask
from werkzeug.serving import make_server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
