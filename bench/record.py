"""Write one benchmark's result into bench/RESULTS.md under "## Latest full run".

    python bench/record.py NAME LOG "COMMAND"

The section for NAME (between `<!-- bench:NAME ... -->` and `<!-- /bench:NAME -->`) is
replaced, or added at the end: a marker with the commit and date (what `bench/stale.py`
reads), the command, and the script's printed report (header, parameters and result
table) as it printed it.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "RESULTS.md")
SECTION = "## Latest full run (`bench/run_all.sh`)"
MAX_LINES = 60


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short=10", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return out.stdout.strip() + ("+dirty" if dirty else "")


def block(name: str, log_text: str, command: str, when: str, sha: str) -> str:
    lines = log_text.rstrip().splitlines()
    if len(lines) > MAX_LINES:
        lines = lines[:8] + ["[...]"] + lines[-(MAX_LINES - 9):]
    body = "\n".join(lines)
    return (f"<!-- bench:{name} commit={sha.split('+')[0]} date={when} -->\n"
            f"### {name}\n\n`{command}` — {when}, commit `{sha}`\n\n```\n{body}\n```\n<!-- /bench:{name} -->")


def record(name: str, log_text: str, command: str, text: str, when: str, sha: str) -> str:
    new = block(name, log_text, command, when, sha)
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} .*?<!-- /bench:{re.escape(name)} -->", re.S)
    if pattern.search(text):
        return pattern.sub(lambda _m: new, text)
    if SECTION not in text:
        text = (text.rstrip() + f"\n\n{SECTION}\n\n"
                "Written by `bench/record.py`; `bench/stale.py` lists what is out of date.\n")
    return text.rstrip() + "\n\n" + new + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__)
        return 2
    name, log_path, command = argv[1], argv[2], argv[3]
    with open(log_path, encoding="utf-8", errors="replace") as f:
        log_text = f.read()
    with open(RESULTS, encoding="utf-8") as f:
        text = f.read()
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    with open(RESULTS, "w", encoding="utf-8") as f:
        f.write(record(name, log_text, command, text, when, commit()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
