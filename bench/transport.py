"""Message → reply over HTTP callbacks and over the long connection, same machine, same run.

    python bench/transport.py [--latency 200] [--burst 300] [--rounds 2] [--out result.json]

For each round and each transport (http, ws, http, ws, …: alternating, so the machine's
noise falls on both) one full app runs as `python app.py` runs it (sandbox + bot in one
process, SQLite in a temporary directory, YUE_TRANSPORT=http or ws), started as a child
process and stopped afterwards.

- latency: `--latency` messages posted one at a time through POST /sandbox/api/messages, the
  next once the reply to the previous one is stored; latency = reply.created_ms −
  message.created_ms, both stamped by the sandbox, so it covers delivery (signed POST, or a
  frame on the WebSocket and its ack), the inbox, the worker and the reply.
- throughput: `--burst` messages posted by 4 threads as fast as the sandbox takes them;
  throughput = messages / (last reply stored − first message stored). Every message must be
  answered exactly once (counted on the sandbox's database).

The messages are "help"/"帮助" (one Open Platform call for the reply), so the transport's
share of the time is as large as it gets. Senders rotate over six seeded people.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import os
import sqlite3
import sys
import tempfile
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import free_port, header, pct, spawn, stop, table, wait_http, write_out  # noqa: E402

PEOPLE = ["alice", "bob", "henry", "ivy", "kevin", "lin"]
TEXTS = ["help", "帮助"]


class App:
    def __init__(self, transport: str, tag: str):
        self.tmp = tempfile.mkdtemp(prefix=f"yue-transport-{tag}-")
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FEISHU_", "YUE_", "SANDBOX_"))}
        env.pop("DATABASE_URL", None)
        env.update(PORT=str(port), HOST="127.0.0.1", YUE_VAR_DIR=f"{self.tmp}/var", YUE_TRANSPORT=transport,
                   DATABASE_URL=f"sqlite:///{self.tmp}/yue.db", SANDBOX_DATABASE_URL=f"sqlite:///{self.tmp}/sandbox.db",
                   YUE_SECRET_KEY="bench-secret", LOG_LEVEL="WARNING", SANDBOX_EMPTY="1")
        self.url = f"http://127.0.0.1:{port}"
        self.proc = spawn([sys.executable, "app.py"], env, f"{self.tmp}/app.log")
        wait_http(f"{self.url}/healthz", proc=self.proc)
        self.http = requests.Session()
        if transport == "ws":
            deadline = time.monotonic() + 60
            def state() -> str | None:
                return self.http.get(f"{self.url}/healthz", timeout=5).json().get("connection", {}).get("state")

            while state() != "connected":
                if time.monotonic() > deadline:
                    raise RuntimeError("the long connection did not come up within 60 s")
                time.sleep(0.05)
        self.db = sqlite3.connect(f"file:{self.tmp}/sandbox.db?mode=ro", uri=True, timeout=30)

    def post(self, i: int) -> dict:
        who = PEOPLE[i % len(PEOPLE)]
        r = self.http.post(f"{self.url}/sandbox/api/messages", timeout=10,
                           json={"chat_id": f"oc_p2p_{who}", "sender_id": f"ou_{who}", "text": TEXTS[i % 2]})
        r.raise_for_status()
        return r.json()

    def replies(self, message_id: str) -> list[int]:
        return [r[0] for r in self.db.execute(
            "SELECT created_ms FROM sb_messages WHERE parent_id = ? AND sender_type = 'app' ORDER BY seq",
            (message_id,))]

    def close(self) -> None:
        self.db.close()
        stop(self.proc)


def wait_reply(app: App, message_id: str, timeout: float) -> int | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = app.replies(message_id)
        if got:
            return got[0]
        time.sleep(0.002)
    return None


def latency_run(app: App, n: int, timeout: float) -> tuple[list[float], int]:
    for i in range(4):                                   # warm-up: imports, token, contact cache
        wait_reply(app, app.post(i)["message_id"], timeout)
    out, missing = [], 0
    for i in range(n):
        sent = app.post(i)
        got = wait_reply(app, sent["message_id"], timeout)
        if got is None:
            missing += 1
        else:
            out.append(got - sent["create_ms"])
    return out, missing


def burst_run(app: App, n: int, timeout: float) -> dict:
    with cf.ThreadPoolExecutor(4) as pool:
        sent = list(pool.map(app.post, range(n)))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(not app.replies(m["message_id"]) for m in sent[-20:]):
        time.sleep(0.05)
    while time.monotonic() < deadline and any(not app.replies(m["message_id"]) for m in sent):
        time.sleep(0.2)
    time.sleep(1.0)           # a late duplicate would be stored by now (delivery re-tries after 3 s+)
    counts = [len(app.replies(m["message_id"])) for m in sent]
    last = max((max(app.replies(m["message_id"]), default=0) for m in sent), default=0)
    first = min(m["create_ms"] for m in sent)
    span_s = max(1e-3, (last - first) / 1000)
    return {"n": n, "answered": sum(1 for c in counts if c >= 1), "duplicated": sum(1 for c in counts if c > 1),
            "span_s": span_s, "per_s": sum(1 for c in counts if c >= 1) / span_s}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--latency", type=int, default=200)
    ap.add_argument("--burst", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--out")
    args = ap.parse_args()
    info = header("transport: message -> reply, HTTP callbacks vs long connection (sandbox mode)",
                  {"latency_messages": args.latency, "burst_messages": args.burst, "rounds": args.rounds,
                   "app": "python app.py (threaded Werkzeug, SQLite)", "texts": TEXTS})
    results: dict[str, dict] = {t: {"latency": [], "missing": 0, "bursts": []} for t in ("http", "ws")}
    for rnd in range(args.rounds):
        for transport in ("http", "ws"):
            app = App(transport, f"{transport}{rnd}")
            try:
                lat, missing = latency_run(app, args.latency, 15.0)
                burst = burst_run(app, args.burst, args.timeout)
            finally:
                app.close()
            results[transport]["latency"] += lat
            results[transport]["missing"] += missing
            results[transport]["bursts"].append(burst)
            print(f"round {rnd + 1} {transport}: latency p50 {pct(lat, 50):.1f} ms, burst {burst['per_s']:.1f}/s "
                  f"({burst['answered']}/{burst['n']} answered, {burst['duplicated']} duplicated)", flush=True)

    rows, summary = [], {}
    for t, r in results.items():
        lat, bursts = r["latency"], r["bursts"]
        summary[t] = {"n": len(lat), "p50_ms": pct(lat, 50), "p90_ms": pct(lat, 90), "p99_ms": pct(lat, 99),
                      "missing": r["missing"], "burst_per_s": [b["per_s"] for b in bursts],
                      "burst_answered": sum(b["answered"] for b in bursts), "burst_sent": sum(b["n"] for b in bursts),
                      "burst_duplicated": sum(b["duplicated"] for b in bursts)}
        s = summary[t]
        rows.append([t, s["n"], s["p50_ms"], s["p90_ms"], s["p99_ms"], s["missing"],
                     " / ".join(f"{x:.1f}" for x in s["burst_per_s"]),
                     f"{s['burst_answered']}/{s['burst_sent']}", s["burst_duplicated"]])
    print()
    print(table(rows, ["transport", "n", "p50 ms", "p90 ms", "p99 ms", "no reply", "burst msg/s per round",
                       "burst answered", "duplicated"]))
    write_out(args.out, dict(info, summary=summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
