"""Card button clicks (card.action.trigger), answered inside Feishu's 3 s with a toast
and the replacement card; work that takes longer finishes on the click pool and
patches the card. Each click is checked against the draft's owner, chat and card
message, then against the kind's state table, before any handler runs."""
from __future__ import annotations

import concurrent.futures as cf
import logging
from typing import Any
from collections.abc import Callable

from bot import cards, people
from bot.store import Draft

from .payloads import payload_of
from .table import CLICKS, DRAFTLESS, TABLES, Click

log = logging.getLogger("yue.drafts")

CLICK_BUDGET_S = 2.0                 # of Feishu's 3 s, what the click may spend before answering


def raw(card: dict) -> dict:
    return {"type": "raw", "data": card}


def answer(toast_kind: str | None, lang: str, card: dict | None = None) -> dict:
    out: dict[str, Any] = {}
    if toast_kind:
        out["toast"] = cards.toast(toast_kind, lang)
    if card is not None:
        out["card"] = raw(card)
    return out


_ZH_ZONES = ("Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "Asia/Urumqi", "Asia/Hong_Kong", "Asia/Macau",
             "Asia/Taipei", "PRC")


def reader_lang(bot, open_id: str) -> str:
    """The language of whoever clicked: their saved preference, their contact profile,
    the language of their last message with words (the router remembers it), else a
    guess from their time zone (Feishu's contact API has no language field)."""
    try:
        prefs = bot.store.get_prefs(open_id)
        if getattr(prefs, "lang", None) in ("zh", "en"):
            return prefs.lang
        p = people.lookup(bot, open_id)
        if p.lang in ("zh", "en"):
            return p.lang
        remembered = (bot.store.cache_get(f"lang:{open_id}") or {}).get("lang")
        if remembered in ("zh", "en"):
            return remembered
        return "zh" if (prefs.tz or p.tz) in _ZH_ZONES else "en"
    except Exception:  # a click must be answered even when the lookup fails
        log.exception("language lookup for %s failed", open_id)
        return "zh"


def on_card(bot, payload: dict) -> dict:
    """Never raises (lark-oapi turns an exception into a 500 and Feishu shows an error)."""
    try:
        return _on_card(bot, payload)
    except Exception:
        log.exception("card action failed")
        return answer("error", "zh")


def _on_card(bot, payload: dict) -> dict:
    ev = payload.get("event") or {}
    operator = ((ev.get("operator") or {}).get("open_id")) or ""
    value = ((ev.get("action") or {}).get("value")) or {}
    context = ev.get("context") or {}
    if isinstance(value, dict) and value.get("a") in DRAFTLESS:    # the clicker's own account: no draft
        return DRAFTLESS[value["a"]](bot, operator, value)
    if not isinstance(value, dict) or not value.get("d"):
        return answer("error", reader_lang(bot, operator))
    draft = bot.store.get_draft(str(value["d"]))
    if draft is None or draft.kind not in TABLES:
        return answer("expired", reader_lang(bot, operator))
    if operator != draft.owner:
        return answer("not_yours", reader_lang(bot, operator))
    lang = payload_of(draft).lang
    # The draft belongs to one card in one chat: a forged or replayed value elsewhere does nothing.
    chat, message = context.get("open_chat_id"), context.get("open_message_id")
    if (draft.chat_id and chat and chat != draft.chat_id) or \
            (draft.card_message_id and message and message != draft.card_message_id):
        return answer("stale", lang)
    now = bot.now()
    if draft.is_expired(now):
        bot.store.expire_drafts(now)
        draft = bot.store.get_draft(draft.id) or draft
    action = str(value.get("a") or "")
    t = TABLES[draft.kind]
    if action not in t.actions():            # no such button on any card of this kind
        return answer("error", lang)
    if not t.allows(draft.status, action):
        return refused(bot, draft, now)
    return CLICKS[(draft.kind, action)](Click(bot=bot, draft=draft, action=action, value=value,
                                              operator=operator, lang=lang, now=now))


def refused(bot, draft: Draft, now) -> dict:
    """Why a click could not move the draft, from its current state: the state's toast
    and, when the state shows one, its card (without the buttons that no longer apply)."""
    lang = payload_of(draft).lang
    state = TABLES[draft.kind].state(draft.status)
    card = state.card(bot, draft, lang, now) if state.card else None
    return answer(state.toast, lang, card)


def view(bot, draft: Draft, lang: str, now) -> dict | None:
    """The card the draft's state shows (None: the state keeps whatever card is there)."""
    state = TABLES[draft.kind].state(draft.status)
    return state.card(bot, draft, lang, now) if state.card else None


def lost_race(click: Click) -> dict:
    """A compare-and-set found the draft moved by someone else: answer from where it is now."""
    return refused(click.bot, click.bot.store.get_draft(click.draft.id) or click.draft, click.now)


def within_budget(click: Click, draft: Draft, work: Callable[[], tuple[str, dict]],
                  working_card: dict) -> dict:
    """Run `work` (→ (toast, card)) on the click pool; answer with its result if it is
    quick, else with `working_card` now and patch the card when it is done."""
    bot, lang = click.bot, click.lang
    fut = bot.click_pool.submit(work)
    try:
        toast_kind, card = fut.result(timeout=CLICK_BUDGET_S)
        return answer(toast_kind, lang, card)
    except cf.TimeoutError:
        message_id = draft.card_message_id

        def late(f: cf.Future) -> None:
            try:
                _, card = f.result()
                if message_id:
                    bot.feishu.update_card(message_id, card)
            except Exception:
                log.exception("late card update for draft %s failed", draft.id)

        fut.add_done_callback(late)
        return answer("working", lang, working_card)


def patch(bot, draft: Draft, card: dict | None) -> None:
    """Replace the draft's card (best effort: the state is already right in the store)."""
    if card is None or not draft.card_message_id:
        return
    from bot.feishu import FeishuError
    try:
        bot.feishu.update_card(draft.card_message_id, card)
    except FeishuError as e:
        log.info("could not update the card of draft %s: code=%s log_id=%s", draft.id, e.code, e.log_id)
