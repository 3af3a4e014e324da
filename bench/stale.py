"""Which tables in bench/RESULTS.md are older than the code they measure.

Each table recorded by `bench/record.py` (run_all.sh calls it) starts with a marker
`<!-- bench:NAME commit=SHA date=... -->`. A table is stale when a commit after SHA
changed one of the files it depends on (`DEPENDS` below, plus the script itself). A
table without a marker is listed too: nobody can tell what it measured.

    python bench/stale.py            # prints the stale tables; always exits 0 (a warning, not a failure)
"""
from __future__ import annotations

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "RESULTS.md")

# What each benchmark's number depends on (paths or folders; a missing one is ignored).
DEPENDS: dict[str, list[str]] = {
    "intents_speed": ["intents"],
    "intents_accuracy": ["intents"],
    "intents_quality": ["intents", "tests/corpus"],
    "sandbox_freebusy": ["sandbox/api/freebusy.py", "sandbox/calendar_query.py", "sandbox/recurrence.py",
                         "sandbox/calendar_events_core.py"],
    "find_time": ["bot/planning.py", "bot/planning", "bot/slots.py", "bot/feishu", "bot/feishu.py", "bot/people.py",
                  "bot/handlers/find_time.py", "sandbox/api/freebusy.py", "sandbox/calendar_query.py"],
    "e2e_latency": ["bot", "sandbox/api/im.py", "sandbox/delivery.py", "intents"],
    "e2e_latency_rooms": ["bot", "sandbox/api/im.py", "sandbox/delivery.py", "sandbox/api/freebusy.py",
                          "sandbox/api/rooms.py", "intents"],
    "ack_load": ["bot/inbound.py", "bot/transport", "bot/inbox", "bot/store", "bot/store.py", "bot/runtime.py",
                 "bot/feishu/limits.py"],
    "ack_load_redis": ["bot/inbound.py", "bot/transport", "bot/inbox", "bot/store", "bot/store.py", "bot/runtime.py",
                       "bot/feishu/limits.py"],
    "startup": ["app.py", "bot/app.py", "sandbox/__init__.py", "sandbox/seed.py", "sandbox/ws"],
    "two_instances": ["bot/feishu", "bot/inbox", "bot/store", "bot/transport", "bot/handlers/__init__.py",
                      "bot/runtime.py", "sandbox/api/common.py", "sandbox/gateway_limits.py"],
    "reminders": ["bot/scheduler", "bot/handlers/remind.py", "bot/store/jobs.py"],
    "transport": ["bot/transport", "sandbox/ws", "sandbox/delivery.py"],
    "caldav_vdirsyncer": ["sandbox/caldav", "sandbox/api/caldav.py"],
}
COMMON = ["bench/_common.py", "bench/_servers.py"]
_MARK = re.compile(r"<!--\s*bench:(?P<name>[\w-]+)\s+commit=(?P<commit>[0-9a-f]{7,40})(?P<rest>[^>]*)-->")
_HEADING = re.compile(r"^##+\s+(.*)$")


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()


def changed_since(commit: str, paths: list[str]) -> list[str]:
    """Commits after `commit` (up to HEAD) touching `paths`, newest first, one line each."""
    out = _git("log", "--format=%h %s", f"{commit}..HEAD", "--", *paths)
    return [line for line in out.splitlines() if line]


def tables(text: str) -> list[tuple[str, str | None, str | None]]:
    """(heading or benchmark name, benchmark name or None, commit or None) per recorded result."""
    found: list[tuple[str, str | None, str | None]] = []
    heading = None
    marked = False
    for line in text.splitlines():
        h = _HEADING.match(line)
        if h:
            if heading is not None and not marked:
                found.append((heading, None, None))
            heading, marked = h.group(1).strip(), False
            continue
        m = _MARK.search(line)
        if m:
            # record.py writes the marker above its own "### name" heading: the name is the label
            found.append((m.group("name"), m.group("name"), m.group("commit")))
            marked = True
    if heading is not None and not marked:
        found.append((heading, None, None))
    return found


def main() -> int:
    try:
        text = open(RESULTS, encoding="utf-8").read()
    except OSError:
        print("bench/stale: no bench/RESULTS.md")
        return 0
    stale = 0
    for heading, name, commit in tables(text):
        if name is None:
            # prose sections (machine notes) carry no numbers of their own: only tables count
            continue
        if not _git("cat-file", "-t", commit or ""):
            print(f"bench/stale: '{heading}' names commit {commit}, unknown here")
            stale += 1
            continue
        deps = DEPENDS.get(name, []) + [f"bench/{name}.py"] + COMMON
        newer = changed_since(commit, deps)
        if newer:
            stale += 1
            print(f"bench/stale: '{heading}' ({name} at {commit}) is older than {len(newer)} change(s) "
                  f"to what it measures, e.g. {newer[0]}")
    print(f"bench/stale: {stale} stale table(s)" if stale else "bench/stale: every recorded table is current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
