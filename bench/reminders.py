"""How late are reminders when 1,000 fall due in one minute? And is any sent twice?

    python bench/reminders.py [--n 1000] [--instances 2] [--db postgresql://…] [--rate-limit on|off]

Sets up: the sandbox under gunicorn (its Feishu gateway quota on: 50/s and 1000/min per API,
unless --rate-limit off), `--instances` worker processes (`python -m bot.worker`, Feishu mode
pointed at the sandbox) sharing one database (PostgreSQL in a fresh schema of --db or
TEST_DATABASE_URL; else a SQLite file), and `--n` reminder jobs inserted straight into the
jobs table, due evenly over one minute starting --lead seconds after the workers are up.

Measured: delay = the sandbox's `created_ms` of each reminder message − the time it was due;
duplicates = reminder titles with more than one message (must be 0); messages lost.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
import uuid
from collections import Counter

from _common import ROOT, free_port, header, pct, spawn, stop_all, table, wait_http, write_out

VENV_BIN = os.path.dirname(sys.executable)
PEOPLE = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "henry", "ivy", "jonas", "kevin", "lin"]


def database(arg: str | None, tmp: str) -> tuple[str, callable]:
    """A URL for the bot's store, and how to drop it afterwards."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from bot.store import pg_driver_url
    base = arg or os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgres"):
        return f"sqlite:///{tmp}/yue.db", lambda: None
    schema = f"yue_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_driver_url(base))
    with admin.begin() as c:
        c.exec_driver_sql(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        with admin.begin() as c:
            c.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()
    return make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False), drop


def sent(sandbox_db: str) -> list[tuple[str, float]]:
    """(title, created seconds) of every reminder card the bot sent."""
    from sqlalchemy import create_engine, text
    eng = create_engine(f"sqlite:///{sandbox_db}")
    out = []
    with eng.connect() as c:
        rows = c.execute(text("SELECT content, created_ms FROM sb_messages WHERE sender_type = 'app' "
                              "AND msg_type = 'interactive'")).all()
    for content, created_ms in rows:
        card = json.loads(content)
        for el in (card.get("body") or {}).get("elements") or []:
            body = el.get("content") if isinstance(el, dict) else None
            if isinstance(body, str) and body.startswith("**bench-"):
                out.append((body.split("**")[1], created_ms / 1000))
                break
    eng.dispose()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--instances", type=int, default=2)
    ap.add_argument("--db", default=None)
    ap.add_argument("--rate-limit", choices=("on", "off"), default="on")
    ap.add_argument("--lead", type=float, default=10.0, help="seconds from start-up to the first due reminder")
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    info = header("reminders due in one minute", vars(args))
    tmp = tempfile.mkdtemp(prefix="yue-bench-rem-")
    db_url, drop = database(args.db, tmp)
    try:
        return run(args, info, tmp, db_url)
    finally:
        stop_all()
        drop()


def run(args, info: dict, tmp: str, db_url: str) -> int:
    from bot.store import Store
    sb_port = free_port()
    sandbox_db = f"{tmp}/sandbox.db"
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("FEISHU_", "YUE_", "SANDBOX_"))}
    base_env.pop("DATABASE_URL", None)
    sb_env = dict(base_env, SANDBOX_DATABASE_URL=f"sqlite:///{sandbox_db}", YUE_VAR_DIR=f"{tmp}/sandbox-var",
                  PORT=str(sb_port), SANDBOX_EMPTY="1", BENCH_SANDBOX_RATE_LIMIT=args.rate_limit,
                  LOG_LEVEL="WARNING")
    bot_env = dict(base_env, FEISHU_APP_ID="cli_sandbox_yue", FEISHU_APP_SECRET="sandbox-secret",
                   FEISHU_ENCRYPT_KEY="sandbox-encrypt-key", FEISHU_VERIFICATION_TOKEN="sandbox-verification-token",
                   FEISHU_DOMAIN=f"http://127.0.0.1:{sb_port}", DATABASE_URL=db_url, YUE_SECRET_KEY="bench-secret",
                   YUE_WORKERS="1", YUE_WORKER_NICE="0", LOG_LEVEL="WARNING", PYTHONPATH=ROOT)
    sb = spawn([os.path.join(VENV_BIN, "gunicorn"), "--workers", "1", "--threads", "16", "--bind",
                f"127.0.0.1:{sb_port}", "--pythonpath", os.path.join(ROOT, "bench"), "--log-level", "warning",
                "_servers:sandbox_app()"], sb_env, f"{tmp}/sandbox.log")
    wait_http(f"http://127.0.0.1:{sb_port}/open-apis/", proc=sb)
    store = Store(db_url, "bench-secret", f"{tmp}/var")
    store.create_all()
    for i in range(args.instances):
        spawn([sys.executable, "-m", "bot.worker"], dict(bot_env, YUE_VAR_DIR=f"{tmp}/var-{i}"),
              f"{tmp}/worker-{i}.log")
    time.sleep(3.0)   # the workers import and connect; the first reminder is due --lead s after this
    first = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=args.lead)
    due: dict[str, dt.datetime] = {}
    for i in range(args.n):
        title = f"bench-{i:05d}"
        due[title] = first + dt.timedelta(seconds=60 * i / args.n)
        store.job_add(f"bench-{i:05d}", "remind", f"ou_{PEOPLE[i % len(PEOPLE)]}", due[title],
                      {"title": title, "tz": "Asia/Shanghai", "lang": "zh"})
    print(f"{args.n} jobs due from {first:%H:%M:%S} to {max(due.values()):%H:%M:%S} UTC; "
          f"{args.instances} worker processes; tmp {tmp}")
    deadline = time.monotonic() + args.timeout
    while store.jobs_active_count("remind") and time.monotonic() < deadline:
        time.sleep(0.5)
    left = store.jobs_active_count("remind")   # the hourly housekeeping job is always active
    msgs = sent(sandbox_db)
    counts = Counter(t for t, _ in msgs)
    firsts: dict[str, float] = {}
    for t, created in msgs:
        firsts[t] = min(created, firsts.get(t, created))
    delays = [firsts[t] - due[t].timestamp() for t in firsts if t in due]
    dups = sum(1 for n in counts.values() if n > 1)
    lost = args.n - len(firsts)
    retried = sum(1 for i in range(args.n) if (j := store.job_get(f"bench-{i:05d}")) and j.attempts > 1)
    rows = [[args.n, len(msgs), f"{pct(delays, 50):.2f}", f"{pct(delays, 90):.2f}", f"{pct(delays, 99):.2f}",
             f"{max(delays):.2f}", dups, lost, left, retried]]
    print(table(rows, ["due", "sent", "p50 s", "p90 s", "p99 s", "max s", "duplicates", "lost", "left", "retried"]))
    store.close()
    write_out(args.out, {**info, "results": {"n": args.n, "messages": len(msgs), "p50_s": pct(delays, 50),
                                             "p90_s": pct(delays, 90), "p99_s": pct(delays, 99),
                                             "max_s": max(delays), "duplicates": dups, "lost": lost,
                                             "left": left, "retried": retried}})
    return 0 if dups == 0 and lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
