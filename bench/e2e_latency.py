"""End to end in sandbox mode: a person's message in → the bot's reply card stored.

    python bench/e2e_latency.py [--messages 500] [--mix default|rooms] [--out result.json]

One full app as `python app.py` runs it (sandbox + bot in one process, threaded Werkzeug
server, SQLite in a temporary directory, demo calendar week seeded), started as a child process
and stopped on exit. Messages are posted one at a time through POST /sandbox/api/messages (the
sandbox stores the message and delivers the signed `im.message.receive_v1` to /feishu/events,
as Feishu does); the next is posted once the reply to the previous one is stored.

Latency = reply.created_ms − message.created_ms, both stamped by the sandbox when it stored
them, so it covers delivery, the ack, the inbox, the worker, every Open Platform call the
intent needs and the reply. (`wall` = the bench's own post → reply-seen time, polled every
5 ms on the sandbox database, for reference.)

Kinds (none needs OAuth): help ("help"/"帮助"), schedule with an exact time (→ proposal card,
checks free/busy), find_time ("/free @Bob", "find a time with @Carol next week" → slots card,
free/busy of everyone over 5 working days), unknown (→ hint card). Senders rotate over six
seeded people in their p2p chats; the sandbox's rate limiter stays on (a message at a time
stays under 50/s).
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import free_port, header, pct, spawn, stop_all, table, wait_http, write_out  # noqa: E402

PEOPLE = ["alice", "bob", "henry", "ivy", "kevin", "lin"]
KINDS = {
    "help": ["help", "帮助"],
    "schedule": ["明天下午3点和 @Bob 开会", "Tomorrow 4pm meeting with @Carol about the budget",
                 "后天上午10点和 @Dave 开会 30分钟"],
    "find_time": ["/free @Bob", "find a time with @Carol next week", "下周找个时间和 @Henry 开会"],
    "unknown": ["hello there", "今天天气不错"],
    # --mix rooms: a meeting that asks for a room (free rooms looked up, the best one picked) and
    # the rooms question (every room's free/busy at a time).
    "room": ["明天下午3点和 @Bob 在会议室开会", "book a room for 6 people with @Carol tomorrow at 4pm",
             "后天上午10点和 @Dave 找个8人的会议室开会"],
    "rooms": ["明天下午2点哪个会议室空", "which rooms are free tomorrow at 3pm", "有哪些会议室？"],
}
MIXES = {"default": ["help", "schedule", "find_time", "unknown", "schedule", "find_time"],   # repeated
         "rooms": ["schedule", "room", "rooms"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=500)
    ap.add_argument("--timeout", type=float, default=15.0, help="the longest wait for one reply (s)")
    ap.add_argument("--out")
    ap.add_argument("--mix", choices=sorted(MIXES), default="default")
    args = ap.parse_args()
    order = MIXES[args.mix]
    kinds = list(dict.fromkeys(order))
    assert 0 < args.messages <= 5000

    tmp = tempfile.mkdtemp(prefix="yue-e2e-")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FEISHU_", "YUE_", "SANDBOX_"))}
    env.pop("DATABASE_URL", None)
    env.update(PORT=str(port), HOST="127.0.0.1", YUE_VAR_DIR=f"{tmp}/var", DATABASE_URL=f"sqlite:///{tmp}/yue.db",
               SANDBOX_DATABASE_URL=f"sqlite:///{tmp}/sandbox.db", YUE_SECRET_KEY="bench-secret", LOG_LEVEL="WARNING")
    mix = {k: sum(1 for i in range(args.messages) if order[i % len(order)] == k) for k in kinds}
    info = header("e2e_latency: message in -> reply card stored (sandbox mode)",
                  {"messages": args.messages, "mix": mix, "app": "python app.py (threaded Werkzeug, SQLite)",
                   "sandbox_rate_limiter": "on"})
    app = spawn([sys.executable, "app.py"], env, f"{tmp}/app.log")
    url = f"http://127.0.0.1:{port}"
    wait_http(f"{url}/healthz", proc=app)
    db = sqlite3.connect(f"file:{tmp}/sandbox.db?mode=ro", uri=True, timeout=30)
    http = requests.Session()

    def reply_of(message_id: str):
        return db.execute("SELECT created_ms, msg_type FROM sb_messages WHERE parent_id = ? AND sender_type = 'app' "
                          "ORDER BY seq LIMIT 1", (message_id,)).fetchone()

    # Warm-up (imports, tenant token, contact cache): one of each kind, not counted.
    samples: list[dict] = []
    plan = [(k, "alice", KINDS[k][0], True) for k in kinds]
    for i in range(args.messages):
        kind = order[i % len(order)]
        texts = KINDS[kind]
        plan.append((kind, PEOPLE[i % len(PEOPLE)], texts[(i // len(order)) % len(texts)], False))
    missing = 0
    for kind, who, text, warm in plan:
        t0 = time.perf_counter()
        r = http.post(f"{url}/sandbox/api/messages", json={"chat_id": f"oc_p2p_{who}", "sender_id": f"ou_{who}",
                                                             "text": text}, timeout=10)
        r.raise_for_status()
        sent = r.json()
        deadline = time.monotonic() + args.timeout
        got = None
        while time.monotonic() < deadline:
            got = reply_of(sent["message_id"])
            if got:
                break
            time.sleep(0.005)
        wall = (time.perf_counter() - t0) * 1000
        if warm:
            continue
        if not got:
            missing += 1
            continue
        samples.append({"kind": kind, "text": text, "latency_ms": got[0] - sent["create_ms"], "wall_ms": wall,
                        "reply_type": got[1]})

    rows, summary = [], {}
    for kind in [*kinds, "overall"]:
        lat = [s["latency_ms"] for s in samples if kind == "overall" or s["kind"] == kind]
        wall = [s["wall_ms"] for s in samples if kind == "overall" or s["kind"] == kind]
        summary[kind] = {"n": len(lat), "p50_ms": pct(lat, 50), "p90_ms": pct(lat, 90), "p99_ms": pct(lat, 99),
                         "max_ms": max(lat, default=float("nan")), "wall_p50_ms": pct(wall, 50)}
        rows.append([kind, len(lat), summary[kind]["p50_ms"], summary[kind]["p90_ms"], summary[kind]["p99_ms"],
                     summary[kind]["max_ms"], summary[kind]["wall_p50_ms"]])
    print()
    print(table(rows, ["kind", "n", "p50 ms", "p90 ms", "p99 ms", "max ms", "wall p50 ms"]))
    met = summary["overall"]["p50_ms"] < 150 and missing == 0
    print(f"\nno reply within {args.timeout:.0f}s: {missing}")
    print(f"target (overall p50 < 150 ms): {'MET' if met else 'NOT MET'} (p50 {summary['overall']['p50_ms']:.0f} ms)")
    write_out(args.out, dict(info, summary=summary, missing=missing, target_met=met, samples=samples))
    db.close()
    stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
