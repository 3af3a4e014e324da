"""2,000 messages at full speed across two instances: every one answered for real, and
Feishu's windows never exceeded (counted by the sandbox's gateway).

    python bench/two_instances.py [--messages 2000] [--rate 200] [--database-url URL]
        [--redis-url URL] [--timeout 900] [--out result.json]

Set-up (127.0.0.1, temporary directory, everything stopped on exit):
  * the sandbox alone under gunicorn (1 worker, 16 threads, SQLite) with its gateway rate
    limiter ON: Feishu's 50 requests in any second and 1,000 in any minute per app × API, and
    5 IM messages a second to one user or chat; it refuses beyond that (429, code 99991400;
    230020) and counts what each API and the busiest target were offered
    (GET /sandbox/api/ratelimit: calls, refused, busiest 1 s and 60 s, refused ones included);
  * two bot instances, each `gunicorn --workers 1 --threads 8 'app:create_app()'` (Feishu
    mode, YUE_ROLE=all: each acknowledges and answers), on one PostgreSQL database (a fresh
    schema of `--database-url`, dropped afterwards) — so they share the inbox and, with no
    `--redis-url`, the rate windows through the database;
  * every message exists in the sandbox first; three in four are "help"/"帮助", one in four
    "明天下午3点和 @李博 开会" (a proposal: contacts, free/busy, a draft, a card).
Load: signed `im.message.receive_v1` events, half to each instance, open loop at `--rate`;
an event not acknowledged (connection refused under the burst) is delivered again, as Feishu
does.
Then wait until every message has its real answer (a reply that is not the "working on it"
card), bounded by `--timeout`. Counted from the sandbox's database: real answers per message,
"working on it" cards, dead-end error cards (the "too many requests … press Retry" card or any
error card), and the gateway's counts.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import sys
import tempfile
import time
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import ROOT, OpenLoop, free_port, header, spawn, stop_all, table, wait_http, write_out  # noqa: E402
from ack_load import prepare_sandbox  # noqa: E402

PEOPLE = ["alice", "carol", "dave", "erin", "frank", "grace"]
HELP = ["help", "帮助"]
SCHEDULE = "明天下午3点和 @_user_1 开会"
BOB = {"key": "@_user_1", "id": {"open_id": "ou_bob"}, "name": "李博"}
VENV_BIN = os.path.dirname(sys.executable)
WORKING = ("飞书暂时限制了请求频率", "Feishu is limiting requests")
ERROR = ("出错了", "Something went wrong", "请求太频繁", "Too many requests")


def replies(sandbox_db: str) -> dict[str, list[str]]:
    with sqlite3.connect(f"file:{sandbox_db}?mode=ro", uri=True, timeout=30) as c:
        rows = c.execute("SELECT parent_id, content, created_ms FROM sb_messages WHERE sender_type = 'app' "
                         "AND parent_id LIKE 'om_two_%' ORDER BY created_ms").fetchall()
    out: dict[str, list[str]] = {}
    for parent, content, _ in rows:
        out.setdefault(parent, []).append(content or "")
    return out


def classify(content: str) -> str:
    if any(w in content for w in WORKING):
        return "working"
    if any(w in content for w in ERROR):
        return "error"
    return "answer"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--rate", type=float, default=200.0, help="events/s offered, both instances together")
    ap.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                             "postgresql://postgres@127.0.0.1:5432/test"))
    ap.add_argument("--redis-url", help="share the rate windows through Redis instead of the database")
    ap.add_argument("--timeout", type=float, default=900.0, help="the longest wait for every answer (s)")
    ap.add_argument("--out")
    args = ap.parse_args()
    assert 0 < args.messages <= 20000 and 0 < args.rate <= 1000

    import sqlalchemy as sa

    from bot.store.core import pg_driver_url
    schema = f"yue_two_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(pg_driver_url(args.database_url))
    with admin.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in args.database_url else "?"
    database_url = f"{args.database_url}{sep}options=-csearch_path%3D{schema}"

    tmp = tempfile.mkdtemp(prefix="yue-two-")
    sb_port, ports = free_port(), [free_port(), free_port()]
    sandbox_db = f"{tmp}/sandbox.db"
    info = header("two_instances: messages at full speed across two instances",
                  {"messages": args.messages, "rate": args.rate, "database": "PostgreSQL (schema per run)",
                   "rate windows shared through": "Redis" if args.redis_url else "PostgreSQL",
                   "sandbox": "gunicorn 1x16, SQLite, gateway rate limiter ON (50/s, 1000/min per API)",
                   "instances": "2 x gunicorn --workers 1 --threads 8 app:create_app(), YUE_ROLE=all"})
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("FEISHU_", "YUE_", "SANDBOX_", "REDIS_"))}
    base_env.pop("DATABASE_URL", None)
    sb_env = dict(base_env, SANDBOX_DATABASE_URL=f"sqlite:///{sandbox_db}", YUE_VAR_DIR=f"{tmp}/sandbox-var",
                  PORT=str(sb_port), SANDBOX_EMPTY="1", LOG_LEVEL="WARNING")
    msgs = []
    for i in range(args.messages):
        who = PEOPLE[i % len(PEOPLE)]
        text = SCHEDULE if i % 4 == 3 else HELP[(i // 4) % 2]
        msgs.append((f"om_two_{i:06d}", f"oc_p2p_{who}", f"ou_{who}", text.replace("@_user_1", "@李博")))
    prepare_sandbox(tmp, sb_env, msgs)
    gunicorn = os.path.join(VENV_BIN, "gunicorn")
    sb = spawn([gunicorn, "--workers", "1", "--threads", "16", "--bind", f"127.0.0.1:{sb_port}",
                "--pythonpath", os.path.join(ROOT, "bench"), "--log-level", "warning", "_servers:sandbox_app()"],
               sb_env, f"{tmp}/sandbox.log")
    wait_http(f"http://127.0.0.1:{sb_port}/open-apis/", proc=sb)
    bot_env = dict(base_env, FEISHU_APP_ID="cli_sandbox_yue", FEISHU_APP_SECRET="sandbox-secret",
                   FEISHU_ENCRYPT_KEY="sandbox-encrypt-key", FEISHU_VERIFICATION_TOKEN="sandbox-verification-token",
                   FEISHU_DOMAIN=f"http://127.0.0.1:{sb_port}", DATABASE_URL=database_url,
                   YUE_SECRET_KEY="bench-secret", LOG_LEVEL="WARNING", YUE_ROLE="all")
    if args.redis_url:
        bot_env["REDIS_URL"] = args.redis_url
    for n, port in enumerate(ports):
        env = dict(bot_env, PORT=str(port), YUE_VAR_DIR=f"{tmp}/bot{n}-var", YUE_PUBLIC_URL=f"http://127.0.0.1:{port}")
        p = spawn([gunicorn, "--workers", "1", "--threads", "8", "--bind", f"127.0.0.1:{port}",
                   "--log-level", "warning", "app:create_app()"], env, f"{tmp}/bot{n}.log")
        wait_http(f"http://127.0.0.1:{port}/healthz", proc=p)

    from bot.config import Settings
    from tests.support.yue import message_event, signed
    settings = Settings.from_env(dict(bot_env, PORT=str(ports[0])))
    reqs: list[list] = [[], []]
    for i, (mid, chat, sender, text) in enumerate(msgs):
        wire = SCHEDULE if text != "help" and text != "帮助" else text
        event = message_event(chat, sender, wire, mid, mentions=[BOB] if wire == SCHEDULE else None)
        reqs[i % 2].append(signed(settings, "im.message.receive_v1", event))

    async def load(batches: list[list], rate: float):
        return await asyncio.gather(*(OpenLoop("127.0.0.1", port, "/feishu/events").run(r, rate)
                                      for port, r in zip(ports, batches, strict=False) if r))

    t0 = time.monotonic()
    statuses: dict[str, int] = {}
    pending = reqs
    redelivered = 0
    for attempt in range(6):   # Feishu delivers an unacknowledged event again; so does the bench
        results = asyncio.run(load(pending, args.rate / 2 if attempt == 0 else 20))
        again: list[list] = [[], []]
        for n, (batch, (res, _, _)) in enumerate(zip([b for b in pending if b], results, strict=False)):
            for req, r in zip(batch, sorted(res, key=lambda r: r["due"]), strict=False):
                statuses[str(r["status"])] = statuses.get(str(r["status"]), 0) + 1
                if r["status"] != 200:
                    again[n].append(req)
        pending = again
        if not any(pending):
            break
        redelivered += sum(len(b) for b in pending)
        time.sleep(1.0)
    load_s = time.monotonic() - t0
    print(f"sent {len(msgs)} events in {load_s:.1f}s: statuses {statuses} ({redelivered} delivered again, "
          f"{sum(len(b) for b in pending)} never acknowledged)", flush=True)

    deadline = time.monotonic() + args.timeout
    ids = [m[0] for m in msgs]
    while True:
        got = replies(sandbox_db)
        answered = sum(1 for m in ids if any(classify(c) == "answer" for c in got.get(m, [])))
        if answered == len(ids) or time.monotonic() > deadline:
            break
        time.sleep(2)
    all_s = time.monotonic() - t0
    with urllib.request.urlopen(f"http://127.0.0.1:{sb_port}/sandbox/api/ratelimit", timeout=10) as r:
        gateway = json.loads(r.read())
    stop_all()
    with admin.begin() as c:
        c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))

    got = replies(sandbox_db)
    kinds = {m: [classify(c) for c in got.get(m, [])] for m in ids}
    answers = [k.count("answer") for k in kinds.values()]
    unanswered = sum(1 for a in answers if a == 0)
    twice = sum(1 for a in answers if a > 1)
    errors = sum(k.count("error") for k in kinds.values())
    working = sum(k.count("working") for k in kinds.values())
    print()
    rows = [[a["method"], a["path"], a["calls"], a["refused"], a["peak_1s"], a["peak_60s"]] for a in gateway["apis"]]
    print(table(rows, ["method", "API", "calls", "refused", "peak in 1 s", "peak in 60 s"]))
    worst_1s = max((a["peak_1s"] for a in gateway["apis"]), default=0)
    worst_60s = max((a["peak_60s"] for a in gateway["apis"]), default=0)
    targets = gateway.get("targets") or {"per_second": 5, "calls": 0, "refused": 0, "peak_1s": 0}
    within = (gateway["refused"] == 0 and worst_1s <= gateway["per_second"] and worst_60s <= gateway["per_minute"]
              and targets["refused"] == 0 and targets["peak_1s"] <= targets["per_second"])
    print(f"\n{len(ids)} messages: answered {len(ids) - unanswered}, unanswered {unanswered}, answered twice {twice}, "
          f"dead-end/error cards {errors}, 'working on it' cards {working}; all answered after {all_s:.0f}s")
    print(f"gateway: {gateway['refused']} refused; busiest API: {worst_1s} in 1 s, {worst_60s} in 60 s "
          f"(limits {gateway['per_second']}/{gateway['per_minute']}); IM messages to one user or chat: busiest "
          f"{targets['peak_1s']} in 1 s (limit {targets['per_second']}), {targets['refused']} refused")
    met = unanswered == 0 and errors == 0 and twice == 0 and within
    print(f"target (every message answered for real, 0 dead-end cards, windows never exceeded): "
          f"{'MET' if met else 'NOT MET'}")
    write_out(args.out, dict(info, load_s=load_s, statuses=statuses, redelivered=redelivered, all_answered_s=all_s,
                             unanswered=unanswered, answered_twice=twice, error_cards=errors, working_cards=working,
                             gateway=gateway, target_met=met, tmp=tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
