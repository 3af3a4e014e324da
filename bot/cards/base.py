"""Card JSON 2.0 building blocks and the final check every card goes through."""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from .i18n import t

MAX_BYTES = 30 * 1024          # Feishu's card size limit
SAFE_BYTES = 28 * 1024         # headroom: the IM envelope adds a little
MAX_TEXT = 300                 # a title longer than this is cut (keeps lists bounded)
MAX_ELEMENTS = 180             # Feishu allows 200 body elements

# Angle brackets would let user text (titles, names) inject <at> or <font> tags, square
# brackets a link ("[Click me](https://…)") and "://" a bare URL Feishu links by itself;
# they become HTML entities, which Feishu's markdown shows as the characters. Other
# markdown marks are left alone so names like "a_b" read as typed.
_ESC = {"<": "&#60;", ">": "&#62;", "[": "&#91;", "]": "&#93;"}
# Bidi controls make text display in another order than it reads (U+202E turns
# "invoice‮fdp.exe" into "invoiceexe.pdf"); no card text needs them.
_BIDI = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def no_bidi(text: str) -> str:
    return text.translate(_BIDI)


def esc(text: str | None, limit: int = MAX_TEXT) -> str:
    """User text made safe for a markdown element and cut to `limit` characters."""
    s = " ".join(no_bidi(text or "").split())
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return "".join(_ESC.get(c, c) for c in s).replace("://", "&#58;//")


def md(content: str, small: bool = False) -> dict[str, Any]:
    el: dict[str, Any] = {"tag": "markdown", "content": content}
    if small:
        el["text_size"] = "notation"
    return el


def hr() -> dict[str, Any]:
    return {"tag": "hr"}


def _text(content: str) -> dict[str, Any]:
    return {"tag": "plain_text", "content": content}


def button(label: str, value: dict[str, Any], kind: str = "default") -> dict[str, Any]:
    """A callback button; `value` comes back in card.action.trigger's action.value."""
    return {"tag": "button", "text": _text(label), "type": kind,
            "behaviors": [{"type": "callback", "value": value}]}


def url_button(label: str, url: str, kind: str = "primary_filled") -> dict[str, Any]:
    return {"tag": "button", "text": _text(label), "type": kind,
            "behaviors": [{"type": "open_url", "default_url": url}]}


def row(buttons: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Buttons side by side (the 2.0 way: a column_set of auto-width columns)."""
    return {"tag": "column_set", "flex_mode": "flow", "horizontal_spacing": "8px",
            "columns": [{"tag": "column", "width": "auto", "elements": [b]} for b in buttons]}


def stack(buttons: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One button per line (long labels such as slot times)."""
    return [row([b]) for b in buttons]


def more(n: int, lang: str) -> dict[str, Any]:
    return md(t("and_more", lang, n=n), small=True)


def strip_none(obj: Any) -> Any:
    """The card without None values (Feishu rejects nulls in some fields) and without
    bidi controls in any text (plain_text labels and headers included)."""
    if isinstance(obj, dict):
        return {k: strip_none(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, (list, tuple)):
        return [strip_none(v) for v in obj if v is not None]
    if isinstance(obj, str):
        return no_bidi(obj)
    return obj


def size(card: dict[str, Any]) -> int:
    return len(json.dumps(card, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def card(title: str, template: str, elements: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """A finished card: schema 2.0, update_multi (so it can be patched), no None,
    under the size limit. If it would be too big, content elements give way
    (buttons at the end stay) to a "…and N more" line."""
    els = strip_none([e for e in elements if e is not None])
    tail: list[dict[str, Any]] = []
    while els and els[-1].get("tag") == "column_set":
        tail.insert(0, els.pop())
    room = max(1, MAX_ELEMENTS - len(tail) - 1)
    dropped = max(0, len(els) - room)
    els = els[:room]

    def build() -> dict[str, Any]:
        body = els + ([more(dropped, lang)] if dropped else []) + tail
        return {"schema": "2.0",
                "config": {"update_multi": True, "width_mode": "fill"},
                "header": {"title": _text(_plain(title)), "template": template},
                "body": {"elements": body}}

    c = build()
    while size(c) > SAFE_BYTES and len(els) > 1:
        els.pop()
        dropped += 1
        c = build()
    return c


def _plain(title: str) -> str:
    s = " ".join(no_bidi(title or "").split())
    return s if len(s) <= 100 else s[:99] + "…"
