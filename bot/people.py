"""Who a person is (name, zone, language), from the contact API, cached in the store
so every instance shares it and a burst of messages costs one lookup."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from .config import zone
from .feishu import FeishuError, Person

log = logging.getLogger("yue.people")

CACHE_TTL_S = 6 * 3600


def _lang(value: str | None) -> str:
    return "en" if (value or "").lower().startswith("en") else "zh"


def lookup(bot, open_id: str, now: dt.datetime | None = None) -> Person:
    """The person, with a valid zone and 'zh'/'en'. Falls back to defaults if Feishu can't say."""
    key = f"user:{open_id}"
    cached = bot.store.cache_get(key)
    if cached:
        return Person(**cached)
    default_tz = bot.settings.default_tz
    try:
        p = bot.feishu.get_user(open_id)
    except FeishuError as e:
        log.warning("contact lookup for %s failed: code=%s msg=%s", open_id, e.code, e.msg)
        return Person(open_id=open_id, name=open_id, tz=default_tz)
    tz = p.tz if p.tz and zone(p.tz).key == p.tz else default_tz
    person = dataclasses.replace(p, tz=tz, lang=_lang(p.lang) if p.lang else None)
    bot.store.cache_put(key, dataclasses.asdict(person), CACHE_TTL_S)
    return person


def lookup_many(bot, open_ids: list[str]) -> dict[str, Person]:
    return {oid: lookup(bot, oid) for oid in dict.fromkeys(open_ids)}


def display(p: Person, lang: str) -> str:
    if lang == "en" and p.en_name:
        return p.en_name
    return p.name or p.en_name or p.open_id
