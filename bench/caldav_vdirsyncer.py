"""One real desktop-client session against the sandbox's CalDAV server: `vdirsyncer` (pimutils)
syncs Alice's calendars to a local directory and back, with `python app.py` serving.

    python bench/caldav_vdirsyncer.py [--vdirsyncer PATH]

Steps: discover + first sync (server → files); edit one file, delete one, add one with an alarm (files →
server: PUT with If-Match, DELETE with If-Match, PUT with If-None-Match: *), checked in the
sandbox agenda; rename the new event through the Feishu API (server → file); a last sync that
must find nothing to do. Prints each step's outcome and the HTTP methods/statuses the app saw."""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

from _common import ROOT, free_port, spawn, stop_all, wait_http

sys.path.insert(0, ROOT)
from tests.caldav.conftest import generate, user_token  # noqa: E402  (the OAuth code flow over HTTP)


def run(vds: str, env: dict, *args: str, stdin: str = "") -> str:
    out = subprocess.run([vds, *args], env=env, input=stdin, capture_output=True, text=True, timeout=300)
    return (out.stdout + out.stderr).strip()


def api(url: str, token: str, method: str = "GET", body: dict | None = None) -> dict:
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--vdirsyncer", default="vdirsyncer")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="yue-vdirsyncer-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PORT": str(port), "YUE_VAR_DIR": f"{work}/var", "LOG_LEVEL": "INFO",
           "DATABASE_URL": f"sqlite:///{work}/var/yue.db", "SANDBOX_DATABASE_URL": f"sqlite:///{work}/var/sandbox.db"}
    log = f"{work}/app.log"
    proc = spawn([sys.executable, "app.py"], env, log)
    wait_http(f"{base}/healthz", 120, proc)
    token = user_token(base, "ou_alice")
    acc = generate(base, token, "vdirsyncer")
    cfg = f"{work}/config"
    with open(cfg, "w") as f:
        f.write(f'[general]\nstatus_path = "{work}/status/"\n\n[pair alice]\na = "local"\nb = "sandbox"\n'
                f'collections = ["from b"]\n\n[storage local]\ntype = "filesystem"\npath = "{work}/cal/"\n'
                f'fileext = ".ics"\n\n[storage sandbox]\ntype = "caldav"\nurl = "{acc.server}"\n'
                f'username = "{acc.user}"\npassword = "{acc.password}"\n')
    venv = {**os.environ, "VDIRSYNCER_CONFIG": cfg}
    print(f"vdirsyncer {run(a.vdirsyncer, venv, '--version')}; app on {base}; work dir {work}")
    print("1 discover:", run(a.vdirsyncer, venv, "discover", "alice", stdin="y\n").splitlines()[-1])
    print("2 first sync:", run(a.vdirsyncer, venv, "sync").count("Copying (uploading)"), "items downloaded")
    coll = os.path.join(work, "cal", os.listdir(os.path.join(work, "cal"))[0])
    files = {fn: open(os.path.join(coll, fn), encoding="utf-8").read() for fn in os.listdir(coll)}
    print("  files:", sorted(re.search(r"SUMMARY:(.*)", t).group(1).strip() for t in files.values()))
    doctor = next(fn for fn, t in files.items() if "SUMMARY:Doctor appointment" in t)
    q3 = next(fn for fn, t in files.items() if "SUMMARY:Q3 planning" in t)
    with open(os.path.join(coll, doctor), "w", encoding="utf-8") as f:
        f.write(files[doctor].replace("SUMMARY:Doctor appointment", "SUMMARY:Doctor appointment (edited locally)"))
    os.remove(os.path.join(coll, q3))
    day = dt.date.today() + dt.timedelta(days=3)
    with open(os.path.join(coll, "local-made-0001.ics"), "w", encoding="utf-8") as f:
        f.write("\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//local//EN", "BEGIN:VEVENT",
                             "UID:local-made-0001@example.org", "DTSTAMP:20260101T000000Z",
                             "SUMMARY:Written locally", f"DTSTART;TZID=Asia/Shanghai:{day:%Y%m%d}T190000",
                             f"DTEND;TZID=Asia/Shanghai:{day:%Y%m%d}T200000", "BEGIN:VALARM", "ACTION:DISPLAY",
                             "DESCRIPTION:run", "TRIGGER:-PT10M", "END:VALARM", "END:VEVENT", "END:VCALENDAR", ""]))
    out = run(a.vdirsyncer, venv, "sync")
    print("3 local edit/delete/add synced up:", [ln for ln in out.splitlines() if not ln.startswith("Syncing")])
    week = json.load(urllib.request.urlopen(
        f"{base}/sandbox/api/people/ou_alice/agenda?from={dt.date.today()}T00:00:00%2B08:00"
        f"&to={dt.date.today() + dt.timedelta(days=8)}T00:00:00%2B08:00", timeout=30))
    titles = {e["summary"] for e in week if e.get("kind") == "event"}
    checks = {"added": "Written locally" in titles, "edited": "Doctor appointment (edited locally)" in titles,
              "deleted": "Q3 planning 季度规划" not in titles}
    print("  sandbox agenda:", checks)
    cid = os.path.basename(coll)
    now = int(time.time())
    items = api(f"{base}/open-apis/calendar/v4/calendars/{cid}/events?start_time={now}&end_time={now + 9 * 86400}",
                token)["data"]["items"]
    ev = next(e for e in items if e["summary"] == "Written locally")
    api(f"{base}/open-apis/calendar/v4/calendars/{cid}/events/{ev['event_id']}", token, "PATCH",
        {"summary": "Written locally, renamed in Feishu"})
    out = run(a.vdirsyncer, venv, "sync")
    local = open(os.path.join(coll, "local-made-0001.ics"), encoding="utf-8").read()
    pulled = "renamed in Feishu" in local
    print("4 Feishu API rename pulled down:", pulled, [ln for ln in out.splitlines() if not ln.startswith("Syncing")])
    print("  the local alarm came back from the server:", "TRIGGER:-PT10M" in local)
    out = run(a.vdirsyncer, venv, "sync")
    quiet = all(ln.startswith("Syncing") for ln in out.splitlines())
    print("5 sync again, nothing to do:", quiet)
    stop_all()
    seen = collections.Counter(re.findall(r'([A-Z]+) /caldav/\S* HTTP/1\.1\S*" (\d{3})', open(log).read()))
    print("HTTP seen by the app:", ", ".join(f"{m} {s}×{n}" for (m, s), n in sorted(seen.items())))
    ok = all(checks.values()) and pulled and quiet and "TRIGGER:-PT10M" in local
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
