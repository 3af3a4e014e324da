"""How soon `python app.py` serves, cold and warm.

    python bench/startup.py [--runs 3] [--out result.json]

Each run starts `python app.py` (sandbox mode, SQLite) as a child process and polls
GET /healthz every 20 ms. `serving` = spawn → the first answer (the sandbox, its console and
/healthz with `status: starting`; the bot's routes answer 503 + Retry-After); `bot ready` =
spawn → /healthz says `ready` (lark-oapi imported, the bot's store and worker pool up); and
`first reply` = ready → the answer to one "help" message sent through the sandbox, so the
delegation to the late bot is exercised too. Cold: a fresh YUE_VAR_DIR and fresh databases
(the sandbox seeds its demo company); warm: the same directories again. The OS page cache
is not dropped (no root): "cold" is a first start of the app's data, not of the disk.
Target (issue 17): serving in < 3 s.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import free_port, header, loadavg, spawn, stop, table, write_out  # noqa: E402

POLL_S = 0.02


def _health(url: str) -> str | None:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as r:
            return json.loads(r.read()).get("status") or "ready"
    except urllib.error.HTTPError as e:
        return "failed" if e.code == 503 else None
    except Exception:
        return None


def _post(url: str, path: str, body: dict) -> dict:
    req = urllib.request.Request(f"{url}{path}", json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def _get(url: str, path: str) -> dict:
    with urllib.request.urlopen(f"{url}{path}", timeout=10) as r:
        return json.loads(r.read())


def one(tmp: str, timeout: float = 120.0) -> dict:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PORT=str(port), YUE_VAR_DIR=f"{tmp}/var", DATABASE_URL=f"sqlite:///{tmp}/yue.db",
               SANDBOX_DATABASE_URL=f"sqlite:///{tmp}/sandbox.db", YUE_SECRET_KEY="bench-secret",
               SANDBOX_RETRY_DELAY="0.5", PYTHONDONTWRITEBYTECODE="")
    for k in ("FEISHU_APP_ID", "YUE_MODE", "REDIS_URL"):
        env.pop(k, None)
    t0 = time.perf_counter()
    p = spawn([sys.executable, "app.py"], env, f"{tmp}/app.log")
    got: dict = {"load": loadavg()}
    try:
        while time.perf_counter() - t0 < timeout:
            if p.poll() is not None:
                raise RuntimeError(f"app.py exited with {p.returncode}; see {tmp}/app.log")
            status = _health(url)
            if status is not None and "serving_s" not in got:
                got["serving_s"] = time.perf_counter() - t0
                got["status_at_first_answer"] = status
            if status == "ready":
                got["ready_s"] = time.perf_counter() - t0
                break
            if status == "failed":
                raise RuntimeError(f"the bot failed to start; see {tmp}/app.log")
            time.sleep(POLL_S)
        t1 = time.perf_counter()
        sent = _post(url, "/sandbox/api/messages", {"chat_id": "oc_p2p_alice", "sender_id": "ou_alice", "text": "help"})
        while time.perf_counter() - t1 < 30:
            msgs = _get(url, "/sandbox/api/chats/oc_p2p_alice/messages")
            msgs = msgs["messages"] if isinstance(msgs, dict) else msgs
            if any(m.get("parent_id") == sent["message_id"] for m in msgs):
                got["first_reply_s"] = time.perf_counter() - t1
                break
            time.sleep(POLL_S)
    finally:
        stop(p)
    return got


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="cold starts (each followed by a warm one)")
    ap.add_argument("--out")
    args = ap.parse_args()
    info = header("startup: python app.py, sandbox mode, cold and warm",
                  {"runs": args.runs, "poll_ms": int(POLL_S * 1000)})
    runs: dict[str, list[dict]] = {"cold": [], "warm": []}
    for _ in range(args.runs):
        tmp = tempfile.mkdtemp(prefix="yue-startup-")
        try:
            runs["cold"].append(one(tmp))
            runs["warm"].append(one(tmp))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    rows = []
    for kind, rs in runs.items():
        for key in ("serving_s", "ready_s", "first_reply_s"):
            vals = [r[key] for r in rs if key in r]
            if vals:
                rows.append([kind, key.replace("_s", ""), len(vals), statistics.median(vals), max(vals)])
    print()
    for kind, rs in runs.items():
        for r in rs:
            print(f"{kind}: serving {r.get('serving_s', float('nan')):.2f}s ({r.get('status_at_first_answer')}), "
                  f"ready {r.get('ready_s', float('nan')):.2f}s, first reply +{r.get('first_reply_s', float('nan')):.2f}s, "
                  f"load {r['load']}")
    print()
    print(table([[k, m, n, f"{med:.2f}", f"{mx:.2f}"] for k, m, n, med, mx in rows],
                ["start", "until", "n", "median s", "max s"]))
    worst = max((r["serving_s"] for rs in runs.values() for r in rs if "serving_s" in r), default=float("inf"))
    met = worst < 3.0
    print(f"\ntarget (serving < 3 s, cold and warm, every run): {'MET' if met else 'NOT MET'} (worst {worst:.2f} s)")
    write_out(args.out, dict(info, runs=runs, worst_serving_s=worst, target_met=met))
    return 0


if __name__ == "__main__":
    sys.exit(main())
