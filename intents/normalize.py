"""Text clean-up before the rules run: width folding, odd spaces, length cut."""
from __future__ import annotations

import re
import unicodedata

# Messages longer than this are cut before parsing: a scheduling request is a
# sentence or two, and the rules must stay fast on anything a person pastes.
MAX_CHARS = 2000

_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WIDE = re.compile(r"[\uff01-\uff5e\u3000]")
# Unicode categories Cc, Cs and Co except \n and \t (checked against unicodedata at build time).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")


def fold_width(text: str) -> str:
    """Full-width ASCII (１２：３０, ＰＭ, ＠) to half-width; keeps CJK punctuation like 。，."""
    if not _WIDE.search(text):  # most messages have none: skip the per-character loop
        return text
    out = []
    for ch in text:
        o = ord(ch)
        if 0xFF01 <= o <= 0xFF5E:
            out.append(chr(o - 0xFEE0))
        elif ch == "\u3000":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def clean(text: str) -> str:
    text = str(text)[: MAX_CHARS * 2]
    if not text.isascii():  # ASCII is already NFC and has no wide forms or dashes to fold
        text = unicodedata.normalize("NFC", text)
        text = text.replace("：", ":").replace("～", "~").replace("－", "-").replace("—", "-").replace("–", "-")
        text = fold_width(text)
    # Printable text has no control characters and no whitespace but the ASCII space.
    if not text.isprintable():
        text = _SPACES.sub(" ", _CONTROL.sub("", text))
    elif "  " in text:
        text = _SPACES.sub(" ", text)
    text = text.strip()
    return text[:MAX_CHARS]


def language(text: str) -> str:
    """'zh' when the message has Chinese characters, else 'en'."""
    return "zh" if not text.isascii() and _CJK.search(text) else "en"
