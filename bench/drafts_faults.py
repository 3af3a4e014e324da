"""Messages under Feishu faults: how many drafts and reply cards each message ends with.

    python bench/drafts_faults.py [--messages 200] [--error-rate 0.1] [--drop-rate 0.1]
                                  [--path-prefix /open-apis/] [--seed 20261207] [--out result.json]

One full app as `python app.py` runs it (sandbox + bot, SQLite in a temporary directory, demo
week seeded), started as a child process and stopped on exit. The sandbox's fault injection
answers a share of Open Platform calls with 500 (nothing done) and cuts the connection of
another share after the work was done (the answer is lost, not the write: a reply is made but
Yue never hears of it). Schedule requests with an exact time are posted one after the other
(each gets a proposal, which needs contacts, free/busy and a reply); when every message has
been answered and the bot's inbox is empty, the faults are cleared and both databases read:

- drafts per message: `schedule` drafts whose `source_message` is the message (issue 13
  measured 246 drafts for 200 messages before drafts were keyed by message and kind);
- reply cards per message, and how many of those are error cards, with or without a Retry.

Target: exactly one schedule draft per answered message, no error card without a Retry,
no message without an answer.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import sqlite3
import sys
import tempfile
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import free_port, header, spawn, stop_all, table, wait_http, write_out  # noqa: E402

PEOPLE = ["alice", "bob", "henry", "ivy", "kevin", "lin"]
OTHERS = {"alice": "@Bob", "bob": "@Carol", "henry": "@Dave", "ivy": "@Erin", "kevin": "@Frank", "lin": "@Grace"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=200)
    ap.add_argument("--error-rate", type=float, default=0.1)
    ap.add_argument("--drop-rate", type=float, default=0.1)
    ap.add_argument("--path-prefix", default="/open-apis/")
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--settle-timeout", type=float, default=600.0, help="the longest wait for the inbox (s)")
    ap.add_argument("--out")
    args = ap.parse_args()
    assert 0 < args.messages <= 2000

    tmp = tempfile.mkdtemp(prefix="yue-drafts-faults-")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FEISHU_", "YUE_", "SANDBOX_"))}
    env.pop("DATABASE_URL", None)
    env.update(PORT=str(port), HOST="127.0.0.1", YUE_VAR_DIR=f"{tmp}/var", DATABASE_URL=f"sqlite:///{tmp}/yue.db",
               SANDBOX_DATABASE_URL=f"sqlite:///{tmp}/sandbox.db", YUE_SECRET_KEY="bench-secret", LOG_LEVEL="WARNING")
    faults = {"error_rate": args.error_rate, "drop_rate": args.drop_rate, "path_prefix": args.path_prefix,
              "seed": args.seed}
    info = header("drafts_faults: drafts and reply cards per message under Feishu faults",
                  {"messages": args.messages, "faults": faults, "app": "python app.py (SQLite)"})
    app = spawn([sys.executable, "app.py"], env, f"{tmp}/app.log")
    url = f"http://127.0.0.1:{port}"
    wait_http(f"{url}/healthz", proc=app)
    http = requests.Session()
    http.post(f"{url}/sandbox/api/faults", json=faults, timeout=10).raise_for_status()

    sent: list[str] = []
    t0 = time.monotonic()
    for i in range(args.messages):
        who = PEOPLE[i % len(PEOPLE)]
        hour = 9 + i % 8
        text = f"book Review F{i:03d} with {OTHERS[who]} tomorrow at {hour}:00 for 30 min"
        r = http.post(f"{url}/sandbox/api/messages", json={"chat_id": f"oc_p2p_{who}", "sender_id": f"ou_{who}",
                                                             "text": text}, timeout=10)
        r.raise_for_status()
        sent.append(r.json()["message_id"])
        time.sleep(0.05)

    sb = sqlite3.connect(f"file:{tmp}/sandbox.db?mode=ro", uri=True, timeout=30)
    yue = sqlite3.connect(f"file:{tmp}/yue.db?mode=ro", uri=True, timeout=30)

    def pending() -> int:
        return yue.execute("SELECT count(*) FROM yue_inbox WHERE status IN ('new', 'working')").fetchone()[0]

    deadline = time.monotonic() + args.settle_timeout
    while time.monotonic() < deadline and (pending() or len(sent) > sb.execute(
            "SELECT count(DISTINCT parent_id) FROM sb_messages WHERE sender_type = 'app' AND parent_id != ''"
    ).fetchone()[0]):
        time.sleep(0.5)
    settled_s = time.monotonic() - t0
    injected = http.post(f"{url}/sandbox/api/faults", json={}, timeout=10).json().get("injected", {})
    http.delete(f"{url}/sandbox/api/faults", timeout=10).raise_for_status()
    dead = yue.execute("SELECT count(*) FROM yue_inbox WHERE status = 'dead'").fetchone()[0]

    drafts_per = collections.Counter()
    for (payload,) in yue.execute("SELECT payload FROM yue_drafts WHERE kind = 'schedule'"):
        drafts_per[(json.loads(payload) or {}).get("source_message")] += 1
    replies_per, errors, errors_no_retry, proposals_per = collections.Counter(), 0, 0, collections.Counter()
    for parent, content in sb.execute("SELECT parent_id, content FROM sb_messages WHERE sender_type = 'app' "
                                      "AND msg_type = 'interactive'"):
        replies_per[parent] += 1
        card = json.loads(content or "{}")
        title = (((card.get("header") or {}).get("title") or {}).get("content") or "")
        if title in ("出错了", "Something went wrong"):
            errors += 1
            errors_no_retry += '"a": "retry"' not in json.dumps(card)
        if '"a": "confirm"' in json.dumps(card):
            proposals_per[parent] += 1
    unanswered = sum(1 for m in sent if replies_per[m] == 0)
    more_drafts = sum(1 for m in sent if drafts_per[m] > 1)
    more_proposals = sum(1 for m in sent if proposals_per[m] > 1)
    dist = collections.Counter(replies_per[m] for m in sent)
    rows = [["messages", len(sent)], ["schedule drafts", sum(drafts_per[m] for m in sent)],
            ["messages with > 1 draft", more_drafts], ["messages with > 1 proposal card", more_proposals],
            ["reply cards", sum(replies_per[m] for m in sent)],
            ["error cards", errors], ["error cards without Retry", errors_no_retry],
            ["messages without an answer", unanswered], ["dead inbox items", dead],
            ["faults injected (error / drop)", f"{injected.get('error', 0)} / {injected.get('drop', 0)}"],
            ["seconds until settled", round(settled_s, 1)]]
    print()
    print(table(rows, ["measure", "value"]))
    print("\nreply cards per message: " + ", ".join(f"{k}: {v}" for k, v in sorted(dist.items())))
    met = more_drafts == 0 and errors_no_retry == 0 and unanswered == 0
    print(f"target (one draft per message, every error card with Retry, every message answered): "
          f"{'MET' if met else 'NOT MET'}")
    write_out(args.out, dict(info, rows=dict((str(r[0]), r[1]) for r in rows), replies_per_message=dict(dist),
                             target_met=met))
    sb.close()
    yue.close()
    stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
