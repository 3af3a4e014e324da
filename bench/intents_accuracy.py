"""Accuracy of `intents` and of dateparser on the public time-expression benchmark, side by side.

    python bench/intents_accuracy.py [--out results.json]

Runs the benchmark's own scorers: score.py (our CLI in batch mode) for en and zh, and
score_dateparser.py (dateparser's baseline, kinds date/datetime/time), and prints both.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "benchmarks" / "time_expressions"


def _run(cmd: list[str]) -> str:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800).stdout


def _table(text: str) -> dict[str, float]:
    """Rows like `en/date   189/200   0.945` -> {"en/date": 0.945}."""
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^(\S+)\s+\d+/\d+\s+([\d.]+)\s*$", text, re.M)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out")
    a = ap.parse_args(argv)
    py = sys.executable
    ours = {}
    for lang in ("en", "zh"):
        out = _run([py, str(BENCH / "score.py"), "--cmd", f"{py} -m intents --jsonl", "--lang", lang])
        ours.update({k: v for k, v in _table(out).items() if k != "all"})
        print(out.strip().splitlines()[-1] if out.strip() else f"{lang}: no output")
    # the same three kinds dateparser is scored on, for a like-for-like line
    same = {}
    for lang in ("en", "zh"):
        hit = n = 0
        for kind in ("date", "datetime", "time"):
            out = _run([py, str(BENCH / "score.py"), "--cmd", f"{py} -m intents --jsonl",
                        "--lang", lang, "--kind", kind])
            m = re.search(rf"^{lang}/{kind}\s+(\d+)/(\d+)", out, re.M)
            if m:
                hit, n = hit + int(m.group(1)), n + int(m.group(2))
        same[lang] = hit / n if n else 0.0
    base = _run([py, str(BENCH / "score_dateparser.py")])
    print("\n# intents (all kinds)")
    for k in sorted(ours):
        print(f"{k:16} {ours[k]:.3f}")
    print("\n# intents on dateparser's kinds (date/datetime/time)")
    for lang, v in same.items():
        print(f"{lang:16} {v:.3f}")
    print("\n# dateparser baseline (score_dateparser.py: date/datetime/time only)")
    print(base.strip())
    if a.out:
        report = {"intents": ours, "intents_date_datetime_time": same, "dateparser_raw": base}
        pathlib.Path(a.out).write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
