"""Speed of `intents.parse` against dateparser's `search_dates` on the same whole messages.

    python bench/intents_speed.py [--repeat 5] [--limit 600] [--out results.json]

The messages are the corpus texts (tests/corpus/intents/*/*.jsonl, both languages) plus
the public benchmark's texts. Each message is parsed once to warm up, then `--repeat`
times; its time is the median of those. Prints median and p99 per parser and the median
of the per-message ratio dateparser / intents.

dateparser is timed in two configurations: `languages=[lang]` with the message's language
given (a hint a bot does not have: it would need its own detection first), and
`languages=['zh', 'en']`, the realistic drop-in for a bilingual chat bot. Both use the
settings of the benchmark's published baseline (../shared/benchmarks/time_expressions,
score_dateparser.py: RELATIVE_BASE the local wall time, PREFER_DATES_FROM future, TIMEZONE the
message's zone, RETURN_AS_TIMEZONE_AWARE), i.e. dateparser does the job `parse` does: aware
times in the user's zone. `--naive` times it without TIMEZONE and with naive results instead
(≈ 15 % faster for dateparser; what this bench did before 2026-11-25 21:00 UTC).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import pathlib
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CASES = ROOT.parent / "shared" / "benchmarks" / "time_expressions" / "cases.jsonl"
NOW = "2026-11-25T10:00:00"


def messages(limit: int) -> list[dict]:
    """[{text, lang, now (aware), tz}] in a fixed order: corpus first, then benchmark texts."""
    from intents.normalize import language
    from intents.timeutil import zone
    out = []
    for path in sorted((ROOT / "tests" / "corpus" / "intents").glob("*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("//"):
                case = json.loads(line)
                tz = case.get("tz", "Asia/Shanghai")
                now = dt.datetime.fromisoformat(case.get("now", NOW))
                now = now if now.tzinfo else now.replace(tzinfo=zone(tz))
                out.append({"text": case["text"], "lang": language(case["text"]), "now": now, "tz": tz})
    if CASES.exists():
        for line in CASES.read_text(encoding="utf-8").splitlines():
            c = json.loads(line)
            out.append({"text": c.get("input") or c["text"], "lang": c["lang"],
                        "now": dt.datetime.fromisoformat(c["ref"]), "tz": c["tz"]})
    if limit and len(out) > limit:  # an even spread over both sources, deterministic
        step = len(out) / limit
        out = [out[int(i * step)] for i in range(limit)]
    return out


def _time(fn, repeat: int) -> float:
    fn()  # warm-up
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs)


def dateparser_settings(m: dict, naive: bool = False) -> dict:
    """The benchmark baseline's settings (score_dateparser.settings_for), or the naive variant."""
    base = {"RELATIVE_BASE": m["now"].replace(tzinfo=None), "PREFER_DATES_FROM": "future"}
    if naive:
        return {**base, "RETURN_AS_TIMEZONE_AWARE": False}
    return {**base, "TIMEZONE": m["tz"], "RETURN_AS_TIMEZONE_AWARE": True}


def p99(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.99 * (len(xs) - 1))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--limit", type=int, default=600, help="number of messages (0 = all)")
    ap.add_argument("--autodetect", type=int, default=0, metavar="N",
                    help="also time search_dates with no languages (it detects them; ~30 ms a call) "
                         "on the first N messages, once each")
    ap.add_argument("--naive", action="store_true",
                    help="time dateparser without TIMEZONE, returning naive datetimes (the older setup)")
    ap.add_argument("--out", help="write the per-message timings and the summary as JSON")
    a = ap.parse_args(argv)

    import dateparser.search
    from intents import parse

    msgs = messages(a.limit)
    rows = []
    for m in msgs:
        settings = dateparser_settings(m, a.naive)
        ours = _time(lambda: parse(m["text"], now=m["now"], tz=m["tz"]), a.repeat)
        theirs = _time(lambda: dateparser.search.search_dates(m["text"], languages=[m["lang"]], settings=settings),
                       a.repeat)
        both = _time(lambda: dateparser.search.search_dates(m["text"], languages=["zh", "en"], settings=settings),
                     a.repeat)
        rows.append({"text": m["text"], "lang": m["lang"], "intents_ms": ours, "dateparser_ms": theirs,
                     "dateparser_bilingual_ms": both,
                     "ratio": theirs / ours if ours > 0 else None,
                     "ratio_bilingual": both / ours if ours > 0 else None})
    summary = {}
    for name, key in (("intents.parse", "intents_ms"), ("dateparser.search_dates", "dateparser_ms"),
                      ("dateparser.search_dates[zh,en]", "dateparser_bilingual_ms")):
        xs = [r[key] for r in rows]
        summary[name] = {"median_ms": statistics.median(xs), "p99_ms": p99(xs), "mean_ms": statistics.fmean(xs)}
    for lang in ("en", "zh"):
        xs = [r for r in rows if r["lang"] == lang]
        if xs:
            summary[f"intents.parse[{lang}]"] = {"median_ms": statistics.median(r["intents_ms"] for r in xs),
                                                 "p99_ms": p99([r["intents_ms"] for r in xs])}
    ratio = statistics.median(r["ratio"] for r in rows if r["ratio"])
    ratio_bi = statistics.median(r["ratio_bilingual"] for r in rows if r["ratio_bilingual"])
    summary["median_ratio_dateparser_over_intents"] = ratio
    summary["median_ratio_dateparser_bilingual_over_intents"] = ratio_bi
    dp, dpb, ours_med = (summary[k]["median_ms"] for k in ("dateparser.search_dates", "dateparser.search_dates[zh,en]",
                                                            "intents.parse"))
    summary["ratio_of_medians"] = {"languages=[lang]": dp / ours_med, "languages=[zh,en]": dpb / ours_med}
    summary["n"] = len(rows)
    summary["repeat"] = a.repeat
    summary["dateparser_settings"] = "naive" if a.naive else "baseline (TIMEZONE, aware)"
    en, zh = sum(r['lang'] == 'en' for r in rows), sum(r['lang'] == 'zh' for r in rows)
    print(f"messages: {len(rows)} (en {en}, zh {zh}), "
          f"repeat {a.repeat}, median of repeats per message; dateparser settings: {summary['dateparser_settings']}")
    for name in ("intents.parse", "intents.parse[en]", "intents.parse[zh]", "dateparser.search_dates",
                 "dateparser.search_dates[zh,en]"):
        if name in summary:
            s = summary[name]
            print(f"{name:31} median {s['median_ms']:.3f} ms   p99 {s['p99_ms']:.3f} ms")
    rm = summary["ratio_of_medians"]
    print(f"dateparser languages=[lang] (told the language): median per-message ratio {ratio:.1f}x, "
          f"ratio of medians {rm['languages=[lang]']:.1f}x")
    print(f"dateparser languages=[zh,en] (bilingual drop-in): median per-message ratio {ratio_bi:.1f}x, "
          f"ratio of medians {rm['languages=[zh,en]']:.1f}x")
    if a.autodetect:
        auto = []
        for r, m in list(zip(rows, msgs, strict=True))[:a.autodetect]:
            settings = dateparser_settings(m, a.naive)
            auto.append(_time(lambda: dateparser.search.search_dates(m["text"], settings=settings), 1)
                        / r["intents_ms"])
        summary["median_ratio_dateparser_autodetect_over_intents"] = statistics.median(auto)
        print(f"dateparser with no languages (auto-detect), first {len(auto)} messages: "
              f"median per-message ratio {statistics.median(auto):.1f}x")
    if a.out:
        pathlib.Path(a.out).write_text(json.dumps({"summary": summary, "rows": rows}, ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
