"""Command line: `python -m intents TEXT [--now ISO] [--tz ZONE] [--mention KEY=ID:NAME]`
or `python -m intents --jsonl < in.jsonl > out.jsonl` (see the contract)."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from . import parse
from .timeutil import zone


def _now(value: str | None, tz: str) -> dt.datetime:
    if not value:
        return dt.datetime.now(zone(tz))
    v = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return v if v.tzinfo else v.replace(tzinfo=zone(tz))


def _mention(spec: str) -> dict:
    key, _, rest = spec.partition("=")
    oid, _, name = rest.partition(":")
    if not key or not oid:
        raise argparse.ArgumentTypeError(f"--mention wants KEY=OPEN_ID:NAME, got {spec!r}")
    return {"key": key, "id": oid, "name": name}


def _line(raw: str) -> dict:
    try:
        item = json.loads(raw)
    except ValueError as e:
        return {"id": None, "error": f"not JSON: {e}"}
    if not isinstance(item, dict):
        return {"id": None, "error": "each line must be a JSON object"}
    ident = item.get("id")
    try:
        text = item.get("text")
        if not isinstance(text, str):
            raise ValueError("text must be a string")
        tz = item.get("tz") or "Asia/Shanghai"
        zone(tz)
        now = _now(item.get("now"), tz)
        mentions = item.get("mentions") or []
        if not isinstance(mentions, list):
            raise ValueError("mentions must be a list")
        chat_type = item.get("chat_type")
        out = parse(text, now=now, tz=tz, mentions=mentions,
                    chat_type=chat_type if isinstance(chat_type, str) else None).to_json()
        return {"id": ident, **out}
    except Exception as e:  # one bad line never stops the batch
        return {"id": ident, "error": str(e) or type(e).__name__}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m intents", description=__doc__)
    ap.add_argument("text", nargs="?")
    ap.add_argument("--now")
    ap.add_argument("--tz", default="Asia/Shanghai")
    ap.add_argument("--mention", action="append", type=_mention, default=[])
    ap.add_argument("--jsonl", action="store_true", help="batch: JSON lines on stdin, results on stdout")
    ap.add_argument("--chat-type", choices=("p2p", "group"), help="the Feishu chat type, when known")
    argv = list(sys.argv[1:] if argv is None else argv)
    for i in range(len(argv) - 1):  # "--tz -02:00": argparse would take the offset for an option
        if argv[i] in ("--tz", "--now") and argv[i + 1].startswith("-"):
            argv[i:i + 2] = [f"{argv[i]}={argv[i + 1]}"]
            break
    a = ap.parse_args(argv)
    out = sys.stdout
    if a.jsonl:
        for raw in sys.stdin:
            if raw.strip():
                out.write(json.dumps(_line(raw), ensure_ascii=False) + "\n")
        return 0
    if a.text is None:
        ap.error("give a message, or --jsonl")
    try:
        zone(a.tz)
        now = _now(a.now, a.tz)
    except ValueError as e:
        ap.error(str(e))
    out.write(json.dumps(parse(a.text, now=now, tz=a.tz, mentions=a.mention, chat_type=a.chat_type).to_json(),
                         ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
