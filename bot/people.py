"""Who a person is (name, zone, language), from the contact API, cached in the store
so every instance shares it and a burst of messages costs one lookup."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
import time

from .config import zone
from .feishu import FeishuError, Person

log = logging.getLogger("yue.people")

CACHE_TTL_S = 6 * 3600
# Read-through memory in front of the store's cache: one find_time for 20 people reads every
# profile about seven times (hours, names, cards), a database round trip each.
LOCAL_TTL_S = 60.0
_local_lock = threading.Lock()


def _memo(bot) -> dict[str, tuple[float, Person]]:
    memo = getattr(bot, "_people_memo", None)
    if memo is None:
        with _local_lock:
            memo = getattr(bot, "_people_memo", None)
            if memo is None:
                memo = bot._people_memo = {}
    return memo


def _recall(bot, open_id: str) -> Person | None:
    hit = _memo(bot).get(open_id)
    return hit[1] if hit and hit[0] > time.monotonic() else None


def _keep(bot, person: Person) -> Person:
    _memo(bot)[person.open_id] = (time.monotonic() + LOCAL_TTL_S, person)
    return person


def _lang(value: str | None) -> str:
    return "en" if (value or "").lower().startswith("en") else "zh"


def lookup(bot, open_id: str, now: dt.datetime | None = None) -> Person:
    """The person, with a valid zone and 'zh'/'en'. Falls back to defaults if Feishu can't say."""
    known = _recall(bot, open_id)
    if known is not None:
        return known
    key = f"user:{open_id}"
    cached = bot.store.cache_get(key)
    if cached:
        return _keep(bot, Person(**cached))
    default_tz = bot.settings.default_tz
    try:
        p = bot.feishu.get_user(open_id)
    except FeishuError as e:
        log.warning("contact lookup for %s failed: code=%s msg=%s", open_id, e.code, e.msg)
        return Person(open_id=open_id, name=open_id, tz=default_tz)
    tz = p.tz if p.tz and zone(p.tz).key == p.tz else default_tz
    person = dataclasses.replace(p, tz=tz, lang=_lang(p.lang) if p.lang else None)
    bot.store.cache_put(key, dataclasses.asdict(person), CACHE_TTL_S)
    return _keep(bot, person)


def lookup_many(bot, open_ids: list[str]) -> dict[str, Person]:
    ids = list(dict.fromkeys(open_ids))
    missing = [oid for oid in ids if _recall(bot, oid) is None and not bot.store.cache_get(f"user:{oid}")]
    if len(missing) > 1:
        # One users/batch call for 50 people (it fills the client's cache `lookup` reads)
        # rather than one contact call each: 20 attendees were 20 calls.
        try:
            bot.feishu.get_users(missing)
        except FeishuError as e:
            log.warning("contact batch lookup failed: code=%s msg=%s", e.code, e.msg)
    return {oid: lookup(bot, oid) for oid in ids}


def display(p: Person, lang: str) -> str:
    if lang == "en" and p.en_name:
        return p.en_name
    return p.name or p.en_name or p.open_id
