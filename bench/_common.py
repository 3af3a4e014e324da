"""Shared plumbing of the bench scripts: machine description, result tables, percentiles,
free loopback ports, child processes in their own process group (stopped on exit, Ctrl-C
or error), and a small open-loop HTTP load generator on asyncio (no third-party client)."""
from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import json
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


# --- the machine and the report ---------------------------------------------------------------

def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def machine() -> dict:
    return {"nproc": os.cpu_count(), "cpu": cpu_model(), "python": platform.python_version(),
            "platform": platform.platform(), "loadavg_at_start": loadavg()}


def header(title: str, params: dict) -> dict:
    """Print the run's header (date, machine, command, parameters) and return it for --out."""
    info = {"benchmark": title, "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": machine(), "command": " ".join(["python", *sys.argv]),
            "parameters": params}
    m = info["machine"]
    print(f"== {title}")
    print(f"date:       {info['date']}")
    print(f"machine:    {m['nproc']} cores, {m['cpu']}, Python {m['python']}, load avg {m['loadavg_at_start']}")
    print(f"command:    {info['command']}")
    print("parameters: " + ", ".join(f"{k}={v}" for k, v in params.items()))
    sys.stdout.flush()
    return info


def table(rows: Sequence[Sequence[Any]], head: Sequence[str]) -> str:
    cells = [[str(c) for c in head]] + [[fmt(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(head))]
    line = lambda r: "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))  # noqa: E731
    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths)] + [line(r) for r in cells[1:]])


def fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}"
    return str(v)


def pct(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))
    return s[k]


def write_out(path: str | None, data: dict) -> None:
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=2, default=str)
        print(f"wrote {path}")


# --- processes and ports ----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_children: list[subprocess.Popen] = []


def spawn(args: list[str], env: dict, log_path: str) -> subprocess.Popen:
    """Start a child in its own process group; every child is stopped when this process exits
    (normally, on an exception, on Ctrl-C or on SIGTERM)."""
    log = open(log_path, "ab")
    p = subprocess.Popen(args, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    _children.append(p)
    return p


def stop(p: subprocess.Popen, timeout: float = 10.0) -> None:
    if p.poll() is not None:
        return
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait(5)


def stop_all() -> None:
    while _children:
        stop(_children.pop())


def _on_signal(signum, _frame):
    stop_all()
    sys.exit(128 + signum)


atexit.register(stop_all)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


def wait_workers(ready_dir: str, n: int, timeout: float = 120.0) -> None:
    """Until `n` gunicorn workers started with `-c bench/gunicorn_ready.py` have loaded the app."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.isdir(ready_dir) and len(os.listdir(ready_dir)) >= n:
            return
        time.sleep(0.1)
    raise RuntimeError(f"only {len(os.listdir(ready_dir)) if os.path.isdir(ready_dir) else 0} of {n} "
                       f"gunicorn workers loaded the app within {timeout:.0f}s")


def wait_http(url: str, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    """Until `url` answers below 500; for a /healthz, until it also says the bot is ready
    (`python app.py` serves before the bot has started: `status: starting`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500 and not (url.endswith("/healthz") and b'"starting"' in r.read()):
                    return
                time.sleep(0.1)
                continue
        except urllib.error.HTTPError as e:
            if e.code < 500:
                return
            time.sleep(0.2)
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")


# --- open-loop load generator -------------------------------------------------------------------

class _Conn:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed")
    status = int(status_line.split()[1])
    length, close = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "connection" and value.strip().lower() == "close":
            close = True
    body = await reader.readexactly(length) if length else b""
    return status, body, close


class OpenLoop:
    """Status -1 = no answer within `timeout`, -2 = the connection failed (the error is kept).

    Sends prepared POSTs to one loopback host:port at a fixed rate (open loop: request i is
    due at t0 + i/rate whatever happened to the earlier ones), over keep-alive connections
    (at most `max_conns` in flight; beyond that a request waits for a connection, and that wait
    counts in its latency because latency is measured from the request's scheduled time)."""

    def __init__(self, host: str, port: int, path: str, max_conns: int = 256, timeout: float = 10.0):
        assert host == "127.0.0.1", "loads go to loopback only"
        self.host, self.port, self.path = host, port, path
        self.max_conns, self.timeout = max_conns, timeout
        self._idle: list[_Conn] = []
        self._open = 0
        self._slot: asyncio.Semaphore | None = None

    async def _conn(self) -> tuple[_Conn, bool]:
        if self._idle:
            return self._idle.pop(), True
        reader, writer = await asyncio.open_connection(self.host, self.port)
        self._open += 1
        return _Conn(reader, writer), False

    def _drop(self, c: _Conn) -> None:
        self._open -= 1
        try:
            c.writer.close()
        except Exception:
            pass

    async def _post(self, body: bytes, headers: dict) -> tuple[int, float]:
        head = [f"POST {self.path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}",
                "Connection: keep-alive"] + [f"{k}: {v}" for k, v in headers.items()]
        raw = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        for attempt in (0, 1):
            c, reused = await self._conn()
            try:
                c.writer.write(raw)
                await c.writer.drain()
                status, _, close = await asyncio.wait_for(_read_response(c.reader), self.timeout)
            except (ConnectionError, asyncio.IncompleteReadError, OSError) as e:
                self._drop(c)
                if reused and attempt == 0:
                    continue  # the server closed an idle keep-alive connection: once more on a new one
                raise e
            except TimeoutError:
                self._drop(c)
                raise
            if close:
                self._drop(c)
            else:
                self._idle.append(c)
            return status, time.perf_counter()
        raise ConnectionError("unreachable")

    async def _one(self, due: float, body: bytes, headers: dict, out: list) -> None:
        error = None
        async with self._slot:
            sent = time.perf_counter()
            try:
                status, done = await self._post(body, headers)
            except TimeoutError:
                status, done, error = -1, time.perf_counter(), "timeout"
            except Exception as e:
                status, done, error = -2, time.perf_counter(), f"{type(e).__name__}: {e}"[:120]
        out.append({"due": due, "sent": sent, "done": done, "status": status, "error": error})

    async def run(self, requests: Iterable[tuple[bytes, dict]], rate: float) -> tuple[list[dict], float, float]:
        """→ (results in completion order, start, end of the sending schedule)."""
        self._slot = asyncio.Semaphore(self.max_conns)
        out: list[dict] = []
        tasks = []
        t0 = time.perf_counter() + 0.05
        for i, (body, headers) in enumerate(requests):
            due = t0 + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(self._one(due, body, headers, out)))
        sent_end = time.perf_counter()
        await asyncio.gather(*tasks)
        for c in self._idle:
            self._drop(c)
        self._idle.clear()
        return out, t0, sent_end
