"""caldav: the settings to sync the person's Feishu calendars to the device they name, sent
only in their private chat. Asking again shows the saved settings for that device instead of
minting new ones (a new password would cut off the device already set up); Revoke replaces the
device's account through the API (the new password is never shown or kept) and forgets it."""
from __future__ import annotations

import logging
import re

from .. import cards, oauth
from ..drafts.clicks import answer
from ..drafts.table import on_draftless_click
from ..cards.caldav import (DEVICES, NO_CALDAV, CaldavSettings, caldav_card, caldav_revoke_failed_card,
                           caldav_revoked_card)
from ..feishu import FeishuError
from .registry import on_intent

log = logging.getLogger("yue.caldav")

# The device_name Feishu lists in the person's CalDAV settings.
LABELS = {"iphone": "iPhone/iPad (Yue)", "mac": "macOS Calendar (Yue)", "android": "Android DAVx5 (Yue)",
          "thunderbird": "Thunderbird (Yue)", "other": "CalDAV client (Yue)"}

# First match wins: an add-in for Outlook is an ordinary CalDAV client; "Google Pixel" is Android.
_DEVICE_WORDS: tuple[tuple[str, re.Pattern], ...] = tuple((d, re.compile(p, re.I)) for d, p in (
    ("other", r"synchroni[sz]er|其他设备|其它设备|other (device|app|client)"),
    ("thunderbird", r"thunderbird|雷鸟"),
    ("outlook", r"outlook"),
    ("google", r"google\s*(calendar|日历)|谷歌日历|gcal"),
    ("iphone", r"iphone|ipad|(?<![a-z])ios(?![a-z])|苹果手机|苹果平板"),
    ("mac", r"mac\s*os|macbook|imac|(?<![a-z])mac(?![a-z])|苹果电脑|os\s*x"),
    ("android", r"android|安卓|davx|华为|huawei|小米|xiaomi|oppo|vivo|三星|samsung|pixel|荣耀|honor|一加|oneplus"),
    ("google", r"google|谷歌"),
))


def detect_device(text: str) -> str:
    """The device the message names, or "other" when it names none."""
    for device, pattern in _DEVICE_WORDS:
        if pattern.search(text or ""):
            return device
    return "other"


@on_intent("caldav")
def handle(ctx) -> None:
    device = detect_device(ctx.text)
    if device in NO_CALDAV:
        _send(ctx, caldav_card(device, ctx.lang))       # advice only: no password for a client that cannot use it
        return
    saved = ctx.bot.store.get_caldav_account(ctx.sender.open_id, device)
    if saved is not None:
        conf = CaldavSettings(saved.server, saved.username, saved.password, shown_before=True)
    else:
        token = oauth.user_token(ctx, "caldav")
        if token is None:
            return
        made = ctx.bot.feishu.caldav_conf(token, device_name=LABELS[device])
        ctx.bot.store.save_caldav_account(ctx.sender.open_id, device, made.server, made.username, made.password)
        conf = CaldavSettings(made.server, made.username, made.password)
    _send(ctx, caldav_card(device, ctx.lang, conf))


def _send(ctx, card: dict) -> None:
    if ctx.private:
        ctx.reply(card, key="caldav")
    else:
        ctx.bot.feishu.send_card(ctx.sender.open_id, card, "open_id", key=f"{ctx.message_id}:caldav")
        ctx.reply(cards.status_card("sent_privately", ctx.lang), key="caldav-note")


@on_draftless_click("caldav_revoke")
def revoke(bot, operator: str, value: dict) -> dict:
    """The Revoke button: the clicker's own account for that device, whoever's card it is."""
    lang = str(value["l"]) if value.get("l") in ("zh", "en") else "zh"
    device = value.get("dev")
    if device not in DEVICES or device in NO_CALDAV:
        return answer("error", lang)
    if bot.store.get_caldav_account(operator, device) is None:
        return answer("already_done", lang, caldav_revoked_card(device, lang, had_settings=False))
    token = oauth.fresh_token(bot, operator)
    if token is None:
        return answer("error", lang, caldav_revoke_failed_card(device, lang, need_connect=True))
    try:
        bot.feishu.caldav_conf(token, device_name=LABELS[device])
    except FeishuError as e:
        log.warning("revoking CalDAV for %s/%s failed: code=%s msg=%s log_id=%s", operator, device, e.code, e.msg,
                    e.log_id)
        return answer("error", lang, caldav_revoke_failed_card(device, lang, need_connect=e.kind == "auth"))
    bot.store.delete_caldav_account(operator, device)
    return answer("done", lang, caldav_revoked_card(device, lang))
