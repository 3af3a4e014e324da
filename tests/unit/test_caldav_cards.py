"""bot.cards.caldav and the device detection of bot.handlers.caldav: per device, in zh and en,
the right steps, the credentials exactly, a Revoke button; no password for clients that cannot
use CalDAV, and a plain statement that they cannot."""
import json

import pytest

from bot.cards.caldav import DEVICES, NO_CALDAV, REVOKE, CaldavSettings, caldav_card, caldav_revoked_card
from bot.handlers.caldav import detect_device
from tests.unit.test_cards import alltext, callbacks

CONF = CaldavSettings("http://127.0.0.1:8000/caldav/", "u_5f1e", "p*ss_w<rd>")

# A phrase each device's card must contain, per language: the place the steps start.
STEPS = {
    ("iphone", "zh"): "「添加 CalDAV 账户」", ("iphone", "en"): "Add CalDAV Account",
    ("mac", "zh"): "其他 CalDAV 账户", ("mac", "en"): "Other CalDAV Account",
    ("android", "zh"): "DAVx5", ("android", "en"): "Login with URL and user name",
    ("thunderbird", "zh"): "在网络上", ("thunderbird", "en"): "On the Network",
    ("other", "zh"): "CalDAV 账户", ("other", "en"): "CalDAV account",
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("device", [d for d in DEVICES if d not in NO_CALDAV])
def test_settings_card_per_device(device, lang):
    c = caldav_card(device, lang, CONF)
    text = alltext(c)
    assert STEPS[(device, lang)] in text
    assert f": {CONF.password}" in text and f": {CONF.username}" in text and f": {CONF.server}" in text
    assert ("不要转发" in text or "请勿转发" in text) if lang == "zh" else "don't forward" in text
    assert callbacks(c) == [{"a": REVOKE, "dev": device, "l": lang}]
    # the other devices' steps are not mixed in
    others = {v for (d, lg), v in STEPS.items() if lg == lang and d not in (device, "other")}
    assert not [o for o in others if o in text and o not in STEPS[(device, lang)]]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plain_http_server_gets_the_ssl_hint_on_apple_devices_only(lang):
    hint = "SSL"
    assert hint in alltext(caldav_card("iphone", lang, CONF))
    assert hint not in alltext(caldav_card("android", lang, CONF))
    https = CaldavSettings("https://caldav.example.com/", "u", "p")
    assert hint not in alltext(caldav_card("iphone", lang, https))


@pytest.mark.parametrize("lang,says", [("zh", "本身不支持 CalDAV"), ("en", "has no built-in CalDAV")])
def test_outlook_is_told_plainly_and_gets_no_password(lang, says):
    c = caldav_card("outlook", lang)
    text = alltext(c)
    assert says in text and "CalDav Synchronizer" in text
    assert callbacks(c) == [] and "u_" not in text


@pytest.mark.parametrize("lang,says", [("zh", "不能添加 CalDAV 账户"), ("en", "cannot add a CalDAV account")])
def test_google_calendar_is_pointed_at_davx5(lang, says):
    text = alltext(caldav_card("google", lang))
    assert says in text and "/caldav Android" in text and callbacks(caldav_card("google", lang)) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_shown_again_says_no_new_password_was_made(lang):
    again = CaldavSettings(CONF.server, CONF.username, CONF.password, shown_before=True)
    text = alltext(caldav_card("iphone", lang, again))
    assert ("没有重新生成" if lang == "zh" else "no new password was made") in text
    assert "没有重新生成" not in alltext(caldav_card("iphone", "zh", CONF))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_revoked_card(lang):
    text = alltext(caldav_revoked_card("mac", lang))
    assert ("Mac 日历" if lang == "zh" else "macOS Calendar") in text and "/caldav Mac" in text
    assert CONF.password not in json.dumps(caldav_revoked_card("mac", lang))
    assert ("无需撤销" if lang == "zh" else "nothing to revoke") in alltext(caldav_revoked_card("mac", lang, False))


@pytest.mark.parametrize("text,device", [
    ("/caldav iPhone", "iphone"), ("同步到我的 iPad", "iphone"), ("/caldav 苹果手机", "iphone"),
    ("/caldav Mac", "mac"), ("sync to macOS Calendar", "mac"), ("我的 MacBook", "mac"), ("苹果电脑日历", "mac"),
    ("/caldav Android", "android"), ("安卓手机", "android"), ("华为手机同步日历", "android"), ("DAVx5", "android"),
    ("/caldav Thunderbird", "thunderbird"), ("雷鸟邮件", "thunderbird"),
    ("/caldav Outlook", "outlook"), ("outlook CalDav Synchronizer", "other"),
    ("Google Calendar", "google"), ("谷歌日历", "google"), ("my Google Pixel", "android"),
    ("/caldav", "other"), ("同步到手机", "other"), ("/caldav 其他设备", "other"),
    ("machine learning", "other"), ("imac", "mac"), ("mac日历", "mac"), ("sync for our studios", "other"),
    ("iOS 18", "iphone"),
])
def test_device_detection(text, device):
    assert detect_device(text) == device


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_failed_revoke_says_the_password_still_works_and_offers_the_button_again(lang):
    from bot.cards.caldav import caldav_revoke_failed_card
    for need_connect in (True, False):
        c = caldav_revoke_failed_card("android", lang, need_connect)
        text = alltext(c)
        assert ("仍然有效" if lang == "zh" else "still works") in text
        assert ("/caldav Android" in text) == need_connect
        assert callbacks(c) == [{"a": REVOKE, "dev": "android", "l": lang}]
