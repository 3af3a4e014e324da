"""How well `intents` reads what people want, on the v2 corpus (tests/corpus/intents_v2).

    python bench/intents_quality.py [--v1] [--only corpus|heldout] [--round r1] [--out results.json]

Prints Markdown for bench/RESULTS.md, per language: intent accuracy, the "fully correct" rate
(every expected field right), family accuracy (create / query / remove / other), the false
"create" rate on negatives, per-intent precision / recall / F1, and a calibration table of the
parser's `confidence`. --v1 adds the same tables for the earlier corpus (its lines with an intent).
--only heldout scores the held-out sets instead (tests/corpus/intents_v2/heldout/{zh,en}/rN.jsonl,
written before the parser was tuned on them; --round picks one set): the honest unseen estimate.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import pathlib
import subprocess
import sys
from dataclasses import dataclass

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.intents_corpus import CORPUS_V2, LANGS, Case, load_v1, load_v2, mismatches, run  # noqa: E402

HELDOUT = CORPUS_V2 / "heldout"

FAMILY = {"schedule": "create", "remind": "create",
          "agenda": "query", "search": "query", "find_time": "query", "rooms": "query",
          "cancel": "remove"}
BUCKETS = ((0.0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 1.0))


def family(intent: str) -> str:
    return FAMILY.get(intent, "other")


@dataclass(frozen=True)
class Outcome:
    want: str
    got: str
    confidence: float
    fully_correct: bool


def score(cases: list[Case]) -> tuple[list[Outcome], int]:
    """Outcomes, and how many results had no `confidence` (counted as 1.0)."""
    out, missing = [], 0
    for case in cases:
        got = run(case)
        conf = got.get("confidence")
        if conf is None:
            missing, conf = missing + 1, 1.0
        out.append(Outcome(case.expect["intent"], got["intent"], float(conf), not mismatches(case.expect, got)))
    return out, missing


def _rate(hit: int, n: int) -> str:
    return f"{hit / n:.3f} ({hit}/{n})" if n else "n/a"


def summary(rows: list[Outcome]) -> dict[str, tuple[int, int]]:
    neg = [r for r in rows if r.want == "unknown"]
    return {
        "intent accuracy": (sum(r.got == r.want for r in rows), len(rows)),
        "fully correct": (sum(r.fully_correct for r in rows), len(rows)),
        "family accuracy": (sum(family(r.got) == family(r.want) for r in rows), len(rows)),
        "false create on negatives": (sum(family(r.got) == "create" for r in neg), len(neg)),
    }


def per_intent(rows: list[Outcome]) -> list[tuple[str, int, float, float, float]]:
    """(intent, support, precision, recall, F1) for every intent expected or predicted."""
    tp, fp, fn = collections.Counter(), collections.Counter(), collections.Counter()
    for r in rows:
        if r.got == r.want:
            tp[r.want] += 1
        else:
            fp[r.got] += 1
            fn[r.want] += 1
    out = []
    for name in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[name] / (tp[name] + fp[name]) if tp[name] + fp[name] else 0.0
        rc = tp[name] / (tp[name] + fn[name]) if tp[name] + fn[name] else 0.0
        f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
        out.append((name, tp[name] + fn[name], p, rc, f1))
    return out


def calibration(rows: list[Outcome]) -> list[tuple[str, int, str]]:
    out = []
    for lo, hi in BUCKETS:
        inside = [r for r in rows if lo <= r.confidence < hi or (hi == 1.0 and r.confidence == 1.0)]
        right = sum(r.got == r.want for r in inside)
        out.append((f"{lo:.1f}–{hi:.1f}", len(inside), f"{right / len(inside):.3f}" if inside else "n/a"))
    above = [r for r in rows if r.confidence > 0.8]
    out.append(("> 0.8", len(above), f"{sum(r.got == r.want for r in above) / len(above):.3f}" if above else "n/a"))
    return out


def report(name: str, cases: list[Case]) -> tuple[list[str], dict]:
    lines, data = [f"### {name}", ""], {}
    by_lang = {lang: [c for c in cases if c.lang == lang] for lang in LANGS}
    scored = {lang: score(cs) for lang, cs in by_lang.items()}
    lines += ["| metric | " + " | ".join(LANGS) + " |", "| --- | " + " | ".join("---" for _ in LANGS) + " |"]
    sums = {lang: summary(rows) for lang, (rows, _) in scored.items()}
    for metric in next(iter(sums.values())):
        lines.append(f"| {metric} | " + " | ".join(_rate(*sums[lang][metric]) for lang in LANGS) + " |")
    data["summary"] = {lang: {k: v[0] / v[1] if v[1] else None for k, v in s.items()} for lang, s in sums.items()}
    for lang, (rows, missing) in scored.items():
        lines += ["", f"**{lang}: per intent** ({len(rows)} texts)", "",
                  "| intent | support | precision | recall | F1 |", "| --- | ---: | ---: | ---: | ---: |"]
        pi = per_intent(rows)
        lines += [f"| {n} | {s} | {p:.3f} | {r:.3f} | {f:.3f} |" for n, s, p, r, f in pi]
        note = (f" — the parser gave no `confidence` on {missing} of {len(rows)} texts; counted as 1.0"
                if missing else "")
        lines += ["", f"**{lang}: confidence calibration**{note}", "",
                  "| confidence | count | intent accuracy |", "| --- | ---: | ---: |"]
        cal = calibration(rows)
        lines += [f"| {b} | {n} | {a} |" for b, n, a in cal]
        data[lang] = {"per_intent": pi, "calibration": cal, "missing_confidence": missing}
    return lines + [""], data


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--v1", action="store_true", help="also score the earlier corpus (tests/corpus/intents)")
    ap.add_argument("--only", choices=("corpus", "heldout"), default="corpus",
                    help="heldout: score the held-out sets (tests/corpus/intents_v2/heldout) instead")
    ap.add_argument("--round", help="with --only heldout: one set, e.g. r1 (default: all of them)")
    ap.add_argument("--out", help="write the numbers as JSON here too")
    a = ap.parse_args(argv)
    flags = (" --v1" if a.v1 else "") + (" --only heldout" if a.only == "heldout" else "") + (
        f" --round {a.round}" if a.round else "")
    lines = ["## Intent quality (bench/intents_quality.py)", "",
             f"`python bench/intents_quality.py{flags}` · {dt.date.today().isoformat()}"
             f" · commit {_commit()}",
             "", "Family: create = schedule/remind; query = agenda/search/find_time/rooms; remove = cancel;"
             " other = the rest incl. unknown. False create: negatives read as schedule or remind.", ""]
    out: dict = {}
    if a.only == "heldout":
        cases = [c for c in load_v2(HELDOUT) if not a.round or c.group == a.round]
        part, out["heldout"] = report(f"held-out {a.round or 'all rounds'} (tests/corpus/intents_v2/heldout)", cases)
    else:
        part, out["v2"] = report("v2 corpus (tests/corpus/intents_v2)", load_v2())
    lines += part
    if a.v1:
        part, out["v1"] = report("earlier corpus (tests/corpus/intents, lines with an intent)", load_v1())
        lines += part
    print("\n".join(lines))
    if a.out:
        pathlib.Path(a.out).write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
