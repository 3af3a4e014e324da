"""Cards about the person's calendar itself: who can see it (and stopping that, with Undo),
the calendars they subscribe to (a pick card when several match a name, Feishu's limit in
plain words), and their Exchange link with its status as Feishu reports it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .base import button, card, esc, md, row
from .data import CANCEL, UNDO, value
from .format import fmt_hm, local
from .i18n import pick, t

UNSHARE, SUB_PICK = "unshare", "sub_pick"
ROLES = ("free_busy_reader", "reader", "writer", "owner")

_S: dict[str, tuple[str, str]] = {
    "title_acl": ("谁能看你的日历", "Who can see your calendar"),
    "acl_none": ("你的日历目前没有共享给任何人。", "Your calendar is not shared with anyone."),
    "acl_line": ("{name}：{role}", "{name}: {role}"),
    "title_unshare": ("停止共享日历？", "Stop sharing your calendar?"),
    "unshare_ask": ("{name} 将不能再看到你的日历（现在：{role}）。", "{name} will no longer see your calendar (now: {role})."),
    "btn_unshare": ("停止共享", "Stop sharing"),
    "title_unshared": ("已停止共享", "Sharing stopped"),
    "unshared": ("{name} 已不能再看到你的日历。", "{name} can no longer see your calendar."),
    "not_shared": ("{name} 本来就看不到你的日历，无需操作。", "{name} cannot see your calendar now, so there is nothing to stop."),
    "undo_until": ("{time} 前可以撤销", "Undo until {time}"),
    "what_unshare": ("停止与 {names} 共享日历", "stopping sharing your calendar with {names}"),
    "title_subs": ("你订阅的日历", "Calendars you subscribe to"),
    "subs_none": ("你还没有订阅其他日历。", "You do not subscribe to any other calendar."),
    "title_sub_pick": ("订阅哪个日历？", "Which calendar?"),
    "sub_pick": ("有多个日历叫「{name}」，请选择：", "Several calendars match “{name}”; pick one:"),
    "title_subscribed": ("已订阅日历", "Calendar subscribed"),
    "subscribed": ("已订阅「{name}」，它的日程会出现在你的日历里。", "Subscribed to “{name}”: its events now show in your calendar."),
    "title_unsubscribed": ("已退订日历", "Calendar unsubscribed"),
    "unsubscribed": ("已退订「{name}」。", "Unsubscribed from “{name}”."),
    "title_sub_none": ("没有找到日历", "No calendar found"),
    "sub_none": ("没有找到叫「{name}」的日历。请检查名称，或让日历的所有者把它设为公开。",
                 "No calendar called “{name}” was found. Check the name, or ask its owner to make it public."),
    "sub_not_yours": ("你没有订阅「{name}」，无需退订。", "You do not subscribe to “{name}”, so there is nothing to stop."),
    "sub_need_name": ("请告诉我日历的名称，例如：订阅「产品发布」日历。",
                      "Tell me the calendar's name, e.g. “subscribe me to the Holidays calendar”."),
    "title_sub_limit": ("订阅数量已达上限", "Subscription limit reached"),
    "sub_limit": ("你已经订阅了 1000 个日历，这是飞书允许的上限，所以没能订阅「{name}」。先退订一些不用的日历再试。",
                  "You already subscribe to 1,000 calendars, Feishu's limit, so “{name}” was not added. "
                  "Unsubscribe from some you no longer use, then try again."),
    "title_sub_refused": ("无法订阅", "Cannot subscribe"),
    "sub_refused": ("「{name}」是私密日历或不属于本企业，不能订阅。", "“{name}” is private or belongs to another company, so it cannot be subscribed to."),
    "title_exchange": ("Exchange 账号", "Exchange account"),
    "ex_doing": ("正在绑定 {account}：飞书正在连接账号…", "Linking {account}: Feishu is connecting to the account…"),
    "ex_cal_done": ("正在绑定 {account}：日历已同步，正在同步日程…", "Linking {account}: calendars synced, syncing events…"),
    "ex_timespan_done": ("正在绑定 {account}：日程已同步，正在收尾…", "Linking {account}: events synced, finishing…"),
    "ex_done": ("✅ {account} 已绑定，Exchange 日程会同步到飞书日历。", "✅ {account} is linked: its events sync into your Feishu calendar."),
    "ex_err": ("❌ 绑定 {account} 失败（飞书报告 err）。请检查账号是否正确，或联系管理员。",
               "❌ Linking {account} failed (Feishu reports err). Check the address or ask your admin."),
    "ex_none": ("你还没有通过约绑定 Exchange 账号。发送“绑定我的 Exchange 账号 x@corp.com”即可绑定。",
                "You have not linked an Exchange account through Yue. Send “link my Exchange account x@corp.com”."),
    "ex_need_account": ("请告诉我要绑定的 Exchange 邮箱，例如：绑定我的 Exchange 账号 x@corp.com",
                        "Tell me the Exchange address, e.g. “link my Exchange account x@corp.com”."),
    "ex_unbound": ("已解绑 {account}。", "{account} is unlinked."),
    "ex_status": ("状态：{status}", "Status: {status}"),
}


def s(key: str, lang: str, **kw: str) -> str:
    return pick(_S, key, lang, **kw)


def role_text(role: str, lang: str) -> str:
    return t(f"role_{role}", lang) if role in ROLES else esc(role)


@dataclass(frozen=True)
class Shared:
    name: str
    role: str


@dataclass(frozen=True)
class Cal:
    calendar_id: str
    name: str
    description: str = ""


def acl_list_card(shared: list[Shared], lang: str) -> dict[str, Any]:
    if not shared:
        return card(s("title_acl", lang), "blue", [md(s("acl_none", lang))], lang)
    lines = [f"• {s('acl_line', lang, name=esc(x.name), role=role_text(x.role, lang))}" for x in shared]
    return card(s("title_acl", lang), "blue", [md("\n".join(lines))], lang)


def unshare_ask_card(draft_id: str, shared: list[Shared], lang: str) -> dict[str, Any]:
    lines = [s("unshare_ask", lang, name=esc(x.name), role=role_text(x.role, lang)) for x in shared]
    return card(s("title_unshare", lang), "orange",
                [md("\n".join(lines)), row([button(s("btn_unshare", lang), value(UNSHARE, draft_id), "danger"),
                                            button(t("btn_cancel", lang), value(CANCEL, draft_id))])], lang)


def unshared_card(draft_id: str, names: list[str], lang: str, now: dt.datetime, tz: str,
                  undo_until: dt.datetime | None) -> dict[str, Any]:
    elements = [md("\n".join(s("unshared", lang, name=esc(n)) for n in names))]
    if undo_until is not None and now < undo_until:
        elements += [md(s("undo_until", lang, time=fmt_hm(local(undo_until, tz))), small=True),
                     row([button(t("btn_undo", lang), value(UNDO, draft_id))])]
    return card(s("title_unshared", lang), "grey", elements, lang)


def note_card(title_key: str, key: str, lang: str, template: str = "orange", **kw: str) -> dict[str, Any]:
    """A one-line answer (nothing to do, not found, a refusal) from this module's strings."""
    return card(s(title_key, lang), template, [md(s(key, lang, **{k: esc(v) for k, v in kw.items()}))], lang)


def subscriptions_card(cals: list[Cal], lang: str) -> dict[str, Any]:
    if not cals:
        return card(s("title_subs", lang), "blue", [md(s("subs_none", lang))], lang)
    return card(s("title_subs", lang), "blue", [md("\n".join(f"• {esc(c.name)}" for c in cals))], lang)


def sub_pick_card(draft_id: str, name: str, cals: list[Cal], lang: str) -> dict[str, Any]:
    elements = [md(s("sub_pick", lang, name=esc(name)))]
    for i, c in enumerate(cals):
        label = c.name if not c.description else f"{c.name} · {c.description[:40]}"
        elements.append(row([button(label[:80], value(SUB_PICK, draft_id, i=i))]))
    return card(s("title_sub_pick", lang), "blue", elements, lang)


def exchange_card(account: str, status: str, lang: str) -> dict[str, Any]:
    """The binding as Feishu reports it; the card is patched as the status moves on."""
    key = f"ex_{status}" if f"ex_{status}" in _S else None
    body = s(key, lang, account=esc(account)) if key else s("ex_status", lang, status=esc(status))
    template = {"done": "green", "err": "red"}.get(status, "blue")
    return card(s("title_exchange", lang), template, [md(body)], lang)
