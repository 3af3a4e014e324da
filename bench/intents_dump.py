"""Golden output for speed-only changes to `intents`: parse().to_json() of every corpus line and
benchmark case (plus variants) and of random fuzz strings, one JSON line each.

    git worktree add /tmp/ref HEAD                  # the reference, before the change
    python bench/intents_dump.py --root /tmp/ref --fuzz 30000 > /tmp/ref.jsonl
    python bench/intents_dump.py --fuzz 30000 | cmp - /tmp/ref.jsonl && echo IDENTICAL

Reads the `intents` package and the corpus of the checkout given by --root (default: this one);
the fuzz strings are drawn (fixed seed) from the corpus's words, so compare checkouts whose
corpus is the same.
Variants per text: as is, upper-cased, with the benchmark's `input` sentence, and with a
filler prefix/suffix, so rule boundaries are exercised beyond the exact texts.
"""
import datetime as dt
import json
import pathlib
import random
import sys

root = pathlib.Path(sys.argv[sys.argv.index("--root") + 1] if "--root" in sys.argv
                    else pathlib.Path(__file__).parents[1]).resolve()
sys.path.insert(0, str(root))
from intents import parse  # noqa: E402
from intents.timeutil import zone  # noqa: E402

shared = pathlib.Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "time_expressions" / "cases.jsonl"
items = []
for path in sorted((root / "tests" / "corpus" / "intents").glob("*/*.jsonl")):
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("//"):
            c = json.loads(line)
            tz = c.get("tz", "Asia/Shanghai")
            now = dt.datetime.fromisoformat(c.get("now", "2026-11-25T10:00:00"))
            now = now if now.tzinfo else now.replace(tzinfo=zone(tz))
            items.append((c["text"], now, tz, c.get("mentions", [])))
for line in (shared.read_text(encoding="utf-8").splitlines() if shared.exists() else []):
    c = json.loads(line)
    now = dt.datetime.fromisoformat(c["ref"])
    for t in dict.fromkeys([c["text"], c.get("input") or c["text"]]):
        items.append((t, now, c["tz"], []))
out = sys.stdout
for text, now, tz, mentions in items:
    for variant in (text, text.upper(), "ok so " + text + " thanks", "那就" + text + "吧", text + "?"):
        r = parse(variant, now=now, tz=tz, mentions=mentions).to_json()
        out.write(json.dumps([variant, r], ensure_ascii=False, sort_keys=True) + "\n")

# Fuzz: random sequences of time-ish words, numbers and punctuation (fixed seed), so a
# rewritten rule is compared on far more shapes than the corpus holds.
rnd = random.Random(20261125)
words = sorted({w for text, *_ in items for w in text.replace(",", " , ").split()} |
               set("0 1 2 3 4 5 7 9 10 11 12 13 15 20 23 24 30 31 45 59 60 99 100 2026 1999 0930 1530 20261201 "
                   ": . / - ~ ' ( ) am pm a p h m min hrs st nd rd th the of at on in to from until before after "
                   "between and by for every other next last this coming weekend week month year day days "
                   "点 半 刻 分 号 日 月 年 周 星期 下午 上午 晚上 到 至 每 个 小时 两 三 十 二十 "
                   "下 上 这 明天 后天".split()))
now = dt.datetime(2026, 11, 25, 10, 0, tzinfo=zone("Asia/Shanghai"))
for _ in range(int(sys.argv[sys.argv.index("--fuzz") + 1]) if "--fuzz" in sys.argv else 0):
    n = rnd.randint(1, 8)
    parts = [rnd.choice(words) for _ in range(n)]
    text = "".join(p if rnd.random() < 0.3 else " " + p for p in parts).strip()
    r = parse(text, now=now, tz="Asia/Shanghai").to_json()
    out.write(json.dumps([text, r], ensure_ascii=False, sort_keys=True) + "\n")
