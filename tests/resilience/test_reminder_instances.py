"""Issue 14: two worker processes on one PostgreSQL database run 200 reminders due in the
same minute; each is sent exactly once, also when one process is killed (SIGKILL) while it
holds leased jobs. Its jobs are taken over when their lease runs out and re-sent with the
same message uuid, which the sandbox (like Feishu) answers with the first message.

Skipped without TEST_DATABASE_URL (PostgreSQL)."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from app import create_app
from bot.store import Store
from tests.support.databases import pg_schema_url
from tests.support.live import LiveServer
from tests.support.yue import Chatter, settings_for

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = ["ou_alice", "ou_bob", "ou_carol", "ou_dave", "ou_erin", "ou_frank", "ou_grace", "ou_henry",
          "ou_ivy", "ou_jonas", "ou_kevin", "ou_lin"]
N = 200
LEASE_S = "3"
TIMEOUT = 120.0


def worker(url: str, port: int, var: Path, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FEISHU_", "YUE_", "DATABASE_URL"))}
    env.update({"DATABASE_URL": url, "PORT": str(port), "HOST": "127.0.0.1", "YUE_VAR_DIR": str(var),
                "YUE_SECRET_KEY": "test-secret", "YUE_WORKERS": "1", "YUE_WORKER_NICE": "0",
                "YUE_JOB_LEASE_S": LEASE_S, "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)})
    return subprocess.Popen([sys.executable, "-m", "bot.worker"], cwd=ROOT, env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)


def sent_titles(chat: Chatter) -> Counter:
    """Every reminder title Yue sent, counted, over all the people's private chats."""
    seen: Counter = Counter()
    for p in PEOPLE:
        for m in chat.messages("oc_p2p_" + p.removeprefix("ou_")):
            if m["sender"]["sender_type"] == "app" and not m.get("parent_id"):
                text = json.dumps(m.get("card") or {}, ensure_ascii=False)
                seen.update(t for t in (f"r-{i:03d}" for i in range(N)) if f"**{t}**" in text)
    return seen


def wait(what: str, fn, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while not (got := fn()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
    return got


@pytest.mark.postgres
def test_two_instances_send_200_due_reminders_once_each_with_one_killed(tmp_path: Path) -> None:
    with pg_schema_url() as url, \
            LiveServer(lambda port: create_app(settings_for(tmp_path, SANDBOX_EMPTY="1").with_(port=port))) as sb:
        store = Store(url, "test-secret", tmp_path / "var")
        store.create_all()
        now = dt.datetime.now(dt.UTC)
        minute = now.replace(second=0, microsecond=0)
        for i in range(N):      # all due within one minute, already passed: every one is due at once
            occurs = min(now, minute + dt.timedelta(seconds=i * 60 / N))
            store.job_add(f"bulk-{i:03d}", "remind", PEOPLE[i % len(PEOPLE)], occurs,
                          {"title": f"r-{i:03d}", "tz": "Asia/Shanghai", "lang": "zh"})
        a = worker(url, sb.port, tmp_path / "var-a", tmp_path / "a.log")
        b = worker(url, sb.port, tmp_path / "var-b", tmp_path / "b.log")
        try:
            def a_holds_leases():
                return [j for j in store.jobs_of(statuses=("running",), limit=N)
                        if j.worker_id and f":{a.pid}:" in j.worker_id]
            wait("worker A to hold leased jobs", a_holds_leases)
            a.send_signal(signal.SIGKILL)
            a.wait(10)
            orphaned = {j.id for j in a_holds_leases()}      # leased by A when it died
            wait("every reminder to be done", lambda: store.jobs_active_count("remind") == 0)
            assert b.poll() is None, (tmp_path / "b.log").read_text()[-2000:]
        finally:
            for p in (a, b):
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in (a, b):
                try:
                    p.wait(15)
                except subprocess.TimeoutExpired:
                    p.kill()
        jobs = [store.job_get(f"bulk-{i:03d}") for i in range(N)]
        assert {j.status for j in jobs} == {"done"}, Counter(j.status for j in jobs)
        assert all(j.fired == 1 for j in jobs)
        counts = sent_titles(Chatter(sb.url))
        assert len(counts) == N, f"{N - len(counts)} reminders never arrived"
        assert max(counts.values()) == 1, [t for t, n in counts.items() if n > 1]
        # The killed worker's leased jobs were finished by the other one.
        retaken = [store.job_get(i) for i in orphaned]
        assert retaken and all(j.status == "done" and j.worker_id and f":{b.pid}:" in j.worker_id for j in retaken)
        store.close()
