"""Names written after `@` that are not mentions. Feishu turns a person picked from the @
list into a placeholder (`@_user_1`) with their id; an `@Name` left as plain text is someone
Yue cannot resolve, and must be told, not silently dropped (a meeting booked without them)."""
from __future__ import annotations

import re

# After "@": a Latin name ("Nobody", "Mary-Jane") or a run of Han characters. Not an e-mail
# (a word character before the @), not a placeholder, not "@all".
_AT = re.compile(r"(?<![A-Za-z0-9_.%+-])@(?!_user_\d|_all\b)([A-Za-z][A-Za-z0-9_'.-]*|[\u4e00-\u9fff]+)")
# A Han run swallows the words after the name ("@张三开会"): cut it at the usual next word.
_ZH_AFTER = re.compile(r"(?<=..)(?:和|跟|与|开|约|聊|讨|见|一起|的|吃|编|看|说|在|明天|今天|下周|周)")
_NOT_PEOPLE = {"yue", "约", "all", "everyone", "here", "channel", "所有人", "全体成员"}


def unknown_names(text: str) -> list[str]:
    """The plain-text @names of `text`, in order, each once ("@Eve's" → "Eve")."""
    if "@" not in text:
        return []
    out: list[str] = []
    for m in _AT.finditer(text):
        name = m.group(1)
        if name[0].isascii():
            name = re.sub(r"(?:'s|’s|[.'-])+$", "", name)
        else:
            name = _ZH_AFTER.split(name, maxsplit=1)[0][:4]
        if name and name.lower() not in _NOT_PEOPLE and name not in out:
            out.append(name)
    return out


def without(text: str, names: list[str]) -> str:
    """`text` with each "@name" of `names` blanked (the person chose to go on without them)."""
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(r"(?<![A-Za-z0-9_.%+-])@" + re.escape(name) + r"(?:'s|’s)?", " ", text)
    return text
