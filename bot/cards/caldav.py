"""CalDAV cards: the settings for one device with the steps for it, the note for clients
that cannot do CalDAV, and the card after a revoke. Pure: data → card JSON. Sent only in
the person's private chat (the handler sees to that)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .base import button, card, md, row

# Devices Yue knows steps for; "other" is any CalDAV client. Outlook and Google Calendar
# cannot add a CalDAV account, so they get advice and no password.
DEVICES = ("iphone", "mac", "android", "thunderbird", "outlook", "google", "other")
NO_CALDAV = ("outlook", "google")
REVOKE = "caldav_revoke"

_S: dict[str, tuple[str, str]] = {
    "title": ("CalDAV 同步设置", "CalDAV settings"),
    "title_revoked": ("CalDAV 已撤销", "CalDAV revoked"),
    "name_iphone": ("iPhone / iPad", "iPhone / iPad"),
    "name_mac": ("Mac 日历", "macOS Calendar"),
    "name_android": ("Android（DAVx5）", "Android (DAVx5)"),
    "name_thunderbird": ("Thunderbird", "Thunderbird"),
    "name_outlook": ("Outlook", "Outlook"),
    "name_google": ("Google 日历", "Google Calendar"),
    "name_other": ("其他日历应用", "other calendar apps"),
    "server": ("服务器", "Server"),
    "user": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "warning": ("密码只发给你本人，请勿转发或截图分享。", "This password is for you only: don't forward or share it."),
    "again": ("这是之前为{device}生成的设置，没有重新生成（重新生成会让已连上的设备断开）。",
              "These are the settings made earlier for {device}; no new password was made (that would cut off "
              "the device already connected)."),
    "revoke": ("撤销这台设备", "Revoke this device"),
    "revoked": ("{device} 的 CalDAV 密码已作废，该设备将无法再同步。需要时再发 /caldav {hint} 获取新的设置。",
                "The CalDAV password for {device} no longer works; that device stops syncing. Send /caldav {hint} "
                "when you want new settings."),
    "revoke_connect": ("撤销需要先连接你的日历：发 /caldav {hint} 并按提示连接，然后再点「撤销这台设备」。密码目前仍然有效。",
                       "Revoking needs your calendar connection: send /caldav {hint}, connect when asked, then press "
                       "Revoke again. The password still works for now."),
    "revoke_failed": ("飞书暂时没有完成撤销，密码目前仍然有效。请稍后再点「撤销这台设备」。",
                      "Feishu did not complete the revoke; the password still works for now. Press Revoke again "
                      "in a moment."),
    "revoked_none": ("{device} 没有 Yue 保存的 CalDAV 设置，无需撤销。",
                     "There are no CalDAV settings from Yue for {device}; nothing to revoke."),
    "http": ("服务器地址是 http（演示环境没有 https）：请填完整地址（含 http:// 和端口）；若提示无法使用 SSL，选择继续。",
             "The server is plain http (the demo has no https): enter the full address with http:// and the port; "
             "if asked about SSL, choose to continue without it."),
    "other_hint": ("想看具体步骤？告诉我设备，例如 /caldav iPhone、/caldav Mac、/caldav Android、/caldav Thunderbird。",
                   "Want step-by-step help? Name the device: /caldav iPhone, /caldav Mac, /caldav Android, "
                   "/caldav Thunderbird."),
}

_STEPS: dict[str, tuple[str, str]] = {
    "iphone": ("1. 打开「设置」→「日历」（iOS 18 起：「设置」→「App」→「日历」）→「日历账户」→「添加账户」→「其他」→「添加 CalDAV 账户」\n"
               "2. 服务器、用户名、密码填下面的内容，描述可写「飞书」\n"
               "3. 点「下一步」，打开「日历」开关并存储；在「日历」App 里就能看到",
               "1. Open Settings → Calendar (iOS 18 and later: Settings → Apps → Calendar) → Calendar Accounts → "
               "Add Account → Other → Add CalDAV Account\n"
               "2. Enter the server, user name and password below; any description, e.g. \"Feishu\"\n"
               "3. Tap Next, keep Calendars switched on and Save; the calendars show in the Calendar app"),
    "mac": ("1. 打开「日历」App →「日历」菜单 →「设置…」→「账户」→ 左下角「+」\n"
            "2. 选「其他 CalDAV 账户…」，账户类型选「手动」\n"
            "3. 填写用户名、密码和服务器地址，点「登录」",
            "1. Open Calendar → Calendar menu → Settings… → Accounts → \"+\" at the bottom left\n"
            "2. Choose \"Other CalDAV Account…\", Account Type \"Manual\"\n"
            "3. Enter the user name, password and server address, then Sign In"),
    "android": ("1. 安装 DAVx5（Google Play 或 F-Droid）\n"
                "2. 打开 DAVx5 → 右下角「+」→「使用 URL 和用户名登录」\n"
                "3. 基础 URL 填服务器地址，再填用户名和密码 →「登录」→「创建账户」\n"
                "4. 勾选要同步的日历；手机自带的日历 App（包括 Google 日历）就会显示",
                "1. Install DAVx5 (Google Play or F-Droid)\n"
                "2. Open DAVx5 → \"+\" → \"Login with URL and user name\"\n"
                "3. Base URL = the server address, then the user name and password → Login → Create account\n"
                "4. Tick the calendars to sync; they show in the phone's calendar app (Google Calendar too)"),
    "thunderbird": ("1. 打开「日历」标签 → 左侧「新建日历…」→「在网络上」\n"
                    "2. 用户名填下面的用户名，位置填服务器地址 →「查找日历」\n"
                    "3. 提示时输入密码，勾选日历后点「订阅」",
                    "1. Open the Calendar tab → New Calendar… → On the Network\n"
                    "2. Username: the user name below; Location: the server address → Find Calendars\n"
                    "3. Enter the password when asked, tick the calendars and Subscribe"),
    "other": ("在日历应用里添加 CalDAV 账户，填入下面的服务器、用户名和密码。",
              "Add a CalDAV account in your calendar app with the server, user name and password below."),
    "outlook": ("Outlook（Windows、Mac、新版 Outlook 和网页版）本身不支持 CalDAV，无法直接添加这个日历。\n"
                "- Windows 上可以装免费开源插件 CalDav Synchronizer，然后发 /caldav 其他设备 获取设置填进插件\n"
                "- 或者在手机上用系统日历同步：/caldav iPhone 或 /caldav Android",
                "Outlook (Windows, Mac, the new Outlook and Outlook on the web) has no built-in CalDAV, so it cannot "
                "add this calendar by itself.\n"
                "- On Windows, the free open-source add-in CalDav Synchronizer can: install it, then send "
                "/caldav other device for the settings to enter there\n"
                "- Or sync to your phone's own calendar: /caldav iPhone or /caldav Android"),
    "google": ("Google 日历 App 不能添加 CalDAV 账户。\n"
               "- Android：装 DAVx5 同步后，Google 日历里就能看到 —— 发 /caldav Android 查看步骤\n"
               "- iPhone：用系统自带的「日历」—— 发 /caldav iPhone",
               "The Google Calendar app cannot add a CalDAV account.\n"
               "- Android: sync with DAVx5 and the calendars show in Google Calendar too: send /caldav Android\n"
               "- iPhone: use the built-in Calendar app: send /caldav iPhone"),
}

_HINT = {"iphone": "iPhone", "mac": "Mac", "android": "Android", "thunderbird": "Thunderbird",
         "outlook": "Outlook", "google": "Google", "other": ""}


def s(key: str, lang: str, **kw: str) -> str:
    zh, en = _S[key]
    return (en if lang == "en" else zh).format(**kw)


def device_name(device: str, lang: str) -> str:
    return s(f"name_{device if device in DEVICES else 'other'}", lang)


@dataclass(frozen=True)
class CaldavSettings:
    server: str
    username: str
    password: str = field(repr=False)
    shown_before: bool = False       # these were minted earlier and are shown again


def caldav_card(device: str, lang: str, conf: CaldavSettings | None = None) -> dict[str, Any]:
    """The settings for `device` with its steps (and a Revoke button), or, for a client that
    cannot do CalDAV (`conf` None), what to do instead."""
    device = device if device in DEVICES else "other"
    steps = _STEPS[device]
    elements = [md(steps[1] if lang == "en" else steps[0])]
    if conf is not None:
        if conf.shown_before:
            elements.append(md(s("again", lang, device=device_name(device, lang)), small=True))
        # Plain text, not markdown: a password must show exactly as issued.
        for label, value in ((s("server", lang), conf.server), (s("user", lang), conf.username),
                             (s("password", lang), conf.password)):
            elements.append({"tag": "div", "text": {"tag": "plain_text", "content": f"{label}: {value}"}})
        if conf.server.startswith("http://") and device in ("iphone", "mac"):
            elements.append(md(s("http", lang), small=True))
        elements.append(md(f"🔒 **{s('warning', lang)}**"))
        elements.append(row([button(s("revoke", lang), {"a": REVOKE, "dev": device, "l": lang}, "danger")]))
    if device == "other":
        elements.append(md(s("other_hint", lang), small=True))
    title = f"{s('title', lang)} · {device_name(device, lang)}"
    return card(title, "red" if conf is not None else "orange", elements, lang)


def caldav_revoked_card(device: str, lang: str, had_settings: bool = True) -> dict[str, Any]:
    name = device_name(device, lang)
    body = s("revoked", lang, device=name, hint=_HINT.get(device, "")) if had_settings \
        else s("revoked_none", lang, device=name)
    return card(s("title_revoked", lang), "grey", [md(body)], lang)


def caldav_revoke_failed_card(device: str, lang: str, need_connect: bool) -> dict[str, Any]:
    """Revoke did not happen: why, and the button to try again."""
    body = s("revoke_connect", lang, hint=_HINT.get(device, "")) if need_connect else s("revoke_failed", lang)
    return card(f"{s('title', lang)} · {device_name(device, lang)}", "orange",
                [md(body), row([button(s("revoke", lang), {"a": REVOKE, "dev": device, "l": lang}, "danger")])], lang)
